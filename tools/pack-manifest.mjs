// `npm pack` and `npm publish` run this around packing (prepack: --disable, postpack: --enable), as
// pinst does for postinstall: the packed package.json must not carry `prepare`, which builds dist/
// from src/ in a checkout but, in a tarball that ships dist/ and no src/, only makes npm 11 warn
// ("1 package has install scripts not yet covered by allowScripts"). The script is kept under
// `_prepare` while packing and restored afterwards. Written to a temporary file and renamed.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'package.json');
const [from, to] = process.argv[2] === '--disable' ? ['prepare', '_prepare'] : process.argv[2] === '--enable' ? ['_prepare', 'prepare'] : [];
if (!from) {
  console.error('usage: node tools/pack-manifest.mjs --disable|--enable');
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(file, 'utf8'));
if (manifest.scripts && from in manifest.scripts) {
  // Rebuilt key by key so that the script keeps its place in the list.
  manifest.scripts = Object.fromEntries(Object.entries(manifest.scripts).map(([k, v]) => [k === from ? to : k, v]));
  writeFileSync(`${file}.tmp`, JSON.stringify(manifest, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
}
