// How time and memory grow with the size of the definitions: a synthetic set 10× and 100× the
// embedded x86_64 one (every concrete type, machine, compat group and board record copied under new names,
// every reference between them renamed alike, so each copy is as valid as the original), then
// `check --no-cache` of it and `resolve --defs … -M pc-q35-9.1` on it, each beside the same on
// the real set. Figures are wall time and peak RSS (GNU time), as ratios to the real set.
// Reproduce: npm run build && BENCH_SCALES=10,100 node bench/scale.bench.js   (BENCH_RUNS=3)
// The default is 10× only: `check` of the 100× set takes minutes (see the commit adding this).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = process.env.BENCH_BIN ?? join(root, 'bin', 'qom-compat');
const scales = (process.env.BENCH_SCALES ?? '10').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const src = join(root, 'machines', 'x86_64');
const FILES = ['machines.json', 'types.json', 'boards.json', 'accel-compat.json', 'options.json'];
const read = (f) => JSON.parse(readFileSync(join(src, f), 'utf8'));

/** Every name a definition refers to others by. */
function names(d) {
  const machines = new Set();
  const others = new Set();
  for (const m of d['machines.json'].machines) { machines.add(m.name); machines.add(m.type); if (m.alias) machines.add(m.alias); }
  for (const g of d['machines.json'].groups) others.add(g.name);
  // Abstract types (device, pci-device, machine, …) keep their names: the code knows some of them
  // by name, and the copies of concrete types hang below them as the originals do.
  for (const t of d['types.json'].types) { if (!machines.has(t.name) && !t.abstract) others.add(t.name); for (const a of t.aliases ?? []) others.add(a); }
  for (const l of d['boards.json'].layouts) others.add(l.id);
  for (const o of d['boards.json'].observed) others.add(o.id);
  return { machines, others };
}

/** Copy k of a value: every string that is a name renamed (machines by prefix, keeping `<name>-machine`). */
function renamer(k, { machines, others }) {
  const walk = (v) => {
    if (typeof v === 'string') return machines.has(v) ? `s${k}-${v}` : others.has(v) ? `${v}-s${k}` : v;
    if (Array.isArray(v)) return v.map(walk);
    // `option` holds an option's name (device, object, cpu), which is also a type's.
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([key, x]) => [key, key === 'option' ? x : walk(x)]));
    return v;
  };
  return walk;
}

function synthesize(dir, scale) {
  const d = Object.fromEntries(FILES.map((f) => [f, read(f)]));
  const n = names(d);
  const out = structuredClone(d);
  for (let k = 1; k < scale; k++) {
    const r = renamer(k, n);
    out['machines.json'].groups.push(...r(d['machines.json'].groups));
    out['machines.json'].machines.push(...r(d['machines.json'].machines).map((m) => ({ ...m, isDefault: false })));
    out['types.json'].types.push(...r(d['types.json'].types.filter((t) => !t.abstract)));
    for (const key of ['layouts', 'observed', 'devices']) out['boards.json'][key].push(...r(d['boards.json'][key]));
  }
  mkdirSync(join(dir, 'x86_64'), { recursive: true });
  cpSync(join(root, 'machines', 'schema'), join(dir, 'schema'), { recursive: true });
  for (const f of FILES) writeFileSync(join(dir, 'x86_64', f), JSON.stringify(out[f]));
}

const haveTime = existsSync('/usr/bin/time');
function measure(args) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const cmd = haveTime ? ['/usr/bin/time', ['-f', '%M', '-o', join(tmp, 'rss'), bin, ...args]] : [bin, args];
    const r = spawnSync(cmd[0], cmd[1], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', QOM_COMPAT_CACHE: '0' }, maxBuffer: 1 << 30 });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0 && r.status !== 1) throw new Error(`qom-compat ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-500)}`);
    runs.push({ ms, rss: haveTime ? Number(readFileSync(join(tmp, 'rss'), 'utf8').trim().split('\n').pop()) / 1024 : NaN });
  }
  runs.sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(runs.length / 2)];
}

const tmp = mkdtempSync(join(tmpdir(), 'qom-compat-scale-'));
try {
  const sets = [{ scale: 1, dir: join(root, 'machines') }];
  for (const scale of scales) {
    const dir = join(tmp, `x${scale}`);
    synthesize(dir, scale);
    sets.push({ scale, dir });
  }
  console.log(`scaling (median of ${RUNS}; wall ms, peak RSS MB; ratio to the real set)`);
  const cases = [
    ['check --no-cache', (dir) => ['check', join(dir, 'x86_64'), '--no-cache', '--format', 'json']],
    ['resolve --defs', (dir) => ['resolve', '--defs', join(dir, 'x86_64'), '-M', 'pc-q35-9.1', '--format', 'json']],
  ];
  for (const [label, args] of cases) {
    let base;
    for (const { scale, dir } of sets) {
      const m = measure(args(dir));
      base ??= m;
      const rss = haveTime ? `${m.rss.toFixed(0).padStart(6)} MB ${(m.rss / base.rss).toFixed(2).padStart(6)}×` : 'RSS n/a (no /usr/bin/time)';
      console.log(`${label.padEnd(18)} ×${String(scale).padEnd(4)} ${m.ms.toFixed(0).padStart(7)} ms ${(m.ms / base.ms).toFixed(2).padStart(6)}×   ${rss}`);
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
