#!/usr/bin/env node
/**
 * Records what QEMU 10.0.2 shows for every corpus command line that can start here
 * (test/fixtures/cmdlines, rewritten for this host by test/support/host-resources.ts), for
 * test/corpus/values.test.ts to replay in CI without QEMU. Each line runs through the
 * differential harness's own runQemu inside recorded-qemu's recording session (every property
 * of every object of QEMU's tree is kept), at most two QEMU processes at a time, niced; lines
 * that choose KVM run under KVM (the wrapper of corpus-lines.ts drops the harness's -accel tcg).
 *
 * Writes test/fixtures/cmdlines/qemu-10.0.2.json.gz (answers shared between lines, sorted: a
 * re-record with the same answers gives the same bytes) and test/fixtures/cmdlines/substitutions.json
 * (per file: what was substituted and why, or why the line cannot start here; and every host path
 * the substitution looked at, so replay elsewhere substitutes the same way).
 *
 * Usage (from the repository root):
 *   nice -n 10 node tools/record-corpus-fixtures.mjs [--qemu BINARY] [--concurrency N] [--only REGEX]
 * --only re-records the matching files and keeps the other lines' recordings from the existing fixture.
 *
 * The TypeScript test support is imported through tools/import-test-support.mjs (an esbuild bundle).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { importTestSupport } from './import-test-support.mjs';

const { values: opt } = parseArgs({
  options: {
    qemu: { type: 'string', default: '/usr/bin/qemu-system-x86_64' },
    concurrency: { type: 'string', default: '2' },
    only: { type: 'string' },
  },
});

const lib = await importTestSupport(`
export { loadDefinitionsFromDisk } from './src/load/fs.js';
export { expectations, mapLimit, resolveScenario } from './test/support/differential.js';
export { buildFixture, readFixture, recordScenario, scenarioKey, writeFixture } from './test/support/recorded-qemu.js';
export { corpusLines, loggingHost, writeQemuWrapper, HOST, FIXTURE_FILE, SUBSTITUTIONS_FILE } from './test/support/corpus-lines.js';
`);

const version = execFileSync(opt.qemu, ['--version'], { encoding: 'utf8' }).split('\n')[0];
const wrapDir = mkdtempSync(join(tmpdir(), 'qom-corpus-record-'));
const wrapper = lib.writeQemuWrapper(wrapDir, opt.qemu);
const defs = await lib.loadDefinitionsFromDisk();
const logged = lib.loggingHost(lib.HOST);
const lines = lib.corpusLines(logged.host);
const only = opt.only ? new RegExp(opt.only) : undefined;
const todo = lines.filter((l) => l.startable && (!only || only.test(l.file)));

const transcripts = new Map();
if (only && existsSync(lib.FIXTURE_FILE)) {
  // Keep the other lines' recordings: rebuild their transcripts from the stored fixture.
  const old = lib.readFixture(lib.FIXTURE_FILE);
  const keys = new Set(lines.filter((l) => l.startable && !only.test(l.file)).map((l) => lib.scenarioKey(l.scenario)));
  for (const [key, s] of Object.entries(old.scenarios)) {
    if (!keys.has(key)) continue;
    const answers = new Map();
    for (const [path, ni] of Object.entries(s.paths)) {
      const node = old.nodes[ni];
      answers.set(`qom-list\t${path}`, old.answers[node.l]);
      const list = JSON.parse(old.answers[node.l]).return ?? [];
      list.filter((p) => !p.type.startsWith('child<')).forEach((p, i) => { if (node.g[i] >= 0) answers.set(`qom-get\t${path}\t${p.name}`, old.answers[node.g[i]]); });
    }
    for (const [k, ai] of Object.entries(s.other)) answers.set(k, old.answers[ai]);
    transcripts.set(key, { started: s.started, result: { code: s.code, signal: s.signal, stderr: s.stderr }, died: !!s.died, answers });
  }
}

const t0 = Date.now();
let done = 0;
const times = [];
await lib.mapLimit(todo, Number(opt.concurrency), async (l) => {
  const t = Date.now();
  // The paths resolve expects (the recording session reads every node of QEMU's tree as well);
  // none when resolve cannot answer (a machine type this binary lacks: resolve's exit 2).
  let paths = [];
  try {
    const r = lib.resolveScenario(defs, l.scenario);
    if (r.outcome === 'started') paths = lib.expectations(r, defs.types).flatMap((e) => (e.path === null ? [] : [e.path]));
  } catch (e) {
    process.stderr.write(`${l.file}: resolve: ${e.message}\n`);
  }
  const { transcript } = await lib.recordScenario(wrapper, l.scenario, paths, defs.types);
  transcripts.set(lib.scenarioKey(l.scenario), transcript);
  times.push([Date.now() - t, l.file]);
  if (++done % 20 === 0) process.stderr.write(`${done}/${todo.length} lines, ${Math.round((Date.now() - t0) / 1000)} s\n`);
});
rmSync(wrapDir, { recursive: true, force: true });

const f = lib.buildFixture('corpus', opt.qemu, version, transcripts);
const size = lib.writeFixture(lib.FIXTURE_FILE, f);
const record = {
  comment: 'Written by tools/record-corpus-fixtures.mjs: per corpus file, what test/support/host-resources.ts substituted so QEMU can start the line here, or why it cannot; `paths`: every host path the substitution looked at and whether it existed when the fixture was recorded.',
  paths: Object.fromEntries([...logged.paths].sort(([a], [b]) => (a < b ? -1 : 1))),
  files: Object.fromEntries(lines.map((l) => [l.file, {
    startable: l.startable, ...(l.skip ? { skip: l.skip } : {}), ...(l.kvm ? { kvm: true } : {}),
    substitutions: l.substitutions.map((s) => ({ option: `-${s.option}`, from: s.from, to: s.to, why: s.why })),
  }])),
};
const tmp = `${lib.SUBSTITUTIONS_FILE}.tmp`;
writeFileSync(tmp, JSON.stringify(record, null, 1) + '\n');
renameSync(tmp, lib.SUBSTITUTIONS_FILE);
const started = Object.values(f.scenarios).filter((s) => s.started).length;
times.sort((a, b) => b[0] - a[0]);
console.log(`${lib.FIXTURE_FILE}: ${Object.keys(f.scenarios).length} lines (${started} started), ${f.nodes.length} distinct objects, ${f.answers.length} distinct answers, ${size} bytes`);
console.log(`${todo.length} QEMU runs in ${Math.round((Date.now() - t0) / 1000)} s; slowest: ${times.slice(0, 3).map(([ms, file]) => `${file} ${ms} ms`).join(', ')}`);
