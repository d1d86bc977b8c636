/**
 * Differential harness: runs one command line through the real QEMU and through
 * `resolve(…, { model: 'qdev' })`, and compares what each says.
 *
 * Compared: the outcome (QEMU started or refused), the fatal error text, the
 * warnings (exact, in order) and, when both started, EVERY property QEMU shows
 * (qom-list + qom-get) on every object of the composition tree that resolve
 * knows, every object of QEMU's tree resolve does not know, and the
 * `migration` object's values where a QMP name maps
 * (query-migrate-parameters / query-migrate-capabilities).
 *
 * A value resolve does not know (null, or no such property) where QEMU shows
 * one is a disagreement. Differences are excused only in two documented
 * ways: SHOWN_EXCEPTIONS (values QEMU derives from the host or the clock)
 * and values resolve itself marks `configuredOnly` (a user setting that
 * board code or realize transforms in a way the tool has not learned),
 * each counted apart.
 */
import { migrationField, migrationFields } from '../../src/import/observe-boards.js';
import type { Definitions } from '../../src/load/loader.js';
import type { ExactJson } from '../../src/qemu/json-exact.js';
import { QemuExitedError, QmpError, QmpSession, type QemuRunResult } from '../../src/qemu/qmp.js';
import { resolve, type CommandLineOption } from '../../src/resolve/resolve.js';
import { parseQemuCommandLine } from '../../src/parse/command-line.js';
import { toRequest } from '../../src/commands/qemu-line.js';
import { embeddedOptionTable } from './option-table.js';
import { readFileSync } from 'node:fs';
import type { CompatModelName, ResolvedProperty, ResolveResult } from '../../src/resolve/result.js';
import type { ShownValue } from '../../src/resolve/shown.js';
import type { TypeModel } from '../../src/model/types.js';

export interface Scenario {
  /** Short label for reports (category/description). */
  name?: string;
  category?: string;
  machine: string;
  nodefaults: boolean;
  options: CommandLineOption[];
  /** The -accel argument (`tcg` when absent; `kvm` needs /dev/kvm). */
  accel?: string;
  /** The -cpu argument. */
  cpu?: string;
  /**
   * More of the command line, as words (`-blockdev …`, `-device '{…}'`), after
   * the options above: resolve takes the whole line through the command-line
   * parser (src/parse), as `resolve` does with a pasted line.
   */
  extra?: string[];
}

const PROG = 'qemu-system-x86_64: ';

// ---------------------------------------------------------------------------------------------
// Known realize-time / board-code changes (reference §0.9). Each one is a value QEMU changes
// AFTER the compat/global/option chain resolve models, so qom-get cannot show the chain's value.

export interface RealizeChange {
  /** QOM type (matched with the type model: the object's type or any ancestor/interface). */
  type: string;
  property: string;
  reason: string;
  /** Restricts the entry to these resolved values (formatted as strings); any value when absent. */
  resolved?: readonly string[];
}

export const REALIZE_TIME_CHANGES: readonly RealizeChange[] = [
  // hw/rtc/mc146818rtc.c rtc_realizefn: base_year is forced to 2000 on x86 (pc_rtc_init sets it),
  // and the realized device stores it as an offset, so qom-get reads 0.
  { type: 'mc146818rtc', property: 'base_year', reason: 'pc board code forces base_year=2000 and realize stores it as 0' },
  // hw/timer/hpet.c hpet_realize: timers is clamped to [HPET_MIN_TIMERS, HPET_MAX_TIMERS].
  { type: 'hpet', property: 'timers', reason: 'hpet_realize clamps timers to 3..32' },
  // hw/virtio/virtio-pci.c virtio_pci_realize: disable-legacy=auto is decided at realize
  // (off on a conventional PCI slot / legacy-capable machine).
  { type: 'virtio-pci', property: 'disable-legacy', resolved: ['auto'], reason: 'virtio_pci_realize resolves disable-legacy=auto to on/off' },
  // target/i386/cpu.c x86_cpu_realizefn: ucode-rev 0 is replaced by the default microcode revision.
  { type: 'x86_64-cpu', property: 'ucode-rev', resolved: ['0'], reason: 'x86_cpu_realizefn puts the default microcode revision in place of 0' },
  // hw/virtio/virtio-pci.c virtio_pci_force_virtio_1(), called from the realize of modern-only
  // devices (virtio-input, virtio-gpu/vga, virtio-iommu, virtio-mem/pmem, virtio-crypto,
  // vhost-user-vsock, virtio-sound): disable-legacy=on and disable-modern=off, whatever
  // hw_compat_2_6's optional entries set.
  ...['virtio-input-pci', 'virtio-gpu-pci-base', 'virtio-vga-base', 'virtio-iommu-pci', 'virtio-md-pci', 'virtio-crypto-pci',
    'vhost-user-vsock-pci', 'virtio-sound-pci'].flatMap((type): RealizeChange[] => [
    { type, property: 'disable-legacy', reason: 'virtio_pci_force_virtio_1 at realize sets disable-legacy=on' },
    { type, property: 'disable-modern', reason: 'virtio_pci_force_virtio_1 at realize sets disable-modern=off' },
  ]),
  // --- Board code: per-instance properties set by pc/q35 init after -global (reference §2 step 6).
  // resolve does not model board-code property sets; the value read back is the board's.
  { type: 'smbus-eeprom', property: 'address', reason: 'smbus_eeprom_init_one sets address 0x50+i per instance' },
  { type: 'isa-pit', property: 'iobase', reason: 'i8254_pit_init sets iobase 0x40' },
  ...['iobase', 'elcr_addr', 'elcr_mask', 'master'].map((property): RealizeChange =>
    ({ type: 'isa-i8259', property, reason: 'i8259_init_chip sets iobase/elcr_addr/elcr_mask/master per chip' })),
  ...['base', 'dshift', 'page-base', 'pageh-base'].map((property): RealizeChange =>
    ({ type: 'i8257', property, reason: 'i8257_dma_init sets base/dshift/page-base/pageh-base per controller' })),
  { type: 'hpet', property: 'hpet-intcap', reason: 'pc_basic_device_init sets hpet-intcap from the board\'s IRQ routing' },
  ...['index', 'iobase', 'irq'].map((property): RealizeChange =>
    ({ type: 'isa-serial', property, reason: 'serial_hds_isa_init / isa_new sets index, and realize derives iobase/irq from it' })),
  ...['index', 'iobase'].map((property): RealizeChange =>
    ({ type: 'isa-parallel', property, reason: 'parallel_hds_isa_init sets index, realize derives iobase' })),
  { type: 'pci-device', property: 'addr', reason: 'board code and PCI bus assignment set addr (and -global addr aborts QEMU)' },
  { type: 'pci-device', property: 'multifunction', reason: 'pci_create_simple_multifunction sets multifunction on board functions' },
  { type: 'pci-device', property: 'romsize', reason: 'pci_add_option_rom sets romsize from the ROM file at realize' },
  ...['smm-enabled', 'smb_io_base', 'has-pic', 'has-pit', 'has-usb'].map((property): RealizeChange =>
    ({ type: 'pci-device', property, reason: 'pc_piix/pc_q35 init sets the southbridge and PM options' })),
  { type: 'pci-host-bridge', property: 'below-4g-mem-size', reason: 'pc init sets below-4g-mem-size from the RAM size' },
  { type: 'acpi-ged', property: 'ged-event', reason: 'microvm board code sets ged-event to the events it wires up' },
  { type: 'q35-pcihost', property: 'MCFG', reason: 'q35 init/realize sets the MCFG base' },
  // hw/display/edid-generate.c qemu_edid_generate (at realize of EDID-capable displays: VGA, bochs-display,
  // virtio-gpu…): xres/yres 0 become the preferred 1280x800.
  ...['xres', 'yres'].map((property): RealizeChange => ({ type: 'device', property, resolved: ['0'], reason: 'qemu_edid_generate replaces xres/yres 0 with 1280x800' })),
  ...['iobase', 'iobase2', 'irq'].map((property): RealizeChange =>
    ({ type: 'isa-ide', property, reason: 'isapc board code (isa_ide_init) sets iobase/iobase2/irq per channel' })),
  ...['ide-device', 'floppy'].flatMap((type) => ['unit', 'logical_block_size', 'physical_block_size', 'discard_granularity', 'drive-type'].map((property): RealizeChange =>
    ({ type, property, reason: 'ide/floppy drives: board code sets unit, realize fills in block sizes and drive type' }))),
  // target/i386/cpu.c and hw/i386/x86-common.c: CPU topology ids and CPUID levels are decided by board code and realize.
  ...['apic-id', 'socket-id', 'die-id', 'module-id', 'core-id', 'thread-id', 'level', 'xlevel', 'xlevel2', 'min-level', 'min-xlevel',
    'level-func7', 'phys-bits', 'guest-phys-bits'].map((property): RealizeChange =>
    ({ type: 'x86_64-cpu', property, reason: 'x86_cpu_new / x86_cpu_realizefn set topology ids and CPUID levels' })),
  // virtio-scsi/virtio-blk realize: num_queues "auto" (UINT32_MAX / UINT16_MAX) becomes the computed queue count.
  { type: 'device', property: 'num_queues', resolved: ['4294967295'], reason: 'virtio realize resolves num_queues=auto to a queue count' },
  { type: 'device', property: 'num-queues', resolved: ['65535', '4294967295'], reason: 'virtio realize resolves num-queues=auto to a queue count' },
  // hw/scsi/megasas.c megasas_scsi_realize: a zero sas_address is replaced by a generated one.
  { type: 'megasas-base', property: 'sas_address', resolved: ['0'], reason: 'megasas_scsi_realize generates an address in place of 0' },
];

// ---------------------------------------------------------------------------------------------
// Values QEMU shows that no static tool can know: each with QEMU's reason.

export const SHOWN_EXCEPTIONS: ReadonlyArray<{ type: string; property: string; reason: string }> = [
  // hw/rtc/mc146818rtc.c rtc_get_date: the guest's RTC date, read from the host clock at qom-get time.
  { type: 'mc146818rtc', property: 'date', reason: 'the RTC date is the host clock at the moment of qom-get' },
  // hw/acpi/vmgenid.c: guid "auto" (the default) becomes a random GUID at realize, a new one every start.
  { type: 'vmgenid', property: 'guid', reason: 'guid=auto is a random GUID made at realize, different every start' },
  // hw/misc/applesmc.c: the default osk is read with bytes past its end, which differ from start to start.
  { type: 'isa-applesmc', property: 'osk', reason: 'the default osk is shown with bytes past its end that differ every start' },
];

/**
 * What resolve does not model yet, each a precise class of disagreement with
 * the reason. A disagreement of such a class is counted apart (Comparison.gaps)
 * and named in the summary; anything else fails. Issue #8's closing note
 * lists them as the next steps.
 */
export const KNOWN_GAPS: ReadonlyArray<{ reason: string; applies: (s: Scenario, mismatch: string, types: TypeModel) => boolean }> = [
  {
    // pxb_dev_realize (pxb-host), amd_iommu_realize (AMDVI-PCI), ati_vga_realize (i2c-ddc), igb_pci_realize,
    // virtio_rng_device_realize (default-backend): objects a lone device's record does not cover.
    reason: 'objects that a device realize creates outside its instance_init children are not recorded yet',
    applies: (s, m) => /^object \S+: QEMU has it, resolve does not$/.test(m)
      && s.options.some((o) => o.kind === 'device' && /^(driver=)?(amd-iommu|ati-vga|igb|pxb-pcie|pxb|virtio-rng-pci\S*)(,|$)/.test(o.arg)),
  },
  {
    // target/i386/kvm/kvm-cpu.c kvm_default_props (monitor, acpi off, …) beyond what the board CPU (qemu64) shows
    // under KVM, and vme, which TCG lacks for every model (cpu.c TCG_FEATURES): a named model's record is TCG's.
    // x86_cpu_initfn's aliases other than the underscore twins (ffxsr = fxsr-opt, sse3 = pni, …) are not modelled:
    // un-filtering a TCG-filtered feature reaches its twin, not its alias.
    reason: 'a named -cpu model under KVM: its record is TCG\'s carried over; KVM defaults qemu64 does not show, vme, and feature aliases are not learned',
    applies: (s, m, types) => s.accel === 'kvm' && s.cpu !== undefined && !/^(qemu64|host|max)\b/.test(s.cpu)
      && /^value \S+ \((\S+)\) (vme|monitor|acpi|ffxsr|xd|i64|sse3|pclmuldq|sse4[-_][12]): /.test(m) && types.isA(/\((\S+)\)/.exec(m)![1]!, 'x86_64-cpu'),
  },
  {
    // hw/hyperv/vmbus.c vmbus_realize: QEMU answered QMP while the lone device was read at import, then refused.
    reason: 'vmbus-bridge: QEMU refuses it (no usable Hyper-V SynIC) after answering QMP, so the import recorded values',
    applies: (s, m) => s.options.some((o) => o.kind === 'device' && /^vmbus-bridge(,|$)/.test(o.arg)) && /^(outcome|error):/.test(m),
  },
];

/**
 * Messages QEMU prints about the host it runs on, which no static tool can
 * know: under KVM, target/i386/cpu.c x86_cpu_filter_features warns for each
 * feature of the CPU model the host's KVM does not support (and turns it off:
 * resolve gives those values as configured, marked configuredOnly).
 */
export const HOST_WARNINGS: ReadonlyArray<{ pattern: RegExp; reason: string }> = [
  { pattern: /^host doesn't support requested feature: /, reason: 'x86_cpu_filter_features: a CPU feature this host\'s KVM lacks (host-specific)' },
  {
    pattern: /^(-accel \S+: )?Number of (SMP|hotpluggable) cpus requested \(\d+\) exceeds the recommended cpus supported by KVM \(\d+\)$/,
    reason: 'kvm_init: more vCPUs than the host has online CPUs (KVM_CAP_NR_VCPUS, host-specific)',
  },
];

export function shownException(types: TypeModel, type: string, property: string): string | undefined {
  return SHOWN_EXCEPTIONS.find((e) => e.property === property && types.isA(type, e.type))?.reason;
}

// ---------------------------------------------------------------------------------------------
// Running QEMU

/** What resolve says for one object, to compare with what QEMU shows there. */
export interface ObjectExpectation {
  /** QOM path, or null for the migration object (read through query-migrate-*). */
  path: string | null;
  type: string;
  properties: ReadonlyMap<string, ResolvedProperty>;
}

export type ReadResult = { ok: true; value: ExactJson } | { ok: false; error: string };

export interface QemuObservation {
  started: boolean;
  result: QemuRunResult;
  /** Messages with the program name (and `warning: `) stripped; continuation lines joined with "\n". */
  warnings: string[];
  error: string | null;
  /** path → property → what qom-get answered; for every path asked and every property qom-list shows. */
  objects: Map<string, Map<string, ReadResult>>;
  /** Paths of QEMU's composition tree (devices, backends; not containers, buses, memory regions, irqs, chardevs). */
  tree: string[];
  /** The migration object's parameters and capabilities. */
  migration: Map<string, ExactJson> | null;
}

/** Splits stderr into messages: a line starting with the program name starts one; other lines continue it. */
/**
 * Lines of the host's sound stack, not QEMU's messages: QEMU's default audio
 * backend (no -nodefaults, no -audiodev) is the first of its drivers that
 * initialises on the host, and the libraries (PipeWire, ALSA) and QEMU's own
 * audio log (audio/audio.c dolog: `alsa: Could not initialize DAC`, `audio:
 * Could not create a backend for voice`) report what the host lacks. They
 * differ from host to host and are not compared.
 */
const HOST_AUDIO_NOISE = /^(ALSA lib |\[[WEID]\]\[\d\d:\d\d:\d\d\.\d+\] |(alsa|audio|pa|pipewire|sdl|oss|jack|sndio): )/;

export function splitMessages(stderr: string): string[] {
  const out: string[] = [];
  for (const line of stderr.split('\n')) {
    if (HOST_AUDIO_NOISE.test(line)) continue;
    if (line.startsWith(PROG)) out.push(line.slice(PROG.length));
    else if (line === '' ) continue;
    else if (out.length > 0) out[out.length - 1] += `\n${line}`;
    else out.push(line);
  }
  return out;
}

/**
 * Classifies one message: `warning: X` → warning `X`; `-global A: warning: X` → warning `-global A: X`
 * (the location prefix is one of the scenario's options).
 */
export function classifyMessage(msg: string, options: readonly CommandLineOption[]): { warning: boolean; text: string } {
  if (msg.startsWith('warning: ')) return { warning: true, text: msg.slice('warning: '.length) };
  // The accelerator's own warnings carry its option's location (kvm_init under -accel kvm).
  const accel = /^(-accel \S+: )warning: /.exec(msg);
  if (accel) return { warning: true, text: accel[1] + msg.slice(accel[0].length) };
  for (const o of options) {
    const loc = `-${o.kind} ${o.arg}: `;
    if (msg.startsWith(loc + 'warning: ')) return { warning: true, text: loc + msg.slice(loc.length + 'warning: '.length) };
  }
  return { warning: false, text: msg };
}

export function scenarioArgs(s: Scenario): string[] {
  // QmpSession puts `-accel tcg` first only when the line names no accelerator (qmp.ts baseArgs).
  const args = [...(s.accel !== undefined && s.accel !== 'tcg' ? ['-accel', s.accel] : []), '-M', s.machine];
  if (s.nodefaults) args.push('-nodefaults');
  if (s.cpu !== undefined) args.push('-cpu', s.cpu);
  for (const o of s.options) args.push(`-${o.kind}`, o.arg);
  return [...args, ...(s.extra ?? [])];
}

/** Composition-tree objects, as the importer's board probe walks them. */
async function walkTree(session: QmpSession, types: TypeModel): Promise<string[]> {
  const out: string[] = [];
  const skip = (t: string) => ['memory-region', 'irq', 'bus', 'chardev', 'qemu-console'].some((b) => types.isA(t, b));
  const visit = async (path: string): Promise<void> => {
    for (const p of (await session.execute('qom-list', { path })) as Array<{ name: string; type: string }>) {
      const m = /^child<(.+)>$/.exec(p.type);
      if (!m || skip(m[1]!)) continue;
      const child = `${path}/${p.name}`;
      if (m[1] !== 'container') out.push(child);
      await visit(child);
    }
  };
  await visit('/machine');
  await visit('/objects');
  return out;
}

async function readObject(session: QmpSession, path: string): Promise<Map<string, ReadResult>> {
  const out = new Map<string, ReadResult>();
  for (const p of (await session.execute('qom-list', { path })) as Array<{ name: string; type: string }>) {
    if (p.type.startsWith('child<')) continue;
    try {
      out.set(p.name, { ok: true, value: await session.execute('qom-get', { path, property: p.name }, 20000) });
    } catch (e) {
      if (!(e instanceof QmpError)) throw e;
      out.set(p.name, { ok: false, error: e.desc });
    }
  }
  return out;
}

/** Starts the QMP session runQemu reads from: the real QEMU, or a recorder/replayer (test/support/recorded-qemu.ts). */
export type SessionStarter = (binary: string, args: string[]) => Promise<QmpSession>;

export async function runQemu(binary: string, s: Scenario, paths: readonly string[], types: TypeModel,
  start: SessionStarter = (b, a) => QmpSession.start(b, a)): Promise<QemuObservation> {
  const objects = new Map<string, Map<string, ReadResult>>();
  let session: QmpSession;
  let result: QemuRunResult;
  try {
    session = await start(binary, scenarioArgs(s));
  } catch (e) {
    if (!(e instanceof QemuExitedError)) throw e;
    result = e.result;
    return { started: false, result, ...messages(result.stderr, optionsOf(s)), objects, tree: [], migration: null };
  }
  let tree: string[] = [];
  let migration: Map<string, ExactJson> | null = null;
  try {
    tree = await walkTree(session, types);
    for (const path of paths) {
      try {
        objects.set(path, await readObject(session, path));
      } catch (e) {
        if (!(e instanceof QmpError)) throw e; // no object at that path: compare() reports it
      }
    }
    migration = await migrationFields(session);
  } finally {
    result = await session.quit();
  }
  return { started: true, result, ...messages(result.stderr, optionsOf(s)), objects, tree, migration };
}

/** The scenario's options with an argument, as locations QEMU prefixes its messages with (`-device x: `). */
function optionsOf(s: Scenario): CommandLineOption[] {
  const extra: CommandLineOption[] = [];
  const words = s.extra ?? [];
  for (let i = 0; i + 1 < words.length; i++) {
    if (words[i]!.startsWith('-') && !words[i + 1]!.startsWith('-')) extra.push({ kind: words[i]!.slice(1) as CommandLineOption['kind'], arg: words[i + 1]! });
  }
  return [...s.options, ...extra];
}

function messages(stderr: string, options: readonly CommandLineOption[]): { warnings: string[]; error: string | null } {
  const warnings: string[] = [];
  const errors: string[] = [];
  for (const m of splitMessages(stderr)) {
    const c = classifyMessage(m, options);
    (c.warning ? warnings : errors).push(c.text);
  }
  return { warnings, error: errors.length ? errors.join('\n') : null };
}

// ---------------------------------------------------------------------------------------------
// Comparing

/** The objects to read back: every object with a QOM path QEMU keeps, and the migration object. */
export function expectations(r: ResolveResult, types: TypeModel): ObjectExpectation[] {
  return r.objects
    .filter((o) => !o.transient && (o.path !== null || types.isA(o.type, 'migration')))
    .map((o) => ({ path: o.path, type: o.type, properties: new Map(o.properties.map((p) => [p.name, p])) }));
}

export function formatJson(v: ExactJson | ShownValue | null | undefined): string {
  if (v === undefined) return '<absent>';
  if (v === null) return 'null';
  if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
}

export interface DocumentedDifference { scenario: string; object: string; property: string; resolved: string; qemu: string; reason: string }

export interface Comparison {
  scenario: Scenario;
  label: string;
  resolved: ResolveResult;
  observed: QemuObservation;
  /** Human-readable disagreements (empty: agreement). */
  mismatches: string[];
  /** Differences excused by REALIZE_TIME_CHANGES or SHOWN_EXCEPTIONS, with the reason. */
  documented: DocumentedDifference[];
  /** Values resolve marked configured-only that QEMU shows otherwise (resolve says it cannot know). */
  configuredOnly: DocumentedDifference[];
  /** Disagreements of a KNOWN_GAPS class, with its reason. */
  gaps: Array<{ mismatch: string; reason: string }>;
  /** Values compared (every property QEMU shows on every object compared). */
  valuesCompared: number;
  /** Values that agree. */
  valuesAgree: number;
  /** Migration properties with no QMP query field (not compared). */
  valuesSkipped: number;
}

export function realizeChange(types: TypeModel, type: string, property: string, resolvedValue: string): RealizeChange | undefined {
  return REALIZE_TIME_CHANGES.find((c) => c.property === property && types.isA(type, c.type) && (!c.resolved || c.resolved.includes(resolvedValue)));
}

export function label(s: Scenario): string {
  return [s.category ? `[${s.category}]` : '', '-M', s.machine, s.nodefaults ? '-nodefaults' : '', s.cpu !== undefined ? `-cpu ${s.cpu}` : '', ...s.options.map((o) => `-${o.kind} ${o.arg}`), ...(s.extra ?? [])]
    .filter(Boolean).join(' ');
}

export function compare(s: Scenario, resolved: ResolveResult, observed: QemuObservation, types: TypeModel, expected: readonly ObjectExpectation[]): Comparison {
  const mismatches: string[] = [];
  const documented: DocumentedDifference[] = [];
  const configuredOnly: DocumentedDifference[] = [];
  const name = label(s);
  const rStarted = resolved.outcome === 'started';
  if (rStarted !== observed.started) {
    mismatches.push(`outcome: resolve ${resolved.outcome}, QEMU ${observed.started ? 'started' : `refused (exit ${observed.result.code ?? observed.result.signal})`}`);
  }
  if ((resolved.error ?? null) !== observed.error) {
    mismatches.push(`error:\n    resolve: ${JSON.stringify(resolved.error)}\n    QEMU:    ${JSON.stringify(observed.error)}`);
  }
  // A hardware accelerator, from the scenario or (a whole command line) the one resolve chose for it.
  const hardware = (s.accel !== undefined && s.accel !== 'tcg') || resolved.objects.some((o) => o.origin === 'accel' && o.type !== 'tcg-accel');
  const hostWarning = (w: string) => (hardware ? HOST_WARNINGS.find((h) => h.pattern.test(w)) : undefined);
  for (const w of observed.warnings) {
    const h = hostWarning(w);
    if (h) documented.push({ scenario: name, object: '<warning>', property: '', resolved: '', qemu: w, reason: h.reason });
  }
  const qemuWarnings = observed.warnings.filter((w) => !hostWarning(w));
  if (JSON.stringify(resolved.warnings) !== JSON.stringify(qemuWarnings)) {
    mismatches.push(`warnings:\n    resolve: ${JSON.stringify(resolved.warnings)}\n    QEMU:    ${JSON.stringify(qemuWarnings)}`);
  }
  const counts = { compared: 0, agree: 0, skipped: 0 };
  if (rStarted && observed.started) {
    const known = new Set(expected.map((e) => e.path));
    for (const path of observed.tree) if (!known.has(path)) mismatches.push(`object ${path}: QEMU has it, resolve does not`);
    for (const e of expected) {
      const obj = e.path ?? `<${e.type}>`;
      const shown = e.path === null ? migrationReads(e, observed.migration, counts) : observed.objects.get(e.path);
      if (!shown) { mismatches.push(`object ${obj} (${e.type}): resolve has it, QEMU does not`); continue; }
      for (const [prop, got] of shown) {
        counts.compared++;
        const p = e.properties.get(prop);
        const want = formatJson(p?.value ?? null);
        if (!got.ok) {
          // QEMU cannot show it (a write-only property): agreement when resolve knows no value either.
          if (p?.value === null || p?.value === undefined) counts.agree++;
          else mismatches.push(`value ${obj} ${prop}: resolve ${want}, qom-get failed: ${got.error}`);
          continue;
        }
        const have = formatJson(got.value);
        if (p && p.value !== null && have === want) { counts.agree++; continue; }
        const diff = { scenario: name, object: obj, property: prop, resolved: want, qemu: have };
        const exception = shownException(types, e.type, prop);
        if (exception) { documented.push({ ...diff, reason: exception }); continue; }
        // The host's value (a CPU under KVM): resolve gives what the chain configures and says so.
        if (p?.hostDerived) { configuredOnly.push({ ...diff, reason: p.configuredOnly ?? 'host-derived' }); continue; }
        // A feature this host's KVM lacks, which QEMU itself lists (the import's host may have had it).
        if (hardware && unavailableHere(shown).includes(prop)) {
          documented.push({ ...diff, reason: 'x86_cpu_filter_features: a CPU feature this host\'s KVM lacks (unavailable-features; host-specific)' });
          continue;
        }
        if (!p || p.value === null) { mismatches.push(`value ${obj} (${e.type}) ${prop}: resolve ${p ? 'null' : 'has no such property'}, QEMU ${have}`); continue; }
        if (p.configuredOnly) { configuredOnly.push({ ...diff, reason: p.configuredOnly }); continue; }
        const change = realizeChange(types, e.type, prop, want);
        if (change) documented.push({ ...diff, reason: change.reason });
        else mismatches.push(`value ${obj} (${e.type}) ${prop}: resolve ${want}, QEMU ${have}`);
      }
    }
  }
  const gaps: Comparison['gaps'] = [];
  const open = mismatches.filter((m) => {
    const gap = KNOWN_GAPS.find((g) => g.applies(s, m, types));
    if (gap) gaps.push({ mismatch: m, reason: gap.reason });
    return !gap;
  });
  return {
    scenario: s, label: name, resolved, observed, mismatches: open, documented, configuredOnly, gaps,
    valuesCompared: counts.compared, valuesAgree: counts.agree, valuesSkipped: counts.skipped,
  };
}

/** The features QEMU says the host could not give a CPU (its unavailable-features), or none. */
function unavailableHere(shown: ReadonlyMap<string, ReadResult>): string[] {
  const r = shown.get('unavailable-features');
  const names = r?.ok && Array.isArray(r.value) ? r.value.filter((v): v is string => typeof v === 'string') : [];
  // Each feature shows under its other spellings too: the underscore twin, and x86_cpu_initfn's aliases.
  return names.flatMap((n) => [n, n.replace(/-/g, '_'), ...(FEATURE_ALIASES[n] ?? [])]);
}

/** target/i386/cpu.c x86_cpu_initfn: object_property_add_alias names other than the underscore twins. */
const FEATURE_ALIASES: Readonly<Record<string, readonly string[]>> = {
  'pni': ['sse3'], 'pclmulqdq': ['pclmuldq'], 'sse4.1': ['sse4-1', 'sse4_1'], 'sse4.2': ['sse4-2', 'sse4_2'],
  'nx': ['xd'], 'fxsr-opt': ['ffxsr'], 'lm': ['i64'], 'hv-avic': ['hv-apicv'],
};

/** The migration object's properties that have a QMP field, as reads. */
function migrationReads(e: ObjectExpectation, fields: ReadonlyMap<string, ExactJson> | null, counts: { skipped: number }): Map<string, ReadResult> | undefined {
  if (!fields) return undefined;
  const out = new Map<string, ReadResult>();
  for (const prop of e.properties.keys()) {
    const m = migrationField(prop, fields);
    if (m) out.set(prop, { ok: true, value: m.value });
    else counts.skipped++;
  }
  return out;
}

/** What resolve answers for the scenario: its options directly, or (with `extra`) the whole line through the parser. */
export function resolveScenario(defs: Definitions, s: Scenario, model: CompatModelName = 'qdev'): ResolveResult {
  if (s.extra) {
    const parsed = parseQemuCommandLine(scenarioArgs(s), embeddedOptionTable(), { readFile: (p) => readFileSync(p, 'utf8') });
    if (!parsed.ok) return { machine: s.machine, model, objects: [], warnings: [], error: parsed.error, outcome: 'refused' };
    return resolve(defs, toRequest(parsed.line, model, s.machine));
  }
  return resolve(defs, {
    machine: s.machine, nodefaults: s.nodefaults, options: s.options, model,
    ...(s.accel ? { accel: s.accel } : {}), ...(s.cpu !== undefined ? { cpu: s.cpu } : {}),
  });
}

/** resolve + QEMU + compare for one scenario. */
export async function differential(binary: string, defs: Definitions, s: Scenario): Promise<Comparison> {
  const resolved = resolveScenario(defs, s);
  const expected = resolved.outcome === 'started' ? expectations(resolved, defs.types) : [];
  const observed = await runQemu(binary, s, expected.flatMap((e) => (e.path === null ? [] : [e.path])), defs.types);
  return compare(s, resolved, observed, defs.types, expected);
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export interface Summary {
  scenarios: number; agree: number; documented: number; configuredOnly: number; disagree: number; gaps: number;
  values: number; valuesAgree: number; skipped: number;
}

export function summarize(results: readonly Comparison[]): Summary {
  return {
    scenarios: results.length,
    agree: results.filter((r) => r.mismatches.length === 0).length,
    disagree: results.filter((r) => r.mismatches.length > 0).length,
    documented: results.reduce((n, r) => n + r.documented.length, 0),
    configuredOnly: results.reduce((n, r) => n + r.configuredOnly.length, 0),
    gaps: results.filter((r) => r.gaps.length > 0).length,
    values: results.reduce((n, r) => n + r.valuesCompared, 0),
    valuesAgree: results.reduce((n, r) => n + r.valuesAgree, 0),
    skipped: results.reduce((n, r) => n + r.valuesSkipped, 0),
  };
}

export function report(results: readonly Comparison[]): string {
  return results.filter((r) => r.mismatches.length > 0).map((r) => `${r.label}\n  ${r.mismatches.join('\n  ')}`).join('\n');
}
