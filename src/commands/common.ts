/** Pieces every command shares: loading definitions and finding a machine. */
import { loadDefinitionsFromDisk } from '../load/fs.js';
import type { Definitions } from '../load/loader.js';
import type { Machine } from '../model/machines.js';
import { findMachine as findMachineIn } from '../model/find.js';
import { stringifyExactJson } from '../qemu/json-exact.js';

export interface DefinitionOptions { defs?: string; arch?: string }

export function loadFromOptions(opts: DefinitionOptions): Promise<Definitions> {
  return loadDefinitionsFromDisk(opts.defs ? { dir: opts.defs } : { arch: opts.arch ?? 'x86_64' });
}

/** The machine as users write it, or UnknownNameError with close matches (exit 2). */
export function findMachine(defs: Definitions, name: string): Machine {
  return findMachineIn(defs.machines, name);
}

export function toJsonText(value: unknown): string {
  return stringifyExactJson(value, 2) + '\n';
}
