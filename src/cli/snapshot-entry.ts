/**
 * Entry of the V8 start-up snapshot (bundled to dist/snapshot/entry.cjs, built
 * by `node --build-snapshot`, see snapshot.ts). Building runs the module
 * initialisation of the CLI's fast path, loads the embedded definitions and
 * option table into memory and runs each fast command once (so that V8 keeps
 * their compiled code); a run started with `node --snapshot-blob` begins with
 * that heap and calls only the function below. Nothing kept here may depend on
 * the user's environment: colour, terminal and env are looked at inside
 * main(), at run time.
 *
 * The snapshot holds only what list, show, resolve and explain of the embedded
 * definitions need (tools/bundle.mjs leaves zod and the other commands out: a
 * smaller heap starts faster). bin/qom-compat starts every other run plainly;
 * should one arrive here anyway, or should the embedded files have changed
 * since the snapshot was built, it is handed to the plain entry.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startupSnapshot } from 'node:v8';
import { Chalk } from 'chalk';
import { preloadEmbeddedDefinitions, embeddedDefinitionsPreloaded } from '../load/fs.js';
import { preloadEmbeddedOptionTable, embeddedOptionTablePreloaded } from '../load/option-table.js';
import { EMBEDDED_MACHINES_DIR } from '../load/paths.js';
import { main } from './main.js';
import { runProcess } from './run.js';
import { servedBySnapshot } from './snapshot-commands.js';

/**
 * Runs of each served command, so that the snapshot holds their compiled code (and the type
 * model's caches for the types of both board families): the newest q35 and pc, a -device and a
 * -global, each output format; deliberately not the benchmark's command lines.
 */
const WARM_UP = [
  ['list'], ['list', '--format', 'json'], ['show', 'q35'], ['show', 'pc', '--format', 'json'],
  ['resolve', '-M', 'q35', '-blockdev', 'driver=null-co,node-name=x', '-device', 'virtio-blk-pci,id=d0,drive=x', '-global', 'virtio-blk-pci.num-queues=2'],
  ['resolve', '-M', 'pc', '--format', 'json'], ['explain', '-M', 'pc', 'e1000.mac'], ['--help'],
];

if (!startupSnapshot.isBuildingSnapshot()) throw new Error('snapshot-entry is only for node --build-snapshot');
startupSnapshot.setDeserializeMainFunction(() => {
  // The bin passes `--` before the user's words, so argv[1] onwards is theirs.
  const argv = process.argv.slice(1);
  if (servedBySnapshot(argv) && embeddedDefinitionsPreloaded() && embeddedOptionTablePreloaded()) void runProcess(argv);
  else runPlainly(argv);
});
void (async () => {
  // Board records and type declarations go to a file beside the blob (snapshot.ts names it): a smaller heap restores faster.
  await Promise.all([preloadEmbeddedDefinitions(undefined, process.env.QOM_COMPAT_SNAPSHOT_PACK || undefined), preloadEmbeddedOptionTable()]);
  const quiet = { out: () => {}, err: () => {}, color: new Chalk({ level: 0 }), env: {}, interactive: false };
  for (const args of WARM_UP) {
    const code = await main(args, quiet);
    if (code !== 0) throw new Error(`warm-up run ${args.join(' ')} exited ${code}`);
  }
})();

/**
 * The run in a plain node, as if the bin had started it so. When the embedded
 * files changed since the snapshot was built, the snapshot is removed: the
 * next plain run builds a fresh one.
 */
function runPlainly(argv: string[]): void {
  const at = process.execArgv.indexOf('--snapshot-blob');
  const blob = at >= 0 ? process.execArgv[at + 1] : undefined;
  if (blob && servedBySnapshot(argv)) rmSync(blob, { force: true });
  const flags = process.execArgv.filter((_, i) => at < 0 || (i !== at && i !== at + 1));
  const plain = join(EMBEDDED_MACHINES_DIR, '..', 'dist', 'bundle', 'bin.js');
  const r = spawnSync(process.execPath, [...flags, plain, ...argv], { stdio: 'inherit' });
  if (r.signal) process.kill(process.pid, r.signal);
  process.exit(r.status ?? 70);
}
