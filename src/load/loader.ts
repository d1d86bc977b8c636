/**
 * Loads definition files (parse + validate) into the model. Pure: callers hand
 * in file contents; load/fs.ts reads them from disk.
 */
import { toJSONSchema, type z } from 'zod';
import { compileJsonSchema } from './fast-validate.js';
import { DefinitionError } from '../errors.js';
import { MachineModel, MachineModelError } from '../model/machines.js';
import { TypeModel } from '../model/types.js';
import { formatJsonPath, parseJson, PositionedJson } from './json.js';
import {
  AccelCompatFileSchema, BoardsFileSchema, MachinesFileSchema, TypesFileSchema,
  type AccelCompatFile, type BoardLayoutDef, type CompatEntryDef,
} from './schema.js';

/** Contents of one architecture's definition directory, by file name. */
export interface DefinitionSources {
  /** Directory the files came from, for messages. */
  readonly dir: string;
  readonly files: ReadonlyMap<string, string>;
}

export interface AccelCompat { readonly name: string; readonly type: string; readonly origin: string; readonly compat: readonly CompatEntryDef[] }

export interface Definitions {
  readonly arch: string;
  readonly qemuVersion: string | null;
  readonly machines: MachineModel;
  readonly types: TypeModel;
  readonly accelCompat: readonly AccelCompat[];
}

export const REQUIRED_FILES = ['machines.json', 'types.json', 'boards.json', 'accel-compat.json'] as const;

const fastChecks = new WeakMap<z.ZodType, (v: unknown) => boolean>();

/** The compiled JSON Schema check for a zod schema (see fast-validate.ts). */
function fastCheck(schema: z.ZodType): (v: unknown) => boolean {
  let check = fastChecks.get(schema);
  if (!check) {
    check = compileJsonSchema(toJSONSchema(schema, { io: 'input' }) as Parameters<typeof compileJsonSchema>[0]);
    fastChecks.set(schema, check);
  }
  return check;
}

/** Parses and validates one file against its schema; errors carry file, line, column and JSON path. */
export function validateFile<S extends z.ZodType>(schema: S, text: string, file: string): z.infer<S> {
  const data = parseJson(text, file);
  // Fast path: the data conforms, so zod would return it unchanged (our schemas have no transforms).
  if (fastCheck(schema)(data)) return data as z.infer<S>;
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  // An unrecognised key is best shown at the key itself.
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const at = keys.length ? [...path, keys[0]!] : path;
  const pos = PositionedJson.parse(text)?.positionOf(at, { key: keys.length > 0 });
  throw new DefinitionError('schema', { file, ...pos, jsonPath: formatJsonPath(at) }, `schema violation: ${issue.message}`);
}

export function loadDefinitions(src: DefinitionSources): Definitions {
  const text = (name: string): string => {
    const t = src.files.get(name);
    if (t === undefined) throw new DefinitionError('missing-file', { file: `${src.dir}/${name}` }, 'definition file is missing');
    return t;
  };
  const file = (name: string) => `${src.dir}/${name}`;
  const machinesFile = validateFile(MachinesFileSchema, text('machines.json'), file('machines.json'));
  const typesFile = validateFile(TypesFileSchema, text('types.json'), file('types.json'));
  const boardsFile = validateFile(BoardsFileSchema, text('boards.json'), file('boards.json'));
  const accelFile: AccelCompatFile = validateFile(AccelCompatFileSchema, text('accel-compat.json'), file('accel-compat.json'));

  const layouts = new Map<string, BoardLayoutDef>();
  for (const l of boardsFile.layouts) layouts.set(l.id, l);
  let machines: MachineModel;
  try {
    machines = new MachineModel(machinesFile, layouts);
  } catch (e) {
    if (e instanceof MachineModelError) throw new DefinitionError('machines', { file: file('machines.json') }, e.message);
    throw e;
  }
  return {
    arch: machinesFile.arch,
    qemuVersion: machinesFile.qemu?.version ?? null,
    machines,
    types: new TypeModel(typesFile.types),
    accelCompat: accelFile.accelerators,
  };
}
