/**
 * The qdev bus tree: which buses exist as the command line is processed,
 * and the bus a -device goes on (system/qdev-monitor.c qdev_device_add).
 *
 * - `bus=NAME` finds the first bus of that name in qbus_find_recursive's
 *   order: from the main system bus, a bus before the buses below it, the
 *   devices on a bus newest first (QEMU inserts children at the head), a
 *   device's buses newest first;
 * - without `bus=`, the first bus of the device class's bus type in the same
 *   order;
 * - a device's buses are named after its id (`pci.1` for a PCI bridge with
 *   id pci.1, `scsi0.0` for a controller with id scsi0), else with the bus
 *   type and a counter of automatically named buses per bus type (qbus_init).
 *
 * Board buses come from the board layout (what QEMU showed), a -device's from
 * the record of its type. Pure.
 */
import type { TypeModel } from '../model/types.js';

export interface BusNode {
  readonly name: string;
  readonly type: string;
  readonly path: string;
  /** QOM type of the object that carries it (a host bridge, a root port, a controller). */
  readonly ownerType: string;
  /** A -device created it (board buses are as QEMU showed them at import). */
  readonly fromDevice: boolean;
  /** false: a board bus without a hotplug handler (as QEMU showed it at import). */
  readonly hotpluggable?: false;
  /** Not seen: assumed to exist (its path is a placeholder). */
  readonly assumed?: true;
  /** Its place among its owner's buses (an IDE controller's bus_id: ide.1 of piix is 1). */
  readonly index: number;
  /** Devices on the bus, in insertion order. */
  readonly devices: DeviceNode[];
}

interface DeviceNode {
  readonly path: string;
  /** The buses the device carries, in creation order. */
  readonly buses: BusNode[];
}

/** The main system bus, the root every search starts from. */
export const SYSBUS_PATH = '/machine/unattached/sysbus';

export class BusTree {
  private readonly root: BusNode = { name: 'main-system-bus', type: 'System', path: SYSBUS_PATH, ownerType: 'container', fromDevice: false, devices: [], index: 0 };
  private readonly buses = new Map<string, BusNode>([[SYSBUS_PATH, this.root]]);
  private readonly devices = new Map<string, DeviceNode>();
  /** BusClass.automatic_ids: per concrete bus type, the next counter of automatically named buses. */
  private readonly automatic = new Map<string, number>();

  constructor(private readonly types: TypeModel) {}

  /** The bus's place among the tree's buses of its type, in creation order (hw/ide's drive_serial counts IDE buses so). */
  ordinalOfType(bus: BusNode): number {
    let n = 0;
    for (const b of this.buses.values()) {
      if (b === bus) return n;
      if (b.type === bus.type) n++;
    }
    return n;
  }

  /** A bus an object carries, with its name and type. */
  addBus(owner: { path: string; type: string; fromDevice: boolean }, name: string, type: string, path: string, assumed = false, hotpluggable?: false): BusNode {
    const carrier = this.deviceNode(owner.path);
    const node: BusNode = {
      name, type, path, ownerType: owner.type, fromDevice: owner.fromDevice, devices: [], index: carrier.buses.length, ...(assumed ? { assumed: true as const } : {}),
      ...(hotpluggable === false ? { hotpluggable } : {}),
    };
    this.buses.set(path, node);
    carrier.buses.push(node);
    return node;
  }

  /** The object at `path` sits on the bus at `busPath` (its parent_bus). */
  plug(path: string, busPath: string): void {
    const bus = this.buses.get(busPath);
    if (bus) bus.devices.push(this.deviceNode(path));
  }

  /**
   * The name qbus_init gives the next bus of `type` on a device without an
   * id (and without a fixed name), and counts it. Board code names most of
   * its buses itself, and which of its buses took the counter cannot be
   * seen; `first` is the name such a bus took on an otherwise empty board
   * of this kind (the type's record), where the count starts.
   */
  takeAutomaticName(type: string, first: string): string {
    const start = Number(/\.(\d+)$/.exec(first)?.[1] ?? 0);
    const n = this.automatic.get(type) ?? start;
    this.automatic.set(type, n + 1);
    return `${type.toLowerCase()}.${n}`;
  }

  /** qbus_find_recursive(sysbus, name, type). */
  find(name: string | undefined, type: string | undefined): BusNode | undefined {
    const visit = (bus: BusNode): BusNode | undefined => {
      if ((name === undefined || bus.name === name) && (type === undefined || this.types.isA(bus.type, type))) return bus;
      for (let i = bus.devices.length - 1; i >= 0; i--) {
        const dev = bus.devices[i]!;
        for (let j = dev.buses.length - 1; j >= 0; j--) {
          const found = visit(dev.buses[j]!);
          if (found) return found;
        }
      }
      return undefined;
    };
    return visit(this.root);
  }

  private deviceNode(path: string): DeviceNode {
    let d = this.devices.get(path);
    if (!d) this.devices.set(path, (d = { path, buses: [] }));
    return d;
  }
}

