// Wall time of whole CLI invocations (start-up included), as users feel it.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'qom-compat');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const cases = [
  ['--help'],
  ['list'],
  ['show', 'q35-9.1'],
  ['resolve', '-M', 'q35-9.1'],
  ['resolve', '-M', 'q35-9.1', '--format', 'json', '--all'],
  ['resolve', '-M', 'pc-i440fx-2.4', '-global', 'virtio-pci.vectors=3', '-device', 'virtio-net-pci,id=n0'],
];

function time(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

console.log(`runs per case: ${RUNS} (median / min wall ms)`);
for (const args of cases) {
  time(args); // warm the file cache
  const t = Array.from({ length: RUNS }, () => time(args)).sort((a, b) => a - b);
  console.log(`${t[Math.floor(t.length / 2)].toFixed(1).padStart(8)} ${t[0].toFixed(1).padStart(8)}  qom-compat ${args.join(' ')}`);
}
