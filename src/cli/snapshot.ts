/**
 * Builds the start-up snapshot the bin asked for (QOM_COMPAT_SNAPSHOT_BUILD),
 * once, after a plain run's output. A blob is tied to the node binary that
 * built it and holds this build's code and embedded definitions, so it cannot
 * ship in the package: it lives in the cache, under a path naming the build,
 * the package directory and the node binary (bin/qom-compat computes it).
 *
 * node aborts with a native stack trace on an empty or damaged blob, so a blob
 * only reaches its final name whole (written to a temporary name, renamed) and
 * after a run from it printed the version. When building fails, a `.failed`
 * file beside it stops the bin asking again. Everything here is best effort:
 * any failure only means the next runs start without a snapshot.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EMBEDDED_MACHINES_DIR } from '../load/paths.js';

/** Long enough for a loaded 2-core machine (a build takes ~1 s). */
const BUILD_TIMEOUT_MS = 60_000;
/** Snapshot builds kept besides the current one (other installs, other node binaries); older ones are removed. */
const KEEP_OTHER_BUILDS = 3;

const ROOT = dirname(EMBEDDED_MACHINES_DIR);
const SNAPSHOT_ENTRY = join(ROOT, 'dist', 'snapshot', 'entry.cjs');
/** What the blob's name is keyed by (a hash of the entry bundle and the embedded data) and the V8 flags; tools/bundle.mjs writes it. */
const SNAPSHOT_KEY = join(ROOT, 'dist', 'snapshot', 'key');

export async function buildSnapshot(blob: string): Promise<void> {
  const tmp = `${blob}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(blob), { recursive: true });
  } catch {
    return; // no cache directory: run without a snapshot
  }
  const lock = takeLock(`${blob}.building`);
  if (!lock) return; // another run is building it
  let ok = false;
  try {
    // Built and tried under the V8 flags the bin starts it with: node refuses a blob under others.
    const flags = snapshotKey().flags;
    // The texts the snapshot reads (snapshot-entry.ts): a blob's pack is always beside it. The same
    // build, data and node always write the same pack, so a stale blob of this name is never harmed.
    const env = { ...process.env, QOM_COMPAT_SNAPSHOT_PACK: packOf(blob) };
    ok = (await run([...flags, '--snapshot-blob', tmp, '--build-snapshot', SNAPSHOT_ENTRY], tmp, env)).code === 0
      && /^qom-compat /.test((await run([...flags, '--snapshot-blob', tmp, '--', '--version'], tmp)).stdout);
    if (ok) renameSync(tmp, blob);
  } catch {
    ok = false;
  } finally {
    rmSync(tmp, { force: true });
    lock.release();
  }
  try {
    if (!ok) rmSync(packOf(blob), { force: true });
    if (!ok) writeFileSync(`${blob}.failed`, 'building the start-up snapshot failed; delete this file to try again\n');
    else pruneOldBuilds(blob);
  } catch {
    // best effort
  }
}

/**
 * Many first runs at once (`xargs -P`, a test suite) build one blob, not one each. A lock older
 * than BUILD_TIMEOUT_MS was left by a run that died while building: it is taken over.
 */
function takeLock(path: string): { release: () => void } | undefined {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      closeSync(openSync(path, 'wx'));
      return { release: () => rmSync(path, { force: true }) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
      try {
        if (Date.now() - statSync(path).mtimeMs < BUILD_TIMEOUT_MS) return undefined;
        rmSync(path, { force: true });
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * Runs node with these arguments; the child dies with us if we are
 * interrupted (its partial blob is removed), and after BUILD_TIMEOUT_MS.
 */
function run(args: string[], tmp: string, env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stdout: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'], cwd: ROOT, env });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
    const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_TIMEOUT_MS);
    const onSignal = (signal: NodeJS.Signals) => {
      child.kill('SIGKILL');
      rmSync(tmp, { force: true });
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const s of signals) process.once(s, onSignal);
    const finish = () => { clearTimeout(timer); for (const s of signals) process.removeListener(s, onSignal); };
    child.on('error', (e) => { finish(); fail(e); });
    child.on('close', (code) => { finish(); done({ code, stdout }); });
  });
}

/** The file of definition texts the blob reads (see load/text-pack.ts). */
const packOf = (blob: string): string => `${blob}.pack`;

/** dist/snapshot/key: the build's key, then the V8 flags of every start (as bin/qom-compat reads it). */
function snapshotKey(): { key: string; flags: string[] } {
  const [key = '', ...flags] = readFileSync(SNAPSHOT_KEY, 'utf8').trim().split(/\s+/);
  return { key, flags };
}

/** `<cache>/snapshot/<build key>/…/<node>.blob`: keeps the newest few other build directories, removes the rest. */
function pruneOldBuilds(blob: string): void {
  const { key } = snapshotKey();
  const at = blob.indexOf(`/${key}/`);
  if (!key || at < 0) return;
  const top = blob.slice(0, at);
  const others = readdirSync(top)
    .filter((n) => n !== key)
    .map((n) => ({ path: join(top, n), mtime: statSync(join(top, n)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const o of others.slice(KEEP_OTHER_BUILDS)) rmSync(o.path, { recursive: true, force: true });
}
