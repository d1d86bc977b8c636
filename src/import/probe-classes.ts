/**
 * probeDeviceClasses: the class `hotpluggable` flag and which device types
 * live in modules not loaded by default. QMP shows neither; the unused-global
 * check (qdev_prop_check_globals) shows both. For each global that matched no
 * object it warns
 *   `global D.P=V not used`              when D's class is not hotpluggable,
 *   `global D.P has invalid class name`  when no such device class is loaded,
 * and says nothing for a hotpluggable class.
 */
import { QemuProbeError } from '../errors.js';
import type { QmpSession } from '../qemu/qmp.js';
import { globalArg, isA, launch, PROBE_PROPERTY, runToExit, typeCatalogue } from './probe-qemu.js';
import { probeBoard } from './probe-board.js';
import type { ProbeContext } from './probes.js';

/** `-M none` builds no board: the fewest objects that could mark a global "used". */
const EMPTY_MACHINE = ['-M', 'none', '-nodefaults'];

export interface DeviceClassFacts {
  notHotpluggable: string[];
  moduleTypes: string[];
  /** Types whose flag cannot be observed: an object every QEMU creates (migration) matches them. Optional extra. */
  unobservable?: string[];
}

export async function probeDeviceClasses(ctx: ProbeContext, deviceTypes: string[]): Promise<DeviceClassFacts> {
  const alwaysCreated = (await probeBoard(ctx, 'none', true)).map((o) => o.type);
  const cat = await typeCatalogue(ctx);
  // A probe global on a driver some start-up object matches would be applied (fatally); such
  // drivers' flag is not observable through the check, so they are left out of both runs.
  const unobservable = deviceTypes.filter((t) => alwaysCreated.some((o) => isA(cat, o, t))).sort();
  const probed = deviceTypes.filter((t) => !unobservable.includes(t)).sort();
  const globals = probed.flatMap((t) => globalArg(t, PROBE_PROPERTY, '1'));

  const [plain, loaded] = await Promise.all([
    runToExit(ctx, [...EMPTY_MACHINE, ...globals]),
    checkWithModulesLoaded(ctx, globals),
  ]);
  if (plain.code !== 0) throw new QemuProbeError(`-M none with a global per device type ended with ${plain.code ?? plain.signal}: ${plain.stderr.trim()}`);
  const before = unusedWarnings(plain.stderr);
  const after = unusedWarnings(loaded);
  const moduleTypes = probed.filter((t) => before.invalid.has(t));
  // Module types show their class flag only once their module is loaded (the second run).
  const notHotpluggable = probed.filter((t) => before.notUsed.has(t) || (before.invalid.has(t) && after.notUsed.has(t)));
  const stillInvalid = moduleTypes.filter((t) => after.invalid.has(t));
  if (stillInvalid.length > 0) ctx.progress(`  device classes still unknown with all modules loaded: ${stillInvalid.join(', ')}`);
  if (unobservable.length > 0) ctx.progress(`  hotpluggable flag not observable for ${unobservable.join(', ')} (matched by objects every machine creates)`);
  return { notHotpluggable, moduleTypes, unobservable };
}

/**
 * With --preconfig the unused-global check waits for x-exit-preconfig, so
 * QMP `qom-list-types` (which loads every module) can run first. The warnings
 * then come without the program-name prefix.
 */
async function checkWithModulesLoaded(ctx: ProbeContext, globals: string[]): Promise<string> {
  let session: QmpSession | undefined;
  await launch(ctx, [...EMPTY_MACHINE, '--preconfig', ...globals], async (qmp) => {
    session = qmp;
    await qmp.execute('qom-list-types', { abstract: true });
    await qmp.execute('x-exit-preconfig');
  }, (r) => { throw new QemuProbeError(`--preconfig run ended with ${r.code ?? r.signal}: ${r.stderr.trim()}`); });
  return session!.stderr;
}

const NOT_USED = new RegExp(`warning: global (.+)\\.${PROBE_PROPERTY}=1 not used$`);
const INVALID = new RegExp(`warning: global (.+)\\.${PROBE_PROPERTY} has invalid class name$`);

function unusedWarnings(stderr: string): { notUsed: Set<string>; invalid: Set<string> } {
  const notUsed = new Set<string>();
  const invalid = new Set<string>();
  for (const line of stderr.split('\n')) {
    const n = NOT_USED.exec(line);
    if (n) notUsed.add(n[1]!);
    const i = INVALID.exec(line);
    if (i) invalid.add(i[1]!);
  }
  return { notUsed, invalid };
}
