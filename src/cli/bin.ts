/**
 * The plain entry of bin/qom-compat (no start-up snapshot). When the bin found
 * no snapshot for this node and this build, it names the one to build in
 * QOM_COMPAT_SNAPSHOT_BUILD: that happens once, after this run's output.
 */
import { runProcess } from './run.js';

const blob = process.env.QOM_COMPAT_SNAPSHOT_BUILD;
// Not passed on to what this run starts (QEMU, a snapshot builder).
delete process.env.QOM_COMPAT_SNAPSHOT_BUILD;
await runProcess(process.argv.slice(2), blob ? async () => (await import('./snapshot.js')).buildSnapshot(blob) : undefined);
