/** `qom-compat import --qemu <binary>`: writes definitions learned from a real QEMU. */
import type { CliIo } from '../cli/io.js';
import { EXIT, UsageError } from '../errors.js';
import { importDefinitions } from '../import/importer.js';

/** A name filter from a --machines/--devices regular expression; undefined without one. */
function nameFilter(option: string, source: string | undefined): ((n: string) => boolean) | undefined {
  if (!source) return undefined;
  let re: RegExp;
  try { re = new RegExp(source); } catch (e) { throw new UsageError(`${option}: ${(e as Error).message}`); }
  return (n) => re.test(n);
}

export async function runImport(opts: { qemu: string; out: string; machines?: string; devices?: string; cpuModels?: boolean }, io: CliIo): Promise<number> {
  const filter = nameFilter('--machines', opts.machines);
  const deviceFilter = nameFilter('--devices', opts.devices);
  const started = Date.now();
  const progress = (msg: string) => io.err(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${msg}\n`);
  const r = await importDefinitions({
    binary: opts.qemu, outRoot: opts.out, progress, ...(filter ? { machineFilter: filter } : {}), ...(deviceFilter ? { deviceFilter } : {}),
    ...(opts.cpuModels ? { cpuModels: true } : {}),
  });
  io.out(`wrote ${r.dir}: ${r.machines} machines, ${r.types} types, ${r.layouts} board layouts (QEMU ${r.version}, ${r.seconds.toFixed(1)} s)\n`);
  return EXIT.ok;
}
