/**
 * observeBoard: what QEMU shows for every property of every board object once
 * it has started (-S), read with qom-list and qom-get.
 *
 * This is what the user of `resolve` asks for, and the only faithful source
 * for what board code sets per instance (iobase, apic-id, eeprom addresses),
 * what realize derives (disable-legacy=auto, CPUID levels, the microcode
 * revision), the generic device properties (realized, parent_bus, ...),
 * instance properties no type declares (gsi[N], unnamed-gpio-out[N]) and
 * values QMP reports no default for. The importer keeps only the values that
 * differ from what the compat chain configures (see boardValueDeltas), so
 * machine versions that share a board share its record.
 */
import type { ExactJson } from '../qemu/json-exact.js';
import { QmpError, type QmpSession } from '../qemu/qmp.js';
import type { BusDef, ObservedValue } from '../load/schema.js';
import { toObservedValue } from '../resolve/shown.js';
import { compareNames, isA, typeCatalogue, withSession, type TypeCatalogue } from './probe-qemu.js';
import type { ProbeContext } from './probes.js';

/** One property as qom-list names it and qom-get reads it. */
export interface ObservedProperty { type: string; value: ObservedValue }

/** What QEMU shows on one object, which properties changed between two reads (clock-derived), and the buses it carries. */
export interface ObservedObject {
  properties: Map<string, ObservedProperty>;
  volatile: Set<string>;
  /** Properties whose value is the host's (a CPU under KVM: see host-derived.ts), taken out of `properties`. */
  hostDerived?: Set<string>;
  /** Properties whose shown value is the accelerator's default for the type, which configuration replaces (see host-derived.ts). */
  accelDefaults?: Set<string>;
  buses?: BusDef[];
}

/** path → what QEMU shows there. */
export type ObservedBoard = Map<string, ObservedObject>;

/**
 * The arguments a user's `-M machine [-nodefaults] [-accel A]` amounts to here;
 * -smp 1 is QEMU's default, spelled out because the board probes fix it too
 * (`/machine/unattached/device[N]` and the CPU count depend on it). TCG is
 * the probes' default accelerator (BASE_ARGS).
 */
export function boardArgs(machine: string, nodefaults: boolean, accel = 'tcg'): string[] {
  return ['-M', machine, '-smp', '1', ...(nodefaults ? ['-nodefaults'] : []), ...(accel !== 'tcg' ? ['-accel', accel] : [])];
}

/**
 * A value that QEMU computes from the host clock when asked (the RTC's
 * `date`) differs between two reads a second apart, even with the guest
 * stopped: such properties are recorded as volatile, not with a value.
 */
const SECOND_READ_AFTER_MS = 1100;

/**
 * The `migration` object is outside the composition tree: QEMU shows its
 * settings through query-migrate-parameters and -capabilities. Its entry in
 * an ObservedBoard has this key in place of a path.
 */
export const MIGRATION_KEY = '<migration>';

/** Migration property → the QMP field that shows it (`x-foo` → `foo` when only that exists). */
export function migrationField(prop: string, fields: ReadonlyMap<string, ExactJson>): { value: ExactJson } | null {
  for (const name of [prop, prop.replace(/^x-/, '')]) if (fields.has(name)) return { value: fields.get(name)! };
  return null;
}

/** query-migrate-parameters and query-migrate-capabilities as one map of fields. */
export async function migrationFields(qmp: QmpSession): Promise<Map<string, ExactJson>> {
  const params = (await qmp.execute('query-migrate-parameters')) as Record<string, ExactJson>;
  const caps = (await qmp.execute('query-migrate-capabilities')) as Array<{ capability: string; state: boolean }>;
  return new Map([...Object.entries(params), ...caps.map((c): [string, ExactJson] => [c.capability, c.state])]);
}

/**
 * Every property of the objects at `paths`, and, given the migration
 * object's property names and types, what QMP shows of those.
 */
export async function observeBoard(
  ctx: ProbeContext, machine: string, nodefaults: boolean, paths: readonly string[], migration?: ReadonlyMap<string, string>, accel = 'tcg',
): Promise<ObservedBoard> {
  const cat = await typeCatalogue(ctx);
  return withSession(ctx, boardArgs(machine, nodefaults, accel), async (qmp) => {
    const started = Date.now();
    const first = new Map<string, Map<string, ObservedProperty>>();
    const buses = new Map<string, BusDef[]>();
    for (const path of paths) {
      const read = await readObject(qmp, path, cat);
      first.set(path, read.properties);
      if (read.buses.length) buses.set(path, read.buses);
    }
    if (migration) first.set(MIGRATION_KEY, await readMigration(qmp, migration));
    await new Promise((r) => setTimeout(r, Math.max(0, started + SECOND_READ_AFTER_MS - Date.now())));
    const out: ObservedBoard = new Map();
    for (const [path, properties] of first) {
      const again = path === MIGRATION_KEY ? await readMigration(qmp, migration!) : (await readObject(qmp, path, cat)).properties;
      const volatile = new Set([...properties.keys()].filter((k) =>
        isClockReading(properties.get(k)!.type) || JSON.stringify(again.get(k)?.value) !== JSON.stringify(properties.get(k)!.value)));
      for (const k of volatile) properties.delete(k);
      out.set(path, { properties, volatile, ...(buses.has(path) ? { buses: buses.get(path)! } : {}) });
    }
    return out;
  });
}

/**
 * A `struct tm` property (object_property_add_tm) is the clock read at the
 * moment QEMU is asked: two reads in the same second agree, yet it is no value.
 */
export function isClockReading(type: string): boolean {
  return type === 'struct tm';
}

async function readMigration(qmp: QmpSession, properties: ReadonlyMap<string, string>): Promise<Map<string, ObservedProperty>> {
  const fields = await migrationFields(qmp);
  const out = new Map<string, ObservedProperty>();
  for (const [name, type] of properties) {
    const f = migrationField(name, fields);
    const value = f && toObservedValue(f.value);
    if (value !== undefined && value !== null) out.set(name, { type, value });
  }
  return out;
}

/** A `child<T>` property naming a bus: the buses `bus=` finds by name. */
export function busChild(p: { name: string; type: string }, cat: TypeCatalogue): BusDef | null {
  const t = /^child<(.+)>$/.exec(p.type)?.[1];
  return t && isA(cat, t, 'bus') ? { name: p.name, type: t } : null;
}

/**
 * The bus at `path` as recorded: marked hotpluggable false when it has no hotplug handler
 * (qbus_is_hotpluggable: then no device on it is hotpluggable, pc's pci.0 without ACPI, an HDA bus).
 */
export async function withHotplugFlag<B extends object>(qmp: QmpSession, path: string, bus: B): Promise<B | (B & { hotpluggable: false })> {
  return await hasHotplugHandler(qmp, path) ? bus : { ...bus, hotpluggable: false as const };
}

async function hasHotplugHandler(qmp: QmpSession, bus: string): Promise<boolean> {
  try {
    const handler = await qmp.execute('qom-get', { path: bus, property: 'hotplug-handler' });
    return typeof handler === 'string' && handler !== '';
  } catch (e) {
    if (!(e instanceof QmpError)) throw e;
    return true; // not readable: nothing learned, nothing recorded
  }
}

async function readObject(qmp: QmpSession, path: string, cat: TypeCatalogue): Promise<{ properties: Map<string, ObservedProperty>; buses: BusDef[] }> {
  const props = new Map<string, ObservedProperty>();
  const buses: BusDef[] = [];
  for (const p of (await qmp.execute('qom-list', { path })) as Array<{ name: string; type: string }>) {
    const bus = busChild(p, cat);
    if (bus) buses.push(await withHotplugFlag(qmp, `${path}/${p.name}`, bus));
    if (p.type.startsWith('child<')) continue; // the children are objects of their own
    try {
      const value = toObservedValue(await qmp.execute('qom-get', { path, property: p.name }));
      if (value !== undefined) props.set(p.name, { type: p.type, value });
    } catch (e) {
      if (!(e instanceof QmpError)) throw e; // write-only properties (x-...): QEMU shows nothing
    }
  }
  return { properties: props, buses: buses.sort((a, b) => compareNames(a.name, b.name)) };
}
