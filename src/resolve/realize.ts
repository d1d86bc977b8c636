/**
 * What a device's realize takes from the board around it, in realize order:
 * which PCI slot an auto-addressed device gets (the first free slot of its
 * bus) and which MAC address a NIC without one gets (the next free
 * 52:54:00:12:34:XX). A device record (boards.json `devices`) holds what a
 * lone device shows; here those values are recomputed for the devices that
 * are really there: the board's own (their records are exact), then each
 * -device in command-line order. Also the check QEMU makes when an address
 * is taken (hw/pci/pci.c do_pci_register_device).
 *
 * Pure: no I/O.
 */
import type { TypeModel } from '../model/types.js';
import type { ResolvedObject, ResolvedProperty } from './result.js';
import { parsePciDevfn } from './values.js';

/** The sources a user controls: a value from one of these is the one QEMU uses, not the record's. */
const USER_SOURCES = new Set(['global', 'cpu-feature', 'option', 'sugar']);

/** QEMU's automatic MAC addresses: 52:54:00:12:34:56 and up (net/net.c qemu_macaddr_default_if_unset). */
const MAC_BASE = '52:54:00:12:34:';
const MAC_FIRST = 0x56;
const MAC = /^52:54:00:12:34:([0-9a-f]{2})$/;

interface SlotHolder { type: string; id: string | null }

export class RealizeState {
  /** bus path → devfn → the device there. */
  private readonly pci = new Map<string, Map<number, SlotHolder>>();
  private readonly macs = new Set<number>();

  constructor(private readonly types: TypeModel) {}

  /** The board's devices hold their slots and MAC addresses before any -device is realized. */
  registerBoard(objects: readonly ResolvedObject[]): void {
    for (const o of objects) {
      if (o.transient || o.path === null) continue;
      const devfn = this.devfnOf(o);
      const bus = stringValue(prop(o, 'parent_bus'));
      if (devfn !== null && bus) this.busSlots(bus).set(devfn, { type: o.type, id: null });
      this.useMac(prop(o, 'mac'));
    }
  }

  /**
   * Realizes one -device (`objects`: the device and the children it
   * created, the device last): its PCI address and MAC address. Returns
   * QEMU's message when the address it asks for is taken.
   */
  realizeDevice(objects: readonly ResolvedObject[], id: string | null): string | null {
    const dev = objects[objects.length - 1]!;
    if (this.types.isA(dev.type, 'pci-device')) {
      const err = this.placePci(dev, id);
      if (err) return err;
    }
    this.assignMac(objects);
    return null;
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
      let free = 0;
      while (free < 256 && slots.has(free)) free += 8;
      if (free >= 256) return `PCI: no slot/function available for ${dev.type}, all in use or reserved`;
      devfn = free;
    } else {
      return null;
    }
    slots.set(devfn, { type: dev.type, id });
    setShown(addr, BigInt(devfn));
    const legacy = prop(dev, 'legacy-addr');
    if (legacy) setShown(legacy, `${(devfn >> 3).toString(16).padStart(2, '0')}.${devfn & 7}`);
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

/** Realize computed this value from the board: QEMU shows it, whatever the record of a lone device said. */
function setShown(p: ResolvedProperty, value: bigint | string): void {
  p.value = value;
  delete p.configuredOnly;
}
