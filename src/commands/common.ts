/** Pieces every command shares: loading definitions and finding a machine. */
import { loadDefinitionsFromDisk } from '../load/fs.js';
import type { Definitions } from '../load/loader.js';
import type { Machine } from '../model/machines.js';
import { findMachine as findMachineIn } from '../model/find.js';
import { stringifyExactJson } from '../qemu/json-exact.js';
import { UsageError } from '../errors.js';

export interface DefinitionOptions { defs?: string; arch?: string }

export function loadFromOptions(opts: DefinitionOptions): Promise<Definitions> {
  return loadDefinitionsFromDisk(opts.defs ? { dir: opts.defs } : { arch: opts.arch ?? 'x86_64' });
}

/** The machine as users write it, or UnknownNameError with close matches (exit 2). */
export function findMachine(defs: Definitions, name: string): Machine {
  return findMachineIn(defs.machines, name);
}

export function toJsonText(value: unknown): string {
  try {
    return stringifyExactJson(value, 2) + '\n';
  } catch (e) {
    // Past V8's longest string (~512 MB): only absurd definitions get there (a 3000-version chain
    // lists 4.5 million flattened entries). Say so rather than crash.
    if (e instanceof RangeError) throw new UsageError(`the JSON output would be larger than this tool can write (${e.message}); the definitions are too large for --format json`);
    throw e;
  }
}
