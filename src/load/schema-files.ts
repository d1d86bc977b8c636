/**
 * Yes/no checks compiled from the exported JSON Schema files in
 * machines/schema/ (kept equal to the zod schemas by a test). Valid
 * definitions, nearly all of them, then need neither zod's import nor its
 * first validation of a multi-megabyte types.json; a file that fails goes
 * through zod for the precise error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REQUIRED_FILES } from './file-names.js';
import { compileJsonSchema } from './fast-validate.js';

export type SchemaCheck = (value: unknown) => boolean;
export type JsonSchemas = ReadonlyMap<string, SchemaCheck>;

/** `<schemaDir>/<name>.schema.json` of a definition file name. */
export const schemaFilePath = (schemaDir: string, name: string): string => join(schemaDir, name.replace(/\.json$/, '.schema.json'));

/** The schema file of every definition file compiled; undefined when any is missing or not compilable. */
export function loadJsonSchemas(schemaDir: string): JsonSchemas | undefined {
  const out = new Map<string, SchemaCheck>();
  for (const name of REQUIRED_FILES) {
    try {
      const schema = JSON.parse(readFileSync(schemaFilePath(schemaDir, name), 'utf8')) as Parameters<typeof compileJsonSchema>[0];
      out.set(name, compileJsonSchema(schema));
    } catch {
      return undefined; // zod then validates everything: slower, never wrong
    }
  }
  return out;
}
