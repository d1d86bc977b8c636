/**
 * Where QEMU plugs a pc-dimm, as pc_memory_pre_plug, pc_dimm_pre_plug and
 * memory_device_pre_plug decide it (hw/i386/pc.c, hw/mem/pc-dimm.c,
 * hw/mem/memory-device.c), in command-line order: the first free slot of
 * -m's `slots` (or the one given), and the first address in the device
 * memory region where the backend fits at its alignment (or the one given),
 * with QEMU's message when it cannot. A DIMM's size is its backend's.
 *
 * Pure: no I/O.
 */
import type { TypeModel } from '../model/types.js';
import type { ResolvedObject, ResolvedProperty } from './result.js';
import { showRealized } from './realize.js';

/** ms->device_memory and what -m gives memory devices (see GuestRam.deviceMemory). */
export interface DeviceMemory { base: bigint; size: bigint; slots: bigint; space: bigint }

/** The board's side of memory hotplug: its ACPI device, and that device's memory-hotplug-support. */
export interface MemoryHotplugBoard { acpiType: string | null; memoryHotplugSupport: boolean }

/** A DIMM's backend as resolved: its type and the values that place it. */
export interface DimmBackend { path: string; id: string; type: string; size: bigint | null; align: bigint | null; hugetlbsize: bigint | null; hugetlb: boolean }

/** QEMU_VMALLOC_ALIGN on an x86_64 Linux host: anonymous RAM (memory-backend-ram) is mapped at 2 MiB. */
const ANON_RAM_ALIGN = 2n * 1024n * 1024n;
/** The host page size of a file or memfd backend without huge pages (x86_64). */
const HOST_PAGE = 4096n;

interface Plugged { id: string | null; addr: bigint; size: bigint }

export class MemoryDevices {
  private readonly slots = new Set<bigint>();
  private readonly plugged: Plugged[] = [];
  private readonly mapped = new Set<string>();
  private used = 0n;

  constructor(private readonly types: TypeModel, private readonly area: DeviceMemory | undefined, private readonly board: MemoryHotplugBoard) {}

  /** Whether `type` is placed here: a pc-dimm, not an nvdimm (it needs -machine nvdimm=on, which is not modelled). */
  static handles(types: TypeModel, type: string): boolean {
    return types.isA(type, 'pc-dimm') && !types.isA(type, 'nvdimm');
  }


  /**
   * Plugs the DIMM: sets slot, addr and size as QEMU shows them once
   * started; returns QEMU's message when it refuses, or the reason a value
   * is only as configured.
   */
  plug(dimm: ResolvedObject, backend: DimmBackend | undefined, id: string | null): { error?: string } {
    // pc_memory_pre_plug: the board's ACPI device takes the hotplug.
    if (this.board.acpiType === null) return { error: 'memory hotplug is not enabled: missing acpi device or acpi disabled' };
    if (!this.board.memoryHotplugSupport) return { error: `memory hotplug is not enabled: ${this.board.acpiType}.memory-hotplug-support is not set` };
    const slotError = this.assignSlot(dimm);
    if (slotError) return { error: slotError };
    // memory_device_pre_plug
    if (!this.area) return { error: 'the configuration is not prepared for memory devices (e.g., for memory hotplug), consider specifying the maxmem option' };
    if (!backend) return { error: "'memdev' property must be set" };
    if (backend.size === null) return {};
    const size = backend.size;
    if (this.used + size > this.area.space) {
      return { error: `not enough space, currently 0x${this.used.toString(16)} in use of total space for memory devices 0x${this.area.space.toString(16)}` };
    }
    const align = backendAlignment(this.types, backend);
    if (align === null) {
      configuredOnly(dimm, 'addr', `the alignment of a ${backend.type} is the host page size of its file (huge pages or not), which the tool cannot see`);
      this.used += size;
      return this.realize(dimm, backend, size);
    }
    if (size % align !== 0n) return { error: `backend memory size must be multiple of 0x${align.toString(16)}` };
    const placed = this.freeAddr(dimm, align, size);
    if (typeof placed === 'string') return { error: placed };
    show(prop(dimm, 'addr'), placed);
    this.plugged.push({ id, addr: placed, size });
    this.plugged.sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
    this.used += size;
    return this.realize(dimm, backend, size);
  }

  /** pc_dimm_realize's checks on the backend; the size getter shows the backend's. */
  private realize(dimm: ResolvedObject, backend: DimmBackend, size: bigint): { error?: string } {
    if (this.mapped.has(backend.path)) return { error: `can't use already busy memdev: ${backend.id}` };
    this.mapped.add(backend.path);
    show(prop(dimm, 'size'), size);
    return {};
  }

  /** pc_dimm_pre_plug and pc_dimm_get_free_slot. */
  private assignSlot(dimm: ResolvedObject): string | null {
    const p = prop(dimm, 'slot');
    const given = typeof p?.value === 'bigint' ? p.value : -1n;
    const max = this.area?.slots ?? 0n;
    if ((given < 0n || given >= max) && given !== -1n) return `invalid slot number ${given}, valid range is [0-${max - 1n}]`;
    if (max <= 0n) return "no slots where allocated, please specify the 'slots' option";
    let slot = given;
    if (given !== -1n) {
      if (this.slots.has(given)) return `slot ${given} is busy`;
    } else {
      slot = 0n;
      while (slot < max && this.slots.has(slot)) slot++;
      if (slot === max) return 'no free slots available';
    }
    this.slots.add(slot);
    if (p) show(p, slot);
    return null;
  }

  /** memory_device_get_free_addr: the hint, or the first gap from the region's start. */
  private freeAddr(dimm: ResolvedObject, align: bigint, size: bigint): bigint | string {
    const area = this.area!;
    const p = prop(dimm, 'addr');
    const hint = typeof p?.value === 'bigint' && p.value !== 0n ? p.value : null;
    const end = area.base + area.size;
    const hex = (n: bigint) => `0x${n.toString(16)}`;
    if (hint !== null && hint % align !== 0n) return `address must be aligned to ${hex(align)} bytes`;
    let start: bigint;
    if (hint !== null) {
      if (hint < area.base || hint + size > end) {
        return `can't add memory device [${hex(hint)}:${hex(size)}], usable range for memory devices [${hex(area.base)}:${hex(area.size)}]`;
      }
      start = hint;
    } else {
      start = roundUp(area.base, align);
    }
    for (const d of this.plugged) {
      const overlaps = d.addr < start + size && start < d.addr + d.size;
      if (overlaps) {
        if (hint !== null) return `address range conflicts with memory device id='${d.id ?? '(unnamed)'}'`;
        start = roundUp(d.addr + d.size, align);
      } else if (d.addr >= start + size) {
        break;
      }
    }
    if (start < area.base || start + size > end) return 'could not find position in guest address space for memory device - memory fragmented due to alignments';
    return start;
  }
}

/**
 * memory_region_get_alignment of the backend's region: anonymous RAM at
 * QEMU_VMALLOC_ALIGN, a memfd at its page size (hugetlbsize with huge
 * pages, which must then be given), a file at its `align`, else unknown.
 */
function backendAlignment(types: TypeModel, b: DimmBackend): bigint | null {
  if (types.isA(b.type, 'memory-backend-ram')) return ANON_RAM_ALIGN;
  if (types.isA(b.type, 'memory-backend-memfd')) return b.hugetlb ? (b.hugetlbsize && b.hugetlbsize > 0n ? b.hugetlbsize : null) : HOST_PAGE;
  if (types.isA(b.type, 'memory-backend-file')) return b.align && b.align > 0n ? b.align : null;
  return null;
}

const roundUp = (n: bigint, align: bigint): bigint => ((n + align - 1n) / align) * align;

function prop(o: ResolvedObject, name: string): ResolvedProperty | undefined {
  return o.properties.find((p) => p.name === name);
}

/** Plugging set the value: QEMU shows it; the chain's value, when another, is what was configured. */
function show(p: ResolvedProperty | undefined, value: bigint): void {
  if (p) showRealized(p, value);
}

function configuredOnly(o: ResolvedObject, name: string, why: string): void {
  const p = prop(o, name);
  if (p) p.configuredOnly = why;
}
