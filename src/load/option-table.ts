/**
 * Reads the option table (options.json) of a definition directory. It is
 * small and read before the big definition files, because the command line
 * has to be taken apart (which words are QEMU's, which are ours) first.
 * A directory without one (imported before the table existed, or written by
 * hand) borrows the embedded table of its architecture.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DefinitionError } from '../errors.js';
import { OptionTable } from '../parse/option-table.js';
import { DEFAULT_ARCH, EMBEDDED_MACHINES_DIR, EMBEDDED_SCHEMA_DIR } from './paths.js';
import { compileJsonSchema } from './fast-validate.js';
import { schemaFilePath } from './schema-files.js';
import type { OptionTableFile } from './schema.js';
import { keepPreloaded, preloaded } from './preloaded.js';

const FILE = 'options.json';

export interface OptionTableLocation { dir?: string; arch?: string }

export function optionTablePath(loc: OptionTableLocation): string {
  const own = loc.dir ? join(loc.dir, FILE) : undefined;
  if (own && existsSync(own)) return own;
  return join(EMBEDDED_MACHINES_DIR, loc.arch ?? DEFAULT_ARCH, FILE);
}

export async function loadOptionTable(loc: OptionTableLocation): Promise<OptionTable> {
  const path = optionTablePath(loc);
  return preloaded<OptionTable>(FILE, [path]) ?? readTable(path);
}

/** Reads the embedded table of `arch` and keeps it in memory while the file is unchanged (for the start-up snapshot). */
export async function preloadEmbeddedOptionTable(arch: string = DEFAULT_ARCH): Promise<void> {
  const path = optionTablePath({ arch });
  keepPreloaded(FILE, [path], await readTable(path));
}

/** Whether the embedded table of `arch` is in memory and its file unchanged since. */
export function embeddedOptionTablePreloaded(arch: string = DEFAULT_ARCH): boolean {
  return preloaded(FILE, [optionTablePath({ arch })]) !== undefined;
}

async function readTable(path: string): Promise<OptionTable> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DefinitionError('unreadable', { file: path }, code === 'ENOENT' ? 'option table is missing (run import)' : `cannot read: ${code}`);
  }
  return new OptionTable(await validated(text, path));
}

async function validated(text: string, path: string): Promise<OptionTableFile> {
  try {
    const schema = JSON.parse(readFileSync(schemaFilePath(EMBEDDED_SCHEMA_DIR, FILE), 'utf8')) as Parameters<typeof compileJsonSchema>[0];
    const data: unknown = JSON.parse(text);
    if (compileJsonSchema(schema)(data)) return data as OptionTableFile;
  } catch {
    // fall through to zod, which words the error with line, column and JSON path
  }
  const [{ validateFile }, { OptionTableFileSchema }] = await Promise.all([import('./loader.js'), import('./schema.js')]);
  return validateFile(OptionTableFileSchema, text, path);
}
