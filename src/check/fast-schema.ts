/**
 * The fast validity check for `check`: load/fast-validate.ts compiled from the
 * JSON Schema files in machines/schema/ (exported from the zod schemas by
 * `npm run schemas`, kept in sync by a test). The loader compiles the same
 * check from zod at run time; `check` reads the exported files instead, so
 * valid definitions — nearly all of them — need neither zod's import (~50 ms)
 * nor its first validation of a multi-megabyte types.json. A file the check
 * rejects goes through zod for the detailed issues.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileJsonSchema } from '../load/fast-validate.js';
import type { DefinitionFileName } from '../load/schema.js';
import { DEFINITION_FILE_NAMES } from './source.js';

export type SchemaCheck = (value: unknown) => boolean;
export type JsonSchemas = ReadonlyMap<DefinitionFileName, SchemaCheck>;

/** `<schemaDir>/<name>.schema.json` compiled for every definition file; undefined when any is missing or not compilable. */
export function loadJsonSchemas(schemaDir: string): JsonSchemas | undefined {
  const out = new Map<DefinitionFileName, SchemaCheck>();
  for (const name of DEFINITION_FILE_NAMES) {
    try {
      const schema = JSON.parse(readFileSync(join(schemaDir, name.replace(/\.json$/, '.schema.json')), 'utf8')) as Parameters<typeof compileJsonSchema>[0];
      out.set(name, compileJsonSchema(schema));
    } catch {
      return undefined; // zod then validates everything: slower, never wrong
    }
  }
  return out;
}
