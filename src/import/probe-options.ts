/**
 * The binary's command-line option table (system/vl.c qemu_options), learned
 * without reading QEMU's source:
 *
 * - names: every `-NAME` that heads a line of `-help` (which prints only the
 *   options available for this target), every help-text head found among
 *   the binary's strings (the help of other targets' options is compiled in
 *   too) and every one-letter name (aliases such as -M have no help text of
 *   their own), each confirmed by asking the binary. Not found this way:
 *   options without any help text under a longer name (QEMU 10.0's test-only
 *   -qtest and -qtest-log);
 * - whether an option takes an argument: `-version -NAME` exits 0 for an
 *   option without one (the first option pass only looks names up, the second
 *   stops at -version) and says `-NAME: requires an argument` for one with;
 *   an unknown name says `-NAME: invalid option`;
 * - the parameters of the QemuOpts-based options: QMP query-command-line-options.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { QemuProbeError } from '../errors.js';
import type { OptionTableFile, OptionDef, OptsListDef } from '../load/schema.js';
import { QmpSession, track } from '../qemu/qmp.js';
import { mapLimit } from './probe-qemu.js';
import type { ProbeContext } from './probes.js';

interface RunResult { code: number | null; stdout: string; stderr: string }

function run(binary: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    // A hang is a probe failure, not a wait: every run here exits at once.
    track(execFile(binary, args, { timeout: 10_000, killSignal: 'SIGKILL', maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    }));
  });
}

/** `-fda/-fdb file`, `-h or -help`, `--preconfig`: the option names a help line starts with. */
export function helpLineNames(line: string): string[] {
  const head = /^(--?[A-Za-z][\w-]*(?:(?:\/| or )--?[A-Za-z][\w-]*)*)/.exec(line);
  if (!head) return [];
  return head[1]!.split(/\/| or /).map((n) => n.replace(/^--?/, ''));
}

/** The synopsis of each option in `-help`: its first help line, continuation lines dropped. */
export function parseHelp(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    for (const name of helpLineNames(line)) if (!out.has(name)) out.set(name, line.trimEnd());
  }
  return out;
}

/** Heads of help texts compiled into the binary (other targets' options included). */
async function binaryHelpHeads(binary: string): Promise<string[]> {
  const bytes = await readFile(binary);
  const names = new Set<string>();
  // A help text starts a C string: a NUL, then `-name` followed by a space, newline or NUL.
  const re = /\0--?([a-z][a-z0-9_-]*)[ \n\0]/g;
  const text = bytes.toString('latin1');
  for (let m = re.exec(text); m; m = re.exec(text)) names.add(m[1]!);
  return [...names];
}

type Probe = 'no-arg' | 'arg' | 'invalid';

export function classifyProbe(name: string, r: RunResult): Probe {
  if (r.code === 0 && /QEMU emulator version/.test(r.stdout)) return 'no-arg';
  if (r.stderr.includes(`-${name}: requires an argument`)) return 'arg';
  if (r.stderr.includes(`-${name}: invalid option`)) return 'invalid';
  throw new QemuProbeError(`-version -${name}: unexpected answer (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
}

export async function probeOptionTable(ctx: ProbeContext, version: string, arch: string): Promise<OptionTableFile> {
  ctx.progress('learning the command-line option table (-help, -version -NAME, query-command-line-options)');
  const help = await run(ctx.binary, ['-help']);
  if (help.code !== 0) throw new QemuProbeError(`${ctx.binary} -help exited ${help.code}: ${help.stderr.trim()}`);
  const synopsis = parseHelp(help.stdout);
  const letters = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'];
  const heads = new Set(await binaryHelpHeads(ctx.binary));
  const candidates = [...new Set([...synopsis.keys(), ...heads, ...letters])].sort();
  const answers = await mapLimit(candidates, 4, async (name) => [name, classifyProbe(name, await run(ctx.binary, ['-version', `-${name}`]))] as const);
  const options: OptionDef[] = [];
  for (const [name, probe] of answers) {
    if (probe === 'invalid') {
      if (synopsis.has(name)) throw new QemuProbeError(`-help lists -${name} but the binary calls it an invalid option`);
      continue;
    }
    const target = synopsis.has(name) || (!heads.has(name) && await hiddenOptionIsForTarget(ctx.binary, name, probe === 'arg'));
    options.push({ name, hasArg: probe === 'arg', target, ...(synopsis.has(name) ? { help: synopsis.get(name)! } : {}) });
  }
  ctx.progress(`  ${options.length} options (${options.filter((o) => o.target).length} for ${arch})`);
  return { arch, qemuVersion: version, options, optsLists: await queryOptsLists(ctx.binary) };
}

/**
 * An option without help text of its own (an alias such as -M): -help cannot
 * say whether it is for this target, so the second option pass is asked.
 * `-NAME x -version` reaches -version unless the option is for another target.
 */
async function hiddenOptionIsForTarget(binary: string, name: string, hasArg: boolean): Promise<boolean> {
  const r = await run(binary, [`-${name}`, ...(hasArg ? ['x'] : []), '-version']);
  return !r.stderr.includes('Option not supported for this target');
}

async function queryOptsLists(binary: string): Promise<OptsListDef[]> {
  const qmp = await QmpSession.start(binary, ['-M', 'none', '-nodefaults']);
  try {
    const lists = (await qmp.execute('query-command-line-options')) as Array<{ option: string; parameters: Array<{ name: string; type: string }> }>;
    return lists
      .map((l) => ({ name: l.option, parameters: l.parameters.map((p) => ({ name: p.name, type: p.type })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  } finally {
    await qmp.quit();
  }
}
