/**
 * Loads definition files (parse + validate) into the model. Pure: callers hand
 * in file contents; load/fs.ts reads them from disk.
 */
import { toJSONSchema, type z } from 'zod';
import { compileJsonSchema } from './fast-validate.js';
import { DefinitionError } from '../errors.js';
import { buildDefinitions, sourceText, type Definitions, type DefinitionSources } from './build.js';
import { formatJsonPath, parseJson, PositionedJson } from './json.js';
import { AccelCompatFileSchema, BoardsFileSchema, MachinesFileSchema, TypesFileSchema } from './schema.js';

export type { AccelCompat, Definitions, DefinitionSources } from './build.js';

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
  const validate = <S extends z.ZodType>(schema: S, name: string): z.infer<S> => validateFile(schema, sourceText(src, name), `${src.dir}/${name}`);
  return buildDefinitions(src.dir, {
    machines: validate(MachinesFileSchema, 'machines.json'),
    types: validate(TypesFileSchema, 'types.json'),
    boards: validate(BoardsFileSchema, 'boards.json'),
    accel: validate(AccelCompatFileSchema, 'accel-compat.json'),
  });
}
