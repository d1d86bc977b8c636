// Wall time of whole CLI invocations (start-up included), as users feel it, each as a ratio to
// a bare `node -e 0` measured in the same run, interleaved with it (the machine drifts).
// Each command is measured started from the V8 start-up snapshot (what bin/qom-compat does once
// it has built one for this node; built here first, into a temporary cache) and plainly
// (QOM_COMPAT_SNAPSHOT=0: what the first run after installing, CI and --defs get).
// Reproduce: npm run build && node bench/startup.bench.js   (BENCH_RUNS sets the runs per case)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = process.env.BENCH_BIN ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'qom-compat');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const BUDGET = 1.3;
const cases = [
  { args: ['--help'] },
  { args: ['list'], budget: true },
  { args: ['show', 'q35-9.1'], budget: true },
  { args: ['resolve', '-M', 'q35-9.1'], budget: true },
  { args: ['resolve', '-M', 'q35-9.1', '--format', 'json'], budget: true },
  { args: ['explain', '-M', 'q35', 'virtio-net-pci.vectors'], budget: true },
  { args: ['resolve', '-M', 'q35-9.1', '--format', 'json', '--all'] },
  { args: ['resolve', '-M', 'pc-i440fx-2.4', '-global', 'virtio-pci.vectors=3', '-device', 'virtio-net-pci,id=n0'] },
];

const cache = mkdtempSync(join(tmpdir(), 'qom-compat-bench-startup-'));
const env = { ...process.env, NO_COLOR: '1', QOM_COMPAT_CACHE_DIR: cache };
delete env.CI; // CI builds no snapshot: the bench measures what a user's machine does
delete env.NODE_OPTIONS;

function time(cmd, args, extraEnv = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'ignore'], env: { ...env, ...extraEnv } });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const blobs = (dir) => readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.blob'));

try {
  time(bin, ['--version']); // the first run builds the snapshot, after its output
  const snapshot = existsSync(join(cache, 'snapshot')) && blobs(join(cache, 'snapshot')).length > 0;
  console.log(`runs per case: ${RUNS}, interleaved with a bare node -e 0 (median wall ms; ratio to node -e 0)`);
  if (!snapshot) console.log('NO start-up snapshot was built (see src/cli/snapshot.ts): both columns are plain starts');
  console.log(`${'snapshot'.padStart(17)} ${'plain'.padStart(16)}   node -e 0`);
  let over = 0;
  for (const { args, budget } of cases) {
    time(bin, args); // warm the file cache
    const base = [];
    const snap = [];
    const plain = [];
    for (let i = 0; i < RUNS; i++) {
      base.push(time(process.execPath, ['-e', '0']));
      snap.push(time(bin, args));
      plain.push(time(bin, args, { QOM_COMPAT_SNAPSHOT: '0' }));
    }
    const b = median(base);
    const [s, p] = [median(snap), median(plain)];
    const verdict = budget ? (s / b <= BUDGET ? `  ≤ ${BUDGET}×` : `  OVER ${BUDGET}×`) : '';
    if (budget && s / b > BUDGET) over++;
    console.log(`${s.toFixed(1).padStart(8)} ${(s / b).toFixed(2).padStart(6)}×  ${p.toFixed(1).padStart(8)} ${(p / b).toFixed(2).padStart(6)}×  ${b.toFixed(1).padStart(6)}  qom-compat ${args.join(' ')}${verdict}`);
  }
  console.log(`budget ${BUDGET}× node -e 0 (started from the snapshot): ${over ? `${over} command(s) over` : 'all within'}`);
} finally {
  rmSync(cache, { recursive: true, force: true });
}
