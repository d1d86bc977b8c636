/**
 * For the recording scripts (tools/record-corpus-fixtures.mjs, tools/qemu-rfc/record-fixtures.mjs):
 * imports TypeScript test support by bundling `entry` (module text, paths relative to the repository
 * root) with esbuild (a devDependency) into a temporary file in tools/.record/, two levels below the
 * root as src/load/ is, so the embedded machines/ resolves as from src/; the file is removed after import.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, '..');

export async function importTestSupport(entry) {
  mkdirSync(join(here, '.record'), { recursive: true });
  const bundle = join(here, '.record', `bundle-${process.pid}.mjs`);
  await build({
    stdin: { contents: entry, resolveDir: ROOT, loader: 'ts', sourcefile: 'record-entry.ts' },
    bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: bundle, logLevel: 'warning',
    banner: { js: "import { createRequire as __qcRequire } from 'node:module'; const require = __qcRequire(import.meta.url);" },
  });
  try { return await import(pathToFileURL(bundle).href); } finally { rmSync(bundle, { force: true }); }
}
