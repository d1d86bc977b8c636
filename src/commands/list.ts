/** `qom-compat list`: machine types, newest first per family. */
import type { CliIo, OutputFormat } from '../cli/io.js';
import { EXIT } from '../errors.js';
import type { Definitions } from '../load/loader.js';
import { sortMachinesForListing } from '../model/machines.js';
import { loadFromOptions, toJsonText, type DefinitionOptions } from './common.js';

export interface MachineListing {
  name: string;
  alias: string | null;
  isDefault: boolean;
  deprecated: boolean;
  compatProps: Array<{ driver: string; property: string; value: string; optional: boolean }>;
}

export function listMachines(defs: Definitions): MachineListing[] {
  return sortMachinesForListing(defs.machines.all()).map((m) => ({
    name: m.name,
    alias: m.alias,
    isDefault: m.isDefault,
    deprecated: m.deprecated,
    compatProps: defs.machines.compatProps(m.name).map((e) => ({ driver: e.driver, property: e.property, value: e.value, optional: e.optional })),
  }));
}

export async function runList(opts: DefinitionOptions & { format: OutputFormat }, io: CliIo): Promise<number> {
  const defs = await loadFromOptions(opts);
  if (opts.format === 'json') {
    io.out(toJsonText(listMachines(defs)));
    return EXIT.ok;
  }
  // The table shows only how many entries each list has: counted, not built (see compatCount).
  const machines = sortMachinesForListing(defs.machines.all());
  const c = io.color;
  // A reduce, not Math.max(...): spreading a hostile file's 200 000 machines overflows the stack.
  const width = machines.reduce((w, m) => Math.max(w, m.name.length), 0);
  const aliasWidth = machines.reduce((w, m) => Math.max(w, (m.alias ?? '').length), 5);
  io.out(c.bold(`${'MACHINE'.padEnd(width)}  ${'ALIAS'.padEnd(aliasWidth)}  COMPAT  NOTES`) + '\n');
  for (const m of machines) {
    const notes = [m.isDefault ? c.green('default') : '', m.deprecated ? c.yellow('deprecated') : ''].filter(Boolean).join(', ');
    io.out(`${m.name.padEnd(width)}  ${(m.alias ?? '').padEnd(aliasWidth)}  ${String(defs.machines.compatCount(m.name)).padStart(6)}  ${notes}`.trimEnd() + '\n');
  }
  return EXIT.ok;
}
