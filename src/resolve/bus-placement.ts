/**
 * Where each -device goes (system/qdev-monitor.c qdev_device_add): the bus
 * `bus=` names, else the first bus of its class's bus type, found in the bus
 * tree (buses.ts) as QEMU finds it; QEMU's errors when there is none; what a
 * device shows that follows from its bus (parent_bus, hotpluggable, an IDE
 * device's unit and serial, a virtio device's disable-legacy behind a PCIe
 * port); and the buses each created device adds to the tree.
 *
 * Pure: it works on the objects resolve creates.
 */
import type { BusDef, DeviceBusDef, LoneRecord, Lookup } from '../model/boards.js';
import { recordKey } from '../model/boards.js';
import type { TypeModel } from '../model/types.js';
import { BusTree, SYSBUS_PATH, type BusNode } from './buses.js';
import type { DeviceSpec } from './options.js';
import type { ResolvedObject } from './result.js';
import type { ShownValue } from './shown.js';
import { compareNames } from '../util/names.js';

/** What placement needs of an object being created (resolve's ObjectState). */
export interface PlacedObject {
  readonly result: ResolvedObject;
  /** Sets what QEMU shows for a value realize derives from where the object is. */
  showDerived(name: string, value: ShownValue): void;
  /** What the chain configured. */
  configuredValue(name: string): ShownValue | null | undefined;
  /** Whether a -global, an option or sugar set it. */
  userSet(name: string): boolean;
  /** Marks values the tool cannot know (configured only), with the reason. */
  fromHost(names: readonly string[], reason: string): void;
}

/** A device's planned object with what placement reads of it. */
export interface PlannedDevice { readonly path: string | null; readonly type: string; readonly optionIndex?: number }

/** A QEMU error at the -device (resolve stops there). */
export class PlacementError extends Error {}

/** Who carries a bus assumed to come from an option the tool does not model (an unreadable -readconfig, -usb). */
const ASSUMED_OWNER = '(not modelled)';

export class BusPlacement {
  private readonly tree: BusTree;
  /** The bus each -device goes on, by option index (decided before the device is created). */
  private readonly deviceBus = new Map<number, BusNode>();
  /** The board's buses, by the path of the object carrying them, in creation order. */
  private readonly board = new Map<string, readonly BusDef[]>();

  constructor(
    private readonly types: TypeModel, private readonly records: Lookup<LoneRecord>, private readonly devices: readonly DeviceSpec[],
    private readonly host: string, private readonly assumptions: string[], private readonly unknownBusesAssumed: boolean,
  ) {
    this.tree = new BusTree(types);
  }

  /** Whether buses are modelled: definitions imported before buses were recorded leave devices on their records' buses. */
  get modelled(): boolean {
    return this.board.size > 0;
  }

  /** A board object carries these buses. */
  boardBuses(path: string, buses: readonly BusDef[]): void {
    this.board.set(path, buses);
  }

  /** Board init is over: its buses and what sits on them join the tree. */
  boardRealized(objects: readonly ResolvedObject[]): void {
    for (const [owner, buses] of this.board) {
      const type = objects.find((o) => o.path === owner)?.type ?? 'object';
      for (const b of buses) this.tree.addBus({ path: owner, type, fromDevice: false }, b.name, b.type, `${owner}/${b.name}`, false, b.hotpluggable);
    }
    for (const o of objects) this.plugByParentBus(o);
  }

  /**
   * qdev_device_add: `bus=` names a bus, which must exist and be of the
   * class's bus type; without it, the first bus of that type. A type that
   * plugs into no bus keeps what its record shows. Throws PlacementError
   * with QEMU's message (`where` is the option's location).
   */
  choose(index: number, type: string, where: string): void {
    if (!this.modelled) return;
    const d = this.devices[index]!;
    const busType = this.types.get(type)?.bus;
    const wanted = d.props.filter(([k]) => k === 'bus').pop()?.[1];
    if (wanted !== undefined && !wanted.includes('/')) {
      const bus = this.tree.find(wanted, undefined) ?? this.assume(index, `bus '${wanted}'`, wanted, busType);
      if (!bus) throw new PlacementError(`${where}Bus '${wanted}' not found`);
      if (busType && !this.types.isA(bus.type, busType)) throw new PlacementError(`${where}Device '${d.driver}' can't go on ${bus.type} bus`);
      this.deviceBus.set(index, bus);
      return;
    }
    if (wanted !== undefined || !busType) return;
    const bus = this.tree.find(undefined, busType) ?? this.assume(index, `a '${busType}' bus`, undefined, busType);
    if (!bus) throw new PlacementError(`${where}No '${busType}' bus found for device '${d.driver}'`);
    this.deviceBus.set(index, bus);
  }

  /** The device (its option's root object) is configured: what it shows because of its bus. */
  place(index: number, obj: PlacedObject): void {
    const bus = this.deviceBus.get(index);
    if (bus?.assumed) {
      obj.fromHost(['parent_bus'], 'on a bus the tool assumes is there (see assumptions): QEMU shows its path');
    } else if (bus) {
      obj.showDerived('parent_bus', bus.path);
      this.busDerived(obj, bus);
    }
  }

  /** The device is realized: the buses it carries, named as QEMU names them, and its objects on their buses. */
  created(o: PlannedDevice, group: readonly ResolvedObject[]): void {
    const d = this.devices[o.optionIndex!]!;
    const buses = this.records.get(recordKey('device', o.type, this.host))?.buses ?? [];
    for (const b of buses) {
      const name = this.busName(b, buses, d.id);
      const ownerPath = o.path! + b.at;
      const ownerType = group.find((x) => x.path === ownerPath)?.type ?? o.type;
      this.tree.addBus({ path: ownerPath, type: ownerType, fromDevice: true }, name, b.type, `${ownerPath}/${name}`, false, b.hotpluggable);
    }
    for (const part of group) this.plugByParentBus(part);
    const assumed = this.deviceBus.get(o.optionIndex!);
    if (assumed?.assumed) this.tree.plug(o.path!, assumed.path);
  }

  /**
   * qbus_init: after the device's id ($ID, $ID.0), else a fixed name, else the
   * bus type and its counter, which starts where the record's first bus of
   * the type took it.
   */
  private busName(b: DeviceBusDef, all: readonly DeviceBusDef[], id: string | undefined): string {
    if (id !== undefined) return b.name.replaceAll('$ID', id);
    if (!isAutomaticName(b.anonymous, b.type)) return b.anonymous;
    const first = all.filter((x) => x.type === b.type && isAutomaticName(x.anonymous, x.type)).map((x) => x.anonymous).sort(compareNames)[0] ?? b.anonymous;
    return this.tree.takeAutomaticName(b.type, first);
  }

  private plugByParentBus(o: ResolvedObject): void {
    const parent = o.properties.find((p) => p.name === 'parent_bus')?.value;
    if (o.path && typeof parent === 'string' && parent !== '') this.tree.plug(o.path, parent);
  }

  /**
   * A bus the tree cannot find may still exist: when the line has something
   * whose buses are not known (a -readconfig file not readable here, -usb,
   * a -device of a type without a record on this board, a device whose
   * record shows no bus named after it), the answer assumes it comes from
   * there, and says so. The assumed bus joins the tree (under that device,
   * else the system bus), so that what plugs into it is found; where it is,
   * QEMU will say, not the tool.
   */
  private assume(index: number, what: string, name: string | undefined, busType: string | undefined): BusNode | undefined {
    const d = this.devices[index]!;
    const earlier = this.devices.slice(0, index);
    const recordOf = (x: DeviceSpec) => this.records.get(recordKey('device', this.types.deviceType(x.driver), this.host));
    const unknown = earlier.find((x) => !recordOf(x) && this.types.get(this.types.deviceType(x.driver))?.bus !== undefined);
    // A bus named after an earlier device's id (pci.1 of a PCI expander with id pci.1) is that device's,
    // even where its record does not show it (buses created outside the device, at realize).
    const namesake = name !== undefined
      ? earlier.find((x) => x.id !== undefined && new RegExp(`^${escapeRegExp(x.id)}(\\.\\d+)?$`).test(name) && !recordOf(x)?.buses) : undefined;
    const source = this.unknownBusesAssumed ? 'an option whose objects are not modelled'
      : unknown ? `-device ${unknown.text}, whose buses are not known`
      : namesake ? `-device ${namesake.text}, whose buses the definitions do not show` : undefined;
    if (!source) return undefined;
    this.assumptions.push(`-device ${d.text}: ${what} is assumed to come from ${source}`);
    const from = this.unknownBusesAssumed ? undefined : unknown ?? namesake;
    const owner = from ? this.devicePath(from) : ASSUMED_OWNER;
    if (!from) this.tree.plug(owner, SYSBUS_PATH);
    const busName = name ?? `${(busType ?? 'bus').toLowerCase()}.assumed`;
    return this.tree.addBus({ path: owner, type: 'unknown', fromDevice: true }, busName, busType ?? 'bus', `${owner}/${busName}`, true);
  }

  private devicePath(d: DeviceSpec): string {
    return devicePath(this.devices, this.devices.indexOf(d));
  }

  /**
   * What a device shows that depends on its bus, where the bus is not the
   * one its record was taken on:
   * - `hotpluggable`: the class's flag, on a bus a -device created (root and
   *   downstream ports, bridges and controllers take hotplug); false on a board
   *   PCI bus without a hotplug handler (pc's pci.0 without ACPI); else the
   *   record's value holds;
   * - an IDE device's unit and serial (ideUnit);
   * - a virtio PCI device's `disable-legacy=auto` is on behind a PCI Express port
   *   (virtio_pci_realize: a PCIe device not on a root bus is modern-only), off elsewhere.
   */
  private busDerived(obj: PlacedObject, bus: BusNode): void {
    const type = obj.result.type;
    // device_get_hotpluggable: the class flag, on a bus with a hotplug handler (a device's bus
    // without one, an HDA codec bus, was recorded so).
    if (bus.fromDevice) obj.showDerived('hotpluggable', this.types.get(type)?.hotpluggable !== false && bus.hotpluggable !== false);
    // A device's record was taken on the reference board's bus of its kind; a PCI bus there has a
    // hotplug handler, which a board setting can take away (pc's pci.0 without ACPI).
    else if (bus.hotpluggable === false && this.types.isA(bus.type, 'PCI')) obj.showDerived('hotpluggable', false);
    if (this.types.isA(type, 'ide-device')) ideUnit(obj, bus, this.tree.ordinalOfType(bus));
    if (this.types.isA(type, 'virtio-pci') && obj.configuredValue('disable-legacy') === 'auto') {
      const behindPort = this.types.isA(bus.type, 'PCIE') && !this.types.isA(bus.ownerType, 'pci-host-bridge');
      obj.showDerived('disable-legacy', behindPort ? 'on' : 'off');
    }
  }
}

/**
 * An IDE device takes the first free unit of its bus unless given one, and
 * without a serial of its own is "QM" and five digits of its drive_serial:
 * ide_init1 numbers the two units of every IDE bus from 1 as controllers
 * realize (board first, then -device order), so it is 2 * (IDE buses created
 * before this one) + unit + 1.
 */
function ideUnit(obj: PlacedObject, bus: BusNode, ordinal: number): void {
  const given = obj.configuredValue('unit');
  // unit is a uint32 whose default, -1, reads back as 4294967295: "the first free unit".
  const unit = typeof given === 'bigint' && given < 0xffffffffn ? Number(given) : bus.devices.length;
  obj.showDerived('unit', BigInt(unit));
  if (!obj.userSet('serial')) obj.showDerived('serial', `QM${String(ordinal * 2 + unit + 1).padStart(5, '0')}`);
}

/** The QOM path the -device at `index` gets: its id, else its place among the anonymous ones. */
export function devicePath(devices: readonly DeviceSpec[], index: number): string {
  const d = devices[index]!;
  if (d.id !== undefined) return `/machine/peripheral/${d.id}`;
  return `/machine/peripheral-anon/device[${devices.slice(0, index).filter((x) => x.id === undefined).length}]`;
}

/** A bus name qbus_init made from the bus type and its counter (ide.6), not one a device chose. */
function isAutomaticName(name: string, type: string): boolean {
  return name.startsWith(`${type.toLowerCase()}.`) && /\.\d+$/.test(name);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
