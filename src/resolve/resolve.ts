/**
 * Resolution: a pure function from (definitions, command line) to the object
 * tree QEMU 10.0 would build, with every property's value and where it came
 * from, plus QEMU's warnings and its fatal error, in QEMU's order.
 *
 * The sequence follows system/vl.c: option parsing; machine instance_init
 * (its objects); early -objects; the accelerator; the machine deprecation
 * warning; late -objects; the migration object and board init; -device
 * options; "nic … has no peer"; the unused-global check.
 */
import type { Definitions } from '../load/loader.js';
import { NoBoardLayoutError } from '../errors.js';
import type { SourcedCompatEntry } from '../model/machines.js';
import {
  CPU_RECORD_PATH, deviceRecordPath, hostKey, OBJECT_RECORD_PATH, OPTION_PLACEHOLDER, RECORD_ID, recordKey, relocateRecord, type LoneRecord, type ObservedRecord,
} from '../model/boards.js';
import { findMachine } from '../model/find.js';
import type { QomProperty, TypeModel } from '../model/types.js';
import { compatModel, definitionsModel, type CompatModel, type Slot } from './compat-model.js';
import { isLateObjectType } from './late-objects.js';
import { RealizeState, realizeCheck } from './realize.js';
import { MemoryDevices } from './memory-devices.js';
import { numaCompleteError, numaCoversCpus, numaOptionError } from './numa.js';
import { parseCpuOption, type CpuOption } from './cpu-option.js';
import { HOST_CPU_MODELS, hostCpuRecord, kvmModelRecord } from './cpu-records.js';
import { boardVariant } from './board-variant.js';
import { machineMemory, type MemoryKeys } from './memory.js';
import { boardFamily, GuestRam } from './guest-ram.js';
import { machineSmp, threadsPerPackage, type SmpClass, type SmpTopology } from './smp.js';
import { modelVendor, withSmpCpus } from './board-cpus.js';
import { fwCfgBootError, machineBoot, type BootConfig } from './boot.js';
import { splitMachineVersion, versionAtMost } from '../model/machines.js';
import { parseCommandLine, type CommandLine, type CommandLineOption } from './command-line.js';
import type { DeviceSpec } from './options.js';
import type { Backends } from '../parse/backends.js';
import type { NumaConfig } from '../parse/numa.js';
import { BusPlacement, devicePath, PlacementError } from './bus-placement.js';
import type { CompatModelName, Outcome, ResolvedObject, ResolvedProperty, ResolveResult, ValueSource } from './result.js';
import { aliasedChildren, boardObjects, disabledDefaults, withChildren, type PlannedObject } from './tree.js';
import { fromObservedValue, sameShown, shownText, type ShownValue } from './shown.js';
import { unusedGlobalWarnings } from './unused-globals.js';
import { parseDeviceValue, parseGlobalValue, parseJsonValue, parseObjectValue, type QomValue, type ValueContext, type ValueResult } from './values.js';

export interface ResolveRequest {
  /** Machine name as users write it (canonical, alias, or without `pc-`). */
  machine: string;
  /** The -accel argument (`tcg`, `kvm,kernel-irqchip=off`); TCG when absent. */
  accel?: string;
  nodefaults?: boolean;
  /** -global, -device and -object options in command-line order. */
  options?: readonly CommandLineOption[];
  /** The -cpu argument (MODEL[,feat=val|+feat|-feat...]); the machine's default CPU when absent. */
  cpu?: string;
  /** -machine properties (beyond the type), checked against the machine type as qemu_apply_machine_options does. */
  machineProps?: ReadonlyArray<readonly [string, string]>;
  /** The machine's `memory` dictionary from -m (parse_memory_options); it replaces `-machine memory.*` keys. */
  memory?: MemoryKeys;
  /** The machine's `smp` dictionary from -smp (keyval); it replaces `-machine smp.*` keys. */
  smp?: ReadonlyArray<readonly [string, string]>;
  /** The machine's `boot` dictionary from -boot (keyval); it replaces `-machine boot.*` keys. */
  boot?: ReadonlyArray<readonly [string, string]>;
  /** -numa nodes (parse/numa.ts). */
  numa?: NumaConfig;
  /** Backends the command line defines (-blockdev, -chardev, -netdev, …), by the ids device properties name. */
  backends?: Backends;
  /** Properties legacy options register for objects created later (-rtc driftfix, -mem-prealloc, -win2k-hack, ...), in order. */
  sugar?: ReadonlyArray<{ driver: string; property: string; value: string; optional: boolean; option: string }>;
  /** -nic or -net: the default network is off, and hubs connect NICs (not modelled). */
  legacyNetwork?: boolean;
  /** A -readconfig file was not readable: a bus `bus=` names that is not known is assumed to be one it defines. */
  unknownBusesAssumed?: boolean;
  /** An error configure_accelerators reports (e.g. -accel together with -machine accel=), after the machine options. */
  accelError?: string;
  model?: CompatModelName;
}

export type { CommandLineOption };

/** A global-list entry with QEMU's `used` flag. */
interface GlobalEntry { driver: string; property: string; value: string; text: string; index: number; used: boolean; cpu?: true }

/** A compat or global entry on its way to an object. */
interface ListEntry { driver: string; property: string; value: string; optional: boolean; source: ValueSource; global?: GlobalEntry }

class Stop {
  constructor(readonly message: string, readonly outcome: Outcome) {}
}

export function resolve(defs: Definitions, req: ResolveRequest): ResolveResult {
  const machine = findMachine(defs.machines, req.machine);
  // Without a board layout the answer would be an empty object list, which looks like an answer: refuse it.
  // (A board probed under the requested accelerator will do: the import resolves KVM's boards before
  // the TCG layouts they may share are in place.)
  const noBoard = defs.machines.noBoardReason(machine.name);
  const accelName = req.accel?.split(',')[0];
  if (noBoard !== undefined && !(accelName && accelName !== 'tcg' && defs.machines.hasAccelBoard(machine.name, accelName))) {
    throw new NoBoardLayoutError(machine.name, noBoard);
  }
  // The model the definitions' binary implements, unless the request asks for the other as a what-if.
  const model = compatModel(req.model ?? definitionsModel(defs.types), defs.types);
  const warnings: string[] = [];
  const objects: ResolvedObject[] = [];
  const assumptions: string[] = [];
  let boardSetting: string | undefined;
  const done = (error: string | null, outcome: Outcome): ResolveResult => ({
    machine: machine.name, model: model.name, objects, warnings, error, outcome,
    ...(boardSetting ? { boardVariant: boardSetting } : {}), ...(assumptions.length ? { assumptions } : {}),
  });

  const cmdline = parseCommandLine(req.options ?? [], req.accel ?? 'tcg', model.types);
  warnings.push(...cmdline.warnings);
  if (!cmdline.ok) return done(cmdline.error, 'refused');
  const machineError = machinePropsError(machine.type, req.machineProps ?? [], model.types, req.backends);
  if (machineError) return done(machineError, 'refused');
  const boot = machineBoot(dictionaryKeys(req, 'boot'));
  if (!boot.ok) return done(boot.error, 'refused');
  const smp = machineSmp(dictionaryKeys(req, 'smp'), smpClass(machine, model.types));
  if (!smp.ok) return done(smp.error, 'refused');
  const memory = machineMemory(memoryKeys(req), defaultRamSize(defs, machine.name, model.types));
  if (!memory.ok) return done(memory.error, 'refused');
  const ramBackend = req.machineProps?.filter(([k]) => k === 'memory-backend').pop()?.[1];
  const ramError = ramBackend !== undefined ? ramBackendError(ramBackend, cmdline, model.types) : null;
  if (ramError) return done(ramError, 'refused');
  if (req.accelError) return done(req.accelError, 'refused');

  const cpu = req.cpu !== undefined ? parseCpuOption(req.cpu, defs.arch, model.types) : undefined;
  const boardAccel = boardAccelerator(defs, machine.name, cmdline.accel.name, cpu, assumptions);
  const board = boardVariant(defs.machines, machine.name, boardAccel, req.machineProps ?? []);
  boardSetting = board.variant;
  if (board.unprobed.length) {
    assumptions.push(`-machine ${board.unprobed.join(',')}: the board with ${board.unprobed.length > 1 ? 'these settings' : 'this setting'} was not probed for ${machine.name}; `
      + `the answer shows the board without ${board.unprobed.length > 1 ? 'them' : 'it'}`);
  }
  const irqchip = irqchipMode(cmdline.accel, req.sugar ?? []);
  if (boardAccel !== 'tcg' && irqchip !== undefined) {
    assumptions.push(`kernel-irqchip=${irqchip}: the board was probed under ${boardAccel.toUpperCase()} with the machine's default irqchip; with another mode QEMU `
      + 'creates other interrupt controllers (split: the userspace ioapic, isa-i8259 and isa-pit in place of kvm-ioapic, kvm-i8259 and kvm-pit), which the answer does not show');
  }
  // Which lone records apply: the board's PCI host bridge (see hostKey), decided once.
  const host = hostKey(defs.machines.boardLayout(machine.name, true, boardAccel) ?? defs.machines.boardLayout(machine.name, false, boardAccel),
    (t, a) => model.types.isA(t, a));
  const ctx = new Resolution(defs, model, cmdline, machine.name, host, objects, cpu, req.backends, req.unknownBusesAssumed, assumptions, req.machineProps ?? [], req.sugar ?? []);
  ctx.smp = smp.topology;
  ctx.boot = boot.config;
  const nodefaults = req.nodefaults ?? false;
  ctx.audio = { defaults: !nodefaults && !req.backends?.audiodevs.length, first: req.backends?.audiodevs[0] };
  try {
    const network: Network = { netdevs: req.backends?.netdevs ?? [], legacy: req.legacyNetwork ?? false };
    // With -numa nodes (or memory-backend=) the machine creates no RAM backend of its own.
    const numa = req.numa?.nodes.length ? req.numa : undefined;
    const plan = planObjects(defs, model, cmdline, { machine: machine.name, accel: boardAccel, ...(board.variant ? { variant: board.variant } : {}) },
      host, nodefaults, network, ramBackend !== undefined || numa !== undefined, smp.topology, cpu);
    const boardTypes = plan.flatMap((p) => (typeof p === 'object' && 'origin' in p && p.origin === 'board' ? [p.type] : []));
    const family = boardFamily(machine.type, boardTypes, model.types);
    ctx.ram = new GuestRam(memory.config, machine.name, family, req.machineProps ?? [], model.types, ramBackend, boardAccel === 'tcg');
    if (numa) {
      ctx.ram.numa = { config: numa, ramId: machine.defaultRamId ?? 'pc.ram' };
      if (!numaCoversCpus(numa, smp.topology.maxcpus)) {
        assumptions.push('-numa: not every CPU up to maxcpus is in a node; QEMU puts the others in a node by their socket and warns, which the answer does not show');
      }
    }
    for (const step of plan) {
      if (step === 'deprecation') {
        if (machine.deprecated) warnings.push(deprecationWarning(machine.name));
        // -cpu is parsed next (parse_cpu_option), its features joining the global list.
        if (cpu) warnings.push(...ctx.registerCpu(cpu));
      } else if ('validateDevice' in step) {
        ctx.validateDevice(step.validateDevice);
      } else {
        ctx.create(step);
      }
    }
    ctx.boardRealized();
    ctx.finishShown();
    warnings.push(...ctx.ram.warnings, ...ctx.realizeWarnings);
    // net_check_clients() runs only without the default network (-nodefaults, -netdev); -nic and -net
    // make hubs, which are not modelled: their warnings are not known.
    if ((nodefaults || network.netdevs.length) && !network.legacy) warnings.push(...netWarnings(model.types, cmdline, network.netdevs));
    warnings.push(...unusedGlobalWarnings(model, ctx.globals, cmdline.devices.map((d) => model.types.deviceType(d.driver))));
    return done(null, 'started');
  } catch (e) {
    warnings.push(...ctx.realizeWarnings);
    if (e instanceof Stop) return done(e.message, e.outcome);
    throw e;
  }
}

/**
 * qemu_apply_machine_options(): each -machine property is set on the machine
 * object through the keyval input visitor, after every option is parsed and
 * before any object is created.
 */
function machinePropsError(machineType: string, props: ReadonlyArray<readonly [string, string]>, types: TypeModel, backends?: Backends): string | null {
  for (const [key, text] of props) {
    // A dotted key (smp-cache.0.cache) fills a structured property: only its name is checked here.
    const name = key.split('.')[0]!;
    const prop = types.property(machineType, name);
    if (!prop) return `Property '${machineType}.${name}' not found`;
    if (name !== key) continue;
    const parsed = parseDeviceValue(prop, text, machineType, backends);
    if (!parsed.ok) return parsed.reason;
  }
  return null;
}

/**
 * Disk properties realize computes from the image behind `drive=` (its size:
 * the CHS geometry and BIOS translation; the host's block limits: sector
 * sizes and discard granularity), left at their "work it out" values.
 */
const IMAGE_DERIVED = ['cyls', 'heads', 'secs', 'lcyls', 'lheads', 'lsecs', 'bios-chs-trans', 'logical_block_size', 'physical_block_size', 'discard_granularity', 'min_io_size', 'opt_io_size'];
const IMAGE_DERIVED_REASON = 'QEMU computes it at realize from the disk image behind drive= (its size, the host\'s block limits), which the tool cannot see';

/** `-machine smp.cpus=…` (boot.order=…) and the rest, with -smp's (-boot's) keys merged over them (machine_merge_property). */
function dictionaryKeys(req: ResolveRequest, property: 'smp' | 'boot'): Map<string, string> {
  const keys = new Map<string, string>();
  for (const [k, v] of req.machineProps ?? []) if (k.startsWith(`${property}.`)) keys.set(k.slice(property.length + 1), v);
  for (const [k, v] of req[property] ?? []) { keys.delete(k); keys.set(k, v); }
  return keys;
}

/**
 * What the machine class says of CPU topology: cpu-max (query-machines), and
 * mc->smp_props as pc_machine_class_init and the versions' options set them
 * (dies and modules on PCs; sockets preferred for an omitted count up to 6.1).
 */
function smpClass(machine: { name: string; type: string; cpuMax: number | null }, types: TypeModel): SmpClass {
  const pc = types.isA(machine.type, 'generic-pc-machine');
  const { family } = splitMachineVersion(machine.name);
  const versioned = family === 'pc-q35' || family === 'pc-i440fx';
  return { name: machine.name, maxCpus: machine.cpuMax, preferSockets: versioned && versionAtMost(machine.name, 6, 1), diesSupported: pc, modulesSupported: pc };
}

/** `-machine memory.size=…` (and slots, max-size), with -m's dictionary merged over it (keyval_merge). */
function memoryKeys(req: ResolveRequest): MemoryKeys {
  const keys: MemoryKeys = {};
  for (const [k, v] of req.machineProps ?? []) {
    if (k === 'memory.size' || k === 'memory.slots' || k === 'memory.max-size') keys[k.slice('memory.'.length) as keyof MemoryKeys] = v;
  }
  return { ...keys, ...req.memory };
}

/**
 * The machine class's default_ram_size: what the board's own RAM backend
 * showed when its layout was recorded without -m (128 MiB on every x86 board).
 */
function defaultRamSize(defs: Definitions, machine: string, types: TypeModel): bigint {
  const layout = defs.machines.boardLayout(machine, true) ?? defs.machines.boardLayout(machine, false);
  const ram = layout?.objects.find((o) => o.path?.startsWith('/objects/') && types.isA(o.type, 'memory-backend'));
  const size = ram?.observed?.values['size'];
  return size !== undefined && /^\d+$/.test(String(size)) ? BigInt(size as number | string) : 128n << 20n;
}

/** The RAM backend a board creates for itself (create_default_memdev: /objects/pc.ram). */
function isBoardRamBackend(o: PlannedObject, types: TypeModel): boolean {
  return o.origin === 'board' && !!o.path?.startsWith('/objects/') && types.isA(o.type, 'memory-backend');
}

/** machine_run_board_init: `memory-backend=` must name an -object memory backend. */
function ramBackendError(id: string, cmd: CommandLine, types: TypeModel): string | null {
  const o = cmd.objects.find((x) => x.id === id);
  return o && types.isA(o.qomType, 'memory-backend') ? null : `Memory backend '${id}' not found`;
}

/** QEMU's wording (hw/core/machine.c), printed once the accelerator is set up. */
function deprecationWarning(name: string): string {
  return `Machine type '${name}' is deprecated: machines more than 3 years old are subject to deletion after 6 years`;
}

type PlanStep = PlannedObject | 'deprecation' | { validateDevice: number };

/**
 * The accelerator whose probed board layout answers: the line's (`-accel kvm`,
 * `-enable-kvm`, `-machine accel=kvm[:tcg]`, whose first entry QEMU uses where it
 * works: the tool assumes it does, as /dev/kvm does where KVM lines run), when
 * the definitions have the machine's board under it; else TCG's, and the
 * answer says so. Under KVM it says what is the host's.
 */
function boardAccelerator(defs: Definitions, machine: string, accel: string, cpu: CpuOption | undefined, assumptions: string[]): string {
  if (accel === 'tcg') return 'tcg';
  if (!defs.machines.hasAccelBoard(machine, accel)) {
    assumptions.push(`-accel ${accel}: its accelerator compat entries and properties are applied; the board layout and CPU defaults are TCG's `
      + `(the definitions have no board of ${machine} probed under ${accel.toUpperCase()})`);
    return 'tcg';
  }
  assumptions.push(`-accel ${accel}: the board as probed under ${accel.toUpperCase()}, assuming the host can run it; values QEMU takes from the host `
    + `(the CPU's TSC frequency, features the host's ${accel.toUpperCase()} lacks, which QEMU turns off with a warning) are given as configured`);
  if (cpu?.type && HOST_CPU_MODELS.some((m) => cpu.type === `${m}-${defs.arch}-cpu`)) {
    assumptions.push(`-cpu ${cpu.model}: under ${accel.toUpperCase()} the CPU is the host's (its model, features and CPUID levels): its values are given as configured`);
  }
  return accel;
}

/** The kernel-irqchip mode the line asks for (-accel kvm,kernel-irqchip=… or the legacy -machine key), if any. */
function irqchipMode(accel: CommandLine['accel'], sugar: NonNullable<ResolveRequest['sugar']>): string | undefined {
  const own = accel.props.filter(([k]) => k === 'kernel-irqchip').pop()?.[1];
  return own ?? sugar.filter((e) => e.driver === accel.type && e.property === 'kernel-irqchip').pop()?.value;
}

/** Objects in the order QEMU creates them, with the deprecation warning's place. */
function planObjects(
  defs: Definitions, model: CompatModel, cmd: CommandLine, board0: { machine: string; accel: string; variant?: string }, host: string, nodefaults: boolean, network: Network,
  ownRam: boolean, smp: SmpTopology, cpu?: CpuOption,
): PlanStep[] {
  const types = model.types;
  const machine = board0.machine;
  const layoutNd = defs.machines.boardLayout(machine, true, board0.accel, board0.variant);
  const layoutDf = defs.machines.boardLayout(machine, false, board0.accel, board0.variant);
  let board: PlannedObject[] = [];
  if (nodefaults && layoutNd) board = boardObjects(layoutNd, undefined, new Set());
  else if (layoutDf) {
    const off = disabledDefaults([...cmd.globals.map((g) => g.driver), ...cmd.devices.map((d) => d.driver)]);
    if (network.netdevs.length || network.legacy) off.add('net');
    board = boardObjects(layoutDf, layoutNd, off, (t) => types.isA(t, 'device') && !!types.property(t, 'netdev'));
  }

  // -machine memory-backend=ID: the machine takes that -object as its RAM and creates none of its own.
  if (ownRam) board = board.filter((o) => !isBoardRamBackend(o, types));

  // -cpu replaces the machine's default CPU type (the board's CPUs and their place stay); what
  // QEMU shows on it is what it showed on the model's own record (-cpu MODEL on a board like this).
  const defaultCpu = defs.machines.get(machine)?.defaultCpuType;
  if (cpu?.type && defaultCpu && cpu.type !== defaultCpu) {
    // A -cpu record was taken under TCG: under another accelerator host/max are the host's CPU, and a named
    // model is its TCG record carried over (kvmModelRecord).
    const lone = defs.devices.get(recordKey('cpu', cpu.type, host));
    const tcg = lone?.objects.get('');
    const isFeature = (name: string) => types.property(cpu.type!, name)?.type === 'bool';
    board = board.map((o) => {
      if (o.type !== defaultCpu) return o;
      const record = board0.accel === 'tcg' ? tcg
        : hostCpuRecord(types, cpu.type!, board0.accel) ?? kvmModelRecord(lone, o.observed?.record, isFeature);
      // Without a record of the model, the board's (of another model) stays: resolve then says its values do not carry over.
      return { ...o, type: cpu.type!, ...(record && o.path ? { observed: { type: cpu.type!, record: relocateRecord(record, CPU_RECORD_PATH, o.path) } } : {}) };
    });
  }

  board = withSmpCpus(board, smp, {
    isCpu: (t) => types.isA(t, 'cpu'),
    isApic: (t) => types.isA(t, 'apic-common'),
    hasProperty: (t, name) => types.property(t, name) !== undefined,
    vendor: (o) => {
      const recorded = o.observed?.type === o.type ? o.observed.record.values['vendor'] : undefined;
      return typeof recorded === 'string' ? recorded : modelVendor(types, o.type);
    },
  });

  // Machine instance_init creates the objects before `migration` (pflash, pcspk).
  const migrationAt = board.findIndex((o) => o.type === 'migration');
  const split = migrationAt < 0 ? 0 : migrationAt;
  const fromInstanceInit = board.slice(0, split).map((o) => ({ ...o, early: true }));
  const fromBoardInit = board.slice(split);

  const userObjects = cmd.objects.map((o, i): PlannedObject => {
    const record = objectRecord(defs, o.qomType, host)?.objects.get('');
    return {
      path: `/objects/${o.id}`, type: o.qomType, transient: false, origin: 'object', early: !isLateObjectType(o.qomType),
      option: `-object ${o.text}`, optionIndex: i,
      ...(record ? { observed: { type: o.qomType, record: relocateRecord(record, OBJECT_RECORD_PATH, `/objects/${o.id}`) } } : {}),
    };
  });
  const accel: PlannedObject = { path: null, type: cmd.accel.type, transient: false, origin: 'accel', early: true, option: `-accel ${cmd.accel.text}` };
  const keep = (t: string) => model.compatSlots(t, false).length > 0 || model.takesGlobals(t);
  const devices = cmd.devices.flatMap((d, i): PlanStep[] => {
    const path = devicePath(cmd.devices, i);
    const type = types.deviceType(d.driver);
    const lone = defs.devices.get(recordKey('device', type, host));
    const records = lone?.objects;
    return [{ validateDevice: i }, ...withChildren(types, path, type, keep).map((o): PlannedObject => {
      const record = o.path !== null && records?.get(o.path.slice(path.length));
      return {
        ...o, transient: false, origin: 'device', early: false, option: `-device ${d.text}`, ...(o.path === path ? { optionIndex: i } : {}),
        ...(record ? { observed: { type: o.type, record: relocateRecord(record, deviceRecordPath(lone?.providers), path) } } : {}),
      };
    })];
  });
  return [
    ...fromInstanceInit,
    ...userObjects.filter((o) => o.early),
    accel,
    'deprecation',
    ...userObjects.filter((o) => !o.early),
    ...fromBoardInit,
    ...devices,
  ];
}

/**
 * What a lone -object of the type shows: the record taken on a board like
 * this one, else on any board (a backend's values do not depend on the
 * board's buses, as a device's parent_bus does).
 */
function objectRecord(defs: Definitions, type: string, host: string): LoneRecord | undefined {
  const exact = defs.devices.get(recordKey('object', type, host));
  if (exact) return exact;
  const anyHost = recordKey('object', type, '');
  for (const key of defs.devices.keys()) if (key.startsWith(anyHost)) return defs.devices.get(key);
  return undefined;
}

/** What QEMU computes from an x86 CPU's features at realize (target/i386/cpu.c). */
const CPUID_WORDS = ['feature-words', 'filtered-features', 'unavailable-features'];

/** Why a recorded value is the host's (boards.json hostDerived: a CPU under KVM). */
const HOST_DERIVED_WHY = 'under KVM: its TSC frequency, the CPU features its KVM supports, the CPUID it leaves after filtering';

/** Applies the lists to each object as it is created; stops at QEMU's first fatal error. */
class Resolution {
  readonly globals: GlobalEntry[];
  private readonly created: ObjectState[] = [];
  private readonly claimed = new Set<ObjectState>();
  private readonly slots: ReadonlyMap<Slot, readonly ListEntry[]>;
  private readonly types: TypeModel;
  private readonly realize: RealizeState;
  private boardRegistered = false;
  /** The objects of the -device being created (its children, then itself). */
  private deviceGroup: ResolvedObject[] = [];

  /** The machine's QOM type. */
  private readonly machineType: string;
  /** The type of the board's CPUs: -cpu's, else the machine's default. */
  private readonly boardCpuType: string | undefined;

  /** The CPU topology (-smp). */
  smp!: SmpTopology;
  /**
   * Audio backends (system/vl.c default_audio): QEMU makes default ones
   * unless -nodefaults or an -audiodev turned them off; `first`: the first -audiodev's id.
   */
  audio: { defaults: boolean; first?: string | undefined } = { defaults: false };
  /** The machine's boot configuration (-boot): fw_cfg checks it. */
  boot: BootConfig = {};
  private htWarned = false;

  /** Guest RAM as board init lays it out (set once the plan is known). */
  ram!: GuestRam;

  constructor(
    private readonly defs: Definitions, private readonly model: CompatModel, private readonly cmd: CommandLine,
    machine: string, private readonly host: string, private readonly out: ResolvedObject[], private readonly cpu?: CpuOption,
    private readonly backends?: Backends, unknownBusesAssumed = false, assumptions: string[] = [],
    private readonly machineProps: ReadonlyArray<readonly [string, string]> = [],
    sugar: NonNullable<ResolveRequest['sugar']> = [],
  ) {
    this.types = model.types;
    this.placement = new BusPlacement(model.types, defs.devices, cmd.devices, host, assumptions, unknownBusesAssumed);
    this.boardCpuType = cpu?.type ?? defs.machines.get(machine)?.defaultCpuType ?? undefined;
    this.machineType = defs.machines.get(machine)?.type ?? machine;
    this.realize = new RealizeState(model.types);
    this.globals = cmd.globals.map((g, i) => ({ driver: g.driver, property: g.property, value: g.value, text: g.text, index: i + 1, used: false }));
    const accelCompat = defs.accelCompat.find((a) => a.type === cmd.accel.type)?.compat ?? [];
    this.slots = new Map<Slot, ListEntry[]>([
      [0, accelCompat.map((e, index) => ({ ...e, optional: e.optional ?? false, source: { kind: 'accel-compat', accel: cmd.accel.name, index } }))],
      [1, defs.machines.compatProps(machine).map(machineEntry)],
      [2, sugar.map((e) => ({ driver: e.driver, property: e.property, value: e.value, optional: e.optional, source: { kind: 'sugar', option: e.option } }))],
    ]);
  }

  /** Every object is realized: values QEMU shows none of say why (ObjectState.finishShown). */
  finishShown(): void {
    for (const o of this.created) o.finishShown();
  }

  /** qdev_get_device_class(): the -device driver must name a concrete, user-creatable device type. */
  validateDevice(index: number): void {
    this.boardRealized();
    this.deviceGroup = [];
    const d = this.cmd.devices[index]!;
    const type = this.types.deviceType(d.driver);
    const t = this.types.get(type);
    const where = `-device ${d.text}: `;
    if (!t || !this.types.isA(type, 'device')) {
      const name = type === d.driver ? `'${d.driver}'` : `'${d.driver}' (alias '${type}')`;
      throw new Stop(`${where}${name} is not a valid device model name`, 'refused');
    }
    if (t.abstract) throw new Stop(`${where}Parameter 'driver' expects a non-abstract device type`, 'refused');
    if (t.userCreatable === false) throw new Stop(`${where}Parameter 'driver' expects a pluggable device type`, 'refused');
    // A refusal about the driver itself (a sysbus device this machine does not take) comes before the bus,
    // whatever the properties: QEMU checks the class first.
    const refused = this.defs.devices.get(recordKey('device', type, this.host))?.refused;
    if (refused?.startsWith(`${OPTION_PLACEHOLDER}: Parameter 'driver' expects`) && d.driver === type) {
      throw new Stop(refused.replaceAll(OPTION_PLACEHOLDER, `-device ${d.text}`), 'refused');
    }
    try {
      this.placement.choose(index, type, where);
    } catch (e) {
      if (e instanceof PlacementError) throw new Stop(e.message, 'refused');
      throw e;
    }
  }

  /** parse_cpu_option(): the model must exist; its features join the global list after every -global. */
  registerCpu(cpu: CpuOption): string[] {
    if (!cpu.type) throw new Stop(`unable to find CPU model '${cpu.model}'`, 'refused');
    for (const f of cpu.globals) {
      this.globals.push({ driver: cpu.type, property: f.property, value: f.value, text: `${cpu.type}.${f.property}=${f.value}`, index: this.globals.length + 1, used: false, cpu: true });
    }
    return cpu.warnings;
  }

  create(o: PlannedObject): void {
    // machine_run_board_init starts once the migration object exists: `memory-backend=` is checked first.
    if (o.origin === 'board' && o.type === 'migration') {
      const id = this.ram.memdev;
      const memdev = id !== undefined ? this.created.find((x) => x.path === `/objects/${id}`) : undefined;
      const error = this.ram.boardInit(memdev) ?? this.numaError();
      if (error) throw new Stop(error, 'refused');
    }
    const obj = new ObjectState(this.types, o);
    this.fromMachine(obj, o);
    if (o.origin === 'board' && o.path && o.buses?.length) this.placement.boardBuses(o.path, o.buses);
    this.out.push(obj.result);
    this.linkAliases(obj, o);
    this.created.push(obj);
    for (const [prop, value] of this.model.initBeforeCompat(o.type)) obj.reset(prop, value, false);
    for (const slot of this.model.compatSlots(o.type, o.early)) {
      // Compat entries are applied with error_abort (slots 0, 1) or error_fatal (sugar).
      this.applyList(obj, this.slots.get(slot)!, (msg) => new Stop(msg, slot === 2 ? 'refused' : 'definition-error'));
    }
    for (const [prop, value] of this.model.resetAfterCompat(o.type)) obj.reset(prop, value, true);
    obj.markMachineConfigured();
    if (this.model.takesGlobals(o.type)) {
      const entries = this.globals.map((g): ListEntry => ({
        driver: g.driver, property: g.property, value: g.value, optional: false,
        source: g.cpu ? { kind: 'cpu-feature', text: g.text } : { kind: 'global', index: g.index, text: g.text }, global: g,
      }));
      const where = o.origin === 'device' ? `${o.option}: ` : '';
      this.applyList(obj, entries, (msg) => new Stop(where + msg, 'refused'));
    }
    if (o.optionIndex !== undefined) this.applyOptions(obj, o);
    if (o.origin === 'accel') this.applyAccelOptions(obj, o);
    if (this.cpu?.type === o.type) this.applyCpuPlusMinus(obj, this.cpu);
    obj.linksAsPaths((id) => this.pathOfId(id));
    obj.showObserved(o.observed);
    if (o.origin === 'board') this.warnHyperthreading(obj);
    const bootError = o.origin === 'board' && this.types.isA(o.type, 'fw_cfg') ? fwCfgBootError(this.boot) : undefined;
    if (bootError) throw new Stop(bootError, 'refused');
    const ramError = this.ram.shape(obj, o.origin);
    if (ramError) throw new Stop(ramError, 'refused');
    if (o.origin === 'object' && o.optionIndex !== undefined) this.refuseLikeAlone(o);
    if (o.path === null) obj.showOutsideTree(o.transient);
    if (o.origin !== 'device') {
      if (o.transient) return; // never realized
      const failed = realizeCheck(obj.result, this.types);
      if (failed) throw new Stop(o.origin === 'object' ? `${o.option}: ${failed}` : failed, 'refused');
      return;
    }
    this.deviceGroup.push(obj.result);
    // The device itself comes after the children its instance_init made: realize it now.
    if (o.optionIndex === undefined) return;
    this.placement.place(o.optionIndex, obj);
    if (this.cmd.devices[o.optionIndex]!.props.some(([k, v]) => k === 'drive' && v !== '')) {
      for (const part of this.created.slice(-this.deviceGroup.length)) part.fromHost(IMAGE_DERIVED, IMAGE_DERIVED_REASON);
    }
    this.refuseLikeAlone(o);
    this.defaultAudiodev(obj, o);
    const id = this.cmd.devices[o.optionIndex]!.id ?? null;
    const err = this.realize.realizeDevice(this.deviceGroup, id, {
      cpus: this.smp.cpus, blockBackends: this.backends?.blockBackends ?? [], objectAt: (path) => this.created.find((x) => x.path === path)?.result,
    });
    if (err) throw new Stop(`${o.option}: ${err}`, 'refused');
    const plugError = this.plugMemoryDevice(obj, id);
    if (plugError) throw new Stop(`${o.option}: ${plugError}`, 'refused');
    obj.showRealizedGenerics();
    for (const part of this.deviceGroup) {
      const failed = realizeCheck(part, this.types);
      if (failed) throw new Stop(`${o.option}: ${failed}`, 'refused');
    }
    this.placement.created(o, this.deviceGroup);
  }

  /** A sound device (its record needed an audio backend) given no audiodev=: it asks for QEMU's default one. */
  private wantsDefaultAudio(o: PlannedObject): boolean {
    const record = this.defs.devices.get(recordKey('device', o.type, this.host));
    return !!record?.requires?.includes('audiodev') && !this.cmd.devices[o.optionIndex!]!.props.some(([name]) => name === 'audiodev');
  }

  /** qom-get names QEMU's default audio backend "#default". */
  private defaultAudiodev(obj: ObjectState, o: PlannedObject): void {
    if (!this.wantsDefaultAudio(o)) return;
    // The proxy's audiodev is an alias of its virtio backend's (virtio-sound-pci).
    for (const part of [obj, ...this.created.filter((x) => x.path?.startsWith(`${obj.path}/`))]) part.showBoard('audiodev', '#default');
  }

  /**
   * parse_numa_opts once the backends exist, then numa_complete_configuration
   * as board init starts: QEMU's message when it refuses the nodes.
   */
  private numaError(): string | undefined {
    const numa = this.ram.numa;
    if (!numa) return undefined;
    const backend = (id: string) => this.created.find((x) => x.path === `/objects/${id}` && this.types.isA(x.type, 'memory-backend'));
    const size = (id: string) => {
      const v = backend(id)?.configuredValue('size');
      return typeof v === 'bigint' ? v : undefined;
    };
    return numaOptionError(numa.config, this.smp.maxcpus, (id) => backend(id) !== undefined)
      ?? numaCompleteError(numa.config, this.ram.ramSize, size, this.ram.memdev !== undefined);
  }

  /** pc-dimms plugged so far: set up at the first, once board init has laid out the RAM. */
  private memoryDevices: MemoryDevices | undefined;

  /** Whether a -device of `type` is a pc-dimm this board's hotplug handler places (the PC machines'). */
  private plugsDimm(type: string): boolean {
    return MemoryDevices.handles(this.types, type) && this.types.isA(this.machineType, 'generic-pc-machine');
  }

  /** A pc-dimm on a PC board: its slot, address and size as pc_memory_pre_plug gives them; QEMU's message when it refuses. */
  private plugMemoryDevice(obj: ObjectState, id: string | null): string | undefined {
    if (!this.plugsDimm(obj.type)) return undefined;
    if (!this.memoryDevices) {
      const acpiOff = this.machineProps.filter(([k]) => k === 'acpi').pop()?.[1] === 'off';
      const acpi = acpiOff ? undefined : this.created.find((x) => x.result.origin === 'board' && (this.types.isA(x.type, 'ICH9-LPC') || this.types.isA(x.type, 'PIIX4_PM')));
      this.memoryDevices = new MemoryDevices(this.types, this.ram.deviceMemory, {
        acpiType: acpi?.type ?? null, memoryHotplugSupport: acpi?.shownValue('memory-hotplug-support') !== false,
      });
    }
    const memdev = obj.shownValue('memdev');
    const backend = typeof memdev === 'string' && memdev !== '' ? this.created.find((x) => x.path === memdev) : undefined;
    const big = (name: string): bigint | null => {
      const v = backend?.shownValue(name);
      return typeof v === 'bigint' ? v : null;
    };
    return this.memoryDevices.plug(obj.result, backend && {
      path: backend.path!, id: backend.path!.split('/').pop()!, type: backend.type,
      size: big('size'), align: big('align'), hugetlbsize: big('hugetlbsize'), hugetlb: backend.shownValue('hugetlb') === true,
    }, id).error;
  }

  /**
   * A -device or -object given nothing but an id, which QEMU refuses on its
   * own (a required backend or parameter, a bus this board lacks, another
   * CPU model): QEMU's message, as the importer recorded it. A bus another
   * -device may provide is only known missing for the first -device.
   */
  private refuseLikeAlone(o: PlannedObject): void {
    const device = o.origin === 'device';
    // pc_cpu_pre_plug: a CPU hot-added with -device must be of the board's CPU type.
    if (device && this.boardCpuType && this.types.isA(o.type, 'cpu') && o.type !== this.boardCpuType) {
      throw new Stop(`${o.option}: Invalid CPU type, expected cpu type: '${this.boardCpuType}'`, 'refused');
    }
    // A lone pc-dimm was refused for want of -m's slots; plugging one is modelled (plugMemoryDevice).
    if (device && this.plugsDimm(o.type)) return;
    const spec = device ? this.cmd.devices[o.optionIndex!]! : this.cmd.objects[o.optionIndex!]!;
    const record = device ? this.defs.devices.get(recordKey('device', o.type, this.host)) : objectRecord(this.defs, o.type, this.host);
    if (!record) return;
    // audio_get_default_audio_state: a sound device without audiodev= takes the default audio
    // backend, which exists unless default_audio is off; its record was taken with -nodefaults.
    if (device && this.wantsDefaultAudio(o)) {
      if (this.audio.defaults) return;
      const hint = this.audio.first !== undefined ? `\nPerhaps you wanted to use -audio or set audiodev=${this.audio.first}?` : '';
      throw new Stop(`${o.option}: no default audio driver available${hint}`, 'refused');
    }
    // A device that starts once given certain properties (a bridge's chassis_nr): refused without them.
    if (record.requires && record.refused !== undefined) {
      if (record.requires.every((r) => spec.props.some(([name]) => name === r))) return;
      if (device && (spec as DeviceSpec).driver === o.type) throw new Stop(record.refused.replaceAll(OPTION_PLACEHOLDER, o.option!), 'refused');
      return;
    }
    if (!spec.props.every(([name]) => name === 'id')) return;
    if (device && (spec as DeviceSpec).driver !== o.type) return; // QEMU's message names the driver as given
    // The record's device had no id (QEMU says "(null)"); an -object's had RECORD_ID.
    const words = (text: string): string | null => {
      if (device && spec.id !== undefined && text.includes('(null)')) return null;
      return text.replaceAll(OPTION_PLACEHOLDER, o.option!).replaceAll(RECORD_ID, spec.id ?? RECORD_ID);
    };
    if (record.refused !== undefined) {
      // The bus tree has decided (chooseBus) whether a bus of the type exists.
      if (device && /No '.+' bus found for device /.test(record.refused) && (o.optionIndex! > 0 || this.placement.modelled)) return;
      const message = words(record.refused);
      if (message !== null) throw new Stop(message, 'refused');
      return;
    }
    for (const w of record.warnings ?? []) {
      const warning = words(w);
      if (warning !== null) this.realizeWarnings.push(warning);
    }
  }

  /**
   * x86_cpu_realizefn warns once when an AMD CPU model without topoext gets
   * more than one thread per core.
   */
  private warnHyperthreading(obj: ObjectState): void {
    if (this.htWarned || this.smp.threads <= 1 || !this.types.isA(obj.type, 'x86_64-cpu')) return;
    const vendor = obj.shownValue('vendor') ?? modelVendor(this.types, obj.type);
    if (vendor !== 'AuthenticAMD' || obj.shownValue('topoext') === true) return;
    this.htWarned = true;
    this.realizeWarnings.push(`This family of AMD CPU doesn't support hyperthreading(${this.smp.threads}). `
      + 'Please configure -smp options properly or try enabling topoext feature.');
  }

  /** Warnings QEMU prints while it realizes -device and -object objects, in order. */
  readonly realizeWarnings: string[] = [];

  /** Board init is over: the board's devices take their slots and addresses (once, before any -device). */
  boardRealized(): void {
    if (this.boardRegistered) return;
    const board = this.out.filter((o) => o.origin === 'board');
    this.realize.registerBoard(board);
    this.placement.boardRealized(board);
    this.boardRegistered = true;
  }

  /**
   * host_memory_backend_init: a memory backend created once the machine exists
   * takes `dump` from the machine's dump-guest-core and `merge` from its
   * mem-merge, before compat and -global reach it.
   */
  private fromMachine(obj: ObjectState, o: PlannedObject): void {
    if (!this.types.isA(o.type, 'memory-backend') || (o.origin !== 'object' && !(o.origin === 'board' && o.path?.startsWith('/objects/')))) return;
    // prealloc-threads starts as the machine's CPU count (the recorded default is that of one CPU).
    if (obj.shownValue('prealloc-threads') !== BigInt(this.smp.cpus)) obj.reset('prealloc-threads', String(this.smp.cpus), false);
    for (const [machineProp, own] of [['dump-guest-core', 'dump'], ['mem-merge', 'merge']] as const) {
      const value = this.machineProps.filter(([k]) => k === machineProp).pop()?.[1];
      if (value !== undefined) obj.reset(own, value, false);
    }
  }

  /** Which bus each -device goes on, and the buses they create. */
  private readonly placement: BusPlacement;

  /** QOM path of an object a link names by id: -object ids live in /objects, -device ids in /machine/peripheral. */
  private pathOfId(id: string): string | undefined {
    if (this.cmd.objects.some((x) => x.id === id)) return `/objects/${id}`;
    if (this.cmd.devices.some((x) => x.id === id)) return `/machine/peripheral/${id}`;
    return undefined;
  }

  /** x86_cpu_expand_features() at realize: +feat then -feat, over everything before them. */
  private applyCpuPlusMinus(obj: ObjectState, cpu: CpuOption): void {
    for (const [names, value] of [[cpu.plus, 'on'], [cpu.minus, 'off']] as const) {
      for (const name of names) {
        const prop = this.types.property(obj.type, name);
        if (!prop) throw new Stop(`Property '${obj.type}.${name}' not found`, 'refused');
        const parsed = parseGlobalValue(prop, value, obj.type);
        if (parsed.ok) obj.apply(prop, parsed.value, { driver: obj.type, property: name, value, source: { kind: 'option', option: `-cpu ${cpu.text}` } });
      }
    }
  }

  /**
   * The children whose properties `obj` re-exports (qdev_alias_all_properties)
   * were created just before it, in its instance_init: found by path, or, for
   * objects outside the tree (NIC probes), as the latest unclaimed one of the type.
   */
  private linkAliases(obj: ObjectState, o: PlannedObject): void {
    for (const child of aliasedChildren(this.types, o.type)) {
      const path = o.path === null ? null : `${o.path}/${child.name}`;
      let target: ObjectState | undefined;
      for (let i = this.created.length - 1; i >= 0 && !target; i--) {
        const c = this.created[i]!;
        if (c.type === child.type && c.path === path && !this.claimed.has(c)) target = c;
      }
      if (!target) continue;
      this.claimed.add(target);
      for (const name of child.properties) obj.alias(name, target);
    }
  }

  /** -accel k=v: set through QemuOpts and the string input visitor, like a global. */
  private applyAccelOptions(obj: ObjectState, o: PlannedObject): void {
    for (const [name, text] of this.cmd.accel.props) {
      const prop = this.types.property(o.type, name);
      if (!prop) throw new Stop(`${o.option}: Property '${o.type}.${name}' not found`, 'refused');
      const parsed = parseGlobalValue(prop, text, o.type);
      if (!parsed.ok) throw new Stop(parsed.abort ? parsed.reason : `${o.option}: ${parsed.reason}`, 'refused');
      obj.apply(prop, parsed.value, { driver: o.type, property: name, value: text, source: { kind: 'option', option: o.option! } });
    }
  }

  /** object_apply_global_props(): every matching entry in order; the first failure stops. */
  private applyList(obj: ObjectState, list: readonly ListEntry[], fail: (msg: string) => Stop): void {
    for (const e of this.reaching(list, obj.type)) {
      const prop = this.types.property(obj.type, e.property);
      if (e.optional && !prop) continue;
      if (e.global) e.global.used = true;
      const what = `can't apply global ${e.driver}.${e.property}=${e.value}: `;
      if (!prop) throw fail(`${what}Property '${obj.type}.${e.property}' not found`);
      const target = obj.setterOf(prop);
      const parsed = parseGlobalValue(target.prop, e.value, target.owner);
      if (!parsed.ok) {
        obj.fail(prop, e);
        throw parsed.abort ? new Stop(parsed.reason, 'refused') : fail(what + parsed.reason);
      }
      obj.apply(prop, parsed.value, e);
    }
  }

  /** Each compat list's entry positions by driver (see reaching). */
  private readonly listIndex = new WeakMap<readonly ListEntry[], Map<string, number[]>>();

  /**
   * The entries of `list` that reach an object of `type`, in list order: those
   * whose driver is one of the type's cast targets (isA). A compat list has
   * hundreds of entries and a board dozens of objects; each object looks up
   * its few targets instead of testing every entry.
   */
  private reaching(list: readonly ListEntry[], type: string): readonly ListEntry[] {
    if (list.length < 8) return list.filter((e) => this.types.isA(type, e.driver));
    let index = this.listIndex.get(list);
    if (!index) {
      const built = new Map<string, number[]>();
      list.forEach((e, i) => {
        const at = built.get(e.driver);
        if (at) at.push(i); else built.set(e.driver, [i]);
      });
      this.listIndex.set(list, (index = built));
    }
    const positions: number[] = [];
    for (const target of this.types.castTargets(type)) positions.push(...(index.get(target) ?? []));
    return positions.sort((a, b) => a - b).map((i) => list[i]!);
  }

  /**
   * What a link value names, as qom-get shows it back: object_resolve_path
   * takes an absolute path as it is, and anything else as a partial path, the
   * one object created so far whose path ends with it (an -object id:
   * /objects/ID). Undefined when none or several do (the value stays as given).
   */
  private linkPath(text: string): string | undefined {
    if (text.startsWith('/')) return undefined;
    const hits = this.created.filter((o) => o.path !== null && o.path.endsWith(`/${text}`));
    return hits.length === 1 ? hits[0]!.path! : undefined;
  }

  /** The object's own -device/-object/-accel properties. */
  private applyOptions(obj: ObjectState, o: PlannedObject): void {
    const isDevice = o.origin === 'device';
    const spec = isDevice ? this.cmd.devices[o.optionIndex!]! : this.cmd.objects[o.optionIndex!]!;
    for (const [name, text] of spec.props) {
      if (name === 'id' || (isDevice && name === 'bus')) continue;
      const prop = this.types.property(o.type, name);
      if (!prop) {
        throw new Stop(isDevice ? `${o.option}: Property '${o.type}.${name}' not found` : `${o.option}: Invalid parameter '${name}'`, 'refused');
      }
      const target = obj.setterOf(prop);
      const json = spec.json?.get(name);
      const ctx: ValueContext = { ...this.backends, linkPath: (text) => this.linkPath(text) };
      const parsed: ValueResult = json !== undefined ? parseJsonValue(target.prop, json, target.owner, ctx)
        : isDevice ? parseDeviceValue(target.prop, text, target.owner, ctx) : parseObjectValue(target.prop, text, target.owner, ctx);
      if (!parsed.ok) throw new Stop(parsed.abort || parsed.bare ? parsed.reason : `${o.option}: ${parsed.reason}`, 'refused');
      obj.apply(prop, parsed.value, { driver: o.type, property: name, value: text, source: { kind: 'option', option: o.option! } });
    }
  }
}

/** One object's properties as entries reach them. */
/**
 * Why a value is only as configured: QEMU showed `shown` for what the chain
 * configured as `basis` (board code or realize changed it), and what it makes
 * of `value` was not learned.
 */
function changedAfterConfiguration(basis: ShownValue | null, shown: ShownValue | null, value: ShownValue | null): string {
  const text = (v: ShownValue | null, none: string) => (v === null ? none : shownText(v));
  return `QEMU changes this property after configuration (board code or realize): configured as ${text(basis, 'unknown')}, `
    + `it shows ${text(shown, 'unknown')}; what it makes of ${text(value, 'this')} was not learned`;
}

/** Why a recorded object shows no value for a property. */
const UNREADABLE = 'qom-get fails on this property (one without a getter, or whose getter refuses, as crash-information does before a crash)';

class ObjectState {
  readonly result: ResolvedObject;
  private readonly props = new Map<string, ResolvedProperty>();
  /** Alias properties: the child object that owns the storage. */
  private readonly aliases = new Map<string, ObjectState>();

  constructor(private readonly types: TypeModel, o: PlannedObject) {
    this.result = {
      path: o.path, type: o.type, transient: o.transient, origin: o.origin,
      ...(o.option ? { option: o.option } : {}), properties: [],
    };
    for (const p of sortedProperties(types, o.type)) {
      const value = p.name === 'type' ? o.type : defaultValue(p, o.type);
      const rp: ResolvedProperty = { name: p.name, type: p.type, value, default: value, source: { kind: 'default' }, trace: [] };
      this.props.set(p.name, rp);
      this.result.properties.push(rp);
    }
  }

  /** Each property's value once compat (and the code after it) has run: what the machine alone configures. */
  private machineConfigured = new Map<string, ShownValue | null>();

  /** How many entries had reached each property then: a later one is the command line's. */
  private machineSteps = new Map<string, number>();

  markMachineConfigured(): void {
    for (const [name, rp] of this.props) { this.machineConfigured.set(name, rp.value); this.machineSteps.set(name, rp.trace.length); }
  }

  /** qom-get shows a link as the target's path; options name the target by id. */
  linksAsPaths(pathOf: (id: string) => string | undefined): void {
    for (const rp of this.props.values()) {
      if (!rp.type.startsWith('link<') || typeof rp.value !== 'string' || rp.value === '' || rp.value.startsWith('/')) continue;
      const path = pathOf(rp.value);
      if (path) rp.value = path;
    }
  }
  /**
   * Values realize computes from something on the host the tool cannot see
   * (a disk image's size and block limits): what the chain configured is all
   * it knows, and it says so. A value a user set stays as set.
   */
  fromHost(names: readonly string[], reason: string): void {
    for (const name of names) {
      const rp = this.props.get(name);
      if (!rp) continue;
      const chain = rp.configured?.source ?? rp.source;
      if (chain.kind === 'global' || chain.kind === 'option' || chain.kind === 'sugar') continue;
      if (rp.configured) {
        rp.value = rp.configured.value;
        rp.source = rp.configured.source;
        delete rp.configured;
      }
      rp.configuredOnly = reason;
    }
  }

  /**
   * An object outside the composition tree: an accelerator or the migration
   * object (never parented), or one QEMU creates and finalizes during
   * start-up (NIC model probes, an unused pflash). qom-get reaches none of
   * them, so what they hold is what the chain configured, plus what QEMU's
   * getters give a device that is never realized (hw/core/qdev.c: realized
   * and hotplugged false, hotpluggable the class flag as there is no bus,
   * parent_bus an unset link). A property the chain gives no value says so.
   */
  showOutsideTree(transient: boolean): void {
    if (this.types.isA(this.result.type, 'device')) {
      this.fillUnknown('realized', false);
      this.fillUnknown('hotplugged', false);
      this.fillUnknown('hotpluggable', this.classHotpluggable());
      this.fillUnknown('parent_bus', '');
    }
    const why = transient
      ? 'QEMU creates this object during start-up and finalizes it before anything can read it; the chain configures no value for this property'
      : 'QEMU keeps this object outside the QOM tree, where qom-get cannot reach it; the chain configures no value for this property';
    for (const rp of this.props.values()) if (rp.value === null && !rp.volatile && rp.configuredOnly === undefined) rp.notShown = why;
  }

  /** The values of the record QEMU's start was read into for this object (see showRecorded). */
  private recordedValues: ObservedRecord['values'] | undefined;

  /** Once every object is realized: a recorded object's property still without a value, and none in the record, is one QEMU's qom-get fails on. */
  finishShown(): void {
    const recorded = this.recordedValues;
    if (!recorded) return;
    for (const rp of this.props.values()) {
      if (rp.value === null && !rp.volatile && rp.configuredOnly === undefined && rp.notShown === undefined && !Object.hasOwn(recorded, rp.name)) rp.notShown = UNREADABLE;
    }
  }

  /**
   * A -device QEMU realized, its generic values where no record gave them:
   * realized, cold-plugged, and for a device without a bus (pc-dimm) an
   * unset parent_bus and the class's hotpluggable flag (hw/core/qdev.c).
   */
  showRealizedGenerics(): void {
    this.fillUnknown('realized', true);
    this.fillUnknown('hotplugged', false);
    if (this.types.get(this.result.type)?.bus !== undefined) return;
    this.fillUnknown('parent_bus', '');
    this.fillUnknown('hotpluggable', this.classHotpluggable());
  }

  /** The value of a property nothing gave one (no default, no record), from what QEMU's getter returns. */
  private fillUnknown(name: string, value: ShownValue): void {
    const rp = this.props.get(name);
    if (rp && rp.value === null && rp.configuredOnly === undefined) rp.value = value;
  }

  /** DeviceClass.hotpluggable, as the nearest type that records it has it. */
  private classHotpluggable(): boolean {
    return this.types.ancestry(this.result.type).map((t) => this.types.get(t)?.hotpluggable).find((h) => h !== undefined) ?? true;
  }

  /** What QEMU shows on the property, as far as resolution knows it. */
  shownValue(name: string): ShownValue | null | undefined {
    return this.props.get(name)?.value;
  }

  /**
   * Board code sets the property after the chain (pc.ram's size, the host
   * bridge's RAM split): QEMU shows this, whatever compat or -global said.
   */
  showBoard(name: string, value: ShownValue): void {
    const rp = this.props.get(name);
    if (!rp) return;
    if (rp.source.kind !== 'board') rp.configured = { value: rp.value as QomValue | null, source: rp.source };
    rp.value = value;
    rp.source = { kind: 'board' };
    delete rp.configuredOnly;
  }

  /** A value realize derives from where the object is (its bus): what QEMU shows. */
  showDerived(name: string, value: ShownValue): void {
    const rp = this.props.get(name);
    if (!rp) return;
    rp.value = value;
    delete rp.configuredOnly;
  }

  /** Whether a -global, an option or sugar set the property. */
  userSet(name: string): boolean {
    const rp = this.props.get(name);
    const chain = rp?.configured?.source ?? rp?.source;
    return chain?.kind === 'global' || chain?.kind === 'option' || chain?.kind === 'sugar';
  }

  /** What the chain configured for a property (before board code or realize). */
  configuredValue(name: string): ShownValue | null | undefined {
    const rp = this.props.get(name);
    return rp?.configured ? rp.configured.value : rp?.value;
  }


  /**
   * Puts what QEMU shows (recorded on this machine's board) in place of the
   * configured value. Where the command line changed a value that QEMU
   * changes after configuration, the recorded value no longer holds, and the
   * configured one is all the tool knows: it says so.
   */
  showObserved(recorded: PlannedObject['observed']): void {
    if (recorded) this.showRecorded(recorded);
    this.mirrorAliases();
  }

  /**
   * An alias property (qdev_alias_all_properties) has no storage of its own:
   * it shows what the child shows, whatever reached the child directly (a
   * compat entry on virtio-device reaches the backend, not the proxy).
   */
  private mirrorAliases(): void {
    for (const [name, target] of this.aliases) {
      const own = this.props.get(name);
      const child = target.props.get(name);
      if (!own || !child) continue;
      own.value = child.value;
      own.source = child.source;
      if (child.configured) own.configured = child.configured; else delete own.configured;
      if (child.configuredOnly) own.configuredOnly = child.configuredOnly; else delete own.configuredOnly;
      if (child.notShown) own.notShown = child.notShown; else delete own.notShown;
      if (child.volatile) own.volatile = true;
    }
  }

  private showRecorded(recorded: NonNullable<PlannedObject['observed']>): void {
    const observed = recorded.record;
    const reconfigured = recorded.type === this.type ? this.featuresReconfigured(observed) : [];
    for (const [name, stored] of Object.entries(observed.values)) {
      if (this.aliases.has(name)) continue; // mirrored from the child below
      const rp = this.props.get(name);
      if (recorded.type !== this.type) {
        if (rp) rp.configuredOnly = `QEMU changes this property after configuration; what it shows was recorded for ${recorded.type}, not ${this.type}`;
        continue;
      }
      const declared = Object.hasOwn(observed.instanceProperties, name) ? observed.instanceProperties[name]! : rp?.type ?? 'str';
      const shown = fromObservedValue(stored, declared);
      if (!rp) {
        const ip: ResolvedProperty = { name, type: declared, value: shown, source: { kind: 'board' }, default: null, trace: [], instance: true };
        this.props.set(name, ip);
        this.result.properties.push(ip);
        continue;
      }
      // An accelerator default (kvm_default_props) is set at instance init: what the chain configures otherwise replaces it.
      const accelDefault = observed.accelDefaults.includes(name);
      if (accelDefault && rp.trace.length > (this.machineSteps.get(name) ?? 0)) continue;
      // The shown value holds while the chain configures what it did when QEMU showed it (an
      // accelerator default, untouched by the user, holds whatever the type default: it replaced it).
      const basis = accelDefault ? rp.value : this.recordBasis(observed, name, rp);
      if (!sameShown(rp.value, basis)) {
        rp.configuredOnly = changedAfterConfiguration(basis, shown, rp.value);
        continue;
      }
      rp.configured = { value: rp.value as QomValue | null, source: rp.source };
      rp.value = shown;
      rp.source = accelDefault ? { kind: 'instance-init', type: this.type, afterCompat: false } : { kind: 'board' };
    }
    // x86_cpu_expand_features and x86_cpu_filter_features compute the CPUID words from the features at
    // realize: the recorded words are of the model's own features, not of features configured otherwise.
    for (const name of reconfigured.length ? CPUID_WORDS : []) {
      const rp = this.props.get(name);
      if (!rp || rp.configuredOnly) continue;
      rp.configuredOnly = `QEMU computes the CPUID words from the CPU's features at realize; what it shows was recorded for ${this.type} `
        + `with its own features, and ${reconfigured.slice(0, 3).join(', ')}${reconfigured.length > 3 ? ', …' : ''} ${reconfigured.length > 1 ? 'are' : 'is'} configured otherwise`;
    }
    for (const name of recorded.type === this.type ? observed.hostDerived : []) {
      const rp = this.props.get(name);
      if (!rp) continue;
      rp.hostDerived = true;
      rp.configuredOnly = `QEMU takes this value from the host it runs on (${HOST_DERIVED_WHY}): given as configured, what a host that supports it gets`;
    }
    for (const name of recorded.type === this.type ? observed.volatile : []) {
      let rp = this.props.get(name);
      if (!rp) {
        const type = Object.hasOwn(observed.instanceProperties, name) ? observed.instanceProperties[name]! : 'str';
        rp = { name, type, value: null, source: { kind: 'board' }, default: null, trace: [], instance: true };
        this.props.set(name, rp);
        this.result.properties.push(rp);
      }
      rp.value = null;
      rp.volatile = true;
    }
    // The record holds every value QEMU showed that differs from what resolution gives: one that
    // is still null once the object is realized is a property whose qom-get failed (finishShown).
    if (recorded.type === this.type) this.recordedValues = observed.values;
    this.result.properties.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * A CPU's boolean properties (its features) that the chain configures
   * otherwise than it did when the record was taken.
   */
  private featuresReconfigured(observed: ObservedRecord): string[] {
    if (!this.types.isA(this.type, 'cpu')) return [];
    const out: string[] = [];
    for (const [name, rp] of this.props) {
      // Unset (no default known, nothing configured): QEMU's instance init decides, as it did for the record.
      if (rp.type !== 'bool' || rp.value === null) continue;
      const basis = this.recordBasis(observed, name, rp);
      if (basis !== null && !sameShown(rp.value, basis)) out.push(name);
    }
    return out;
  }

  /**
   * What the chain configured for a property when the record was taken: a
   * device record's basis (the type default for what it does not list; null,
   * unknown, for a shown value it has no basis for), a board record's machine
   * configuration.
   */
  private recordBasis(observed: ObservedRecord, name: string, rp: ResolvedProperty): ShownValue | null {
    if (!observed.configured) return this.machineConfigured.get(name) ?? null;
    if (Object.hasOwn(observed.configured, name)) {
      const stored = observed.configured[name];
      return stored === null || stored === undefined ? null : fromObservedValue(stored, rp.type);
    }
    return Object.hasOwn(observed.values, name) ? null : rp.default;
  }

  get type(): string { return this.result.type; }
  get path(): string | null { return this.result.path; }

  alias(name: string, target: ObjectState): void { this.aliases.set(name, target); }

  /** The property whose setter runs (an alias forwards to the child's) and the type its messages name. */
  setterOf(prop: QomProperty): { prop: QomProperty; owner: string } {
    const target = this.aliases.get(prop.name);
    const targetProp = target && this.types.property(target.type, prop.name);
    return target && targetProp ? { prop: targetProp, owner: target.type } : { prop, owner: this.type };
  }

  apply(prop: QomProperty, value: QomValue, e: Pick<ListEntry, 'driver' | 'property' | 'value' | 'source'>): void {
    const target = this.aliases.get(prop.name);
    const targetProp = target && this.types.property(target.type, prop.name);
    if (target && targetProp) target.apply(targetProp, value, e);
    for (const name of [prop.name, ...this.featureTwin(prop.name)]) {
      const rp = this.props.get(name);
      if (!rp) continue;
      for (const step of rp.trace) if (step.status === 'applied') step.status = 'overridden';
      rp.trace.push({ source: e.source, text: e.value, entry: `${e.driver}.${e.property}`, status: 'applied' });
      // A child's recorded value was put in place when it was created; its proxy's options reach it
      // later (through the alias), and what QEMU shows then holds only for the value it was recorded with.
      if (rp.configured && !sameShown(rp.configured.value, value)) {
        rp.configuredOnly = changedAfterConfiguration(rp.configured.value, rp.value, value);
        delete rp.configured;
      }
      rp.value = value;
      rp.source = e.source;
    }
  }

  /**
   * An x86 CPU feature's other spelling: x86_cpu_register_feature_bit_props
   * registers the old underscore names (lahf_lm, kvm_pv_eoi) as aliases of
   * the dashed ones, so setting either sets both.
   */
  private featureTwin(name: string): string[] {
    if (!this.types.isA(this.type, 'cpu')) return [];
    const other = name.includes('_') ? name.replace(/_/g, '-') : name.replace(/-/g, '_');
    const a = this.props.get(name);
    const b = this.props.get(other);
    return other !== name && a?.type === 'bool' && b?.type === 'bool' ? [other] : [];
  }

  fail(prop: QomProperty, e: ListEntry): void {
    this.props.get(prop.name)?.trace.push({ source: e.source, text: e.value, entry: `${e.driver}.${e.property}`, status: 'failed' });
  }

  /** A value QEMU code sets in instance_init: before compat (the RFC's sev-guest) or after it (10.0.2's). */
  reset(name: string, text: string, afterCompat: boolean): void {
    const rp = this.props.get(name);
    const prop = this.types.property(this.type, name);
    if (!rp || !prop) return;
    const parsed = parseGlobalValue(prop, text, this.type);
    if (!parsed.ok) return;
    this.apply(prop, parsed.value, { driver: this.type, property: name, value: text, source: { kind: 'instance-init', type: this.type, afterCompat } });
  }
}

const defaultCache = new WeakMap<QomProperty, QomValue | null>();

/** A type's properties in name order, child<> ones left out: what every object of the type starts from. */
const sortedCache = new WeakMap<TypeModel, Map<string, readonly QomProperty[]>>();
function sortedProperties(types: TypeModel, type: string): readonly QomProperty[] {
  let byType = sortedCache.get(types);
  if (!byType) sortedCache.set(types, (byType = new Map()));
  let list = byType.get(type);
  if (!list) {
    list = [...types.properties(type).values()].filter((p) => !p.type.startsWith('child<')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    byType.set(type, list);
  }
  return list;
}

function defaultValue(p: QomProperty, owner: string): QomValue | null {
  if (defaultCache.has(p)) return defaultCache.get(p)!;
  let v: QomValue | null = null;
  if (p.default !== null) {
    const parsed = parseGlobalValue(p, p.default, owner);
    v = parsed.ok ? parsed.value : p.default;
  }
  defaultCache.set(p, v);
  return v;
}

/** net_check_clients(): a NIC created by -device without a peer warns, named id or model.N. */
/** The network a command line sets up: -netdev ids in order, and whether -nic/-net (hubs) are used. */
interface Network { netdevs: readonly string[]; legacy: boolean }

/**
 * net_check_clients(): every net client without a peer, in the order they
 * were created: the -netdev backends first, then the NICs as they realize
 * (named by id, else model.N with N counting that model's NICs).
 */
function netWarnings(types: TypeModel, cmd: CommandLine, netdevs: readonly string[]): string[] {
  const perModel = new Map<string, number>();
  const used = new Set<string>();
  const nics: string[] = [];
  for (const d of cmd.devices) {
    const type = types.deviceType(d.driver);
    if (!types.property(type, 'netdev')) continue;
    const n = perModel.get(type) ?? 0;
    perModel.set(type, n + 1);
    const peer = d.props.filter(([k]) => k === 'netdev').pop()?.[1];
    if (peer) used.add(peer);
    else nics.push(`nic ${d.id ?? `${type}.${n}`} has no peer`);
  }
  return [...netdevs.filter((id) => !used.has(id)).map((id) => `netdev ${id} has no peer`), ...nics];
}

export type { SourcedCompatEntry };

function machineEntry(e: SourcedCompatEntry): ListEntry {
  return {
    driver: e.driver, property: e.property, value: e.value, optional: e.optional,
    source: { kind: 'machine-compat', machine: e.addedBy, index: e.index, ...(e.group ? { group: e.group } : {}) },
  };
}
