/**
 * The fast validity check for `check`: the compiled JSON Schema files (see
 * load/schema-files.ts). A file the check rejects goes through zod for the
 * detailed issues.
 */
export { loadJsonSchemas, schemaFilePath, type JsonSchemas, type SchemaCheck } from '../load/schema-files.js';
