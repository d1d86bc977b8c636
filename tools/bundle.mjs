// Bundles the CLI and the library (npm run bundle, after tsc): dist/bundle/ for a plain start (ESM, split so
// that each command loads only its own chunks), and dist/snapshot/entry.cjs, the one-file
// CommonJS entry that `node --build-snapshot` needs (Node 20's snapshot builder cannot load ESM
// or files other than built-in modules). dist/snapshot/key names the build in the cache path
// of its start-up snapshots (a hash of that entry, the embedded definitions and their schemas),
// followed by the V8 flags every start of the CLI gets.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', absWorkingDir: root };

const requireBuiltins = {
  name: 'require-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (a) => (a.kind === 'dynamic-import' ? { path: a.path, namespace: 'builtin' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (a) => ({ contents: `module.exports = require(${JSON.stringify(a.path)});`, loader: 'js' }));
  },
};

// What the snapshot leaves out (see src/cli/snapshot-entry.ts): zod (the loader's error path, 800 kB
// of the bundle) and the commands bin/qom-compat never starts from it. A module loaded only by a
// dynamic import() from these is replaced by one that fails loudly, should it ever be reached.
const LEFT_OUT = /\/dist\/(load\/(loader|schema)|commands\/(import|check|compare|abi-check|rfc-impact|diff))\.js$/;
const leaveOutOfSnapshot = {
  name: 'leave-out-of-snapshot',
  setup(b) {
    b.onResolve({ filter: /\.js$/ }, (a) => {
      if (a.kind !== 'dynamic-import') return undefined;
      const path = join(dirname(a.importer), a.path);
      return LEFT_OUT.test(path) ? { path, namespace: 'left-out' } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'left-out' }, (a) => ({
      contents: `throw new Error(${JSON.stringify(`${a.path} is not in the start-up snapshot`)});`, loader: 'js',
    }));
  },
};

rmSync(join(root, 'dist', 'bundle'), { recursive: true, force: true });
rmSync(join(root, 'dist', 'snapshot'), { recursive: true, force: true });
rmSync(join(root, 'dist', 'lib'), { recursive: true, force: true });
await build({
  ...common,
  entryPoints: ['dist/cli/bin.js'],
  splitting: true,
  format: 'esm',
  outdir: 'dist/bundle',
  // Bundled CommonJS dependencies call require().
  banner: { js: "import { createRequire as __qcRequire } from 'node:module'; const require = __qcRequire(import.meta.url);" },
});
await build({
  ...common,
  entryPoints: ['dist/cli/snapshot-entry.js'],
  format: 'cjs',
  outfile: 'dist/snapshot/entry.cjs',
  // import.meta is empty in CommonJS: derive the URL the modules compute paths from (the
  // package's machines/, two levels above, as from dist/load/) from the file itself.
  define: { 'import.meta.url': '__qcFileUrl' },
  // A run from a snapshot has no dynamic import(): load built-in modules with require().
  plugins: [requireBuiltins, leaveOutOfSnapshot],
  banner: { js: "var __qcFileUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// The library (package.json "exports"): one ESM file, its dependencies left to node_modules (they
// are the package's "dependencies"; the CLI bundles above carry their own copies of what they use).
// Two levels below the package root, like dist/load/, so that it finds machines/ alike.
await build({
  ...common,
  entryPoints: ['dist/index.js'],
  format: 'esm',
  outfile: 'dist/lib/index.js',
  packages: 'external',
});

// V8 flags of every start (bin/qom-compat reads them from the key file): a young generation of
// 16 MB from the start spares a run the ~10-20 scavenges that resolve's allocations otherwise cost
// (profile of resolve -M q35-9.1 from the snapshot: 5-15 ms of GC before, none after; wall
// 1.94× instead of 2.99× node -e 0, min of 20, heavily loaded machine). A blob only loads under
// the flags it was built with, so the builder reads them from the same file.
const V8_FLAGS = '--max-semi-space-size=16 --min-semi-space-size=16';

const hash = createHash('sha256').update(V8_FLAGS).update('\0');
const add = (file) => hash.update(file).update('\0').update(readFileSync(join(root, file))).update('\0');
add('dist/snapshot/entry.cjs');
add('package.json');
for (const dir of ['machines/schema', 'machines/x86_64']) for (const f of readdirSync(join(root, dir)).sort()) add(`${dir}/${f}`);
writeFileSync(join(root, 'dist', 'snapshot', 'key'), `${hash.digest('hex').slice(0, 16)} ${V8_FLAGS}\n`);
