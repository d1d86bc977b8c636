/**
 * Board layouts: the objects a machine creates at start-up, in creation
 * order, each with what QEMU shows on it once started (its observed record,
 * shared between objects and layouts in boards.json and linked here).
 */
import type { BoardsFile, ObservedValue } from '../load/schema.js';

/** What QEMU shows on a board object where that differs from what the compat chain configures. */
export interface ObservedRecord {
  readonly values: Readonly<Record<string, ObservedValue>>;
  /** Types of the properties the instance has but its type does not declare. */
  readonly instanceProperties: Readonly<Record<string, string>>;
  /** Properties QEMU computes when asked (host clock): no value to show. */
  readonly volatile: readonly string[];
  /**
   * Device records: what the chain configured when QEMU showed `values`; a
   * shown value holds only while the chain configures the same. Board
   * records leave it out: their basis is the machine's own configuration.
   */
  readonly configured?: Readonly<Record<string, ObservedValue | null>>;
}

export interface BoardObject {
  readonly path: string | null;
  readonly type: string;
  readonly transient?: boolean;
  readonly observed?: ObservedRecord;
}

export interface BoardLayout {
  readonly id: string;
  readonly objects: readonly BoardObject[];
}

export class BoardModelError extends Error {}

/** The id a lone -device or -object had when its record was taken. */
export const RECORD_ID = 'qomcompatprobe';
/** Where a recorded -device was created: its values name paths below it this way. */
export const DEVICE_RECORD_PATH = `/machine/peripheral/${RECORD_ID}`;
/** Where a recorded -object was created. */
export const OBJECT_RECORD_PATH = `/objects/${RECORD_ID}`;

/** A record taken at `from` for an object at `to`: its link values name paths below `to` instead. */
export function relocateRecord(r: ObservedRecord, from: string, to: string): ObservedRecord {
  const move = (v: ObservedValue): ObservedValue =>
    typeof v === 'string' && (v === from || v.startsWith(from + '/')) ? to + v.slice(from.length) : v;
  return { ...r, values: Object.fromEntries(Object.entries(r.values).map(([k, v]) => [k, move(v)])) };
}

/** Key of the boards a device record applies to: the type of their PCI host bridge, or 'none'. */
export function hostKey(layout: BoardLayout | undefined, isA: (type: string, ancestor: string) => boolean): string {
  return layout?.objects.find((o) => isA(o.type, 'pci-host-bridge'))?.type ?? 'none';
}

export interface LinkedBoards {
  layouts: Map<string, BoardLayout>;
  /** `${type}\u0000${host}` → path below the device → record. */
  devices: Map<string, ReadonlyMap<string, ObservedRecord>>;
}

/** The layouts and device records of a boards.json with their observed records linked in. */
export function linkBoards(file: BoardsFile): LinkedBoards {
  const records = new Map<string, ObservedRecord>();
  for (const r of file.observed ?? []) {
    records.set(r.id, {
      values: r.values ?? {}, instanceProperties: r.instanceProperties ?? {}, volatile: r.volatile ?? [],
      ...(r.configured ? { configured: r.configured } : {}),
    });
  }
  const record = (id: string, where: string): ObservedRecord => {
    const r = records.get(id);
    if (!r) throw new BoardModelError(`${where} refers to observed record '${id}', which does not exist`);
    return r;
  };
  const layouts = new Map<string, BoardLayout>();
  for (const l of file.layouts) {
    layouts.set(l.id, {
      id: l.id,
      objects: l.objects.map((o): BoardObject => {
        const base = o.transient ? { path: o.path, type: o.type, transient: true } : { path: o.path, type: o.type };
        return o.observed === undefined ? base : { ...base, observed: record(o.observed, `layout '${l.id}': object ${o.path ?? o.type}`) };
      }),
    });
  }
  const devices = new Map<string, ReadonlyMap<string, ObservedRecord>>();
  for (const d of file.devices ?? []) {
    devices.set(`${d.type}\u0000${d.host}`, new Map(d.objects.map((o) => [o.path, record(o.observed, `device record ${d.type} on ${d.host}`)])));
  }
  return { layouts, devices };
}
