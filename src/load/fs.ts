/** Reading definition directories from disk (the loader itself is pure). */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DefinitionError } from '../errors.js';
import { DEFAULT_ARCH, EMBEDDED_MACHINES_DIR } from './paths.js';
import { loadDefinitions, REQUIRED_FILES, type Definitions, type DefinitionSources } from './loader.js';

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

/** Loads `<root>/<arch>` (root defaults to the embedded machines/). */
export function loadDefinitionsFromDisk(opts: { root?: string; arch?: string; dir?: string } = {}): Definitions {
  const dir = opts.dir ?? join(opts.root ?? EMBEDDED_MACHINES_DIR, opts.arch ?? DEFAULT_ARCH);
  return loadDefinitions(readDefinitionSources(dir));
}

/** Architectures available under a machines/ root. */
export function listArchitectures(root: string = EMBEDDED_MACHINES_DIR): string[] {
  return readdirSync(root).filter((d) => d !== 'schema' && statSync(join(root, d)).isDirectory()).sort();
}
