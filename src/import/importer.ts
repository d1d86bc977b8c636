/**
 * `qom-compat import`: drives a real QEMU over QMP and writes the definition
 * files for its architecture. Everything written is learned from the binary;
 * only accel-compat.json is hand-authored (QMP does not expose it) and is
 * carried over.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants as fsConstants, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { QemuProbeError, UsageError } from '../errors.js';
import { EMBEDDED_MACHINES_DIR } from '../load/fs.js';
import type { AccelCompatFile, BoardLayoutDef, BoardsFile, DeviceBusDef, DeviceRecordDef, MachineDef, MachinesFile, OptionTableFile, TypesFile } from '../load/schema.js';
import { buildDefinitions, type Definitions, type ValidatedFiles } from '../load/build.js';
import { hostKey, type BoardIds } from '../model/boards.js';
import type { ResolvedObject } from '../resolve/result.js';
import { kvmCpuValues } from './host-derived.js';
import type { CompatModelName } from '../resolve/result.js';
import { resolve, type CommandLineOption } from '../resolve/resolve.js';
import { ObservedPool, valueDeltas, withObserved } from './board-values.js';
import { isClockReading, observeBoard, type ObservedBoard } from './observe-boards.js';
import { loneCommand, lonePath, observeLone, type LoneBackend, type LoneObject, type ShownBus } from './observe-devices.js';
import { emptyBackends } from '../parse/backends.js';
import { compareNames, mapLimit, TREE_PLUMBING } from './probe-qemu.js';
import { QemuExitedError, QmpSession, track } from '../qemu/qmp.js';
import { TypeModel } from '../model/types.js';
import { formatJson } from '../util/json-format.js';
import { writeFileAtomic } from '../util/fs-atomic.js';
import { deriveMachines } from './derive-machines.js';
import { deriveTypes, type TypeFacts } from './derive-types.js';
import { listProperties, listTypes, queryMachines, typesImplementing, type QmpMachine, type QmpProperty } from './qmp-introspect.js';
import { probeBoard, probeBoardVariant, probeCpuExpansions, probeDeviceClasses, probeInstanceDefaults, type BoardObject, type ProbeContext } from './probes.js';
import { learnOptionalEntries } from './optional.js';
import { probeDeviceHelp } from './device-help.js';
import { probeOptionTable } from './probe-options.js';

export interface ImportOptions {
  binary: string;
  outRoot: string;
  /** Only probe boards of machines whose name matches (all when absent). */
  machineFilter?: (name: string) => boolean;
  /** Only record what a lone -device shows for device types whose name matches (all when absent). */
  deviceFilter?: (type: string) => boolean;
  /** Also record what each CPU model shows in the board CPU's place (-cpu MODEL): ~2 MB more for x86_64. */
  cpuModels?: boolean;
  /**
   * Also probe every board under KVM (boards.json "accelerators"). Default: when
   * /dev/kvm can be opened; `false` skips it (the import then has TCG's boards only).
   */
  kvm?: boolean;
  /** The --machines and --devices expressions as written: a partial import records what it covers (boards.json coverage). */
  coverage?: { machines?: string; devices?: string };
  progress: (msg: string) => void;
}

export interface ImportResult {
  arch: string;
  version: string;
  dir: string;
  machines: number;
  types: number;
  layouts: number;
  /** Machines with a board layout (fewer than `machines` in a partial import). */
  boards: number;
  /** Machines probed under KVM too (0: not probed). */
  kvmBoards: number;
  coverage?: { machines?: string; devices?: string };
  seconds: number;
}

/**
 * QEMU 9.1 added compat-props to query-machines. Older binaries are imported
 * without compat lists: what each machine type gives is learned from its
 * board alone (boards.json), for comparing binaries (abi-check).
 */
const MIN_VERSION = [7, 0];

export async function checkBinary(binary: string): Promise<string> {
  if (!existsSync(binary)) throw new QemuProbeError(`QEMU binary not found: ${binary}`);
  let out: string;
  try {
    const run = promisify(execFile)(binary, ['--version'], { timeout: 10000, killSignal: 'SIGKILL' });
    track(run.child);
    out = (await run).stdout;
  } catch (e) {
    throw new QemuProbeError(`cannot run ${binary}: ${(e as Error).message.split('\n')[0]}`);
  }
  const m = /QEMU emulator version (\d+)\.(\d+)(?:\.(\d+))?/.exec(out);
  if (!m) throw new QemuProbeError(`${binary} is not a QEMU system emulator (--version said: ${out.split('\n')[0]})`);
  const [major, minor] = [Number(m[1]), Number(m[2])];
  if (major < MIN_VERSION[0]! || (major === MIN_VERSION[0] && minor < MIN_VERSION[1]!)) {
    throw new QemuProbeError(`${binary} is QEMU ${m[1]}.${m[2]}${m[3] !== undefined ? `.${m[3]}` : ''}; import needs 7.0 or newer`);
  }
  return `${m[1]}.${m[2]}.${m[3] ?? 0}`;
}

export async function importDefinitions(opts: ImportOptions): Promise<ImportResult> {
  const started = Date.now();
  const version = await checkBinary(opts.binary);
  const ctx: ProbeContext = { binary: opts.binary, progress: opts.progress, concurrency: 2 };
  opts.progress(`QEMU ${version} at ${opts.binary}`);

  const intro = await introspect(opts.binary, opts.progress, opts.machineFilter);
  const arch = intro.arch;
  const typeNames = new Set(intro.types.map((t) => t.name));

  const deviceTypes = intro.types.filter((t) => intro.implementers.get('device')?.includes(t.name)).map((t) => t.name);
  opts.progress(`probing ${deviceTypes.length} device classes (hotpluggable, modules)`);
  const classes = await probeDeviceClasses(ctx, deviceTypes);
  const deviceHelp = await probeDeviceHelp(ctx);

  opts.progress('learning defaults QMP does not report');
  const instanceDefaults = await probeInstanceDefaults(ctx, intro.types.map((t) => ({
    name: t.name, parent: t.parent, abstract: t.abstract,
    properties: (intro.properties.get(t.name) ?? []).filter((p) => p.defaultValue === undefined).map((p) => p.name),
  })));

  opts.progress('expanding CPU models (query-cpu-model-expansion)');
  const cpuExpansions = await probeCpuExpansions(ctx, intro.types.map((t) => t.name));

  const facts: TypeFacts = {
    types: intro.types,
    implementers: intro.implementers,
    properties: intro.properties,
    deviceTypes: new Set(deviceTypes),
    notHotpluggable: new Set(classes.notHotpluggable),
    moduleTypes: new Set(classes.moduleTypes),
    instanceDefaults,
    cpuModelTypes: new Set(intro.implementers.get('cpu') ?? []),
    cpuExpansions,
    deviceHelp,
  };
  const typesFile = deriveTypes(arch, facts);

  opts.progress('learning which compat entries are optional');
  const optional = await learnOptionalEntries(ctx, intro.machines, new TypeModel(typesFile.types));

  const machinesFile = deriveMachines(intro.machines, { arch, qemuVersion: version, optional, typeNames });
  const typeModel = new TypeModel(typesFile.types);
  const tcg = await probeBoards(ctx, machinesFile, typeModel, 'tcg', opts.machineFilter);
  for (const m of machinesFile.machines) { const ids = tcg.ids.get(m.name); if (ids) m.board = ids; }
  const kvm = await kvmBoards(ctx, machinesFile, typeModel, opts);
  const probed: BoardsFile = {
    arch: machinesFile.arch,
    layouts: [...tcg.layouts, ...(kvm?.layouts ?? [])].sort((a, b) => (a.id < b.id ? -1 : 1)),
    ...(kvm ? { accelerators: { kvm: Object.fromEntries(kvm.ids) } } : {}),
    ...variantsDef([['tcg', tcg.variants], ...(kvm ? [['kvm', kvm.variants] as const] : [])]),
  };
  const files = { machines: machinesFile, types: typesFile, boards: probed, accel: accelCompatFor(opts.outRoot, arch) };
  const boardsFile = await recordObservations(ctx, files, {
    ...(opts.machineFilter ? { machines: opts.machineFilter } : {}), ...(opts.deviceFilter ? { devices: opts.deviceFilter } : {}),
    ...(opts.cpuModels ? { cpuModels: true } : {}),
  });

  const optionTable = await probeOptionTable(ctx, version, arch);

  const dir = join(opts.outRoot, arch);
  const coverage = opts.coverage && (opts.coverage.machines !== undefined || opts.coverage.devices !== undefined) ? opts.coverage : undefined;
  writeDefinitions(dir, machinesFile, typesFile, coverage ? withCoverage(boardsFile, coverage) : boardsFile, optionTable);
  return {
    arch, version, dir,
    machines: machinesFile.machines.length,
    types: typesFile.types.length,
    layouts: boardsFile.layouts.length,
    boards: machinesFile.machines.filter((m) => m.board).length,
    kvmBoards: Object.keys(boardsFile.accelerators?.kvm ?? {}).length,
    ...(coverage ? { coverage } : {}),
    seconds: (Date.now() - started) / 1000,
  };
}

interface Introspection {
  arch: string;
  machines: QmpMachine[];
  types: Array<{ name: string; parent: string | null; abstract: boolean }>;
  implementers: Map<string, string[]>;
  properties: Map<string, QmpProperty[] | null>;
}

async function introspect(binary: string, progress: (m: string) => void, machineFilter?: (name: string) => boolean): Promise<Introspection> {
  let qmp = await QmpSession.start(binary, ['-M', 'none', '-nodefaults']);
  try {
    const target = (await qmp.execute('query-target')) as { arch: string };
    const machines = await queryMachines(qmp);
    // A --machines that matches nothing would spend minutes importing no board: say so at once.
    if (machineFilter && !machines.some((m) => machineFilter(m.name))) {
      throw new UsageError(`--machines matches none of the binary's ${machines.length} machines (${machines.map((m) => m.name).slice(0, 4).join(', ')}, …)`);
    }
    if (machines.some((m) => !m.compatReported)) progress('query-machines reports no compat lists (QEMU before 9.1): machines are imported without them; their boards show what each gives');
    const types = await listTypes(qmp);
    progress(`${machines.length} machines, ${types.length} QOM types`);
    const byName = new Map(types.map((t) => [t.name, t]));
    const isInterface = (n: string): boolean => {
      for (let t = byName.get(n); t; t = t.parent ? byName.get(t.parent) : undefined) if (t.name === 'interface') return true;
      return false;
    };
    const implementers = new Map<string, string[]>();
    for (const t of types) if (isInterface(t.name)) implementers.set(t.name, (await typesImplementing(qmp, t.name)).sort());
    implementers.set('device', (await typesImplementing(qmp, 'device')).sort());
    implementers.set('cpu', (await typesImplementing(qmp, 'cpu')).sort());

    const properties = new Map<string, QmpProperty[] | null>();
    let done = 0;
    for (const t of [...types].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (isInterface(t.name)) continue;
      try {
        properties.set(t.name, await listProperties(qmp, t.name));
      } catch (e) {
        // Instantiating some types kills or blocks QEMU; record "unknown" and go on.
        if (!(e instanceof QemuExitedError)) throw e;
        progress(`  qom-list-properties ${t.name} ${e.result.signal === 'SIGKILL' ? 'did not answer' : 'stopped QEMU'}; its properties stay unknown`);
        properties.set(t.name, null);
        qmp = await QmpSession.start(binary, ['-M', 'none', '-nodefaults']);
      }
      if (++done % 200 === 0) progress(`  properties of ${done}/${types.length} types`);
    }
    return { arch: target.arch, machines, types, implementers, properties };
  } finally {
    await qmp.quit();
  }
}

/** Probed board layouts of one accelerator, and each machine's pair of layout ids. */
interface ProbedBoards {
  layouts: BoardLayoutDef[];
  ids: Map<string, BoardIds>;
  /** Setting ("acpi=off") → machine → its layouts with that -machine property. */
  variants: Map<string, Map<string, BoardIds>>;
}

/**
 * -machine settings that change what board code creates, probed alone and in
 * every combination for every machine that has the property (hw/i386/pc_piix.c pc_init1:
 * acpi off, no PIIX4_PM and SMBus EEPROMs; pc.c pc_basic_device_init: hpet
 * off, no HPET; vmport off, no vmport and vmmouse). Management stacks write
 * these (libvirt: acpi=off for a domain without <acpi/>, hpet=off for
 * <timer name='hpet' present='no'/>, vmport=off for <vmport state='off'/>).
 */
export const BOARD_SETTINGS: readonly string[] = ['acpi=off', 'hpet=off', 'vmport=off'];

/** The id of a machine's layout: `pc-q35-10.0`, `pc-q35-10.0+nodefaults`, `+kvm` after those under KVM, then `+acpi=off`. */
function layoutId(machine: string, nodefaults: boolean, accel: string, setting?: string): string {
  return `${machine}${nodefaults ? '+nodefaults' : ''}${accel !== 'tcg' ? `+${accel}` : ''}${setting !== undefined ? `+${setting}` : ''}`;
}

/** The machine as -M names it with a setting: `pc-i440fx-10.0,acpi=off`. */
function withSetting(machine: string, setting?: string): string {
  return setting !== undefined ? `${machine},${setting}` : machine;
}

/**
 * Every combination of the settings, each as -machine writes it, sorted ("acpi=off,hpet=off":
 * the key resolve looks up): libvirt writes several together (vmport=off,hpet=off on q35).
 */
function settingCombinations(settings: readonly string[]): string[] {
  const sorted = [...settings].sort();
  const out: string[] = [];
  for (let mask = 1; mask < 1 << sorted.length; mask++) out.push(sorted.filter((_, i) => mask & (1 << i)).join(','));
  return out;
}

/** The settings of BOARD_SETTINGS the machine's type has the property of. */
function boardSettings(types: TypeModel, machine: MachineDef): string[] {
  return BOARD_SETTINGS.filter((s) => types.property(machine.type, s.split('=')[0]!) !== undefined);
}

async function probeBoards(
  ctx: ProbeContext, machines: MachinesFile, types: TypeModel, accel: string, filter?: (n: string) => boolean,
): Promise<ProbedBoards> {
  const layouts = new Map<string, BoardLayoutDef>();
  const byContent = new Map<string, string>();
  const ids = new Map<string, BoardIds>();
  const variants = new Map<string, Map<string, BoardIds>>();
  const selected = machines.machines.filter((m) => !filter || filter(m.name));
  const probePair = async (m: MachineDef, setting?: string): Promise<BoardIds> => {
    const pair: Record<'defaults' | 'nodefaults', string> = { defaults: '', nodefaults: '' };
    for (const variant of ['nodefaults', 'defaults'] as const) {
      const objects = setting === undefined ? await probeBoard(ctx, m.name, variant === 'nodefaults', accel)
        : await probeBoardVariant(ctx, m.name, setting, variant === 'nodefaults', accel);
      const key = JSON.stringify(objects);
      let id = byContent.get(key);
      if (!id) {
        id = layoutId(m.name, variant === 'nodefaults', accel, setting);
        byContent.set(key, id);
        layouts.set(id, { id, objects: objects.map(toBoardObjectDef) });
      }
      pair[variant] = id;
    }
    return pair;
  };
  let i = 0;
  for (const m of selected) {
    const settings = settingCombinations(boardSettings(types, m));
    ctx.progress(`board ${++i}/${selected.length}: ${m.name}${accel !== 'tcg' ? ` (-accel ${accel})` : ''}${settings.length ? `, and with ${settings.join(' / ')}` : ''}`);
    ids.set(m.name, await probePair(m));
    for (const setting of settings) {
      let bySetting = variants.get(setting);
      if (!bySetting) variants.set(setting, (bySetting = new Map()));
      bySetting.set(m.name, await probePair(m, setting));
    }
  }
  return { layouts: [...layouts.values()].sort((a, b) => (a.id < b.id ? -1 : 1)), ids, variants };
}

/**
 * Every board under KVM too, when /dev/kvm can be used (or `opts.kvm` says
 * so); undefined when not probed, said in the progress output.
 */
async function kvmBoards(ctx: ProbeContext, machines: MachinesFile, types: TypeModel, opts: ImportOptions): Promise<ProbedBoards | undefined> {
  if (opts.kvm === false) { ctx.progress('KVM boards: not probed (--no-kvm); the import has TCG\'s board layouts only'); return undefined; }
  const usable = kvmUsable();
  if (usable !== true) {
    if (opts.kvm === true) throw new UsageError(`--kvm: ${usable}`);
    ctx.progress(`KVM boards: not probed (${usable}); the import has TCG's board layouts only`);
    return undefined;
  }
  ctx.progress('probing every board under KVM too (-accel kvm: kvm-ioapic, kvm-i8259, kvm-pit, kvmclock, kvm-apic)');
  return probeBoards(ctx, machines, types, 'kvm', opts.machineFilter);
}

/** true when this process can open /dev/kvm read-write (what QEMU's -accel kvm needs), else why not. */
export function kvmUsable(device = '/dev/kvm'): true | string {
  try {
    accessSync(device, fsConstants.R_OK | fsConstants.W_OK);
    return true;
  } catch (e) {
    return `${device}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such device' : 'not usable by this user'}`;
  }
}

/**
 * What QEMU shows once started, on every probed board and on a lone -device
 * of every user-creatable type, kept where it differs from what the compat
 * chain configures (board-values.ts), in one pool of shared records.
 */
export async function recordObservations(
  ctx: ProbeContext, files: ValidatedFiles,
  filter: { machines?: (n: string) => boolean; devices?: (t: string) => boolean; cpuModels?: boolean } = {},
): Promise<BoardsFile> {
  const pool = new ObservedPool();
  // The boards as probed: the variants' and KVM's passes resolve against these layouts, not the recorded ones.
  const probedFiles: ValidatedFiles = { ...files, machines: structuredClone(files.machines) };
  const tcg = await recordBoardValues(ctx, files, pool, 'tcg', filter.machines);
  for (const m of files.machines.machines) { const ids = tcg.ids.get(m.name); if (ids) m.board = ids; }
  const boards: BoardsFile = { arch: files.boards.arch, layouts: tcg.layouts, observed: pool.all() };
  const devices = await recordDeviceValues(ctx, { ...files, boards }, pool, {
    ...(filter.devices ? { filter: filter.devices } : {}), ...(filter.cpuModels ? { cpuModels: true } : {}),
  });
  // KVM's boards last: their records are numbered after TCG's and the devices', which thus stay as a TCG-only import writes them.
  const kvm = files.boards.accelerators?.kvm ? await recordBoardValues(ctx, files, pool, 'kvm', filter.machines, tcg.byContent) : undefined;
  // Then the boards with a -machine setting (BOARD_SETTINGS), each sharing a layout with the plain board where it shows the same.
  const shared = new Map([...tcg.byContent, ...(kvm?.byContent ?? [])]);
  const variants: Array<[string, Map<string, Map<string, BoardIds>>]> = [];
  const variantLayouts: BoardLayoutDef[] = [];
  for (const [accel, bySetting] of Object.entries(files.boards.variants ?? {})) {
    const ids = new Map<string, Map<string, BoardIds>>();
    for (const setting of Object.keys(bySetting).sort()) {
      const v = await recordBoardValues(ctx, probedFiles, pool, accel, filter.machines, shared, setting);
      variantLayouts.push(...v.layouts);
      for (const [key, id] of v.byContent) shared.set(key, id);
      ids.set(setting, v.ids);
    }
    variants.push([accel, ids]);
  }
  const layouts = [...tcg.layouts, ...(kvm?.layouts ?? []), ...variantLayouts].sort((a, b) => (a.id < b.id ? -1 : 1));
  const records = pool.all();
  return {
    arch: files.boards.arch, layouts, ...(records.length ? { observed: records } : {}), ...(devices.length ? { devices } : {}),
    ...(kvm ? { accelerators: { kvm: Object.fromEntries(kvm.ids) } } : {}),
    ...variantsDef(variants),
  };
}

/** boards.json "variants" from each accelerator's probed settings (absent when none was probed). */
function variantsDef(byAccel: ReadonlyArray<readonly [string, ReadonlyMap<string, ReadonlyMap<string, BoardIds>>]>): Pick<BoardsFile, 'variants'> {
  const out: NonNullable<BoardsFile['variants']> = {};
  for (const [accel, settings] of byAccel) {
    for (const [setting, machines] of settings) (out[accel] ??= {})[setting] = Object.fromEntries(machines);
  }
  return Object.keys(out).length ? { variants: out } : {};
}

/** The compat model the binary implements: the OBJECT_COMPAT RFC when it has the RFC's root class. */
function binaryModel(defs: Definitions): CompatModelName {
  return defs.types.has('object-compat') ? 'object-compat' : 'qdev';
}

/**
 * Every board of one accelerator, with and without -nodefaults. Machines
 * whose boards show the same share a layout; one that differs gets its own.
 * A KVM board that shows what a TCG one does (`shared`: TCG's layouts by
 * content) shares that layout.
 */
async function recordBoardValues(
  ctx: ProbeContext, files: ValidatedFiles, pool: ObservedPool, accel: string, filter?: (n: string) => boolean,
  shared: ReadonlyMap<string, string> = new Map(), setting?: string,
): Promise<Omit<ProbedBoards, 'variants'> & { byContent: Map<string, string> }> {
  const defs = buildDefinitions('(import)', files);
  const model = binaryModel(defs);
  const probedIds = (name: string): BoardIds | undefined => (setting !== undefined ? files.boards.variants?.[accel]?.[setting]?.[name]
    : accel === 'tcg' ? files.machines.machines.find((m) => m.name === name)?.board : files.boards.accelerators?.[accel]?.[name]);
  const machineProps = setting?.split(',').map((kv) => kv.split('=') as [string, string]);
  const variants = files.machines.machines
    .filter((m) => probedIds(m.name) && (!filter || filter(m.name)))
    .flatMap((m) => [true, false].map((nodefaults) => ({ m, nodefaults })));
  ctx.progress(`reading every property of every board object${accel !== 'tcg' ? ` under ${accel.toUpperCase()}` : ''}${setting !== undefined ? ` with -machine ${setting}` : ''} (${variants.length} boards)`);
  let done = 0;
  const observed = await mapLimit(variants, ctx.concurrency ?? 2, async ({ m, nodefaults }) => {
    const configured = resolve(defs, { machine: m.name, nodefaults, model, accel, ...(machineProps ? { machineProps } : {}) });
    if (configured.outcome !== 'started') throw new QemuProbeError(`${withSetting(m.name, setting)}: the board alone does not resolve: ${configured.error}`);
    if (configured.boardVariant !== setting) throw new QemuProbeError(`${withSetting(m.name, setting)}: resolve did not take the board probed with ${setting}`);
    const paths = configured.objects.filter((o) => o.path !== null && !o.transient).map((o) => o.path!);
    const migration = configured.objects.find((o) => o.path === null && o.type === 'migration');
    const shown = await observeBoard(ctx, withSetting(m.name, setting), nodefaults, paths, migration && new Map(migration.properties.map((p) => [p.name, p.type])), accel);
    if (accel === 'kvm') await markHostDerived(ctx, defs, withSetting(m.name, setting), configured.objects, shown);
    if (++done % 10 === 0 || done === variants.length) ctx.progress(`  board values ${done}/${variants.length}`);
    const buses = new Map([...shown].filter(([, o]) => o.buses?.length).map(([path, o]) => [path, o.buses!]));
    return { deltas: valueDeltas(defs.types, configured.objects, shown), buses };
  });
  const probed = new Map(files.boards.layouts.map((l) => [l.id, l]));
  const layouts = new Map<string, BoardLayoutDef>();
  const byContent = new Map<string, string>();
  const ids = new Map<string, BoardIds>();
  variants.forEach(({ m, nodefaults }, i) => {
    const pair = probedIds(m.name)!;
    const layout = withObserved(probed.get(nodefaults ? pair.nodefaults : pair.defaults)!, observed[i]!.deltas, pool, observed[i]!.buses);
    const key = JSON.stringify(layout.objects);
    let id = byContent.get(key) ?? shared.get(key);
    if (!id) {
      id = layoutId(m.name, nodefaults, accel, setting);
      layouts.set(id, { ...layout, id });
    }
    byContent.set(key, id);
    ids.set(m.name, { ...(ids.get(m.name) ?? pair), [nodefaults ? 'nodefaults' : 'defaults']: id });
  });
  return { layouts: [...layouts.values()].sort((a, b) => (a.id < b.id ? -1 : 1)), ids, byContent };
}

/** Takes the host's values out of what a board's CPUs showed under KVM, and marks KVM's defaults (see host-derived.ts). */
async function markHostDerived(ctx: ProbeContext, defs: Definitions, machine: string, objects: readonly ResolvedObject[], shown: ObservedBoard): Promise<void> {
  const suffix = `-${defs.arch}-cpu`;
  for (const o of objects) {
    const seen = o.path !== null ? shown.get(o.path) : undefined;
    if (!seen || !defs.types.isA(o.type, 'cpu') || !o.type.endsWith(suffix)) continue;
    const sorted = await kvmCpuValues(ctx, machine, o.type.slice(0, -suffix.length), seen);
    for (const p of sorted.hostDerived) seen.properties.delete(p);
    seen.hostDerived = new Set(sorted.hostDerived);
    seen.accelDefaults = new Set(sorted.accelDefaults);
  }
}

/**
 * Every user-creatable device type (-device) and object type (-object), and
 * every CPU model (-cpu), created alone (-nodefaults) on the reference machine of each PCI host
 * bridge: the machine that carries an alias (q35, pc), the newest of its
 * family. A type QEMU refuses there (another bus, a required backend or
 * parameter) gets no record on that board.
 */
async function recordDeviceValues(
  ctx: ProbeContext, files: ValidatedFiles, pool: ObservedPool, opts: { filter?: (t: string) => boolean; cpuModels?: boolean },
): Promise<DeviceRecordDef[]> {
  const filter = opts.filter;
  const defs = buildDefinitions('(import)', files);
  const model = binaryModel(defs);
  const isA = (t: string, a: string) => defs.types.isA(t, a);
  // The machines with an alias (q35, pc); in an import whose --machines left them out, the first probed one per host bridge.
  const references = new Map<string, string>();
  const probed = defs.machines.all().filter((m) => defs.machines.boardLayout(m.name, true));
  const aliased = probed.filter((x) => x.alias);
  for (const m of aliased.length ? aliased : probed) {
    const host = hostKey(defs.machines.boardLayout(m.name, true), isA);
    if (host !== 'none' && !references.has(host)) references.set(host, m.name);
  }
  const cpuSuffix = `-${files.types.arch}-cpu`;
  const lone = files.types.types
    .filter((t) => !t.abstract && (!filter || filter(t.name)))
    .flatMap((t): LoneObject[] => {
      const out: LoneObject[] = [];
      if (t.userCreatable && isA(t.name, 'device')) out.push({ kind: 'device', type: t.name });
      if (!isA(t.name, 'device') && isA(t.name, 'user-creatable')) out.push({ kind: 'object', type: t.name, sized: isA(t.name, 'memory-backend') });
      // A CPU model in the board CPU's place (-cpu MODEL), the models -cpu names as parseCpuOption finds them:
      // only when asked (import --cpu-models), as each model's record is ~15 KB (~200 feature values, CPUID word lists).
      if (opts.cpuModels && isA(t.name, 'cpu') && t.name.endsWith(cpuSuffix)) out.push({ kind: 'cpu', type: t.name, model: t.name.slice(0, -cpuSuffix.length) });
      return out;
    })
    .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : a.kind < b.kind ? -1 : 1));
  const jobs = lone.flatMap((o) => [...references].sort().map(([host, machine]) => ({ o, host, machine })));
  ctx.progress(`reading every property of a lone -device, -object or -cpu of each of ${lone.length} types on ${[...references.values()].join(', ')}`);
  const skip = (t: string) => TREE_PLUMBING.some((a) => isA(t, a));
  let done = 0;
  const observeRecord = async (o: LoneObject, machine: string) => {
    const lone = await withRequiredParameters(o, (x) => observeLone(ctx, machine, x, skip));
    if ('refused' in lone.shown) return lone.shown;
    const buses = await busNames(ctx, machine, lone.o, lone.shown.buses, skip);
    // A second start: values QEMU makes up anew each time (vmgenid's GUID) are volatile, not recorded.
    const again = await observeLone(ctx, machine, lone.o, skip);
    const backend = lone.o.kind === 'device' ? lone.o.backend : undefined;
    const configured = resolve(defs, {
      machine, nodefaults: true, model, ...(lone.o.kind === 'cpu' ? { cpu: lone.o.model } : { options: loneOptions(lone.o) }),
      ...(backend?.kind ? { backends: { ...emptyBackends(), [backend.kind]: [backend.id] } } : {}),
    });
    if (configured.outcome !== 'started') {
      ctx.progress(`  -${o.kind} ${o.type} on ${machine}: QEMU starts, resolve says: ${configured.error}; no record`);
      return null;
    }
    const root = lonePath(lone.o);
    const board: ObservedBoard = new Map([...lone.shown.objects].map(([rel, properties]) => {
      const other = 'objects' in again ? again.objects.get(rel) : undefined;
      const volatile = new Set([...properties].filter(([k, v]) => isClockReading(v.type) || JSON.stringify(other?.get(k)?.value) !== JSON.stringify(v.value)).map(([k]) => k));
      for (const k of volatile) properties.delete(k);
      return [root + rel, { properties, volatile }];
    }));
    const mine = configured.objects.filter((x) => x.path === root || x.path?.startsWith(root + '/'));
    const providers = lone.o.kind === 'device' && lone.o.provider ? { providers: lone.o.provider.split(' ') } : {};
    // A device that needed a property to start: what QEMU says without it, and which properties it needed.
    const requires = lone.o.kind === 'device' && lone.alone !== undefined && lone.o.extra
      ? { alone: lone.alone, requires: lone.o.extra.split(',').filter((x) => x).map((x) => x.split('=')[0]!) } : {};
    return { root, objects: mine, values: valueDeltas(defs.types, mine, board, true), warnings: lone.shown.warnings, buses, ...providers, ...requires };
  };
  const deltas = await mapLimit(jobs, ctx.concurrency ?? 2, async ({ o, machine }) => {
    const d = await observeRecord(o, machine);
    if (++done % 50 === 0 || done === jobs.length) ctx.progress(`  lone objects ${done}/${jobs.length}`);
    return d;
  });
  await provideBuses(ctx, jobs, deltas, defs.types, (o, machine) => observeRecord(o, machine));
  // Records are numbered in job order, whatever order the QEMU runs finished in.
  return jobs.flatMap(({ o, host, machine }, i): DeviceRecordDef[] => {
    const d = deltas[i];
    if (!d) return [];
    if ('refused' in d) return [{ option: o.kind, type: o.type, host, machine, refused: d.refused, objects: [] }];
    const objects = d.objects.flatMap((x) => {
      const v = d.values.get(x.path!);
      const id = v && pool.idFor(x.type, v);
      return id ? [{ path: x.path!.slice(d.root.length), observed: id }] : [];
    });
    const warnings = d.warnings.length ? { warnings: d.warnings } : {};
    const buses = d.buses.length ? { buses: d.buses } : {};
    const providers = d.providers ? { providers: d.providers } : {};
    const requires = d.requires ? { refused: d.alone!, requires: d.requires } : {};
    return objects.length || d.warnings.length || d.buses.length || d.providers || d.requires
      ? [{ option: o.kind, type: o.type, host, machine, ...('refused' in requires ? { refused: requires.refused } : {}), ...warnings, ...buses,
        ...('requires' in requires ? { requires: requires.requires } : {}), ...providers, objects }] : []; // in the schema's key order
  });
}

/**
 * Management stacks' usual controller for a bus type, preferred as the
 * provider of a device that needs that bus (libvirt's defaults: a USB device
 * goes on qemu-xhci, a SCSI disk on virtio-scsi-pci); other bus types take
 * the first provider in name order.
 */
const PREFERRED_PROVIDERS: Readonly<Record<string, string>> = {
  'usb-bus': 'qemu-xhci', SCSI: 'virtio-scsi-pci', 'virtio-serial-bus': 'virtio-serial-pci', HDA: 'ich9-intel-hda', IDE: 'ich9-ahci',
};

type RecordResult = { refused: string } | null | { buses: readonly DeviceBusDef[]; providers?: readonly string[] };


/**
 * A device QEMU refuses alone for want of a bus (`No 'usb-bus' bus found for
 * device 'usb-tablet'`) is observed again after a device that provides one
 * (itself observed alone, or provided for in an earlier round: usb-ccid's bus
 * for a ccid card). The record notes its providers.
 */
async function provideBuses<R extends RecordResult>(
  ctx: ProbeContext, jobs: ReadonlyArray<{ o: LoneObject; host: string; machine: string }>, results: R[], types: TypeModel,
  observe: (o: LoneObject, machine: string) => Promise<R>,
): Promise<void> {
  const tried = new Set<number>();
  for (let round = 0; round < 3; round++) {
    // host → bus type → the chains of devices that provide one (`qemu-xhci usb-ccid` for ccid-bus)
    const candidates = new Map<string, Map<string, string[][]>>();
    jobs.forEach(({ o, host }, i) => {
      const r = results[i];
      if (o.kind !== 'device' || !r || 'refused' in r) return;
      const chain = [...(r.providers ?? []), o.type];
      const byType = candidates.get(host) ?? new Map<string, string[][]>();
      for (const b of r.buses) {
        for (let t: string | null | undefined = b.type; t && t !== 'bus'; t = types.get(t)?.parent) byType.set(t, [...(byType.get(t) ?? []), chain]);
      }
      candidates.set(host, byType);
    });
    const providerFor = (host: string, busType: string): string | undefined => {
      const chains = candidates.get(host)?.get(busType) ?? [];
      const best = chains.find((c) => c[c.length - 1] === PREFERRED_PROVIDERS[busType])
        ?? [...chains].sort((a, b) => a.length - b.length || (a.join(' ') < b.join(' ') ? -1 : 1))[0];
      return best?.join(' ');
    };
    const retry = jobs.flatMap(({ o, host, machine }, i) => {
      const r = results[i];
      const needs = r && 'refused' in r && o.kind === 'device' && !tried.has(i) ? /No '([^']+)' bus found for device/.exec(r.refused)?.[1] : undefined;
      const chain = needs && providerFor(host, needs);
      if (chain) tried.add(i);
      return chain ? [{ i, o: { ...o, provider: chain } as LoneObject, machine }] : [];
    });
    if (!retry.length) return;
    ctx.progress(`  ${retry.length} devices that need a bus another device provides (round ${round + 1})`);
    const again = await mapLimit(retry, ctx.concurrency ?? 2, ({ o, machine }) => observe(o, machine));
    retry.forEach(({ i }, k) => {
      const r = again[k]!;
      // Still refused with a provider: the refusal alone is what QEMU says of it alone.
      if (r && !('refused' in r)) results[i] = r;
    });
  }
}

/** A lone object's options as resolve takes them (its provider's -device first). */
function loneOptions(o: LoneObject): CommandLineOption[] {
  const words = loneCommand(o);
  const out: CommandLineOption[] = [];
  for (let i = 0; i < words.length; i += 2) {
    if (words[i] === '-device' || words[i] === '-object') out.push({ kind: words[i]!.slice(1) as 'device' | 'object', arg: words[i + 1]! });
  }
  return out;
}

/** The id the bus-name probe gives a device: the names its buses take from it show where the id goes. */
const BUS_PROBE_ID = 'qcbusprobe';

/**
 * How QEMU names the buses a device creates: once more with an id, so that
 * a bus named after the id (a PCI bridge's, `ID`; a controller's, `ID.0`) is
 * told from one with a fixed name; the anonymous name is kept as well.
 */
async function busNames(ctx: ProbeContext, machine: string, o: LoneObject, anonymous: readonly ShownBus[], skip: (t: string) => boolean): Promise<DeviceBusDef[]> {
  if (!anonymous.length || o.kind !== 'device') return [];
  const named = await observeLone(ctx, machine, { ...o, id: BUS_PROBE_ID }, skip);
  if ('refused' in named || named.buses.length !== anonymous.length) {
    throw new QemuProbeError(`-device ${o.type},id=${BUS_PROBE_ID} on ${machine}: the buses differ from those of the anonymous device`);
  }
  // qom-list's order is not creation order; names are numbered in creation order, so both lists
  // are paired in name order (at, then numerically: ide.6 … ide.11 with $ID.0 … $ID.5).
  const order = (a: ShownBus, b: ShownBus) => (a.at !== b.at ? (a.at < b.at ? -1 : 1) : compareNames(a.name, b.name));
  const anon = [...anonymous].sort(order);
  const ided = [...named.buses].sort(order);
  return anon.map((b, i) => ({
    at: b.at, type: b.type, name: ided[i]!.name.split(BUS_PROBE_ID).join('$ID'), anonymous: b.name, ...(b.hotpluggable === false ? { hotpluggable: false as const } : {}),
  }));
}

/**
 * Devices QEMU refuses alone for a property its message does not name as a
 * parameter (hw/pci-bridge/pci_bridge_dev.c, hw/nvme/ctrl.c): the property
 * that satisfies it. Bridges matter: management stacks build PCI topologies
 * of them, and their buses are what other devices name with `bus=`.
 */
const DRIVE: LoneBackend = { option: '-blockdev', arg: 'driver=null-co,node-name=qcdrive,size=1048576', kind: 'drives', id: 'qcdrive' };
const CHARDEV: LoneBackend = { option: '-chardev', arg: 'null,id=qcchr', kind: 'chardevs', id: 'qcchr' };
const AUDIODEV: LoneBackend = { option: '-audiodev', arg: 'none,id=qcaudio', kind: 'audiodevs', id: 'qcaudio' };
// The root directory, read-only: it always exists and nothing is written.
const FSDEV: LoneBackend = { option: '-fsdev', arg: 'local,id=qcfs,path=/,security_model=none,readonly=on', kind: 'fsdevs', id: 'qcfs' };
const CRYPTODEV: LoneBackend = { option: '-object', arg: 'cryptodev-backend-builtin,id=qccrypto', id: 'qccrypto' };
const DEVICE_REQUIREMENTS: ReadonlyArray<readonly [RegExp, string, LoneBackend?]> = [
  [/Bridge chassis not specified/, 'chassis_nr=1'],
  [/serial property not set/, 'serial=qomcompat'],
  // Disks: a 1 MiB null-co node (the disk's geometry follows its size: see resolve's image-derived values).
  [/drive property not set|No drive specified/, 'drive=qcdrive', DRIVE],
  // Serial ports, usb-redir, ccid-card-passthru, usb-serial/-braille (hw/char, hw/usb/redirect.c, ccid-card-passthru.c, dev-serial.c).
  [/empty char device|^\$OPTION: Parameter 'chardev' is missing$|^\$OPTION: missing chardev$|^\$OPTION: Property chardev is required$/, 'chardev=qcchr', CHARDEV],
  // Sound cards and codecs without -audiodev (audio/audio.c audio_be_by_name... AUD_register_card).
  [/no default audio driver available/, 'audiodev=qcaudio', AUDIODEV],
  // virtio-9p (hw/9pfs/9p.c v9fs_device_realize_common): the fsdev, then its mount tag.
  [/9pfs device couldn't find fsdev with the id = NULL/, 'fsdev=qcfs', FSDEV],
  [/needs mount_tag arguments/, 'mount_tag=qomcompat'],
  // virtio-crypto (hw/virtio/virtio-crypto.c): a cryptodev backend object.
  [/'cryptodev' parameter expects a valid object/, 'cryptodev=qccrypto', CRYPTODEV],
];

/**
 * -object types QEMU refuses alone with a message of their own rather than
 * `Parameter 'X' is missing`, and the parameter that lets them start: a secret
 * needs its data (crypto/secret_common.c), tls-cipher-suites its priority
 * string (crypto/tls-cipher-suites.c; gnutls's NORMAL is always known).
 */
const OBJECT_REQUIREMENTS: ReadonlyArray<readonly [RegExp, string, LoneBackend?]> = [
  [/Either 'file' or 'data' must be provided/, 'data=qomcompat'],
  [/'priority' property is not set/, 'priority=NORMAL'],
];

/**
 * An -object QEMU refuses for a missing parameter (`Parameter 'reduced-phys-bits'
 * is missing`), or a device for one of DEVICE_REQUIREMENTS, is tried again with
 * it set, up to three parameters, so that what such objects show can be read;
 * the record is then of the object with those parameters.
 */
async function withRequiredParameters<R extends object>(
  o: LoneObject, observe: (o: LoneObject) => Promise<R | { refused: string }>,
): Promise<{ o: LoneObject; shown: R | { refused: string }; alone?: string }> {
  const first = await observe(o);
  let cur = o;
  let last = first;
  for (let i = 0; i < 3 && cur.kind !== 'cpu' && 'refused' in last; i++) {
    const refused = last.refused;
    const missing = cur.kind === 'object' ? /Parameter '([^']+)' is missing/.exec(refused)?.[1] : undefined;
    const requirement = cur.kind === 'device' ? DEVICE_REQUIREMENTS.find(([re]) => re.test(refused))
      : OBJECT_REQUIREMENTS.find(([re]) => re.test(refused));
    const setting = missing !== undefined ? `${missing}=1` : requirement?.[1];
    if (!setting) break;
    cur = { ...cur, extra: `${cur.extra ?? ''},${setting}`, ...(requirement?.[2] ? { backend: requirement[2] } : {}) } as LoneObject;
    last = await observe(cur);
    if (!('refused' in last)) return { o: cur, shown: last, alone: (first as { refused: string }).refused };
  }
  return { o, shown: first };
}

/** accel-compat.json as the import will write it (hand-authored; see writeDefinitions). */
function accelCompatFor(outRoot: string, arch: string): AccelCompatFile {
  for (const file of [join(outRoot, arch, 'accel-compat.json'), join(EMBEDDED_MACHINES_DIR, arch, 'accel-compat.json')]) {
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as AccelCompatFile;
  }
  return { accelerators: [] };
}

/** boards.json of a partial import: what it covers, in the schema's key order (after devices, before accelerators). */
export function withCoverage(boards: BoardsFile, coverage: { machines?: string; devices?: string }): BoardsFile {
  const { accelerators, variants, ...rest } = boards;
  return { ...rest, coverage: { ...(coverage.machines !== undefined ? { machines: coverage.machines } : {}), ...(coverage.devices !== undefined ? { devices: coverage.devices } : {}) },
    ...(accelerators ? { accelerators } : {}), ...(variants ? { variants } : {}) };
}

function toBoardObjectDef(o: BoardObject): BoardLayoutDef['objects'][number] {
  return { path: o.path, type: o.type, ...(o.transient ? { transient: true } : {}) };
}

function writeDefinitions(dir: string, machines: MachinesFile, types: TypesFile, boards: BoardsFile, options: OptionTableFile): void {
  // accel-compat.json is hand-authored (QMP cannot show it): keep the user's, or start from the embedded one.
  const accel = join(dir, 'accel-compat.json');
  const embeddedAccel = join(EMBEDDED_MACHINES_DIR, machines.arch, 'accel-compat.json');
  if (!existsSync(accel)) {
    writeFileAtomic(accel, existsSync(embeddedAccel) ? readFileSync(embeddedAccel, 'utf8') : formatJson({ $schema: '../schema/accel-compat.schema.json', accelerators: [] }));
  }
  const withSchema = <T extends object>(name: string, data: T) => ({ $schema: `../schema/${name}.schema.json`, ...data });
  writeFileAtomic(join(dir, 'machines.json'), formatJson(withSchema('machines', machines)));
  writeFileAtomic(join(dir, 'types.json'), formatJson(withSchema('types', types)));
  writeFileAtomic(join(dir, 'boards.json'), formatJson(withSchema('boards', boards)));
  writeFileAtomic(join(dir, 'options.json'), formatJson(withSchema('options', options)));
}

