/**
 * The QEMU command line of resolve/explain: argv words and `--args-file`
 * (a file or stdin, pasted as found), parsed with the binary's option table
 * into a resolve request, and the listing of options resolve does not apply.
 */
import { readTextBounded, TooLargeError } from '../util/read-bounded.js';
import type { CliIo } from '../cli/io.js';
import { EXIT, UsageError } from '../errors.js';
import { toJsonText } from './common.js';
import type { ListedOption, QemuCommandLine } from '../parse/command-line.js';
import { parseQemuCommandLine } from '../parse/command-line.js';
import type { OptionTable } from '../parse/option-table.js';
import { isEnvWord, isProgramWord, programTarget } from '../parse/qemu-argv.js';
import { ShellSyntaxError, splitShellWords } from '../parse/shell-words.js';
import type { ResolveRequest } from '../resolve/resolve.js';
import { memoryProperty } from '../parse/memory-option.js';
import type { CompatModelName } from '../resolve/result.js';

/** Words of `--args-file FILE|-`, split as a shell would (quotes, backslash-newline). */
export function argsFileWords(file: string): string[] {
  let text: string;
  try {
    text = readTextBounded(file === '-' ? 0 : file);
  } catch (e) {
    if (e instanceof TooLargeError) throw new UsageError(`--args-file ${file}: ${e.message}: not a command line`);
    throw new UsageError(`--args-file ${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return splitShellWords(text);
  } catch (e) {
    if (e instanceof ShellSyntaxError) throw new UsageError(`${file === '-' ? '(stdin)' : file}:${e.message}`);
    throw e;
  }
}

/** -readconfig files: read when present here, else assumed (the line's host has them); one that never ends (/dev/zero) is refused. */
function readIfPresent(path: string): string | undefined {
  try {
    return readTextBounded(path);
  } catch (e) {
    if (e instanceof TooLargeError) throw new UsageError(`-readconfig ${path}: ${e.message}: not a QEMU config file`);
    return undefined;
  }
}

/** A parsed line, or QEMU's refusal of it; with the name QEMU would prefix its messages with. */
export type QemuLine = ({ ok: true; line: QemuCommandLine } | { ok: false; error: string }) & { prog: string };

export function readQemuLine(words: readonly string[], argsFile: string | undefined, table: OptionTable): QemuLine {
  const all = [...(argsFile !== undefined ? argsFileWords(argsFile) : []), ...words];
  const prog = qemuProgName(all, table.arch);
  const parsed = { ...parseQemuCommandLine(all, table, { readFile: readIfPresent }), prog };
  if (!parsed.ok) return parsed;
  const target = parsed.line.program !== undefined ? programTarget(parsed.line.program) : undefined;
  if (target !== undefined && target !== table.arch) {
    throw new UsageError(`the command line runs ${parsed.line.program}, but the definitions are for ${table.arch} (--arch, --defs)`);
  }
  return parsed;
}

export function toRequest(line: QemuCommandLine, model: CompatModelName | undefined, defaultMachine: string | undefined): ResolveRequest {
  return {
    machine: line.machine ?? defaultMachine ?? 'pc',
    ...(line.accel !== undefined ? { accel: line.accel } : {}),
    ...(line.cpu !== undefined ? { cpu: line.cpu } : {}),
    nodefaults: line.nodefaults,
    options: line.options,
    machineProps: line.machineProps,
    ...(line.memory ? { memory: memoryProperty(line.memory) } : {}),
    ...(line.smp ? { smp: line.smp } : {}),
    ...(line.boot ? { boot: line.boot } : {}),
    ...(line.numa ? { numa: line.numa } : {}),
    backends: line.backends,
    ...(line.unknownBusesAssumed ? { unknownBusesAssumed: true } : {}),
    ...(line.legacyNetwork ? { legacyNetwork: true } : {}),
    ...(line.sugar.length ? { sugar: line.sugar } : {}),
    ...(line.accelConflict ? { accelError: 'The -accel and "-machine accel=" options are incompatible' } : {}),
    ...(model ? { model } : {}),
  };
}

/** What the command line does beyond what resolve applied, grouped for output. */
export interface CommandLineNotes {
  program?: string;
  /** The downstream QEMU the line was written for (Proxmox VE). */
  dialect?: string;
  /** Options whose effect on objects the answer does not include. */
  notModelled: string[];
  /** -machine properties: checked and accepted, their effect on the board not modelled. */
  machineProperties: string[];
  /** The -machine setting whose probed board the answer shows (acpi=off). */
  board?: string;
  /** Options that set no QOM property. */
  noProperty: string[];
  /** Host-side backends, assumed present on the host. */
  backends: string[];
  /** Where the answer rests on an assumption about the host. */
  assumptions: string[];
}

export function commandLineNotes(line: QemuCommandLine, resolved?: { assumptions?: string[]; boardVariant?: string }): CommandLineNotes {
  const of = (effect: ListedOption['effect']) => line.listed.filter((o) => o.effect === effect).map((o) => o.text);
  const assumptions: string[] = [
    ...(line.dialect !== undefined ? [`a ${line.dialect} command line: answered for the upstream QEMU the definitions were imported from`] : []),
    ...line.assumptions,
    ...(resolved?.assumptions ?? []),
  ];
  const boardKeys = new Set((resolved?.boardVariant ?? '').split(',').map((s) => s.split('=')[0]!));
  if (line.cpu !== undefined && /^(host|max)\b/.test(line.cpu)) {
    assumptions.push(`-cpu ${line.cpu}: the host CPU's features are not known to the tool`);
  }
  return {
    ...(line.program !== undefined ? { program: line.program } : {}),
    ...(line.dialect !== undefined ? { dialect: line.dialect } : {}),
    notModelled: of('not-modelled'),
    // The setting whose board was probed is modelled: the answer's board is QEMU's with it.
    machineProperties: line.machineProps.filter(([k]) => !boardKeys.has(k)).map(([k, v]) => `${k}=${v}`),
    ...(resolved?.boardVariant ? { board: `-machine ${resolved.boardVariant}: the board QEMU creates with ${boardKeys.size > 1 ? 'these settings' : 'this setting'} (probed at import)` } : {}),
    noProperty: of('no-property'),
    backends: of('backend'),
    assumptions,
  };
}

/**
 * QEMU's refusal of the command line itself (an unknown option, bad syntax),
 * before any machine exists: the message (and, for JSON output, the document
 * saying so); the exit code of a refusal.
 */
export function reportRefusedLine(error: string, json: boolean, io: CliIo, prog: string): number {
  if (json) io.out(toJsonText({ error, outcome: 'refused' }));
  io.err(qemuErrorLine(prog, error, io));
  return EXIT.refused;
}

/**
 * The name QEMU puts before its messages (error_get_progname(): the last
 * component of argv[0]): the pasted line's program (`kvm` for /usr/bin/kvm),
 * else `qemu-system-<arch>`.
 */
export function qemuProgName(words: readonly string[], arch: string): string {
  let i = 0;
  while (i < words.length && isEnvWord(words[i]!)) i++;
  const first = words[i];
  if (first !== undefined && isProgramWord(first)) return first.slice(first.lastIndexOf('/') + 1);
  return `qemu-system-${arch}`;
}

/** A refusal QEMU would print, as it prints it: `qemu-system-x86_64: <QEMU's text>`. */
export function qemuErrorLine(prog: string, error: string, io: CliIo): string {
  return `${io.color.red(`${prog}:`)} ${error}\n`;
}

/**
 * A warning QEMU would print, as it prints it: `PROG: warning: TEXT`, or with
 * a location `PROG: -global a.b: warning: TEXT` (the resolver keeps the
 * location and drops the word, see stripWarning).
 */
export function qemuWarningLine(prog: string, warning: string, io: CliIo): string {
  const loc = /^-\w+ .*?: /s.exec(warning)?.[0] ?? '';
  return `${io.color.yellow(`${prog}:`)} ${loc}${io.color.yellow('warning:')} ${warning.slice(loc.length)}\n`;
}
