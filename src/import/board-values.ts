/**
 * From what QEMU shows on a started board to what boards.json stores: only
 * the values that differ from what the compat chain configures (type
 * default, accelerator compat, machine compat). Those are the values board
 * code and realize decide, the instance properties no type declares, and the
 * defaults QMP does not report. Stored this way, most machine versions of a
 * family share one record; a version whose record differs gets its own layout.
 * Pure: no I/O.
 */
import type { BusDef, BoardLayoutDef, BoardObjectDef, ObservedRecordDef, ObservedValue } from '../load/schema.js';
import type { ResolvedObject } from '../resolve/result.js';
import { fromObservedValue, sameShown, toStoredValue } from '../resolve/shown.js';
import type { TypeModel } from '../model/types.js';
import { MIGRATION_KEY, type ObservedBoard } from './observe-boards.js';

export interface ObjectValues {
  values: Record<string, ObservedValue>;
  instanceProperties: Record<string, string>;
  volatile: string[];
  /** Properties whose value is the host's: not recorded (see host-derived.ts). */
  hostDerived?: string[];
  /** Properties in values that are the accelerator's defaults for the type (see ObservedRecordSchema). */
  accelDefaults?: string[];
  /** What the chain configured for each property in values (device records; see ObservedRecordSchema). */
  configured?: Record<string, ObservedValue | null>;
}

/**
 * path → the values to record for that object. With `withBasis`, each
 * record also keeps what the chain configured for the values it holds.
 */
export function valueDeltas(types: TypeModel, configured: readonly ResolvedObject[], observed: ObservedBoard, withBasis = false): Map<string, ObjectValues> {
  const out = new Map<string, ObjectValues>();
  for (const o of configured) {
    if (o.transient) continue;
    const key = o.path ?? (o.type === 'migration' ? MIGRATION_KEY : '');
    const shown = observed.get(key);
    if (!shown) continue;
    // What the chain configured: where resolve already shows a value board code sets (the RAM
    // backend's size, the CPUs' topology IDs), the record keeps QEMU's value against the chain's.
    const chain = new Map(o.properties.map((p) => [p.name, p.source.kind === 'board' && p.configured ? p.configured.value : p.value]));
    const rec: ObjectValues = {
      values: {}, instanceProperties: {}, volatile: [...shown.volatile].sort(),
      ...(shown.hostDerived?.size ? { hostDerived: [...shown.hostDerived].sort() } : {}), ...(withBasis ? { configured: {} } : {}),
    };
    const accelDefaults = new Set<string>();
    for (const name of [...shown.properties.keys()].sort()) {
      const { type, value } = shown.properties.get(name)!;
      const declared = types.property(o.type, name);
      if (!declared || declared.type !== type) rec.instanceProperties[name] = type;
      const c = chain.get(name);
      if (c === undefined || c === null || !sameShown(c, fromObservedValue(value, type))) {
        rec.values[name] = value;
        if (shown.accelDefaults?.has(name)) accelDefaults.add(name);
        // An unknown basis is left out: absent means null (see ObservedRecordSchema).
        if (rec.configured && c !== undefined && c !== null && typeof c !== 'object') rec.configured[name] = toStoredValue(c);
      }
    }
    if (accelDefaults.size) rec.accelDefaults = [...accelDefaults].sort();
    out.set(key, rec);
  }
  return out;
}

/**
 * The observed records of a boards.json: one per distinct content, named
 * `<type>#<n>` in order of first appearance, so that every board object
 * showing the same (the CPU of most machine versions, each ISA device's
 * generic properties) shares one record.
 */
export class ObservedPool {
  private readonly byContent = new Map<string, string>();
  private readonly records: ObservedRecordDef[] = [];
  private readonly perType = new Map<string, number>();

  /** The record id for these values; undefined when there is nothing to record. */
  idFor(type: string, v: ObjectValues): string | undefined {
    const rec = {
      ...(Object.keys(v.values).length > 0 ? { values: v.values } : {}),
      ...(Object.keys(v.instanceProperties).length > 0 ? { instanceProperties: v.instanceProperties } : {}),
      ...(v.volatile.length > 0 ? { volatile: v.volatile } : {}),
      ...(v.hostDerived?.length ? { hostDerived: v.hostDerived } : {}),
      ...(v.accelDefaults?.length ? { accelDefaults: v.accelDefaults } : {}),
      ...(v.configured ? { configured: v.configured } : {}),
    };
    if (Object.keys(rec).length === 0) return undefined;
    const key = `${type}\u0000${JSON.stringify(rec)}`;
    let id = this.byContent.get(key);
    if (!id) {
      const n = (this.perType.get(type) ?? 0) + 1;
      this.perType.set(type, n);
      id = `${type}#${n}`;
      this.byContent.set(key, id);
      this.records.push({ id, ...rec });
    }
    return id;
  }

  /** Records in order of id (a type's records by number). */
  all(): ObservedRecordDef[] {
    const num = (id: string) => Number(id.slice(id.lastIndexOf('#') + 1));
    const type = (id: string) => id.slice(0, id.lastIndexOf('#'));
    return [...this.records].sort((a, b) => (type(a.id) < type(b.id) ? -1 : type(a.id) > type(b.id) ? 1 : num(a.id) - num(b.id)));
  }
}

/** The layout with each object referring to its observed record (objects without any stay as they were). */
export function withObserved(
  layout: BoardLayoutDef, deltas: ReadonlyMap<string, ObjectValues>, pool: ObservedPool, buses: ReadonlyMap<string, BusDef[]> = new Map(),
): BoardLayoutDef {
  return {
    id: layout.id,
    objects: layout.objects.map((o): BoardObjectDef => {
      const { observed: _old, buses: _oldBuses, ...plain } = o;
      const d = deltas.get(o.path ?? (o.type === 'migration' ? MIGRATION_KEY : ''));
      const id = d && pool.idFor(o.type, d);
      const carried = o.path !== null ? buses.get(o.path) : undefined;
      return { ...plain, ...(id ? { observed: id } : {}), ...(carried ? { buses: carried } : {}) };
    }),
  };
}
