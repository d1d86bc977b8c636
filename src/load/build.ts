/**
 * Builds the model from definition data that has already been validated.
 * Free of zod, so the CLI's fast path never loads it.
 */
import { DefinitionError } from '../errors.js';
import { MachineModel, MachineModelError } from '../model/machines.js';
import { TypeModel } from '../model/types.js';
import type { TextStore } from '../model/text-store.js';
import { BoardModelError, linkBoards, type LinkedBoards, type LoneRecord, type Lookup } from '../model/boards.js';
import type { AccelCompatFile, BoardsFile, CompatEntryDef, MachinesFile, TypesFile } from './schema.js';

export interface AccelCompat { readonly name: string; readonly type: string; readonly origin: string; readonly compat: readonly CompatEntryDef[] }

export interface Definitions {
  readonly arch: string;
  readonly qemuVersion: string | null;
  readonly machines: MachineModel;
  readonly types: TypeModel;
  readonly accelCompat: readonly AccelCompat[];
  /** What QEMU shows on a lone -device, -object or -cpu model: recordKey(option, type, host bridge type) → path below it → record. */
  readonly devices: Lookup<LoneRecord>;
}

/** Contents of one architecture's definition directory, by file name. */
export interface DefinitionSources {
  /** Directory the files came from, for messages. */
  readonly dir: string;
  readonly files: ReadonlyMap<string, string>;
}

export interface ValidatedFiles { machines: MachinesFile; types: TypesFile; boards: BoardsFile; accel: AccelCompatFile }

/** `store`: board records and what each type declares wait there as JSON text until used (for the start-up snapshot; see linkBoards, TypeModel). */
export function buildDefinitions(dir: string, files: ValidatedFiles, opts: { store?: TextStore } = {}): Definitions {
  let boards: LinkedBoards;
  try {
    boards = linkBoards(files.boards, opts);
  } catch (e) {
    if (e instanceof BoardModelError) throw new DefinitionError('boards', { file: `${dir}/boards.json` }, e.message);
    throw e;
  }
  let machines: MachineModel;
  try {
    machines = new MachineModel(files.machines, boards.layouts, boards.accelBoards, boards.machinesCovered, boards.variantBoards);
  } catch (e) {
    if (e instanceof MachineModelError) throw new DefinitionError('machines', { file: `${dir}/machines.json` }, e.message);
    throw e;
  }
  return {
    arch: files.machines.arch,
    qemuVersion: files.machines.qemu?.version ?? null,
    machines,
    types: new TypeModel(files.types.types, opts),
    accelCompat: files.accel.accelerators,
    devices: boards.devices,
  };
}

/** The text of a required file, or DefinitionError('missing-file'). */
export function sourceText(src: DefinitionSources, name: string): string {
  const t = src.files.get(name);
  if (t === undefined) throw new DefinitionError('missing-file', { file: `${src.dir}/${name}` }, 'definition file is missing');
  return t;
}
