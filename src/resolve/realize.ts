/**
 * What a device's realize takes from the board around it, in realize order:
 * which PCI slot an auto-addressed device gets (the first free slot of its
 * bus), which MAC address a NIC without one gets (the next free
 * 52:54:00:12:34:XX), a virtio-serial port's number, the queues a virtio
 * disk sizes from the vCPUs, a SCSI disk's device_id from its -drive. A device record (boards.json `devices`) holds what a
 * lone device shows; here those values are recomputed for the devices that
 * are really there: the board's own (their records are exact), then each
 * -device in command-line order. Also the check QEMU makes when an address
 * is taken (hw/pci/pci.c do_pci_register_device).
 *
 * Pure: no I/O.
 */
import type { TypeModel } from '../model/types.js';
import type { ResolvedObject, ResolvedProperty } from './result.js';
import { isDefaultVgaType } from './tree.js';
import { parsePciDevfn } from './values.js';

/** The sources a user controls: a value from one of these is the one QEMU uses, not the record's. */
const USER_SOURCES = new Set(['global', 'cpu-feature', 'option', 'sugar']);

/** QEMU's automatic MAC addresses: 52:54:00:12:34:56 and up (net/net.c qemu_macaddr_default_if_unset). */
const MAC_BASE = '52:54:00:12:34:';
const MAC_FIRST = 0x56;
const MAC = /^52:54:00:12:34:([0-9a-f]{2})$/;

interface SlotHolder { type: string; id: string | null }

/** What a device's realize reads from outside the device besides the board: the vCPU count, the -drive ids, the objects so far. */
export interface DeviceSurroundings {
  readonly cpus: number;
  readonly blockBackends: readonly string[];
  readonly objectAt: (path: string) => ResolvedObject | undefined;
}

/** IDE controllers whose buses take one unit (ide_bus_init max_units 1: AHCI's ports). */
const ONE_UNIT_IDE = ['ich9-ahci'];
/** An IDE device's unit left unset (-1 as the uint32 property shows it). */
const IDE_UNIT_UNSET = 0xffffffffn;

/** VIRTIO_CONSOLE_BAD_ID: a port's nr left unset. */
const VIRTIO_CONSOLE_BAD_ID = 0xffffffffn;

export class RealizeState {
  /** bus path → devfn → the device there. */
  private readonly pci = new Map<string, Map<number, SlotHolder>>();
  private readonly macs = new Set<number>();

  constructor(private readonly types: TypeModel) {}

  /**
   * The board's devices hold their slots and MAC addresses before any
   * -device is realized. The default VGA and NIC take the first free slot
   * (pci_vga_init, pci_nic_init): when a -global or -device switched the
   * default VGA off, the NIC moves up into its slot.
   */
  registerBoard(objects: readonly ResolvedObject[]): void {
    for (const o of objects) {
      if (o.transient || o.path === null) continue;
      const bus = stringValue(prop(o, 'parent_bus'));
      const auto = bus && this.types.isA(o.type, 'pci-device') && (isDefaultVgaType(o.type) || this.types.property(o.type, 'netdev'));
      const devfn = auto ? this.firstFree(this.busSlots(bus)) : this.devfnOf(o);
      if (devfn !== null && bus) {
        this.busSlots(bus).set(devfn, { type: o.type, id: null });
        if (auto) this.setAddress(o, devfn);
      }
      this.useMac(prop(o, 'mac'));
      this.takeIdeUnit(o);
    }
  }

  private firstFree(slots: ReadonlyMap<number, SlotHolder>): number | null {
    for (let devfn = 0; devfn < 256; devfn += 8) if (!slots.has(devfn)) return devfn;
    return null;
  }

  private setAddress(o: ResolvedObject, devfn: number): void {
    const addr = prop(o, 'addr');
    if (addr) setShown(addr, BigInt(devfn));
    const legacy = prop(o, 'legacy-addr');
    if (legacy) setShown(legacy, `${(devfn >> 3).toString(16).padStart(2, '0')}.${devfn & 7}`);
  }

  /**
   * Realizes one -device (`objects`: the device and the children it
   * created, the device last): its PCI address and MAC address. Returns
   * QEMU's message when the address it asks for is taken.
   */
  realizeDevice(objects: readonly ResolvedObject[], id: string | null, around: DeviceSurroundings): string | null {
    const dev = objects[objects.length - 1]!;
    if (this.types.isA(dev.type, 'pci-device')) {
      const err = this.placePci(dev, id);
      if (err) return err;
    }
    this.assignMac(objects);
    this.virtioQueues(objects, around.cpus);
    if (this.types.isA(dev.type, 'scsi-disk-base')) scsiDeviceId(dev, around.blockBackends);
    if (this.types.isA(dev.type, 'virtio-serial-port')) return this.serialPort(dev, around);
    if (this.types.isA(dev.type, 'ide-device')) return this.ideUnit(dev, around);
    return null;
  }

  /** IDE bus path → the units taken (master 0, slave 1). */
  private readonly ideUnits = new Map<string, Set<bigint>>();

  /** A board IDE device holds its unit. */
  private takeIdeUnit(o: ResolvedObject): void {
    const bus = stringValue(prop(o, 'parent_bus'));
    const unit = prop(o, 'unit')?.value;
    if (!bus || typeof unit !== 'bigint' || !this.types.isA(o.type, 'ide-device')) return;
    let taken = this.ideUnits.get(bus);
    if (!taken) this.ideUnits.set(bus, (taken = new Set()));
    taken.add(unit);
  }

  /**
   * ide_qdev_realize (hw/ide/ide-dev.c): a unit left unset is the slave when
   * the bus has a master, else the master; QEMU refuses a unit beyond the
   * bus's (an AHCI port has one unit, other IDE buses two) or one in use.
   */
  private ideUnit(dev: ResolvedObject, around: DeviceSurroundings): string | null {
    const busPath = stringValue(prop(dev, 'parent_bus'));
    const unit = prop(dev, 'unit');
    const given = unit && configuredOf(unit);
    if (!busPath || !unit || typeof given !== 'bigint') return null;
    const owner = around.objectAt(busPath.slice(0, busPath.lastIndexOf('/')));
    if (!owner) return null;
    const maxUnits = ONE_UNIT_IDE.some((t) => this.types.isA(owner.type, t)) ? 1n : 2n;
    let taken = this.ideUnits.get(busPath);
    if (!taken) this.ideUnits.set(busPath, (taken = new Set()));
    // The property is a uint32: its default -1 reads back as 4294967295.
    const n = given === IDE_UNIT_UNSET ? (taken.has(0n) ? 1n : 0n) : given;
    if (n >= maxUnits) return `Can't create IDE unit ${n}, bus supports only ${maxUnits} units`;
    if (taken.has(n)) return `IDE unit ${n} is in use`;
    taken.add(n);
    showRealized(unit, n);
    return null;
  }

  /** Per virtio-serial bus: the port ids taken (ports_map, where 0 is reserved) and those of ports that exist. */
  private readonly serialBuses = new Map<string, { map: Set<bigint>; ports: Set<bigint> }>();
  /** Every virtio-serial port's name, whichever its bus (find_port_by_name). */
  private readonly serialNames = new Set<string>();

  /**
   * virtser_port_device_realize (hw/char/virtio-serial-bus.c): a port without
   * nr takes 0 if it is the first console, else the first id free in the
   * bus's map (0 is reserved there for a console); QEMU's message when the
   * id or name is taken or the id out of the device's max_ports.
   */
  private serialPort(dev: ResolvedObject, around: DeviceSurroundings): string | null {
    const busPath = stringValue(prop(dev, 'parent_bus'));
    const nr = prop(dev, 'nr');
    const given = nr && configuredOf(nr);
    if (!busPath || !nr || typeof given !== 'bigint') return null;
    let bus = this.serialBuses.get(busPath);
    if (!bus) this.serialBuses.set(busPath, (bus = { map: new Set([0n]), ports: new Set() }));
    const console = this.types.isA(dev.type, 'virtconsole');
    let id = given;
    if (bus.ports.has(id)) return `virtio-serial-bus: A port already exists at id ${id}`;
    const name = stringValue(prop(dev, 'name'));
    if (name !== null && this.serialNames.has(name)) return `virtio-serial-bus: A port already exists by name ${name}`;
    const owner = around.objectAt(busPath.slice(0, busPath.lastIndexOf('/')));
    const maxPorts = owner && prop(owner, 'max_ports')?.value;
    if (typeof maxPorts !== 'bigint') return null;
    if (id === VIRTIO_CONSOLE_BAD_ID) {
      if (console && !bus.ports.has(0n)) {
        id = 0n;
      } else {
        // find_free_port_id: the first clear bit of the map's 32-bit words.
        const words = (maxPorts + 31n) / 32n;
        id = 0n;
        while (id < words * 32n && bus.map.has(id)) id++;
        if (id === words * 32n) return 'virtio-serial-bus: Maximum port limit for this device reached';
      }
    }
    if (id >= maxPorts) return `virtio-serial-bus: Out-of-range port id specified, max. allowed: ${maxPorts - 1n}`;
    // virtconsole_realize (hw/char/virtio-console.c), for virtserialport too.
    if (id === 0n && !console) return 'Port number 0 on virtio-serial devices reserved for virtconsole devices for backward compatibility.';
    bus.map.add(id);
    bus.ports.add(id);
    if (name !== null) this.serialNames.add(name);
    showRealized(nr, id);
    return null;
  }

  /**
   * virtio_blk_pci_realize, virtio_scsi_pci_realize and their vhost(-user)
   * kin: num-queues left at its default ("auto") becomes one queue per vCPU
   * (virtio_pci_optimal_num_queues: smp.cpus, at most VIRTIO_QUEUE_MAX less
   * the fixed queues), and vectors left at its default (unspecified) the
   * queues, the fixed ones and one for configuration changes. A lone
   * device's record holds the values of one vCPU.
   */
  private virtioQueues(objects: readonly ResolvedObject[], cpus: number): void {
    const proxy = objects[objects.length - 1]!;
    const kind = VIRTIO_QUEUE_PROXIES.find((k) => this.types.isA(proxy.type, k.base));
    if (!kind) return;
    const backend = objects.find((o) => o !== proxy && prop(o, kind.queues));
    const queues = backend && prop(backend, kind.queues);
    if (!queues) return;
    const configured = configuredOf(queues);
    if (typeof configured !== 'bigint') return;
    const n = sameDefault(queues, configured) ? BigInt(Math.min(cpus, VIRTIO_QUEUE_MAX - kind.fixed)) : configured;
    showRealized(queues, n);
    const alias = prop(proxy, kind.queues);
    if (alias) showRealized(alias, n);
    const vectors = prop(proxy, 'vectors');
    const cv = vectors && configuredOf(vectors);
    if (vectors && typeof cv === 'bigint') showRealized(vectors, sameDefault(vectors, cv) ? n + BigInt(kind.fixed) + 1n : cv);
  }

  private busSlots(bus: string): Map<number, SlotHolder> {
    let m = this.pci.get(bus);
    if (!m) this.pci.set(bus, (m = new Map()));
    return m;
  }

  private devfnOf(o: ResolvedObject): number | null {
    if (!this.types.isA(o.type, 'pci-device')) return null;
    const v = prop(o, 'addr')?.value;
    if (typeof v === 'bigint') return v >= 0n && v < 256n ? Number(v) : null;
    if (typeof v === 'string') return parsePciDevfn(v);
    return null;
  }

  private placePci(dev: ResolvedObject, id: string | null): string | null {
    const addr = prop(dev, 'addr');
    const bus = stringValue(prop(dev, 'parent_bus'));
    if (!addr || !bus) return null;
    const slots = this.busSlots(bus);
    const chosen = chainSource(addr) !== null && USER_SOURCES.has(chainSource(addr)!) ? this.devfnOf(dev) : null;
    let devfn: number;
    if (chosen !== null) {
      const holder = slots.get(chosen);
      if (holder) {
        return `PCI: slot ${chosen >> 3} function ${chosen & 7} not available for ${dev.type}, in use by ${holder.type},id=${holder.id ?? '(null)'}`;
      }
      devfn = chosen;
    } else if (addr.source.kind === 'board') {
      // The record's slot is the first free one on an empty board: take the first free one on this board.
      const free = this.firstFree(slots);
      if (free === null) return `PCI: no slot/function available for ${dev.type}, all in use or reserved`;
      devfn = free;
    } else {
      return null;
    }
    slots.set(devfn, { type: dev.type, id });
    this.setAddress(dev, devfn);
    return null;
  }

  /** A NIC keeps the MAC it was given; one without gets the first free automatic address (its children share it). */
  private assignMac(objects: readonly ResolvedObject[]): void {
    const nic = objects[objects.length - 1]!;
    const mac = prop(nic, 'mac');
    if (!mac) return;
    const source = chainSource(mac);
    if (source !== null && USER_SOURCES.has(source)) {
      // The address given is the one QEMU uses (the proxy's children share it through the alias).
      for (const o of objects) {
        const p = prop(o, 'mac');
        if (p && typeof p.value === 'string' && p.value === mac.value) setShown(p, p.value);
      }
      this.useMac(mac);
      return;
    }
    if (mac.source.kind !== 'board' || typeof mac.value !== 'string' || !MAC.test(mac.value)) return;
    let n = MAC_FIRST;
    while (this.macs.has(n) && n < 0xff) n++;
    this.macs.add(n);
    const value = MAC_BASE + n.toString(16).padStart(2, '0');
    for (const o of objects) {
      const p = prop(o, 'mac');
      if (p && p.source.kind === 'board') setShown(p, value);
    }
  }

  private useMac(p: ResolvedProperty | undefined): void {
    const m = typeof p?.value === 'string' ? MAC.exec(p.value) : null;
    if (m) this.macs.add(parseInt(m[1]!, 16));
  }
}

function prop(o: ResolvedObject, name: string): ResolvedProperty | undefined {
  return o.properties.find((p) => p.name === name);
}

function stringValue(p: ResolvedProperty | undefined): string | null {
  return typeof p?.value === 'string' && p.value !== '' ? p.value : null;
}

/** The chain step that configured the property (before board code or realize). */
function chainSource(p: ResolvedProperty): string | null {
  return (p.configured?.source ?? p.source).kind;
}

/**
 * scsi_realize (hw/scsi/scsi-disk.c): a device_id left unset becomes the
 * serial when one is given, else the name of the drive's BlockBackend, which
 * only a -drive has (its id); a -blockdev node's BlockBackend is anonymous.
 */
function scsiDeviceId(dev: ResolvedObject, blockBackends: readonly string[]): void {
  const deviceId = prop(dev, 'device_id');
  if (!deviceId || (chainSource(deviceId) !== 'default' && chainSource(deviceId) !== 'board')) return;
  const serial = stringValue(prop(dev, 'serial'));
  const drive = stringValue(prop(dev, 'drive'));
  const value = serial ?? (drive !== null && blockBackends.includes(drive) ? drive : null);
  if (value !== null) showRealized(deviceId, value);
}

/** The proxies whose realize sizes their virtio backend's queues (fixed: the queues every such device has besides). */
const VIRTIO_QUEUE_PROXIES: ReadonlyArray<{ base: string; queues: string; fixed: number }> = [
  { base: 'virtio-blk-pci-base', queues: 'num-queues', fixed: 0 },
  { base: 'vhost-user-blk-pci-base', queues: 'num-queues', fixed: 0 },
  // VIRTIO_SCSI_VQ_NUM_FIXED: the control and event queues.
  { base: 'virtio-scsi-pci-base', queues: 'num_queues', fixed: 2 },
  { base: 'vhost-scsi-pci-base', queues: 'num_queues', fixed: 2 },
  { base: 'vhost-user-scsi-pci-base', queues: 'num_queues', fixed: 2 },
];
/** include/hw/virtio/virtio.h */
const VIRTIO_QUEUE_MAX = 1024;

/** What the chain configured (before board code or realize). */
function configuredOf(p: ResolvedProperty): ResolvedProperty['value'] {
  return p.configured ? p.configured.value : p.value;
}

/** Whether `value` is the property's type default: the "auto"/"unspecified" sentinel realize replaces. */
function sameDefault(p: ResolvedProperty, value: bigint): boolean {
  const d = p.default;
  return (typeof d === 'bigint' || typeof d === 'string' || typeof d === 'number') && String(d) === value.toString();
}

/**
 * Realize made the property `value`: what QEMU shows. When that is what the
 * chain configured, the chain's step stays the answer.
 */
export function showRealized(p: ResolvedProperty, value: bigint | string): void {
  const chain = p.configured ?? { value: p.value, source: p.source };
  delete p.configuredOnly;
  delete p.notShown;
  if (chain.value === value) {
    p.value = value;
    p.source = chain.source;
    delete p.configured;
    return;
  }
  p.configured = chain as NonNullable<ResolvedProperty['configured']>;
  p.value = value;
  p.source = { kind: 'board' };
}

/** Realize computed this value from the board: QEMU shows it, whatever the record of a lone device said. */
function setShown(p: ResolvedProperty, value: bigint | string): void {
  p.value = value;
  delete p.configuredOnly;
}

// ---------------------------------------------------------------------------------------------
// Checks QEMU makes when it realizes (or completes) an object, for properties compat tables,
// management stacks and users set. Each returns QEMU's message, or null. The messages were
// checked against qemu-system-x86_64 10.0.2 (test/unit/observed.test.ts, test/live).

const U32_MAX = 4294967295n;
/** TCG's limit on phys-bits (TARGET_PHYS_ADDR_SPACE_BITS on x86_64). */
const TCG_MAX_PHYS_BITS = 52n;

function bigintValue(o: ResolvedObject, name: string): bigint | null {
  const v = prop(o, name)?.value;
  return typeof v === 'bigint' ? v : null;
}

/** The value the chain configured (before board code or realize). */
function configuredValue(o: ResolvedObject, name: string): bigint | null {
  const p = prop(o, name);
  const v = p?.configured ? p.configured.value : p?.value;
  return typeof v === 'bigint' ? v : null;
}

const isPowerOfTwo = (n: bigint) => n > 0n && (n & (n - 1n)) === 0n;

type Check = (o: ResolvedObject, types: TypeModel) => string | null;

const CHECKS: ReadonlyArray<{ type: string; check: Check }> = [
  // hw/intc/ioapic.c ioapic_realize
  { type: 'ioapic', check: (o) => {
    const v = configuredValue(o, 'version');
    return v !== null && v !== 0x11n && v !== 0x20n ? 'IOAPIC only supports version 0x11 or 0x20 (default: 0x20).' : null;
  } },
  // target/i386/cpu.c x86_cpu_realizefn (TCG): phys-bits, then guest-phys-bits against phys-bits.
  { type: 'x86_64-cpu', check: (o) => {
    const phys = configuredValue(o, 'phys-bits');
    if (phys !== null && phys !== 0n && (phys < 32n || phys > TCG_MAX_PHYS_BITS)) return `phys-bits should be between 32 and ${TCG_MAX_PHYS_BITS}  (but is ${phys})`;
    const guest = configuredValue(o, 'guest-phys-bits');
    const bound = phys !== null && phys !== 0n ? phys : bigintValue(o, 'phys-bits');
    if (guest === null || guest === 0n || guest === U32_MAX || bound === null) return null;
    return guest < 32n || guest > bound ? `guest-phys-bits should be between 32 and ${bound}  (but is ${guest})` : null;
  } },
  // hw/net/virtio-net.c virtio_net_device_realize: queue sizes. The tx maximum is 1024 only with a
  // vhost-user or vhost-vdpa peer; the peer's kind is not known here, so with a netdev only the
  // bounds every peer has are checked.
  { type: 'virtio-net-device', check: (o) => {
    const rx = configuredValue(o, 'rx_queue_size');
    if (rx !== null && (!isPowerOfTwo(rx) || rx < 256n || rx > 1024n)) return `Invalid rx_queue_size (= ${rx}), must be a power of 2 between 256 and 1024.`;
    const tx = configuredValue(o, 'tx_queue_size');
    const peer = prop(o, 'netdev')?.value;
    const max = typeof peer === 'string' && peer !== '' ? 1024n : 256n;
    if (tx !== null && (!isPowerOfTwo(tx) || tx < 256n || tx > max)) return `Invalid tx_queue_size (= ${tx}), must be a power of 2 between 256 and 256`;
    return null;
  } },
  // hw/pci/pci.c pci_add_option_rom: a romsize given must be a power of two.
  { type: 'pci-device', check: (o) => {
    const size = configuredValue(o, 'romsize');
    return size !== null && size !== U32_MAX && !isPowerOfTwo(size) ? `ROM size ${size} is not a power of two` : null;
  } },
  // target/i386/sev.c sev_common_instance_init/complete: reduced-phys-bits has no default.
  { type: 'sev-common', check: (o) => {
    const p = prop(o, 'reduced-phys-bits');
    return p && !USER_SOURCES.has(chainSource(p) ?? '') ? "Parameter 'reduced-phys-bits' is missing" : null;
  } },
];

/** The first check `o` fails at realize (or complete), in QEMU's words; null when it passes them all. */
export function realizeCheck(o: ResolvedObject, types: TypeModel): string | null {
  for (const c of CHECKS) {
    if (!types.isA(o.type, c.type)) continue;
    const msg = c.check(o, types);
    if (msg) return msg;
  }
  return null;
}
