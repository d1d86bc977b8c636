/** `qom-compat import --qemu <binary>`: writes definitions learned from a real QEMU. */
import type { CliIo } from '../cli/io.js';
import { EXIT, UsageError } from '../errors.js';
import { importDefinitions } from '../import/importer.js';

export async function runImport(opts: { qemu: string; out: string; machines?: string }, io: CliIo): Promise<number> {
  let filter: ((n: string) => boolean) | undefined;
  if (opts.machines) {
    let re: RegExp;
    try { re = new RegExp(opts.machines); } catch (e) { throw new UsageError(`--machines: ${(e as Error).message}`); }
    filter = (n) => re.test(n);
  }
  const started = Date.now();
  const progress = (msg: string) => io.err(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${msg}\n`);
  const r = await importDefinitions({ binary: opts.qemu, outRoot: opts.out, progress, ...(filter ? { machineFilter: filter } : {}) });
  io.out(`wrote ${r.dir}: ${r.machines} machines, ${r.types} types, ${r.layouts} board layouts (QEMU ${r.version}, ${r.seconds.toFixed(1)} s)\n`);
  return EXIT.ok;
}
