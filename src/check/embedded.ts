/**
 * Where the package's machines/ lives, computed here rather than taken from
 * load/fs.ts: that module pulls in the loader and with it zod, which `check`
 * loads only for files that fail the fast schema check.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** machines/ shipped with the package (dist/check/ and src/check/ are both two levels below it). */
export const EMBEDDED_MACHINES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../machines');
export const EMBEDDED_SCHEMA_DIR = join(EMBEDDED_MACHINES_DIR, 'schema');
