// `compare --all --raw --format csv` against QEMU's scripts/compare-machine-types.py ("the peer") on
// the same binary, interleaved in one run, with a bare `node -e 0` for scale.
// Reproduce: npm run build && node bench/compare.bench.js
// The peer needs QEMU's source tree (../shared/tools/get-qemu-source.sh; QEMU_SRC, default
// ~/qemu-src/qemu-10.0.2), Debian's python3-pandas and the binary (QOM_COMPAT_QEMU). Without them
// the peer's column is skipped and said so. It runs with --qemu-args '-machine none' (TCG): the
// definitions are imported under TCG, and its default -enable-kvm needs /dev/kvm.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = process.env.BENCH_BIN ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'qom-compat');
const RUNS = Number(process.env.BENCH_COMPARE_RUNS ?? 5);
const qemu = process.env.QOM_COMPAT_QEMU ?? '/usr/bin/qemu-system-x86_64';
const src = process.env.QEMU_SRC ?? join(homedir(), 'qemu-src', 'qemu-10.0.2');
const script = join(src, 'scripts', 'compare-machine-types.py');
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function time(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' }, ...opts });
  if (r.status !== 0) return { ms: NaN, error: `${cmd} exited ${r.status}: ${String(r.stderr).trim().split('\n').pop()}` };
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const ours = ['compare', '--all', '--raw', '--format', 'csv'];
const peer = [script, '--all', '--raw', '--format', 'csv', '--qemu-binary', qemu, '--qemu-args', '-machine none'];
const peerAvailable = existsSync(script) && existsSync(qemu) && spawnSync(python, ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0;

const base = [];
const own = [];
const theirs = [];
time(bin, ours); // warm the file cache
for (let i = 0; i < RUNS; i++) {
  base.push(time(process.execPath, ['-e', '0']).ms);
  own.push(time(bin, ours).ms);
  if (peerAvailable) {
    const r = time(python, peer, { cwd: src });
    if (r.error) { console.log(`compare-machine-types.py failed: ${r.error}`); break; }
    theirs.push(r.ms);
  }
}
const b = median(base);
const t = median(own);
console.log(`compare --all (runs: ${RUNS}, median wall ms)`);
console.log(`${t.toFixed(1).padStart(8)} ${(t / b).toFixed(2).padStart(6)}×  (node -e 0: ${b.toFixed(1)})  qom-compat ${ours.join(' ')}`);
if (theirs.length) {
  const p = median(theirs);
  console.log(`${p.toFixed(1).padStart(8)}          compare-machine-types.py (cd ${src}; ${python} ${peer.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')})`);
  console.log(`         qom-compat is ${(p / t).toFixed(1)}× faster`);
} else {
  console.log(`         compare-machine-types.py not measured: needs ${script}, ${qemu} and python3-pandas`);
}
