/**
 * The command line as QEMU parses it before any object exists: -global,
 * -device and -object strings in command-line order (their syntax errors are
 * fatal at once, with the warnings printed before them), and -accel.
 */
import type { TypeModel } from '../model/types.js';
import { parseDevices, parseGlobals, parseObjects, QemuOptsState, type DeviceSpec, type GlobalSpec, type ObjectSpec, type OptionResult } from './options.js';
import { parseJsonValue, parseObjectValue } from './values.js';

/**
 * One option in command-line order. `fatal` stands for an error QEMU reports
 * while it parses options (a -machine syntax error, another target's option):
 * its place in the order decides whether an earlier option's error wins.
 */
export interface CommandLineOption {
  kind: 'global' | 'device' | 'object' | 'fatal';
  arg: string;
  /** Properties later `-set device.ID.PROP=VALUE` options added to this QemuOpts -device, in order. */
  set?: Array<[string, string]>;
}

export interface AccelSpec { name: string; type: string; text: string; props: Array<[string, string]> }

export type ParsedCommandLine = CommandLine | { ok: false; warnings: string[]; error: string };

export interface CommandLine {
  ok: true;
  warnings: string[];
  globals: GlobalSpec[];
  devices: DeviceSpec[];
  objects: ObjectSpec[];
  accel: AccelSpec;
}

export function parseCommandLine(options: readonly CommandLineOption[], accelArg: string, types: TypeModel): ParsedCommandLine {
  const state = new QemuOptsState();
  const globals: GlobalSpec[] = [];
  const devices: DeviceSpec[] = [];
  const objects: ObjectSpec[] = [];
  const warnings: string[] = [];
  const isObjectType = (t: string) => types.has(t) && !types.get(t)!.abstract && types.isA(t, 'user-creatable');
  for (const o of options) {
    if (o.kind === 'fatal') return { ok: false, warnings, error: o.arg };
    const r: OptionResult<Array<GlobalSpec | DeviceSpec | ObjectSpec>> =
      o.kind === 'global' ? parseGlobals([o.arg], state) : o.kind === 'device' ? parseDevices([o.arg], state) : parseObjects([o.arg], state, isObjectType);
    if (!r.ok) {
      const msgs = r.messages.map(stripWarning);
      const error = msgs.pop() ?? `${o.kind} ${o.arg}: invalid`;
      return { ok: false, warnings: [...warnings, ...msgs], error };
    }
    warnings.push(...r.warnings.map(stripWarning));
    if (o.kind === 'object') {
      const error = objectOptionsError(r.value[0] as ObjectSpec, types);
      if (error) return { ok: false, warnings, error };
    }
    if (o.kind === 'global') globals.push(r.value[0] as GlobalSpec);
    else if (o.kind === 'device') devices.push(withSet(r.value[0] as DeviceSpec, o.set ?? []));
    else objects.push(r.value[0] as ObjectSpec);
  }
  const accel = parseAccel(accelArg, types);
  if ('error' in accel) return { ok: false, warnings, error: accel.error };
  // qemu_create_cli_devices() creates the QemuOpts -devices first, then the JSON ones (a list of their own).
  const ordered = [...devices.filter((d) => !d.json), ...devices.filter((d) => d.json)];
  return { ok: true, warnings, globals, devices: ordered, objects, accel };
}

/**
 * object_option_parse() visits the option into the QAPI ObjectOptions union at
 * once, while the command line is parsed: an unknown key (`Invalid parameter`)
 * and a value of the wrong QAPI type (`expects a size value`) are fatal then,
 * before the machine exists and before its deprecation warning. Only the
 * object's own setter checks (`bare` errors, e.g. size=0) wait until the
 * object is created.
 */
function objectOptionsError(spec: ObjectSpec, types: TypeModel): string | null {
  if (spec.help) return null;
  const loc = `-object ${spec.text}: `;
  for (const [name, text] of spec.props) {
    if (name === 'id') continue;
    const prop = types.property(spec.qomType, name);
    // The QObject input visitor (JSON) and the opts visitor word an unknown key differently.
    if (!prop) return spec.json ? `${loc}Parameter '${name}' is unexpected` : `${loc}Invalid parameter '${name}'`;
    const json = spec.json?.get(name);
    const parsed = json !== undefined ? parseJsonValue(prop, json, spec.qomType) : parseObjectValue(prop, text, spec.qomType);
    if (!parsed.ok && !parsed.bare) return parsed.abort ? parsed.reason : loc + parsed.reason;
  }
  return null;
}

/** qemu_opt_set appends: a property -set gives replaces the option's own (the last one wins). */
function withSet(spec: DeviceSpec, set: ReadonlyArray<[string, string]>): DeviceSpec {
  if (!set.length) return spec;
  const props = new Map(spec.props);
  for (const [k, v] of set) { props.delete(k); props.set(k, v); }
  return { ...spec, props: [...props] };
}

/** Our messages drop QEMU's `warning: ` word, keeping any location prefix before it. */
export function stripWarning(message: string): string {
  const m = /^((?:-\w+ .*?: )?)warning: /s.exec(message);
  return m ? m[1] + message.slice(m[0].length) : message;
}

/** -accel NAME[,prop=value...] (QemuOpts with the implied key `accel`). */
function parseAccel(arg: string, types: TypeModel): AccelSpec | { error: string } {
  const parts = splitQemuOpts(arg);
  const name = parts[0] ?? '';
  const type = `${name}-accel`;
  if (!types.has(type) || !types.isA(type, 'accel')) return { error: `-accel ${arg}: invalid accelerator ${name}` };
  const props = parts.slice(1).map((p): [string, string] => {
    const eq = p.indexOf('=');
    return eq < 0 ? [p, 'on'] : [p.slice(0, eq), p.slice(eq + 1)];
  });
  return { name, type, text: arg, props };
}

/** Splits at single commas; `,,` stands for a comma. */
function splitQemuOpts(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === ',' && s[i + 1] === ',') { cur += ','; i++; }
    else if (s[i] === ',') { out.push(cur); cur = ''; }
    else cur += s[i];
  }
  out.push(cur);
  return out;
}
