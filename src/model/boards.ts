/**
 * Board layouts: the objects a machine creates at start-up, in creation
 * order, each with what QEMU shows on it once started (its observed record,
 * shared between objects and layouts in boards.json and linked here).
 */
import type { BoardsFile, BusDef, DeviceBusDef, ObservedValue } from '../load/schema.js';
import { keep, use, type TextStore } from './text-store.js';

export type { BusDef, DeviceBusDef };

/** What QEMU shows on a board object where that differs from what the compat chain configures. */
export interface ObservedRecord {
  readonly values: Readonly<Record<string, ObservedValue>>;
  /** Types of the properties the instance has but its type does not declare. */
  readonly instanceProperties: Readonly<Record<string, string>>;
  /** Properties QEMU computes when asked (host clock): no value to show. */
  readonly volatile: readonly string[];
  /** Properties whose value QEMU takes from the host (under KVM): host-specific, no value recorded. */
  readonly hostDerived: readonly string[];
  /** Values that are the accelerator's defaults for the type (set at instance init): configuration replaces them. */
  readonly accelDefaults: readonly string[];
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
  /** The buses it carries (pcie.0, ide.0, ...), as QEMU shows them once started. */
  readonly buses?: readonly BusDef[];
}

export interface BoardLayout {
  readonly id: string;
  readonly objects: readonly BoardObject[];
}

export class BoardModelError extends Error {}

/** The id a lone -device or -object had when its record was taken. */
export const RECORD_ID = 'qomcompatprobe';
/**
 * Where a recorded -device was created: its values name paths below it this
 * way. It is created without an id, as QEMU words some messages with it
 * (`fd parameter not specified for (null)`).
 */
export const DEVICE_RECORD_PATH = '/machine/peripheral-anon/device[0]';
/** Where a recorded -device was created after the devices that provide its bus (anonymous, in order). */
export function deviceRecordPath(providers: readonly string[] | undefined): string {
  return `/machine/peripheral-anon/device[${providers?.length ?? 0}]`;
}
/** In a recorded message or warning, where QEMU named the option (`-device driver=e1000: …`). */
export const OPTION_PLACEHOLDER = '$OPTION';
/** Where a recorded -object was created. */
export const OBJECT_RECORD_PATH = `/objects/${RECORD_ID}`;
/** Where the board CPU of a recorded -cpu model was (-smp 1, on the reference boards). */
export const CPU_RECORD_PATH = '/machine/unattached/device[0]';

export type RecordOption = 'device' | 'object' | 'cpu';

/** The key of a lone record in Definitions.devices. */
export function recordKey(option: RecordOption, type: string, host: string): string {
  return `${option}\u0000${type}\u0000${host}`;
}

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

/** What QEMU does with a lone -device, -object or -cpu of a type: the records of what it shows, or its refusal. */
export interface LoneRecord {
  /** Path below the object ('' for itself) → what QEMU shows there. */
  readonly objects: ReadonlyMap<string, ObservedRecord>;
  /** QEMU refused to start with it alone: its message, the option's location as OPTION_PLACEHOLDER. */
  readonly refused?: string;
  /** Warnings QEMU printed for it alone, the option's location as OPTION_PLACEHOLDER. */
  readonly warnings?: readonly string[];
  /** The buses it creates. */
  readonly buses?: readonly DeviceBusDef[];
  /** Properties QEMU refuses it without (with `refused`); the record is of the device with them set. */
  readonly requires?: readonly string[];
  /** Device types it was created after, for the bus it needs: its record's paths are below deviceRecordPath(providers). */
  readonly providers?: readonly string[];
}

/** Look-ups that link what they return on first use (a board's records are read only for the boards asked for). */
export interface Lookup<V> {
  get(key: string): V | undefined;
  keys(): Iterable<string>;
}

/** A machine's two layout ids (without and with -nodefaults). */
export interface BoardIds { readonly defaults: string; readonly nodefaults: string }

/** Accelerator name → machine → its layouts under that accelerator (boards.json "accelerators"; TCG's are machines.json's). */
export type AccelBoards = ReadonlyMap<string, ReadonlyMap<string, BoardIds>>;

/**
 * Accelerator name → "property=value" → machine → its layouts probed with
 * that -machine property (boards.json "variants"): the board code the
 * property changes (acpi=off on pc: no PIIX4_PM and its SMBus EEPROMs).
 */
export type VariantBoards = ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, BoardIds>>>;

export interface LinkedBoards {
  layouts: Lookup<BoardLayout>;
  accelBoards: AccelBoards;
  variantBoards: VariantBoards;
  /** The --machines expression of a partial import (boards.json coverage), which says why a machine has no layout. */
  machinesCovered?: string;
  /** recordKey(option, type, host) → what QEMU does with it alone. */
  devices: Lookup<LoneRecord>;
}

/** A map whose values are made from their definitions on first access, then kept. */
class LazyMap<D, V> implements Lookup<V> {
  private readonly made = new Map<string, V>();
  constructor(private readonly defs: ReadonlyMap<string, D>, private readonly make: (d: D) => V) {}
  get(key: string): V | undefined {
    let v = this.made.get(key);
    if (v === undefined) {
      const d = this.defs.get(key);
      if (d === undefined) return undefined;
      this.made.set(key, (v = this.make(d)));
    }
    return v;
  }
  keys(): Iterable<string> { return this.defs.keys(); }
}

/**
 * The layouts and lone records of a boards.json, with their observed records
 * linked in when first asked for. Every reference is checked here, so a
 * dangling one is a definition error at load, not at use. With a `store`
 * (the start-up snapshot's builder), definitions wait there as JSON text until used.
 */
export function linkBoards(file: BoardsFile, opts: { store?: TextStore } = {}): LinkedBoards {
  const store = opts.store;
  const recordIds = new Set((file.observed ?? []).map((r) => r.id));
  const recordDefs = new Map((file.observed ?? []).map((r) => [r.id, keep(store, r)]));
  const made = new Map<string, ObservedRecord>();
  const record = (id: string): ObservedRecord => {
    let r = made.get(id);
    if (!r) {
      const d = use(store, recordDefs.get(id)!);
      r = {
        values: d.values ?? {}, instanceProperties: d.instanceProperties ?? {}, volatile: d.volatile ?? [], hostDerived: d.hostDerived ?? [], accelDefaults: d.accelDefaults ?? [],
        ...(d.configured ? { configured: d.configured } : {}),
      };
      made.set(id, r);
    }
    return r;
  };
  const known = (id: string, where: string): void => {
    if (!recordIds.has(id)) throw new BoardModelError(`${where} refers to observed record '${id}', which does not exist`);
  };
  for (const l of file.layouts) for (const o of l.objects) if (o.observed !== undefined) known(o.observed, `layout '${l.id}': object ${o.path ?? o.type}`);
  for (const d of file.devices ?? []) for (const o of d.objects) known(o.observed, `${d.option} record ${d.type} on ${d.host}`);
  const layoutIds = new Set(file.layouts.map((l) => l.id));
  // machine → its two layout ids, every id checked to name a layout (`where`: the JSON path, for the message).
  const byMachine = (machines: Readonly<Record<string, BoardIds>>, where: string): Map<string, BoardIds> => new Map(Object.entries(machines).map(([machine, ids]) => {
    for (const id of [ids.defaults, ids.nodefaults]) {
      if (!layoutIds.has(id)) throw new BoardModelError(`${where}.${machine} refers to board layout '${id}', which does not exist`);
    }
    return [machine, { defaults: ids.defaults, nodefaults: ids.nodefaults }];
  }));
  const accelBoards = new Map(Object.entries(file.accelerators ?? {}).map(([accel, machines]) => [accel, byMachine(machines, `accelerators.${accel}`)]));
  const variantBoards = new Map(Object.entries(file.variants ?? {}).map(([accel, settings]) => [accel,
    new Map(Object.entries(settings).map(([setting, machines]) => [setting, byMachine(machines, `variants.${accel}.${setting}`)]))]));

  const layouts = new LazyMap(new Map(file.layouts.map((l) => [l.id, keep(store, l)])), (kept): BoardLayout => {
    const l = use(store, kept);
    return {
      id: l.id,
      objects: l.objects.map((o): BoardObject => {
        const base: BoardObject = o.transient ? { path: o.path, type: o.type, transient: true } : { path: o.path, type: o.type };
        return { ...base, ...(o.observed !== undefined ? { observed: record(o.observed) } : {}), ...(o.buses ? { buses: o.buses } : {}) };
      }),
    };
  });
  const devices = new LazyMap(new Map((file.devices ?? []).map((d) => [recordKey(d.option, d.type, d.host), keep(store, d)])), (kept): LoneRecord => {
    const d = use(store, kept);
    const objects = new Map(d.objects.map((o) => [o.path, record(o.observed)]));
    return {
      objects, ...(d.refused !== undefined ? { refused: d.refused } : {}), ...(d.warnings ? { warnings: d.warnings } : {}),
      ...(d.buses ? { buses: d.buses } : {}), ...(d.providers ? { providers: d.providers } : {}), ...(d.requires ? { requires: d.requires } : {}),
    };
  });
  return { layouts, accelBoards, variantBoards, devices, ...(file.coverage?.machines !== undefined ? { machinesCovered: file.coverage.machines } : {}) };
}
