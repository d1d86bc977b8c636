/**
 * The objects QEMU creates for a command line, in creation order: the board
 * (with or without -nodefaults, minus default devices a -global or -device
 * driver turned off), the accelerator, -object and -device objects with the
 * children their instance_init creates.
 */
import type { BoardLayout, BoardObject, BusDef, ObservedRecord } from '../model/boards.js';
import type { TypeModel } from '../model/types.js';

export interface PlannedObject {
  path: string | null;
  type: string;
  transient: boolean;
  origin: 'board' | 'device' | 'object' | 'accel';
  /** Created before the accelerator initialises (no slot 0). */
  early: boolean;
  /** The option that created it (-device/-object/-accel text). */
  option?: string;
  /** Index into the -device/-object list for per-instance properties. */
  optionIndex?: number;
  /** What QEMU shows on this board object where it differs from the chain, and the type it was recorded on. */
  observed?: { readonly type: string; readonly record: ObservedRecord };
  /** The buses a board object carries. */
  buses?: readonly BusDef[];
}

/**
 * system/vl.c default_list[]: a -global or -device whose driver is one of these
 * turns the matching default device off (only without -nodefaults).
 */
const DEFAULT_DEVICE_FLAGS: ReadonlyArray<readonly [string, string]> = [
  ['xen-console', 'serial'], ['isa-serial', 'serial'], ['isa-parallel', 'parallel'],
  ['isa-fdc', 'floppy'], ['floppy', 'floppy'],
  ['ide-cd', 'cdrom'], ['ide-hd', 'cdrom'], ['scsi-cd', 'cdrom'], ['scsi-hd', 'cdrom'],
  ['VGA', 'vga'], ['isa-vga', 'vga'], ['cirrus-vga', 'vga'], ['isa-cirrus-vga', 'vga'], ['vmware-svga', 'vga'],
  ['qxl-vga', 'vga'], ['virtio-vga', 'vga'], ['ati-vga', 'vga'], ['vhost-user-vga', 'vga'],
  ['virtio-vga-gl', 'vga'], ['virtio-vga-rutabaga', 'vga'],
];
const FLAG_OF_DRIVER = new Map(DEFAULT_DEVICE_FLAGS);

/** A type QEMU's default VGA can be (the board places it with pci_vga_init, on the first free slot). */
export function isDefaultVgaType(type: string): boolean {
  return FLAG_OF_DRIVER.get(type) === 'vga';
}

/** The default-device flags that `drivers` (of -global and -device options) turn off. */
export function disabledDefaults(drivers: Iterable<string>): Set<string> {
  const off = new Set<string>();
  for (const d of drivers) {
    const flag = FLAG_OF_DRIVER.get(d);
    if (flag) off.add(flag);
  }
  return off;
}

/**
 * Board objects for the variant, with the default devices of `off` flags
 * removed along with their children; the /machine/unattached/device[N]
 * numbering closes up behind them, as QEMU hands N out at realize time from
 * one counter.
 *
 * A default device is an instance of a default_list driver that the defaults
 * layout has beyond those the -nodefaults layout has. Instances are matched by
 * type and count, not by path: paths differ between the two layouts because
 * the numbering shifts (pc keeps its isa-fdc under -nodefaults at another
 * device[N]; only the floppy drive is a default device).
 */
export function boardObjects(
  defaults: BoardLayout, nodefaults: BoardLayout | undefined, off: ReadonlySet<string>, isNic: (type: string) => boolean = () => false,
): PlannedObject[] {
  // -netdev, -nic and -net switch the default network off (flag 'net'): the default NIC and the
  // transient NIC-model probes that come with it (pci_init_nic_devices) are not created.
  const flagOf = (type: string): string => FLAG_OF_DRIVER.get(type) ?? (isNic(type) ? 'net' : '');
  let objects = defaults.objects;
  if (off.has('net')) objects = objects.filter((o) => !(o.transient && isNic(o.type)));
  let kept = objects;
  if (off.size > 0 && nodefaults) {
    const baseCount = new Map<string, number>();
    for (const o of nodefaults.objects) if (o.path && !o.transient) baseCount.set(o.type, (baseCount.get(o.type) ?? 0) + 1);
    const seen = new Map<string, number>();
    const removed = objects.filter((o) => {
      if (!o.path || o.transient || !off.has(flagOf(o.type))) return false;
      const n = (seen.get(o.type) ?? 0) + 1;
      seen.set(o.type, n);
      return n > (baseCount.get(o.type) ?? 0);
    });
    const prefixes = removed.map((o) => o.path!);
    kept = objects.filter((o) => !o.path || !prefixes.some((p) => o.path === p || o.path!.startsWith(p + '/')));
    kept = renumberUnattached(kept, objects);
  }
  return kept.map((o): PlannedObject => ({
    path: o.path, type: o.type, transient: o.transient ?? false, origin: 'board', early: false,
    ...(o.observed ? { observed: { type: o.type, record: o.observed } } : {}),
    ...(o.buses ? { buses: o.buses } : {}),
  }));
}

const UNATTACHED = /^\/machine\/unattached\/device\[(\d+)\]/;

function renumberUnattached(kept: readonly BoardObject[], all: readonly BoardObject[]): BoardObject[] {
  const keptIdx = new Set<number>();
  for (const o of kept) {
    const m = o.path && UNATTACHED.exec(o.path);
    if (m) keptIdx.add(Number(m[1]));
  }
  const order = [...new Set(all.flatMap((o) => { const m = o.path && UNATTACHED.exec(o.path); return m ? [Number(m[1])] : []; }))]
    .filter((n) => keptIdx.has(n)).sort((a, b) => a - b);
  const newIndex = new Map(order.map((n, i) => [n, i]));
  // Links (parent_bus, pit, gsi[N]) name other objects by path: they move with them.
  const move = (path: string): string => path.replace(UNATTACHED, (whole, n: string) => {
    const to = newIndex.get(Number(n));
    return to === undefined ? whole : `/machine/unattached/device[${to}]`;
  });
  return kept.map((o) => {
    const rec = o.observed;
    const observed = rec && { ...rec, values: Object.fromEntries(Object.entries(rec.values).map(([k, v]) => [k, typeof v === 'string' ? move(v) : v])) };
    return { ...o, ...(o.path ? { path: move(o.path) } : {}), ...(observed ? { observed } : {}) };
  });
}

/**
 * Children an instance creates in its instance_init (child<T> properties, as
 * qom-list-properties reports them on an instance), depth first, children
 * before their parent: a child's post_init (compat, globals) runs inside the
 * parent's instance_init, before the parent's own post_init.
 */
export function withChildren(
  types: TypeModel, path: string | null, type: string, keep: (type: string) => boolean, seen: ReadonlySet<string> = new Set(),
): Array<{ path: string | null; type: string }> {
  const out: Array<{ path: string | null; type: string }> = [];
  if (!seen.has(type)) {
    for (const p of [...types.properties(type).values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const m = /^child<(.+)>$/.exec(p.type);
      if (!m || !types.has(m[1]!) || !keep(m[1]!)) continue;
      out.push(...withChildren(types, path === null ? null : `${path}/${p.name}`, m[1]!, keep, new Set([...seen, type])));
    }
  }
  out.push({ path, type });
  return out;
}

/** A child whose class properties its parent re-exports as aliases (qdev_alias_all_properties). */
export interface AliasedChild { name: string; type: string; properties: readonly string[] }

const aliasCaches = new WeakMap<TypeModel, Map<string, readonly AliasedChild[]>>();

/**
 * Children of `type` that qdev_alias_all_properties() exposes on it: virtio
 * proxies (virtio-backend), isa-serial/pci-serial (serial), the xhci wrappers
 * (xhci-core). Setting such a property on the parent sets the child's (one
 * storage), and the child's setter reports errors in the child's name.
 *
 * QMP does not mark aliases, so they are recognised by their shape: every
 * class property of the child type (those not declared by a type the parent
 * also descends from, without child<>, and without an index in the name,
 * which are instance properties) is also a property of the parent. A parent
 * that merely shares a name or two with a child (PIIX3 and PIIX4_PM both
 * declare smm-enabled) does not qualify.
 */
export function aliasedChildren(types: TypeModel, type: string): readonly AliasedChild[] {
  let cache = aliasCaches.get(types);
  if (!cache) aliasCaches.set(types, (cache = new Map()));
  const hit = cache.get(type);
  if (hit) return hit;
  const own = types.properties(type);
  const parentChain = new Set(types.ancestry(type));
  const out: AliasedChild[] = [];
  for (const p of [...own.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const m = /^child<(.+)>$/.exec(p.type);
    if (!m || !types.has(m[1]!)) continue;
    const candidates = [...types.properties(m[1]!).values()]
      .filter((c) => !parentChain.has(c.declaredBy) && !c.type.startsWith('child<') && !c.name.includes('['))
      .map((c) => c.name);
    if (candidates.length > 0 && candidates.every((n) => own.has(n))) out.push({ name: p.name, type: m[1]!, properties: candidates });
  }
  cache.set(type, out);
  return out;
}
