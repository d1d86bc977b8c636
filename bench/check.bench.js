// Benchmark of `qom-compat check` over all embedded definitions (machines/).
// Run after `npm run build`: node bench/check.bench.js [runs]
// Prints the wall time of the CLI process (what CI pays) and of the check
// itself in-process, cold (first run) and warm. BENCH_CHECK_PATH points it at
// another machines/ root instead.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'qom-compat');
const machines = process.env.BENCH_CHECK_PATH ?? join(root, 'machines');
const pathArgs = process.env.BENCH_CHECK_PATH ? [machines] : [];
const runs = Number(process.argv[2] ?? 10);
const BUDGET_MS = 300;

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
};
const fmt = ({ min, median, max }) => `median ${median.toFixed(1)} ms (min ${min.toFixed(1)}, max ${max.toFixed(1)})`;

let bytes = 0;
for (const arch of readdirSync(machines)) {
  const dir = join(machines, arch);
  if (arch === 'schema' || !statSync(dir).isDirectory()) continue;
  for (const f of readdirSync(dir)) bytes += statSync(join(dir, f)).size;
}
console.log(`check: definitions under ${machines}: ${(bytes / 1e6).toFixed(2)} MB, ${runs} runs`);

// Interleaved, so that drift of the machine's speed hits every series alike.
const cacheDir = mkdtempSync(join(tmpdir(), 'qom-compat-bench-cache-'));
const series = { node: [], cold: [], cached: [] };
const spawn = (cmd, args, env = {}) => {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, QOM_COMPAT_CACHE_DIR: cacheDir, ...env } });
  return { ms: performance.now() - t0, r };
};
let last;
for (let i = 0; i < runs; i++) {
  series.node.push(spawn(process.execPath, ['-e', '0']).ms);
  const cold = spawn(bin, ['check', ...pathArgs, '--format', 'json', '--no-cache']);
  series.cold.push(cold.ms);
  last = cold.r;
  if (i === 0) spawn(bin, ['check', ...pathArgs, '--format', 'json']); // fill the cache
  const hit = spawn(bin, ['check', ...pathArgs, '--format', 'json']);
  if (hit.r.stdout !== cold.r.stdout) throw new Error('a cached check printed something else than a full one');
  series.cached.push(hit.ms);
}
rmSync(cacheDir, { recursive: true, force: true });
if (last.status !== 0 && last.status !== 1) throw new Error(`check failed (${last.status}): ${last.stderr}`);
const cli = stats(series.cold);
console.log(`check: node -e 0 alone (the floor of any CLI run): ${fmt(stats(series.node))}`);
console.log(`check: CLI wall, full run (--no-cache): ${fmt(cli)}; ${JSON.parse(last.stdout).length} findings`);
console.log(`check: CLI wall, unchanged definitions (cache hit): ${fmt(stats(series.cached))}`);

const { checkPaths } = await import(join(root, 'dist', 'commands', 'check.js'));
const inProcess = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  await checkPaths(pathArgs);
  inProcess.push(performance.now() - t0);
}
console.log(`check: in-process cold ${inProcess[0].toFixed(1)} ms, warm ${fmt(stats(inProcess.slice(1)))}`);
const verdict = (xs) => (stats(xs).median <= BUDGET_MS ? 'within' : 'OVER');
console.log(`check: budget ${BUDGET_MS} ms wall: full run ${verdict(series.cold)}, cache hit ${verdict(series.cached)}`);
