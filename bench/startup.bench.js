// Wall time of whole CLI invocations (start-up included), as users feel it, each as a ratio to
// a bare `node -e 0` measured in the same run, interleaved with it (the machine drifts).
// Reproduce: npm run build && node bench/startup.bench.js   (BENCH_RUNS sets the runs per case)
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = process.env.BENCH_BIN ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'qom-compat');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const cases = [
  ['--help'],
  ['list'],
  ['show', 'q35-9.1'],
  ['resolve', '-M', 'q35-9.1'],
  ['resolve', '-M', 'q35-9.1', '--format', 'json'],
  ['resolve', '-M', 'q35-9.1', '--format', 'json', '--all'],
  ['resolve', '-M', 'pc-i440fx-2.4', '-global', 'virtio-pci.vectors=3', '-device', 'virtio-net-pci,id=n0'],
];

function time(argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${argv.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`runs per case: ${RUNS}, each run interleaved with a bare node -e 0 (median wall ms; ratio to node -e 0)`);
for (const args of cases) {
  time([bin, ...args]); // warm the file cache
  const base = [];
  const own = [];
  for (let i = 0; i < RUNS; i++) {
    base.push(time(['-e', '0']));
    own.push(time([bin, ...args]));
  }
  const b = median(base);
  const t = median(own);
  console.log(`${t.toFixed(1).padStart(8)} ${(t / b).toFixed(2).padStart(6)}×  (node -e 0: ${b.toFixed(1)})  qom-compat ${args.join(' ')}`);
}
