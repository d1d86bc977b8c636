/** Reading definition directories from disk (the loader itself is pure). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DefinitionError } from '../errors.js';
import { buildDefinitions, type Definitions, type DefinitionSources, type ValidatedFiles } from './build.js';
import { REQUIRED_FILES } from './file-names.js';
import { DEFAULT_ARCH, EMBEDDED_MACHINES_DIR, EMBEDDED_SCHEMA_DIR } from './paths.js';
import { loadJsonSchemas } from './schema-files.js';
import { keepPreloaded, preloaded } from './preloaded.js';
import { TextPack } from './text-pack.js';
import { MemoryTextStore, type TextStore } from '../model/text-store.js';

export { DEFAULT_ARCH, EMBEDDED_MACHINES_DIR };

export function readDefinitionSources(dir: string): DefinitionSources {
  const files = new Map<string, string>();
  for (const name of REQUIRED_FILES) {
    const path = join(dir, name);
    try {
      files.set(name, readFileSync(path, 'utf8'));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new DefinitionError('unreadable', { file: path }, code === 'ENOENT' ? 'definition file is missing' : `cannot read: ${code}`);
    }
  }
  return { dir, files };
}

export interface DefinitionLocation { root?: string; arch?: string; dir?: string }

function definitionDir(opts: DefinitionLocation): string {
  return opts.dir ?? join(opts.root ?? EMBEDDED_MACHINES_DIR, opts.arch ?? DEFAULT_ARCH);
}

/**
 * Loads `<root>/<arch>` (root defaults to the embedded machines/). Valid files
 * are checked against the exported JSON Schemas only; zod is loaded just to
 * word the error when a file fails (or when the schema files are missing).
 */
export async function loadDefinitionsFromDisk(opts: DefinitionLocation = {}): Promise<Definitions> {
  const dir = definitionDir(opts);
  return preloaded<Definitions>(PRELOAD_KIND, definitionFiles(dir)) ?? readAndBuild(dir);
}

const PRELOAD_KIND = 'definitions';
const definitionFiles = (dir: string): string[] => REQUIRED_FILES.map((name) => join(dir, name));

/**
 * Loads the embedded definitions of `arch` and keeps them in memory for later
 * loads of the same, unchanged files (the start-up snapshot's builder calls
 * it). Board records and type declarations wait as JSON text until used: in
 * the file `packPath` when given (see TextPack), else in memory.
 */
export async function preloadEmbeddedDefinitions(arch: string = DEFAULT_ARCH, packPath?: string): Promise<void> {
  const dir = definitionDir({ arch });
  const store = packPath !== undefined ? new TextPack(packPath) : new MemoryTextStore();
  const defs = await readAndBuild(dir, { store });
  if (store instanceof TextPack) {
    store.seal();
    preloadPack = store;
  }
  keepPreloaded(PRELOAD_KIND, definitionFiles(dir), defs);
}

/** The file the preloaded definitions read their texts from, if any. */
let preloadPack: TextPack | undefined;

/** Whether the embedded definitions of `arch` are in memory, their files unchanged since, and their texts at hand. */
export function embeddedDefinitionsPreloaded(arch: string = DEFAULT_ARCH): boolean {
  return preloaded(PRELOAD_KIND, definitionFiles(definitionDir({ arch }))) !== undefined && (preloadPack?.intact() ?? true);
}

async function readAndBuild(dir: string, opts: { store?: TextStore } = {}): Promise<Definitions> {
  const src = readDefinitionSources(dir);
  const checks = loadJsonSchemas(EMBEDDED_SCHEMA_DIR);
  if (checks) {
    const parsed = new Map<string, unknown>();
    for (const name of REQUIRED_FILES) {
      let data: unknown;
      try { data = JSON.parse(src.files.get(name)!); } catch { break; }
      if (!checks.get(name)!(data)) break;
      parsed.set(name, data);
    }
    if (parsed.size === REQUIRED_FILES.length) {
      return buildDefinitions(src.dir, {
        machines: parsed.get('machines.json'), types: parsed.get('types.json'),
        boards: parsed.get('boards.json'), accel: parsed.get('accel-compat.json'),
      } as ValidatedFiles, opts);
    }
  }
  const { loadDefinitions } = await import('./loader.js');
  return loadDefinitions(src);
}
