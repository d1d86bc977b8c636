/**
 * Guest RAM: the machine's `memory` property (-m, `-machine memory.*`) as
 * machine_set_mem takes it, and what x86 board code makes of it: the split
 * of RAM below and above 4 GiB, the 64-bit PCI hole after RAM and the
 * hotplug region, and the checks pc_memory_init makes. The values show on
 * the PCI host bridge (below-4g-mem-size, above-4g-mem-size, pci-hole-start,
 * pci-hole64-start/-end), on the board's RAM backend (size) and, when memory
 * hotplug makes QEMU add a NUMA node, on the CPUs (node-id). Pure.
 *
 * Sources (QEMU 10.0): hw/core/machine.c machine_set_mem and
 * machine_run_board_init; hw/i386/pc_q35.c pc_q35_init; hw/i386/pc_piix.c
 * pc_init1; hw/i386/microvm.c microvm_memory_init; hw/i386/pc.c
 * pc_memory_init, pc_pci_hole64_start, pc_max_used_gpa; hw/core/numa.c
 * numa_complete_configuration; hw/pci-host/q35.c and i440fx.c getters.
 */
import { versionAtMost } from '../model/machines.js';
import { parseKeyvalSize, parseKeyvalUint64 } from './values.js';

const KiB = 1024n;
const MiB = 1024n * KiB;
const GiB = 1024n * MiB;
const U64 = 1n << 64n;
/** hw/i386/pc.c: the HyperTransport hole below 1 TiB on AMD hosts, and where RAM moves to avoid it. */
const AMD_HT_START = 0xfd00000000n;
const AMD_ABOVE_1TB_START = 0x10000000000n;
/** include/hw/acpi/pc-hotplug.h ACPI_MAX_RAM_SLOTS. */
const MAX_RAM_SLOTS = 256n;
/** x86's TARGET_PAGE_SIZE: maxmem must be a multiple. */
const PAGE = 4096n;

export interface MemoryConfig {
  ramSize: bigint;
  maxramSize: bigint;
  slots: bigint;
  /** The size came from -m / memory.size (not the machine's default, nor a memory-backend's size). */
  custom: boolean;
}

/** The `memory` dictionary's keys as written (keyval strings). */
export interface MemoryKeys { size?: string; slots?: string; 'max-size'?: string }

export type MemoryResult = { ok: true; config: MemoryConfig } | { ok: false; error: string };

const hex = (v: bigint) => `0x${v.toString(16)}`;
const roundUp = (v: bigint, to: bigint) => ((v + to - 1n) / to) * to;

/** machine_set_mem(): the visitor's checks, the 8 KiB alignment, maxmem and slots. */
export function machineMemory(keys: MemoryKeys, defaultRamSize: bigint): MemoryResult {
  let size = defaultRamSize;
  if (keys.size !== undefined) {
    const r = parseKeyvalSize('memory.size', keys.size);
    if (!r.ok) return { ok: false, error: r.reason };
    size = r.value;
  }
  let slots: bigint | undefined;
  if (keys.slots !== undefined) {
    const r = parseKeyvalUint64('memory.slots', keys.slots);
    if (!r.ok) return { ok: false, error: r.reason };
    slots = r.value;
  }
  let maxSize: bigint | undefined;
  if (keys['max-size'] !== undefined) {
    const r = parseKeyvalSize('memory.max-size', keys['max-size']);
    if (!r.ok) return { ok: false, error: r.reason };
    maxSize = r.value;
  }
  // QEMU_ALIGN_UP in 64-bit arithmetic (a size within 8 KiB of 2^64 wraps to 0); ram_addr_t is
  // 64-bit on these hosts, so machine_set_mem's "exceeds permitted maximum" cannot happen.
  size = roundUp(size, 8192n) % U64;
  let maxram = size;
  if (maxSize !== undefined) {
    if (maxSize < size) {
      return { ok: false, error: `invalid value of maxmem: maximum memory size (${hex(maxSize)}) must be at least the initial memory size (${hex(size)})` };
    }
    if (slots && maxSize === size) {
      return { ok: false, error: `invalid value of maxmem: memory slots were specified but maximum memory size (${hex(maxSize)}) is equal to the initial memory size (${hex(size)})` };
    }
    maxram = maxSize;
  } else if (slots !== undefined) {
    return { ok: false, error: 'slots specified but no max-size' };
  }
  return { ok: true, config: { ramSize: size, maxramSize: maxram, slots: slots ?? 0n, custom: keys.size !== undefined } };
}

/** The board families whose memory layout is modelled. */
export type BoardFamily = 'q35' | 'i440fx' | 'isapc' | 'microvm';

/**
 * Machine-class flags that pc_memory_init reads, as each machine version's
 * *_options() function sets them (pc_q35.c, pc_piix.c, pc.c pc_machine_class_init).
 */
export interface MemoryClassFlags {
  gigabyteAlign: boolean;
  hasReservedMemory: boolean;
  brokenReservedEnd: boolean;
  enforceAmd1tbHole: boolean;
  broken32bitMemAddrCheck: boolean;
  autoNumaWithMemhp: boolean;
  autoNumaWithMemdev: boolean;
}

export function memoryClassFlags(family: BoardFamily, machineName: string): MemoryClassFlags {
  // Versionless names (isapc, microvm) and the newest versions take the class defaults.
  const atMost = (major: number, minor: number) => versionAtMost(machineName, major, minor);
  const pc = family === 'q35' || family === 'i440fx';
  return {
    gigabyteAlign: family !== 'isapc',
    hasReservedMemory: family !== 'isapc',
    brokenReservedEnd: pc && atMost(2, 4),
    enforceAmd1tbHole: family !== 'microvm' && !(pc && atMost(7, 0)),
    broken32bitMemAddrCheck: pc && atMost(8, 1),
    autoNumaWithMemhp: family !== 'microvm' && !(pc && atMost(2, 10)),
    autoNumaWithMemdev: family !== 'microvm' && !(pc && atMost(5, 0)),
  };
}

/** What the board's CPU (the first one) brings to the layout. */
/** physBits undefined: the host decides it (a CPU under KVM): pc_memory_init's limit is not checked. */
export interface FirstCpu { longMode: boolean; amd: boolean; physBits: number | undefined }

/** The host bridge's own settings that the 64-bit hole depends on. */
export interface HostBridgeSettings { pciHole64Size: bigint; pciHole64Fix: boolean }

export interface MemoryLayout {
  belowRam: bigint;
  aboveRam: bigint;
  /** What the host bridge shows (absent on boards without one). */
  host?: { 'below-4g-mem-size': bigint; 'above-4g-mem-size': bigint; 'pci-hole-start': bigint; 'pci-hole64-start': bigint; 'pci-hole64-end': bigint };
  /** QEMU adds NUMA node 0 for memory hotplug: the CPUs show node-id 0. */
  numaNode: boolean;
  /** The device memory region (ms->device_memory) pc-dimms are placed in; absent without maxmem above the RAM. */
  deviceMemory?: { base: bigint; size: bigint };
  warnings: string[];
  /** The fatal error of pc_memory_init, if any. */
  error?: string;
}

export interface BoardMemoryInput {
  family: BoardFamily;
  machineName: string;
  config: MemoryConfig;
  /** The machine's max-ram-below-4g (0: the board's default). */
  maxRamBelow4g: bigint;
  cpu: FirstCpu;
  host?: HostBridgeSettings;
}

/** Board init: where RAM goes and what the host bridge shows; pc_memory_init's checks. */
export function boardMemoryLayout(input: BoardMemoryInput): MemoryLayout {
  const { family, config, cpu } = input;
  const flags = memoryClassFlags(family, input.machineName);
  const warnings: string[] = [];
  const { below, above } = splitRam(family, config.ramSize, input.maxRamBelow4g, flags, warnings);
  const numaNode = (config.slots > 0n && flags.autoNumaWithMemhp) || (config.maxramSize > config.ramSize && flags.autoNumaWithMemdev);
  if (family === 'microvm') return { belowRam: below, aboveRam: above, numaNode, warnings };

  const hole64Size = input.host?.pciHole64Size ?? 0n;
  const space = (aboveStart: bigint) => addressSpace(config, flags, above, aboveStart);
  let s = space(4n * GiB);
  const maxUsed = (sp: AddressSpace) => maxUsedGpa(cpu, flags, sp, hole64Size);
  if (cpu.amd && flags.enforceAmd1tbHole && maxUsed(s) >= AMD_HT_START) s = space(AMD_ABOVE_1TB_START);
  const layout: MemoryLayout = { belowRam: below, aboveRam: above, numaNode, warnings, ...(s.deviceMem ? { deviceMemory: s.deviceMem } : {}) };
  if (input.host) {
    const fix = input.host.pciHole64Fix;
    // With no 64-bit BAR programmed (-S: no firmware has run), the hole follows RAM and hotplug space.
    const start = fix ? s.hole64Start : 0n;
    layout.host = {
      'below-4g-mem-size': below, 'above-4g-mem-size': above, 'pci-hole-start': below,
      'pci-hole64-start': start,
      'pci-hole64-end': fix ? roundUp(start + hole64Size, GiB) : 0n,
    };
  }
  const error = memoryInitError(input, flags, cpu, maxUsed(s), s);
  if (error) layout.error = error;
  return layout;
}

function splitRam(family: BoardFamily, ram: bigint, maxBelowProp: bigint, flags: MemoryClassFlags, warnings: string[]): { below: bigint; above: bigint } {
  let lowmem: bigint;
  if (family === 'microvm') {
    lowmem = 0xc0000000n;
    return ram > lowmem ? { below: lowmem, above: ram - lowmem } : { below: ram, above: 0n };
  }
  if (family === 'q35') {
    // 512 MiB of I/O and 256 MiB of MMCONFIG below 4 GiB; 1 GiB-aligned when RAM must be split.
    lowmem = ram >= 0xb0000000n ? 0x80000000n : 0xb0000000n;
    const maxBelow = maxBelowProp || 4n * GiB;
    if (lowmem > maxBelow) {
      lowmem = maxBelow;
      if (ram - lowmem > lowmem && lowmem % GiB !== 0n) {
        warnings.push(`There is possibly poor performance as the ram size  (${hex(ram)}) is more then twice the size of max-ram-below-4g (${maxBelow}) and max-ram-below-4g is not a multiple of 1G.`);
      }
    }
  } else {
    const maxBelow = maxBelowProp || 0xe0000000n;
    lowmem = maxBelow;
    if (ram >= maxBelow && flags.gigabyteAlign) {
      if (lowmem > 0xc0000000n) lowmem = 0xc0000000n;
      if (lowmem % GiB !== 0n) warnings.push(`Large machine and max_ram_below_4g (${maxBelow}) not a multiple of 1G; possible bad performance.`);
    }
  }
  return ram >= lowmem ? { below: lowmem, above: ram - lowmem } : { below: ram, above: 0n };
}

interface AddressSpace { aboveEnd: bigint; deviceMem?: { base: bigint; size: bigint }; hole64Start: bigint }

/** pc_above_4g_end, pc_get_device_memory_range, pc_pci_hole64_start (without CXL or SGX EPC). */
function addressSpace(config: MemoryConfig, flags: MemoryClassFlags, above: bigint, aboveStart: bigint): AddressSpace {
  const aboveEnd = aboveStart + above;
  if (!(flags.hasReservedMemory && config.ramSize < config.maxramSize)) return { aboveEnd, hole64Start: roundUp(aboveEnd, GiB) };
  // One GiB per slot: each DIMM may need 1 GiB alignment.
  const deviceMem = { base: roundUp(aboveEnd, GiB), size: config.maxramSize - config.ramSize + GiB * config.slots };
  const start = deviceMem.base + (flags.brokenReservedEnd ? 0n : deviceMem.size);
  return { aboveEnd, deviceMem, hole64Start: roundUp(start, GiB) };
}

/** pc_max_used_gpa: the highest guest-physical address the board uses. */
function maxUsedGpa(cpu: FirstCpu, flags: MemoryClassFlags, s: AddressSpace, hole64Size: bigint): bigint {
  if (cpu.longMode) return s.hole64Start + hole64Size - 1n;
  if (flags.broken32bitMemAddrCheck) return cpu.physBits === undefined ? 0n : (1n << BigInt(cpu.physBits)) - 1n;
  if (s.deviceMem) return s.deviceMem.base + s.deviceMem.size - 1n;
  return s.aboveEnd - 1n;
}

/** pc_memory_init's fatal checks, in its order. */
function memoryInitError(input: BoardMemoryInput, flags: MemoryClassFlags, cpu: FirstCpu, maxUsed: bigint, s: AddressSpace): string | undefined {
  const { config } = input;
  const maxPhys = cpu.physBits === undefined ? undefined : (1n << BigInt(cpu.physBits)) - 1n;
  if (maxPhys !== undefined && maxPhys < maxUsed) return `Address space limit ${hex(maxPhys)} < ${hex(maxUsed)} phys-bits too low (${cpu.physBits})`;
  if (!flags.hasReservedMemory && (config.slots > 0n || config.maxramSize > config.ramSize)) {
    return `"-memory 'slots|maxmem'" is not supported by: ${input.machineName}`;
  }
  if (s.deviceMem) {
    if (config.slots > MAX_RAM_SLOTS) return `unsupported amount of memory slots: ${config.slots}`;
    if (config.maxramSize % PAGE !== 0n) return `maximum memory size must by aligned to multiple of ${PAGE} bytes`;
    if (s.deviceMem.base + s.deviceMem.size >= U64) return `unsupported amount of maximum memory: ${config.maxramSize.toString(16)}`;
  }
  return undefined;
}
