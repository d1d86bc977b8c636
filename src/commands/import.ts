/** `qom-compat import --qemu <binary>`: writes definitions learned from a real QEMU. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import type { CliIo } from '../cli/io.js';
import { EXIT, QemuProbeError, UsageError } from '../errors.js';
import { importDefinitions } from '../import/importer.js';
import { killRunningQemus, QemuExitedError, QmpError, QmpProtocolError } from '../qemu/qmp.js';
import { DeriveError } from '../import/derive-machines.js';
import { MachineModelError } from '../model/machines.js';

/** A name filter from a --machines/--devices regular expression; undefined without one. */
function nameFilter(option: string, source: string | undefined): ((n: string) => boolean) | undefined {
  if (!source) return undefined;
  let re: RegExp;
  try { re = new RegExp(source); } catch (e) { throw new UsageError(`${option}: ${(e as Error).message}`); }
  return (n) => re.test(n);
}

export async function runImport(opts: { qemu: string; out: string; machines?: string; devices?: string; cpuModels?: boolean; kvm?: boolean }, io: CliIo): Promise<number> {
  const filter = nameFilter('--machines', opts.machines);
  const deviceFilter = nameFilter('--devices', opts.devices);
  // The probes' QEMUs run in a scratch directory: an object probed with a placeholder for a required
  // parameter (memory-backend-file mem-path=1) creates its file where QEMU runs, not in the user's tree.
  const scratch = mkdtempSync(join(tmpdir(), 'qom-compat-import-'));
  const home = process.cwd();
  const absolute = { qemu: opts.qemu.includes('/') ? resolvePath(opts.qemu) : opts.qemu, out: resolvePath(opts.out) };
  process.chdir(scratch);
  const leaveScratch = () => {
    process.chdir(home);
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    return await importInScratch({ ...opts, ...absolute }, io, filter, deviceFilter, leaveScratch);
  } finally {
    leaveScratch();
  }
}

async function importInScratch(
  opts: { qemu: string; out: string; machines?: string; devices?: string; cpuModels?: boolean; kvm?: boolean }, io: CliIo,
  filter: ((n: string) => boolean) | undefined, deviceFilter: ((n: string) => boolean) | undefined, leaveScratch: () => void,
): Promise<number> {
  const started = Date.now();
  const progress = (msg: string) => io.err(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${msg}\n`);
  // Ctrl-C or a kill must not leave QEMU processes behind (re-parented to init), nor files half written
  // (each file is written atomically, at the end): kill the QEMUs this import started, then exit.
  // Once interrupted, the import's own end (a probe failing because its QEMU was just killed) must not
  // decide the exit status: it waits for the handler, which exits with the signal's status.
  const stop: { exiting?: Promise<void> } = {};
  const interrupted = (signal: NodeJS.Signals) => {
    stop.exiting ??= killRunningQemus().then((n) => {
      io.err(`qom-compat: import interrupted (${signal}); stopped ${n} QEMU process${n === 1 ? '' : 'es'}; nothing written\n`);
      leaveScratch();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  let r: Awaited<ReturnType<typeof importDefinitions>>;
  try {
    r = await importDefinitions({
      binary: opts.qemu, outRoot: opts.out, progress, ...(filter ? { machineFilter: filter } : {}), ...(deviceFilter ? { deviceFilter } : {}),
      ...(opts.cpuModels ? { cpuModels: true } : {}), ...(opts.kvm !== undefined ? { kvm: opts.kvm } : {}),
      ...(opts.machines || opts.devices ? { coverage: { ...(opts.machines ? { machines: opts.machines } : {}), ...(opts.devices ? { devices: opts.devices } : {}) } } : {}),
    });
  } catch (e) {
    if (stop.exiting) await stop.exiting;
    throw asProbeError(opts.qemu, e);
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
  if (stop.exiting) await stop.exiting;
  io.out(`${importSummary(r)}\n`);
  return EXIT.ok;
}

/** The closing line: what was written and, for a partial import, what it covers and what it leaves out. */
export function importSummary(r: Awaited<ReturnType<typeof importDefinitions>>): string {
  const kvm = r.kvmBoards ? `, ${r.kvmBoards} also under KVM` : ', none under KVM';
  let out = `wrote ${r.dir}: ${r.machines} machines, ${r.types} types, ${r.layouts} board layouts (boards of ${r.boards} machines${kvm}; QEMU ${r.version}, ${r.seconds.toFixed(1)} s)`;
  if (r.coverage?.machines !== undefined) {
    out += `\npartial import: --machines '${r.coverage.machines}' probed the boards of ${r.boards} of the ${r.machines} machines; `
      + `resolve refuses the other ${r.machines - r.boards} (no board layout, exit 4)`;
  }
  if (r.coverage?.devices !== undefined) out += `\npartial import: --devices '${r.coverage.devices}': only those types have lone -device/-object records`;
  return out;
}

/**
 * A binary that says it is QEMU but does not behave like one (no QMP greeting,
 * an answer the import cannot use) is the binary's problem, reported as such
 * (exit 3), not as a crash of the tool.
 */
function asProbeError(binary: string, e: unknown): unknown {
  if (e instanceof QemuExitedError) {
    const how = e.result.signal ? `was killed (${e.result.signal})` : `exited with status ${e.result.code}`;
    const said = e.result.stderr.trim().split('\n').slice(-3).join(' / ');
    return new QemuProbeError(`${binary} ${how} before answering QMP${said ? `: ${said}` : ''}`);
  }
  if (e instanceof QmpError || e instanceof QmpProtocolError) return new QemuProbeError(`${binary}: QMP ${e.message}`);
  // Answers the import cannot make sense of: machines whose chains do not close, compat lists that
  // do not rebuild, or a reply of another shape than QEMU's (a number where QEMU gives a list: the
  // TypeError of reading it). The import reads nothing else, so these are the binary's, not ours.
  if (e instanceof MachineModelError || e instanceof DeriveError) return new QemuProbeError(`${binary}: ${e.message}`);
  if (e instanceof TypeError || e instanceof RangeError) return new QemuProbeError(`${binary}: an answer is not shaped as QEMU's (${e.message})`);
  return e;
}
