/**
 * Where the package's machines/ lives. Kept free of imports so that `check`
 * can use it without pulling in the loader (and zod).
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** machines/ shipped with the package (dist/load/ and src/load/ are both two levels below it). */
export const EMBEDDED_MACHINES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../machines');
export const EMBEDDED_SCHEMA_DIR = join(EMBEDDED_MACHINES_DIR, 'schema');
export const DEFAULT_ARCH = 'x86_64';
