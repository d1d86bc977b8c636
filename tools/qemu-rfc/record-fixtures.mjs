#!/usr/bin/env node
/**
 * Records the fixtures test/unit/rfc-builds.test.ts replays (issue #11): every scenario of
 * test/support/rfc-scenarios.ts on the released QEMU 10.0.2 build and on the OBJECT_COMPAT RFC
 * build (tools/qemu-rfc/build.sh), through the differential harness's own runQemu, with at most
 * two QEMU processes at a time (niced). Writes test/fixtures/rfc/<build>.json.gz.
 *
 * Usage (from the repository root):
 *   nice -n 10 node tools/qemu-rfc/record-fixtures.mjs [--builds DIR] [--out DIR] [--only released|rfc]
 *        [--concurrency N] [--limit N]
 * DIR defaults: --builds /work/qemu-build (as given to build.sh), --out test/fixtures/rfc.
 * --limit records only the first N scenarios (a trial run; the test then reports the rest missing).
 *
 * The TypeScript test support is imported through tools/import-test-support.mjs (an esbuild bundle).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { importTestSupport } from '../import-test-support.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const { values: opt } = parseArgs({
  options: {
    builds: { type: 'string', default: '/work/qemu-build' },
    out: { type: 'string', default: join(root, 'test/fixtures/rfc') },
    only: { type: 'string' },
    concurrency: { type: 'string', default: '2' },
    limit: { type: 'string' },
  },
});

const entry = `
import { loadDefinitionsFromDisk } from './src/load/fs.js';
import { compatModel } from './src/resolve/compat-model.js';
import { expectations, mapLimit, resolveScenario, scenarioArgs } from './test/support/differential.js';
import { generateRfcScenarios } from './test/support/rfc-scenarios.js';
import { buildFixture, recordScenario, scenarioKey, writeFixture } from './test/support/recorded-qemu.js';
export { loadDefinitionsFromDisk, compatModel, expectations, mapLimit, resolveScenario, scenarioArgs, generateRfcScenarios, buildFixture, recordScenario, scenarioKey, writeFixture };
`;
const lib = await importTestSupport(entry);

const builds = [
  { label: 'released', binary: join(opt.builds, 'released/build/qemu-system-x86_64') },
  { label: 'rfc', binary: join(opt.builds, 'rfc/build/qemu-system-x86_64') },
].filter((b) => !opt.only || b.label === opt.only);

// QmpSession always starts QEMU with "-accel tcg"; a scenario with its own -accel would only be a
// fallback behind it, so the wrapper drops the harness's one then. It also runs QEMU niced.
const wrapDir = mkdtempSync(join(tmpdir(), 'qom-rfc-record-'));
for (const b of builds) {
  b.version = execFileSync(b.binary, ['--version'], { encoding: 'utf8' }).split('\n')[0];
  b.wrapper = join(wrapDir, `${b.label}.sh`);
  writeFileSync(b.wrapper, `#!/bin/sh
if [ "$1" = "-accel" ] && [ "$2" = "tcg" ]; then
  shift 2; own=0
  for a in "$@"; do [ "$a" = "-accel" ] && own=1; done
  [ $own = 1 ] || set -- -accel tcg "$@"
fi
exec nice -n 10 '${b.binary}' "$@"
`);
  chmodSync(b.wrapper, 0o755);
}

const defs = await lib.loadDefinitionsFromDisk();
let scenarios = lib.generateRfcScenarios(defs);
if (opt.limit) scenarios = scenarios.slice(0, Number(opt.limit));
// Paths either model expects (the recorder also reads every node of QEMU's tree).
const paths = scenarios.map((s) => {
  const set = new Set();
  for (const model of ['qdev', 'object-compat']) {
    const r = lib.resolveScenario(defs, s, model);
    if (r.outcome === 'started') for (const e of lib.expectations(r, defs.types)) if (e.path !== null) set.add(e.path);
  }
  return [...set].sort();
});
const jobs = builds.flatMap((b) => scenarios.map((s, i) => ({ b, s, i })));
const transcripts = new Map(builds.map((b) => [b.label, new Map()]));
const t0 = Date.now();
let done = 0;
await lib.mapLimit(jobs, Number(opt.concurrency), async ({ b, s, i }) => {
  const { transcript } = await lib.recordScenario(b.wrapper, s, paths[i], defs.types);
  transcripts.get(b.label).set(lib.scenarioKey(s), transcript);
  if (++done % 50 === 0) process.stderr.write(`${done}/${jobs.length} runs, ${Math.round((Date.now() - t0) / 1000)} s\n`);
});
rmSync(wrapDir, { recursive: true, force: true });
for (const b of builds) {
  const f = lib.buildFixture(b.label, b.binary, b.version, transcripts.get(b.label));
  const file = join(opt.out, `${b.label}.json.gz`);
  const size = lib.writeFixture(file, f);
  const started = Object.values(f.scenarios).filter((s) => s.started).length;
  console.log(`${file}: ${Object.keys(f.scenarios).length} scenarios (${started} started), ${f.nodes.length} distinct objects, ${f.answers.length} distinct answers, ${size} bytes`);
}
console.log(`${jobs.length} QEMU runs in ${Math.round((Date.now() - t0) / 1000)} s`);
