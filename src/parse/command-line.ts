/**
 * A whole QEMU command line, as a user pastes it, turned into what resolve
 * needs: the machine type and its properties, the accelerator, -cpu,
 * -nodefaults, the -global/-device/-object options in order, and every other
 * option listed with its effect (nothing is dropped silently). Errors QEMU
 * reports while it parses options are kept in command-line order as `fatal`
 * entries, so that the resolver reports the first one QEMU would. Pure.
 */
import type { CommandLineOption } from '../resolve/command-line.js';
import { backendOf, emptyBackends, type Backends } from './backends.js';
import { qemuOptsPairs } from '../resolve/options.js';
import { dialectOf, PROXMOX_VE, proxmoxMachine, type Dialect } from './dialects.js';
import { parseConfigFile, sectionArgument } from './readconfig.js';
import { legacyMachineSugar, memPreallocSugar, rtcSugar, WIN2K_HACK, type SugarProp } from './sugar.js';
import { parseKeyval } from './keyval.js';
import { addMemoryOption, type MemoryOption } from './memory-option.js';
import { optionEffect, type OptionEffect } from './option-effects.js';
import type { OptionTable } from './option-table.js';
import { scanQemuArgv, splitInvocation, type ArgvOption } from './qemu-argv.js';
import { parseNuma, type NumaConfig } from './numa.js';

export interface ListedOption {
  /** The option as written: `-m 4096`. */
  readonly text: string;
  readonly name: string;
  readonly effect: Exclude<OptionEffect, 'applied'>;
}

export interface QemuCommandLine {
  readonly env: string[];
  readonly program?: string;
  /** The machine type of the last -machine/-M that names one (`type=` or the implied first key). */
  readonly machine?: string;
  /** -machine properties other than the type and the legacy keys, in order; a later one replaces an earlier one. */
  readonly machineProps: Array<[string, string]>;
  /** The -accel argument of the accelerator QEMU tries first, if the line names one. */
  readonly accel?: string;
  readonly cpu?: string;
  readonly nodefaults: boolean;
  /** -global, -device, -object, and QEMU's parse-time errors, in command-line order. */
  readonly options: CommandLineOption[];
  /** Every option resolve does not apply, with what it does. */
  readonly listed: ListedOption[];
  /** The backends the line defines, by the ids devices refer to. */
  readonly backends: Backends;
  /** An option that makes QEMU print information and exit 0 (`-version`). */
  readonly information?: string;
  /** configure_accelerators() refuses -accel together with -machine accel= (or -enable-kvm). */
  readonly accelConflict: boolean;
  /** The downstream QEMU the line was written for (Proxmox VE), when it says. */
  readonly dialect?: string;
  /** What the answer assumes beyond the line (a -readconfig file not readable here, a downstream machine revision). */
  readonly assumptions: string[];
  /** A -readconfig file could not be read: buses it may define are assumed to exist. */
  readonly unknownBusesAssumed: boolean;
  /** -nic or -net: the default network is off and NICs connect through hubs. */
  readonly legacyNetwork: boolean;
  /** Sugar properties, in the order QEMU registers them (sugar.ts). */
  readonly sugar: SugarProp[];
  /** The -m options of the line, merged (QEMU's "memory" list); absent without -m. */
  readonly memory?: MemoryOption;
  /** The -smp options of the line as the machine's `smp` dictionary (keyval, merged; a later key wins). */
  readonly smp?: Array<[string, string]>;
  /** The -boot options of the line as the machine's `boot` dictionary (keyval, implied key `order`). */
  readonly boot?: Array<[string, string]>;
  /** -numa, when every one is of a form resolve models (parse/numa.ts). */
  readonly numa?: NumaConfig;
}

/** Reading the files a command line names (-readconfig); undefined when a file cannot be read. */
export interface CommandLineFiles { readFile(path: string): string | undefined }

export type ParsedQemuCommandLine = { ok: true; line: QemuCommandLine } | { ok: false; error: string };

/** Options not modelled yet that create controllers other devices may name as their bus. */
const BUS_CREATING_OPTIONS = new Set(['usb', 'usbdevice', 'drive', 'vga', 'nic', 'net', 'audio']);

/** -readconfig groups whose option has another name. */
const CONFIG_GROUP_OPTION: Readonly<Record<string, string>> = { 'smp-opts': 'smp', memory: 'm', 'boot-opts': 'boot' };

/** A -drive's interface (`if=`, the last one given), undefined when the line leaves QEMU's default. */
function driveInterface(arg: string): string | undefined {
  return qemuOptsPairs(arg).filter(([k]) => k === 'if').pop()?.[1];
}

/** Legacy -machine keys that are not machine properties (system/vl.c qemu_apply_legacy_machine_options). */
const LEGACY_MACHINE_KEYS = new Set(['accel', 'igd-passthru', 'kvm-shadow-mem', 'kernel-irqchip']);

export function parseQemuCommandLine(words: readonly string[], table: OptionTable, files?: CommandLineFiles): ParsedQemuCommandLine {
  const { env, program, args } = splitInvocation(words);
  const dialect = dialectOf(args);
  const options = dialect && !table.get('id') ? table.withOptions(dialect.options) : table;
  const scanned = scanQemuArgv(args, options);
  if (scanned.error !== undefined) return { ok: false, error: scanned.error };
  const b = new Builder(options, files, dialect);
  for (const o of scanned.options) {
    const error = b.add(o);
    if (error) return { ok: false, error };
  }
  return { ok: true, line: b.finish(env, program) };
}

class Builder {
  /** Every -machine key=value of the line, merged as keyval_parse_into merges them (a later key replaces an earlier one). */
  private readonly machineOpts = new Map<string, string>();
  private readonly accels: string[] = [];
  private cpu?: string;
  private nodefaults = false;
  private readonly options: CommandLineOption[] = [];
  private readonly listed: ListedOption[] = [];
  private readonly backends = emptyBackends();
  private information?: string;
  private readonly assumptions: string[] = [];
  private unknownBusesAssumed = false;
  private readonly win2kHack: SugarProp[] = [];
  private readonly legacySugar: SugarProp[] = [];
  private memPrealloc = false;
  private readonly rtc: string[] = [];
  private memory?: MemoryOption;
  private smp?: Map<string, string>;
  private boot?: Map<string, string>;
  private readonly numa: ArgvOption[] = [];

  constructor(private readonly table: OptionTable, private readonly files: CommandLineFiles | undefined, private readonly dialect: Dialect | undefined) {}

  /** One option in command-line order; a message when QEMU stops at it before the machine exists (a bad -readconfig file). */
  add(o: ArgvOption): string | undefined {
    if (o.name === 'readconfig') return this.readConfig(o);
    if (!o.def.target) {
      this.options.push({ kind: 'fatal', arg: `${o.text}: Option not supported for this target` });
      return;
    }
    const drive = o.name === 'drive' ? driveInterface(o.arg!) : undefined;
    // -drive if=none is only a block backend (a -device names it with drive=); other interfaces create devices.
    const effect = drive === 'none' ? 'backend' : optionEffect(o.name);
    if (effect !== 'applied') {
      if (effect === 'information' && this.information === undefined) this.information = o.text;
      if (BUS_CREATING_OPTIONS.has(o.name) && drive !== 'none' && drive !== 'pflash') this.unknownBusesAssumed = true;
      const backend = o.arg !== undefined ? backendOf(o.name, o.arg) : undefined;
      if (backend) this.backends[backend.kind].push(backend.id);
      if (backend && o.name === 'drive') this.backends.blockBackends.push(backend.id);
      this.listed.push({ text: o.text, name: o.name, effect });
      return undefined;
    }
    switch (o.name) {
      case 'set': this.set(o); break;
      case 'win2k-hack': this.win2kHack.push(WIN2K_HACK); break;
      case 'mem-prealloc': this.memPrealloc = true; break;
      case 'rtc': this.rtc.push(o.arg!); break;
      case 'M':
      case 'machine': this.addMachine(o); break;
      case 'accel': this.accels.push(o.arg!); break;
      // -enable-kvm puts accel=kvm into the -machine dictionary, in command-line order.
      case 'enable-kvm': this.machineOpts.delete('accel'); this.machineOpts.set('accel', 'kvm'); break;
      case 'cpu': this.cpu = o.arg!; break;
      // -smp and -boot (machine_parse_property_opt): keyval with an implied key, merged into the machine's
      // `smp` and `boot` dictionaries; their values are checked when the machine takes them (resolve/smp.ts, boot.ts).
      case 'smp': this.mergeKeyval(o, 'cpus', this.smp ??= new Map()); break;
      case 'boot': this.mergeKeyval(o, 'order', this.boot ??= new Map()); break;
      case 'm': {
        const error = addMemoryOption(this.memory ??= {}, o.arg!);
        if (error) this.options.push({ kind: 'fatal', arg: `${o.text}: ${error}` });
        break;
      }
      case 'nodefaults': this.nodefaults = true; break;
      case 'numa': this.numa.push(o); break;
      case 'global':
      case 'device':
      case 'object': this.options.push({ kind: o.name, arg: o.arg! }); break;
    }
    return undefined;
  }

  /**
   * `-set GROUP.ID.PROP=VALUE` (system/vl.c qemu_set_option): adds a property
   * to an earlier QemuOpts option with that id. Applied for -device; other
   * groups are listed. JSON -devices are not QemuOpts: QEMU does not find them.
   */
  private set(o: ArgvOption): void {
    const m = /^([^.]{1,63})\.([^.]{1,63})\.([^=]{1,63})=/.exec(o.arg!);
    const fail = (message: string): void => { this.options.push({ kind: 'fatal', arg: `${o.text}: ${message}` }); };
    if (!m) return fail(`can't parse: "${o.arg}"`);
    const [, group, id, prop] = m as unknown as [string, string, string, string];
    if (['object', 'audiodev', 'machine', 'smp-opts', 'boot-opts'].includes(group)) return fail(`-set is not supported with ${group}`);
    if (group !== 'device') {
      this.listed.push({ text: o.text, name: 'set', effect: 'not-modelled' });
      return;
    }
    const target = [...this.options].reverse().find((x) => x.kind === 'device' && !x.arg.startsWith('{') && qemuOptsPairs(x.arg, 'driver').some(([k, v]) => k === 'id' && v === id));
    if (!target) return fail(`there is no device "${id}" defined`);
    (target.set ??= []).push([prop, o.arg!.slice(m[0].length)]);
  }

  /**
   * -readconfig: each section is the option of its group where -readconfig
   * stands. A file not readable here (a host's own, such as Proxmox VE's
   * pve-q35-4.0.cfg) is assumed present: what it defines is unknown, and
   * buses the line names that the tool cannot find are taken to be its.
   */
  private readConfig(o: ArgvOption): string | undefined {
    const file = o.arg!;
    const text = this.files?.readFile(file);
    if (text === undefined) {
      this.listed.push({ text: o.text, name: o.name, effect: 'not-modelled' });
      this.assumptions.push(`${o.text}: the file cannot be read here; the objects it defines are assumed present, with the buses the line puts devices on`);
      this.unknownBusesAssumed = true;
      return undefined;
    }
    const parsed = parseConfigFile(text, file);
    if (!parsed.ok) return parsed.error;
    for (const section of parsed.sections) {
      const def = this.table.get(CONFIG_GROUP_OPTION[section.group] ?? section.group);
      const arg = sectionArgument(section);
      const text = `-readconfig ${file} [${section.group}${section.id !== undefined ? ` "${section.id}"` : ''}]`;
      if (!def) {
        this.listed.push({ text, name: section.group, effect: 'not-modelled' });
        continue;
      }
      if (def.name === 'machine') {
        for (const [k, v] of section.pairs) { this.machineOpts.delete(k); this.machineOpts.set(k, v); }
        continue;
      }
      const error = this.add({ name: def.name, def, arg, text });
      if (error) return error;
    }
    return undefined;
  }

  private addMachine(o: ArgvOption): void {
    this.mergeKeyval(o, 'type', this.machineOpts);
  }

  /** A keyval option merged into a dictionary (a later key replaces an earlier one); its syntax error is fatal where it stands. */
  private mergeKeyval(o: ArgvOption, implied: string, into: Map<string, string>): void {
    const kv = parseKeyval(o.arg!, implied);
    if (!kv.ok) {
      this.options.push({ kind: 'fatal', arg: `${o.text}: ${kv.error}` });
      return;
    }
    if (kv.help) this.information ??= o.text;
    for (const [k, v] of kv.pairs) {
      into.delete(k);
      into.set(k, v);
    }
  }

  /**
   * qemu_apply_legacy_machine_options(), after the second option pass:
   * underscores in top-level keys become dashes (keyval_dashify), the legacy
   * keys are taken out, the rest are machine properties.
   */
  private machineOptions(): { machine?: string; accel?: string; props: Array<[string, string]>; error?: string } {
    const dashed = new Map<string, string>();
    const tops = new Set([...this.machineOpts.keys()].map((k) => k.split('.')[0]!));
    for (const [k, v] of this.machineOpts) {
      const [top, ...rest] = k.split('.');
      const newTop = top!.replace(/_/g, '-');
      if (newTop !== top && tops.has(newTop)) return { props: [], error: `Conflict between '${top}' and '${newTop}'` };
      dashed.set([newTop, ...rest].join('.'), v);
    }
    const props: Array<[string, string]> = [];
    let machine: string | undefined;
    let accel: string | undefined;
    for (const [k, v] of dashed) {
      if (k === 'type') machine = this.upstreamMachine(v);
      else if (k === 'accel') accel = v;
      else if (LEGACY_MACHINE_KEYS.has(k)) this.legacySugar.push(...legacyMachineSugar(k, v));
      else {
        props.push([k, v]);
        // -machine usb=on adds a USB controller to the board, which is not modelled yet.
        if (k === 'usb' && /^(on|yes|true|y)$/.test(v)) this.unknownBusesAssumed = true;
      }
    }
    return { ...(machine !== undefined ? { machine } : {}), ...(accel !== undefined ? { accel } : {}), props };
  }

  /** A Proxmox VE machine revision (`pc-q35-9.2+pve1`) is answered for its upstream machine type. */
  private upstreamMachine(name: string): string {
    const pve = this.dialect === PROXMOX_VE || name.includes('+pve') ? proxmoxMachine(name) : undefined;
    if (!pve) return name;
    this.assumptions.push(`machine ${name}: Proxmox VE's revision ${pve.revision} of ${pve.upstream}, answered for upstream ${pve.upstream}; ` +
      'changes Proxmox makes in its own QEMU build are not in the definitions');
    return pve.upstream;
  }

  finish(env: string[], program: string | undefined): QemuCommandLine {
    const m = this.machineOptions();
    if (m.error) this.options.push({ kind: 'fatal', arg: m.error });
    const rtc = this.rtc.length ? rtcSugar(this.rtc) : { sugar: [] };
    // configure_rtc() runs after the option passes, before the machine exists.
    if ('error' in rtc) this.options.push({ kind: 'fatal', arg: rtc.error });
    const sugar = [...this.win2kHack, ...(this.memPrealloc ? memPreallocSugar(this.smp?.get('cpus')) : []), ...('sugar' in rtc ? rtc.sugar : []), ...this.legacySugar];
    let accel: string | undefined;
    const accelConflict = this.accels.length > 0 && m.accel !== undefined;
    if (this.accels.length) {
      accel = this.accels[0];
    } else if (m.accel !== undefined) {
      accel = m.accel.split(':')[0];
    }
    if (this.accels.length > 1) {
      for (const a of this.accels.slice(1)) this.listed.push({ text: `-accel ${a}`, name: 'accel', effect: 'not-modelled' });
    }
    return {
      env, ...(program !== undefined ? { program } : {}),
      ...(m.machine !== undefined ? { machine: m.machine } : {}),
      machineProps: m.props,
      ...(accel !== undefined ? { accel } : {}),
      ...(this.cpu !== undefined ? { cpu: this.cpu } : {}),
      nodefaults: this.nodefaults,
      options: this.options,
      listed: this.listed,
      backends: this.backends,
      ...(this.information !== undefined ? { information: this.information } : {}),
      accelConflict,
      ...(this.dialect ? { dialect: this.dialect.name } : {}),
      assumptions: this.assumptions,
      unknownBusesAssumed: this.unknownBusesAssumed,
      legacyNetwork: this.listed.some((o) => o.name === 'nic' || o.name === 'net'),
      sugar,
      ...(this.memory ? { memory: this.memory } : {}),
      ...(this.smp ? { smp: [...this.smp] } : {}),
      ...(this.boot ? { boot: [...this.boot] } : {}),
      ...this.numaConfig(),
    };
  }

  /** The -numa options, when all are of the forms modelled (parse/numa.ts); else each is listed as not modelled. */
  private numaConfig(): { numa?: NumaConfig } {
    if (!this.numa.length) return {};
    const config = parseNuma(this.numa.map((o) => o.arg!));
    if (config) return { numa: config };
    for (const o of this.numa) this.listed.push({ text: o.text, name: o.name, effect: 'not-modelled' });
    return {};
  }
}
