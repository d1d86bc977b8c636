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
import { parseKeyval } from './keyval.js';
import { optionEffect, type OptionEffect } from './option-effects.js';
import type { OptionTable } from './option-table.js';
import { scanQemuArgv, splitInvocation, type ArgvOption } from './qemu-argv.js';

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
}

export type ParsedQemuCommandLine = { ok: true; line: QemuCommandLine } | { ok: false; error: string };

/** Legacy -machine keys that are not machine properties (system/vl.c qemu_apply_legacy_machine_options). */
const LEGACY_MACHINE_KEYS = new Set(['accel', 'igd-passthru', 'kvm-shadow-mem', 'kernel-irqchip']);

export function parseQemuCommandLine(words: readonly string[], table: OptionTable): ParsedQemuCommandLine {
  const { env, program, args } = splitInvocation(words);
  const scanned = scanQemuArgv(args, table);
  if (scanned.error !== undefined) return { ok: false, error: scanned.error };
  const b = new Builder();
  for (const o of scanned.options) b.add(o);
  return { ok: true, line: b.finish(env, program) };
}

class Builder {
  private machine?: string;
  private readonly machineProps = new Map<string, string>();
  private machineAccel?: string;
  private readonly accels: string[] = [];
  private cpu?: string;
  private nodefaults = false;
  private readonly options: CommandLineOption[] = [];
  private readonly listed: ListedOption[] = [];
  private readonly backends = emptyBackends();
  private information?: string;

  add(o: ArgvOption): void {
    if (!o.def.target) {
      this.options.push({ kind: 'fatal', arg: `${o.text}: Option not supported for this target` });
      return;
    }
    const effect = optionEffect(o.name);
    if (effect !== 'applied') {
      if (effect === 'information' && this.information === undefined) this.information = o.text;
      const backend = o.arg !== undefined ? backendOf(o.name, o.arg) : undefined;
      if (backend) this.backends[backend.kind].push(backend.id);
      this.listed.push({ text: o.text, name: o.name, effect });
      return;
    }
    switch (o.name) {
      case 'M':
      case 'machine': return this.addMachine(o);
      case 'accel': this.accels.push(o.arg!); return;
      case 'enable-kvm': this.machineAccel = 'kvm'; return;
      case 'cpu': this.cpu = o.arg!; return;
      case 'nodefaults': this.nodefaults = true; return;
      case 'global':
      case 'device':
      case 'object': this.options.push({ kind: o.name, arg: o.arg! }); return;
    }
  }

  private addMachine(o: ArgvOption): void {
    const kv = parseKeyval(o.arg!, 'type');
    if (!kv.ok) {
      this.options.push({ kind: 'fatal', arg: `${o.text}: ${kv.error}` });
      return;
    }
    if (kv.help) this.information ??= o.text;
    for (const [k, v] of kv.pairs) {
      if (k === 'type') this.machine = v;
      else if (k === 'accel') this.machineAccel = v;
      else if (LEGACY_MACHINE_KEYS.has(k)) this.listed.push({ text: `${o.text} (${k}=${v})`, name: 'machine', effect: 'not-modelled' });
      else { this.machineProps.delete(k); this.machineProps.set(k, v); }
    }
  }

  finish(env: string[], program: string | undefined): QemuCommandLine {
    let accel: string | undefined;
    const accelConflict = this.accels.length > 0 && this.machineAccel !== undefined;
    if (this.accels.length) {
      accel = this.accels[0];
    } else if (this.machineAccel !== undefined) {
      accel = this.machineAccel.split(':')[0];
    }
    if (this.accels.length > 1) {
      for (const a of this.accels.slice(1)) this.listed.push({ text: `-accel ${a}`, name: 'accel', effect: 'not-modelled' });
    }
    return {
      env, ...(program !== undefined ? { program } : {}),
      ...(this.machine !== undefined ? { machine: this.machine } : {}),
      machineProps: [...this.machineProps],
      ...(accel !== undefined ? { accel } : {}),
      ...(this.cpu !== undefined ? { cpu: this.cpu } : {}),
      nodefaults: this.nodefaults,
      options: this.options,
      listed: this.listed,
      backends: this.backends,
      ...(this.information !== undefined ? { information: this.information } : {}),
      accelConflict,
    };
  }
}
