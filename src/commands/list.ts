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
  const listing = listMachines(await loadFromOptions(opts));
  if (opts.format === 'json') {
    io.out(toJsonText(listing));
    return EXIT.ok;
  }
  const c = io.color;
  const width = Math.max(...listing.map((m) => m.name.length));
  const aliasWidth = Math.max(5, ...listing.map((m) => (m.alias ?? '').length));
  io.out(c.bold(`${'MACHINE'.padEnd(width)}  ${'ALIAS'.padEnd(aliasWidth)}  COMPAT  NOTES`) + '\n');
  for (const m of listing) {
    const notes = [m.isDefault ? c.green('default') : '', m.deprecated ? c.yellow('deprecated') : ''].filter(Boolean).join(', ');
    io.out(`${m.name.padEnd(width)}  ${(m.alias ?? '').padEnd(aliasWidth)}  ${String(m.compatProps.length).padStart(6)}  ${notes}`.trimEnd() + '\n');
  }
  return EXIT.ok;
}
