/**
 * How QEMU 10.0.2 parses the `-global`, `-device` and `-object` option strings
 * (system/qdev-monitor.c qemu_global_option, util/qemu-option.c QemuOpts,
 * system/vl.c object_option_parse). Pure: no I/O.
 *
 * Messages are reported as QEMU prints them, without the leading
 * `qemu-system-x86_64: `. One array element is one message; a message that QEMU
 * follows with extra lines (a hint, or the "Please use …" line after a
 * deprecation warning) carries them joined with "\n". So stderr is
 * `messages.map(m => 'qemu-system-x86_64: ' + m + '\n').join('')`.
 */
import { jsonText, parseQemuJson, type QemuJson, type QemuJsonObject } from '../parse/qemu-json.js';

export interface GlobalSpec { driver: string; property: string; value: string; id?: string; text: string /* the original argument */ }

export type OptionResult<T> =
  | { ok: true; value: T; warnings: string[] }
  | {
    ok: false;
    /** fatal messages, in order, as QEMU prints them minus the 'qemu-system-x86_64: ' prefix, including preceding warnings */
    messages: string[];
    /** `help` was asked for: QEMU prints the option's help on stdout and exits (status 1 for -global). */
    help?: true;
  };

export interface DeviceSpec {
  driver: string; id?: string; props: Array<[string, string]>; text: string;
  /** The JSON form (`-device {…}`): each property's typed value, visited by the QObject input visitor instead of keyval. */
  json?: ReadonlyMap<string, QemuJson>;
  /** `-device help` or `-device T,help`: QEMU lists devices or properties and exits 0 once all options are parsed */
  help?: true;
}

export interface ObjectSpec {
  qomType: string; id: string; props: Array<[string, string]>; text: string;
  /** The JSON form (`-object {…}`): each property's typed value. */
  json?: ReadonlyMap<string, QemuJson>;
  /** `-object help` or `-object T,help`: QEMU prints help and exits 0 */
  help?: true;
}

// ---------------------------------------------------------------------------------------------
// QemuOpts

interface QemuOpt { name: string; value: string; flag: boolean }

/** QemuOptsList: the option's name, its implied first key, and its keys (undefined: accepts any). */
interface QemuOptsList { name: 'global' | 'device' | 'object'; impliedName?: string; keys?: readonly string[] }

const GLOBAL_OPTS: QemuOptsList = { name: 'global', keys: ['driver', 'property', 'value'] };
const DEVICE_OPTS: QemuOptsList = { name: 'device', impliedName: 'driver' };
const OBJECT_OPTS: QemuOptsList = { name: 'object', impliedName: 'qom-type' };

const isHelpOption = (s: string): boolean => s === 'help' || s === '?';

/** get_opt_value: the value runs to the next single comma; ",," stands for ",". Returns [value, index of the ending comma or end]. */
function getOptValue(s: string, from: number): [string, number] {
  let value = '';
  let p = from;
  for (;;) {
    const comma = s.indexOf(',', p);
    const offset = comma < 0 ? s.length : comma;
    if (offset < s.length && s[offset + 1] === ',') {
      value += s.slice(p, offset + 1);
      p = offset + 2;
      continue;
    }
    return [value + s.slice(p, offset), offset];
  }
}

/**
 * get_opt_name_value: one `name=value`, an implied first value, or a flag.
 * Flags are deprecated short-form booleans: `foo` means foo=on, `nofoo` foo=off.
 * Note the name itself is taken up to the first '=' or ',' with no ",," handling.
 */
function getOptNameValue(s: string, from: number, firstName: string | undefined): { opt: QemuOpt; next: number } {
  const rest = s.slice(from);
  const len = rest.search(/[=,]/) < 0 ? rest.length : rest.search(/[=,]/);
  let opt: QemuOpt;
  let end: number;
  if (rest[len] !== '=') {
    if (firstName !== undefined) {
      const [value, e] = getOptValue(s, from);
      opt = { name: firstName, value, flag: false };
      end = e;
    } else {
      const name = rest.slice(0, len);
      opt = name.startsWith('no') ? { name: name.slice(2), value: 'off', flag: true } : { name, value: 'on', flag: true };
      end = from + len;
    }
  } else {
    const [value, e] = getOptValue(s, from + len + 1);
    opt = { name: rest.slice(0, len), value, flag: false };
    end = e;
  }
  return { opt, next: end < s.length ? end + 1 : end };
}

/** The deprecation warning QEMU prints for a flag (with its special case for "nodelay"). */
function flagWarning(opt: QemuOpt): string {
  const prefix = opt.value === 'off' ? 'no' : '';
  const advice = opt.name === 'delay'
    ? `Please use nodelay=${prefix ? 'on' : 'off'} instead`
    : `Please use ${opt.name}=${opt.value} instead`;
  return `warning: short-form boolean option '${prefix}${opt.name}' deprecated\n${advice}`;
}

/**
 * The name=value pairs of a QemuOpts string with an implied first key, without
 * any list's checks: for options whose keys the tool only reads (a backend's id).
 */
export function qemuOptsPairs(arg: string, impliedName?: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let firstName = impliedName;
  for (let p = 0; p < arg.length;) {
    const { opt, next } = getOptNameValue(arg, p, firstName);
    out.push([opt.name, opt.value]);
    p = next;
    firstName = undefined;
  }
  return out;
}

/** id_wellformed: a letter, then letters, digits, '-', '.', '_' (ASCII). */
export function idWellformed(id: string): boolean {
  return /^[A-Za-z][A-Za-z0-9\-._]*$/.test(id);
}

const ID_HINT = "Identifiers consist of letters, digits, '-', '.', '_', starting with a letter.";

/** The ids already taken in each QemuOptsList (QEMU keeps one per option kind). */
export class QemuOptsState {
  private readonly ids = new Map<string, Set<string>>();
  has(list: string, id: string): boolean { return this.ids.get(list)?.has(id) ?? false; }
  add(list: string, id: string): void {
    const set = this.ids.get(list) ?? new Set<string>();
    set.add(id);
    this.ids.set(list, set);
  }
}

type Parsed = { ok: true; id?: string; opts: QemuOpt[]; warnings: string[]; help: boolean } | { ok: false; messages: string[]; help?: true };

/**
 * opts_parse + qemu_opts_parse_noisily. Order matters for the messages:
 * the id is found first (opts_parse_id: the first `id`, flags included, without
 * warnings) and checked; then options are parsed left to right, warning for
 * each flag and stopping at the first unknown key.
 */
function qemuOptsParse(list: QemuOptsList, arg: string, state: QemuOptsState): Parsed {
  const loc = `-${list.name} ${arg}: `;
  let id: string | undefined;
  for (let p = 0; p < arg.length && id === undefined;) {
    const { opt, next } = getOptNameValue(arg, p, undefined);
    if (opt.name === 'id') id = opt.value;
    p = next;
  }
  if (id !== undefined) {
    if (!idWellformed(id)) return { ok: false, messages: [`${loc}Parameter 'id' expects an identifier\n${ID_HINT}`] };
    if (state.has(list.name, id)) return { ok: false, messages: [`${loc}Duplicate ID '${id}' for ${list.name}`] };
  }

  const warnings: string[] = [];
  const opts: QemuOpt[] = [];
  let help = false;
  let firstName = list.impliedName;
  for (let p = 0; p < arg.length;) {
    const { opt, next } = getOptNameValue(arg, p, firstName);
    p = next;
    firstName = undefined;
    const isHelp = opt.flag && opt.value === 'on' && isHelpOption(opt.name);
    if (opt.flag && !isHelp) warnings.push(loc + flagWarning(opt));
    // Only lists with known keys stop at "help"; the others keep it as an option.
    if (isHelp && list.keys) return { ok: false, messages: warnings, help: true };
    if (isHelp) help = true;
    if (opt.name === 'id') continue;
    if (list.keys && !list.keys.includes(opt.name)) {
      return { ok: false, messages: [...warnings, `${loc}Invalid parameter '${opt.name}'`] };
    }
    opts.push(opt);
  }
  if (id !== undefined) state.add(list.name, id);
  return { ok: true, id, opts, warnings, help };
}

/** qemu_opt_get: the last occurrence wins. */
function lastValue(opts: QemuOpt[], name: string): string | undefined {
  for (let i = opts.length - 1; i >= 0; i--) if (opts[i]!.name === name) return opts[i]!.value;
  return undefined;
}

/** Keys in first-seen order, each with its last value (as qemu_opts_to_qdict keeps it). */
function lastWins(opts: QemuOpt[], skip: string): Array<[string, string]> {
  const out = new Map<string, string>();
  for (const o of opts) if (o.name !== skip) out.set(o.name, o.value);
  return [...out];
}

// ---------------------------------------------------------------------------------------------
// -global

/**
 * The short form sscanf("%63[^.=].%63[^=]%n") followed by '=': DRIVER is 1–63
 * characters without '.' or '=', PROP 1–63 characters without '=', and the value
 * is the rest, verbatim (commas included).
 */
function shortFormGlobal(arg: string): { driver: string; property: string; value: string } | null {
  const m = /^([^.=]{1,63})\.([^=]{1,63})=/.exec(arg);
  return m ? { driver: m[1]!, property: m[2]!, value: arg.slice(m[0].length) } : null;
}

function parseGlobalWith(arg: string, state: QemuOptsState): OptionResult<GlobalSpec> {
  const short = shortFormGlobal(arg);
  if (short) return { ok: true, value: { ...short, text: arg }, warnings: [] };

  const parsed = qemuOptsParse(GLOBAL_OPTS, arg, state);
  if (!parsed.ok) return parsed;
  const driver = lastValue(parsed.opts, 'driver');
  const property = lastValue(parsed.opts, 'property');
  const value = lastValue(parsed.opts, 'value');
  if (driver === undefined || property === undefined || value === undefined) {
    return { ok: false, messages: [...parsed.warnings, `-global ${arg}: options 'driver', 'property', and 'value' are required`] };
  }
  const spec: GlobalSpec = { driver, property, value, text: arg };
  if (parsed.id !== undefined) spec.id = parsed.id;
  return { ok: true, value: spec, warnings: parsed.warnings };
}

/** One `-global` argument, on its own (no other -global ids exist). */
export function parseGlobal(arg: string): OptionResult<GlobalSpec> {
  return parseGlobalWith(arg, new QemuOptsState());
}

/**
 * Several `-global` arguments in command-line order, with duplicate-id checks
 * across them. On failure, `messages` holds every warning printed before it, then the fatal message(s).
 */
export function parseGlobals(args: readonly string[], state = new QemuOptsState()): OptionResult<GlobalSpec[]> {
  return parseAll(args, (a) => parseGlobalWith(a, state));
}

function parseAll<T>(args: readonly string[], one: (arg: string) => OptionResult<T>): OptionResult<T[]> {
  const values: T[] = [];
  const warnings: string[] = [];
  for (const arg of args) {
    const r = one(arg);
    if (!r.ok) return { ...r, messages: [...warnings, ...r.messages] };
    values.push(r.value);
    warnings.push(...r.warnings);
  }
  return { ok: true, value: values, warnings };
}

// ---------------------------------------------------------------------------------------------
// -device

/**
 * `-device {…}` (system/vl.c: an argument starting with '{'): parsed as JSON
 * at once (errors fatal then); the driver and id are read later, by
 * qdev_device_add_from_qdict, where a driver that is not a string is missing.
 */
function parseDeviceJson(arg: string): OptionResult<DeviceSpec> {
  const loc = `-device ${arg}: `;
  const parsed = parseQemuJson(arg);
  if (!parsed.ok) return { ok: false, messages: [loc + parsed.error] };
  const dict = parsed.value as QemuJsonObject;
  const driver = dict.entries.find(([k]) => k === 'driver')?.[1];
  if (typeof driver !== 'string') return { ok: false, messages: [`${loc}Parameter 'driver' is missing`] };
  const id = dict.entries.find(([k]) => k === 'id')?.[1];
  const props = dict.entries.filter(([k]) => k !== 'driver');
  const spec: DeviceSpec = { driver, props: props.map(([k, v]) => [k, jsonPropText(v)]), text: arg, json: new Map(props) };
  if (typeof id === 'string') spec.id = id;
  return { ok: true, value: spec, warnings: [] };
}

/** A JSON value as the text of the same setting in keyval form (used where the type is already right). */
function jsonPropText(v: QemuJson): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  return jsonText(v);
}

function parseDeviceWith(arg: string, state: QemuOptsState): OptionResult<DeviceSpec> {
  if (arg.startsWith('{')) return parseDeviceJson(arg);
  const parsed = qemuOptsParse(DEVICE_OPTS, arg, state);
  if (!parsed.ok) return parsed;
  const driver = lastValue(parsed.opts, 'driver');
  const help = parsed.help || (driver !== undefined && isHelpOption(driver));
  if (driver === undefined && !help) {
    return { ok: false, messages: [...parsed.warnings, `-device ${arg}: Parameter 'driver' is missing`] };
  }
  const spec: DeviceSpec = {
    driver: driver ?? '',
    props: lastWins(parsed.opts.filter((o) => !(o.flag && isHelpOption(o.name))), 'driver'),
    text: arg,
  };
  if (parsed.id !== undefined) spec.id = parsed.id;
  if (help) spec.help = true;
  return { ok: true, value: spec, warnings: parsed.warnings };
}

/** -device TYPE[,id=ID][,k=v...]: QemuOpts with implied 'driver' key; the device type itself is not checked here. */
export function parseDevice(arg: string): OptionResult<DeviceSpec> {
  return parseDeviceWith(arg, new QemuOptsState());
}

/** Several `-device` arguments, with duplicate-id checks across them. */
export function parseDevices(args: readonly string[], state = new QemuOptsState()): OptionResult<DeviceSpec[]> {
  return parseAll(args, (a) => parseDeviceWith(a, state));
}

// ---------------------------------------------------------------------------------------------
// -object

/**
 * -object TYPE,id=ID[,k=v...] (not the JSON form). QemuOpts with implied
 * 'qom-type'; then 'qom-type' must be present, help is honoured, and the opts
 * visitor checks the type (`isObjectType`, when given) before the id.
 */
/**
 * `-object {…}`: JSON visited by the QObject input visitor into the QAPI
 * ObjectOptions union: qom-type and id must be strings, the type a
 * user-creatable one.
 */
function parseObjectJson(arg: string, isObjectType?: (t: string) => boolean): OptionResult<ObjectSpec> {
  const loc = `-object ${arg}: `;
  const parsed = parseQemuJson(arg);
  if (!parsed.ok) return { ok: false, messages: [loc + parsed.error] };
  const dict = parsed.value as QemuJsonObject;
  const get = (k: string) => dict.entries.find(([n]) => n === k)?.[1];
  const qomType = get('qom-type');
  if (qomType === undefined) return { ok: false, messages: [`${loc}Parameter 'qom-type' is missing`] };
  if (typeof qomType !== 'string') return { ok: false, messages: [`${loc}Invalid parameter type for 'qom-type', expected: string`] };
  if (isObjectType && !isObjectType(qomType)) return { ok: false, messages: [`${loc}Parameter 'qom-type' does not accept value '${qomType}'`] };
  const id = get('id');
  if (id === undefined) return { ok: false, messages: [`${loc}Parameter 'id' is missing`] };
  if (typeof id !== 'string') return { ok: false, messages: [`${loc}Invalid parameter type for 'id', expected: string`] };
  const props = dict.entries.filter(([k]) => k !== 'qom-type' && k !== 'id');
  return { ok: true, value: { qomType, id, props: props.map(([k, v]) => [k, jsonPropText(v)]), text: arg, json: new Map(props) }, warnings: [] };
}

function parseObjectWith(arg: string, state: QemuOptsState, isObjectType?: (t: string) => boolean): OptionResult<ObjectSpec> {
  if (arg.startsWith('{')) return parseObjectJson(arg, isObjectType);
  const loc = `-object ${arg}: `;
  const parsed = qemuOptsParse(OBJECT_OPTS, arg, state);
  if (!parsed.ok) return parsed;
  const qomType = lastValue(parsed.opts, 'qom-type');
  if (qomType === undefined) return { ok: false, messages: [...parsed.warnings, `${loc}Parameter 'qom-type' is missing`] };
  const props = lastWins(parsed.opts.filter((o) => !(o.flag && isHelpOption(o.name))), 'qom-type');
  if (parsed.help || isHelpOption(qomType)) {
    return { ok: true, value: { qomType, id: parsed.id ?? '', props, text: arg, help: true }, warnings: parsed.warnings };
  }
  if (isObjectType && !isObjectType(qomType)) {
    return { ok: false, messages: [...parsed.warnings, `${loc}Parameter 'qom-type' does not accept value '${qomType}'`] };
  }
  if (parsed.id === undefined) return { ok: false, messages: [...parsed.warnings, `${loc}Parameter 'id' is missing`] };
  return { ok: true, value: { qomType, id: parsed.id, props, text: arg }, warnings: parsed.warnings };
}

/** -object TYPE,id=ID[,k=v...]. Property names and values are checked by the caller (parseObjectValue). */
export function parseObject(arg: string, isObjectType?: (t: string) => boolean): OptionResult<ObjectSpec> {
  return parseObjectWith(arg, new QemuOptsState(), isObjectType);
}

/** Several `-object` arguments, with duplicate-id checks across them. */
export function parseObjects(args: readonly string[], state = new QemuOptsState(), isObjectType?: (t: string) => boolean): OptionResult<ObjectSpec[]> {
  return parseAll(args, (a) => parseObjectWith(a, state, isObjectType));
}
