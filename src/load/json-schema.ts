/**
 * JSON Schema files for editors, exported from the zod schemas (the source of
 * truth). Definition files point at them with "$schema".
 */
import { z } from 'zod';
import { formatJson } from '../util/json-format.js';
import { CHECK_SUPPRESSIONS_FILE, CheckSuppressionsFileSchema, DEFINITION_FILES, OPTION_TABLE_FILE, OptionTableFileSchema } from './schema.js';

/** schema file name (machines.schema.json, …) → its text. */
export function jsonSchemaFiles(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [file, schema] of [...Object.entries(DEFINITION_FILES), [OPTION_TABLE_FILE, OptionTableFileSchema] as const,
    [CHECK_SUPPRESSIONS_FILE, CheckSuppressionsFileSchema] as const]) {
    const base = file.replace(/\.json$/, '');
    // io: 'input' describes what people write (optional keys stay optional).
    const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
    out.set(`${base}.schema.json`, formatJson({ ...json, $id: `qom-compat/${base}.schema.json`, title: `qom-compat ${file}` }));
  }
  return out;
}
