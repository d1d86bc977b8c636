/**
 * Guest RAM during resolution: board init takes the machine's memory
 * configuration (memory.ts) and shows it on the objects it creates, in
 * QEMU's order: machine_run_board_init's check of `memory-backend=`, the
 * default RAM backend's size, the CPUs' NUMA node, then pc_memory_init's
 * split and checks as the host bridge is set up (or, on a board without one,
 * once its CPU exists). Pure.
 */
import { numaNodeOfCpu } from './numa.js';
import type { NumaConfig } from '../parse/numa.js';
import type { TypeModel } from '../model/types.js';
import { modelVendor } from './board-cpus.js';
import { boardMemoryLayout, type BoardFamily, type MemoryConfig } from './memory.js';
import type { ShownValue } from './shown.js';
import { parseKeyvalSize } from './values.js';

/** What guest-ram needs of an object resolution is creating. */
export interface RamTarget {
  readonly type: string;
  readonly path: string | null;
  /** The value the chain configured (compat, -global, options), before board code. */
  configuredValue(name: string): ShownValue | null | undefined;
  /** What QEMU shows (after realize, as far as resolution knows it). */
  shownValue(name: string): ShownValue | null | undefined;
  /** Board code sets the property after the chain: QEMU shows this. */
  showBoard(name: string, value: ShownValue): void;
}

/** The bridges' pci-hole64-size defaults (Q35_PCI_HOST_HOLE64_SIZE_DEFAULT, I440FX_PCI_HOST_HOLE64_SIZE_DEFAULT). */
const HOLE64_SIZE_DEFAULT: ReadonlyMap<string, bigint> = new Map([['q35-pcihost', 1n << 35n], ['i440FX-pcihost', 1n << 31n]]);

/** Host bridge types whose getters report the RAM split (hw/pci-host/q35.c, i440fx.c). */
const HOST_FAMILIES: ReadonlyMap<string, BoardFamily> = new Map([['q35-pcihost', 'q35'], ['i440FX-pcihost', 'i440fx']]);

/**
 * The board family whose memory layout applies, from the machine type and the
 * objects its board creates; undefined where the layout is not modelled
 * (`none`, `x-remote`, Xen): there only the RAM backend's size is shown.
 */
export function boardFamily(machineType: string, boardTypes: readonly string[], types: TypeModel): BoardFamily | undefined {
  if (types.isA(machineType, 'microvm-machine')) return 'microvm';
  if (!types.isA(machineType, 'generic-pc-machine')) return undefined;
  for (const t of boardTypes) {
    const family = HOST_FAMILIES.get(t);
    if (family) return family;
  }
  // A PC without a PCI host bridge: isapc (pc_init1 with pci_enabled = false).
  return 'isapc';
}

const asBigint = (v: ShownValue | null | undefined): bigint | undefined => (typeof v === 'bigint' ? v : undefined);

/**
 * The CPU's phys-bits as realize leaves it: the board's CPU record shows it;
 * where only the configured 0 ("choose for me") is known (a -cpu model with
 * no record), x86_cpu_realizefn's TCG choice: 40 bits with long mode, else
 * 36 with PSE36 or PAE, else 32. Under another accelerator the host may
 * decide (host-phys-bits): unknown then.
 */
function physBits(cpu: RamTarget | undefined, longMode: boolean, tcg: boolean): number | undefined {
  const shown = asBigint(cpu?.shownValue('phys-bits'));
  if (shown !== undefined && shown > 0n) return Number(shown);
  if (!tcg) return undefined;
  if (longMode) return 40;
  return cpu?.shownValue('pse36') === true || cpu?.shownValue('pae') === true ? 36 : 32;
}

export class GuestRam {
  private config: MemoryConfig;
  private layoutDone = false;
  private cpuSeen = false;
  /** Warnings board init printed (advice on the RAM split). */
  readonly warnings: string[] = [];
  /**
   * -numa nodes (resolve/numa.ts): each CPU shows its node, and the machine's
   * RAM is the container `/machine/<default RAM id>[0]` of the nodes' memdevs.
   */
  numa: { config: NumaConfig; ramId: string } | undefined;
  /** CPUs board init created so far (their index in possible_cpus). */
  private cpuCount = 0;

  constructor(
    config: MemoryConfig, private readonly machine: string, private readonly family: BoardFamily | undefined,
    private readonly machineProps: ReadonlyArray<readonly [string, string]>, private readonly types: TypeModel,
    /** `-machine memory-backend=ID`: the machine's RAM is that -object. */
    readonly memdev: string | undefined, private readonly tcg: boolean,
  ) {
    this.config = config;
  }

  /** q35 and i440fx run pc_memory_init's checks as they set up the host bridge; the others once the CPU exists. */
  private get hasHostBridge(): boolean {
    return this.family === 'q35' || this.family === 'i440fx';
  }

  /**
   * machine_run_board_init with `memory-backend=ID`: without -m's size the
   * machine takes the backend's (qemu_resolve_machine_memdev); with it, the
   * two must agree. Returns QEMU's message when they do not.
   */
  boardInit(memdev: RamTarget | undefined): string | undefined {
    if (!memdev) return undefined;
    const size = asBigint(memdev.configuredValue('size'));
    if (size === undefined) return undefined;
    if (!this.config.custom) {
      this.config = { ...this.config, ramSize: size, maxramSize: this.config.maxramSize > size ? this.config.maxramSize : size };
      return undefined;
    }
    return size === this.config.ramSize ? undefined : 'Machine memory size does not match the size of the memory backend';
  }

  /** Board code's values on an object it just created; QEMU's fatal message when pc_memory_init refuses. */
  shape(obj: RamTarget, origin: string): string | undefined {
    if (origin !== 'board') return undefined;
    if (obj.path?.startsWith('/objects/') && this.types.isA(obj.type, 'memory-backend')) {
      // create_default_memdev sets the size after compat and -global.
      obj.showBoard('size', this.config.ramSize);
      return undefined;
    }
    if (this.types.isA(obj.type, 'cpu')) return this.cpu(obj);
    if (HOST_FAMILIES.has(obj.type)) return this.hostBridge(obj);
    return undefined;
  }

  private cpu(obj: RamTarget): string | undefined {
    const layout = this.layout(obj);
    const index = this.cpuCount++;
    if (this.numa) {
      const node = numaNodeOfCpu(this.numa.config, index);
      if (node !== undefined) obj.showBoard('node-id', BigInt(node));
    } else if (layout?.numaNode) {
      // numa_complete_configuration added node 0 for memory hotplug: every CPU is in it.
      obj.showBoard('node-id', 0n);
    }
    if (this.cpuSeen) return undefined;
    this.cpuSeen = true;
    // Boards without a host bridge (isapc, microvm) run pc_memory_init's checks once the CPU exists.
    if (this.hasHostBridge || !layout) return undefined;
    return this.finish(layout);
  }

  private hostBridge(obj: RamTarget): string | undefined {
    const size = asBigint(obj.configuredValue('pci-hole64-size'));
    // Definitions whose binary reported no default for the hole's size (QEMU 7.2's): with the
    // machine's own RAM the board's recorded values hold; otherwise the bridge's DEFINE_PROP default.
    if (size === undefined && !this.customised()) return undefined;
    const layout = this.layout(this.cpuTarget, {
      pciHole64Size: size ?? HOLE64_SIZE_DEFAULT.get(obj.type) ?? 0n,
      pciHole64Fix: obj.configuredValue('x-pci-hole64-fix') !== false,
    });
    // The bridge maps the machine's RAM: with memory-backend=ID, that backend's region (named after its id);
    // with -numa nodes, the container of their memdevs the machine made.
    if (this.memdev !== undefined) obj.showBoard('ram-mem', `/objects/${this.memdev}/${this.memdev}[0]`);
    else if (this.numa) obj.showBoard('ram-mem', `/machine/${this.numa.ramId}[0]`);
    if (!layout) return undefined;
    for (const [name, value] of Object.entries(layout.host ?? {})) obj.showBoard(name, value);
    return this.finish(layout);
  }

  /** The first CPU, as pc_memory_init reads it (first_cpu). */
  private cpuTarget?: RamTarget;

  private layout(cpu: RamTarget | undefined, host?: { pciHole64Size: bigint; pciHole64Fix: boolean }) {
    if (!this.family) return undefined;
    if (cpu && !this.cpuTarget) this.cpuTarget = cpu;
    const first = this.cpuTarget;
    const longMode = first?.shownValue('lm') !== false;
    return boardMemoryLayout({
      family: this.family, machineName: this.machine, config: this.config, maxRamBelow4g: this.maxRamBelow4g(),
      cpu: { longMode, amd: this.vendor(first) === 'AuthenticAMD', physBits: physBits(first, longMode, this.tcg) },
      ...(host ? { host } : {}),
    });
  }

  /** The CPU's vendor; under KVM the host's, answered for a host of the model's own. */
  private vendor(cpu: RamTarget | undefined): ShownValue | null | undefined {
    return cpu?.shownValue('vendor') ?? (cpu ? modelVendor(this.types, cpu.type) : undefined);
  }

  /**
   * Where memory devices go: ms->device_memory and what -m gives them
   * (slots, and maxmem less the RAM). Known once board init laid out the
   * RAM; undefined on a board that sets none up.
   */
  deviceMemory: { base: bigint; size: bigint; slots: bigint; space: bigint } | undefined;

  private finish(layout: ReturnType<typeof boardMemoryLayout>): string | undefined {
    if (this.layoutDone) return undefined;
    this.layoutDone = true;
    if (layout.deviceMemory) this.deviceMemory = { ...layout.deviceMemory, slots: this.config.slots, space: this.config.maxramSize - this.config.ramSize };
    this.warnings.push(...layout.warnings);
    return layout.error;
  }

  /** The machine's RAM size (-m, memory.size, or memory-backend='s). */
  get ramSize(): bigint { return this.config.ramSize; }

  /** Whether the line changed guest RAM from what the board was recorded with. */
  private customised(): boolean {
    return this.numa !== undefined || this.config.custom || this.config.slots > 0n || this.config.maxramSize > this.config.ramSize
      || this.memdev !== undefined || this.maxRamBelow4g() !== 0n;
  }

  /** -machine max-ram-below-4g (a size; 0 or absent: the board's default). */
  private maxRamBelow4g(): bigint {
    const text = this.machineProps.filter(([k]) => k === 'max-ram-below-4g').pop()?.[1];
    if (text === undefined) return 0n;
    const r = parseKeyvalSize('max-ram-below-4g', text);
    return r.ok ? r.value : 0n;
  }
}
