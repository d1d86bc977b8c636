/**
 * How QEMU 10.0.2 parses a property value string, per QOM property type.
 *
 * Three parsers reach a property setter, and each words its errors its own way:
 *   - compat props, sugar and `-global` go through the *string input visitor*
 *     (qapi/string-input-visitor.c) and the qdev setters;
 *   - `-device T,k=v` goes through the *keyval QObject input visitor*
 *     (qapi/qobject-input-visitor.c, `*_keyval`);
 *   - `-object T,k=v` goes through the *opts visitor* (qapi/opts-visitor.c)
 *     over the QAPI `ObjectOptions` schema, then the object's own setters.
 * Integer syntax is C `strtoull`/`strtoll` with base 0 (glibc), sizes are
 * `qemu_strtosz`. All integers are bigint so u64 values stay exact.
 *
 * Everything here is pure: no I/O. Messages were checked against the real
 * qemu-system-x86_64 10.0.2 (see test/live/values.live.test.ts).
 */
import { jsonText, type QemuJson } from '../parse/qemu-json.js';

export type QomValue = boolean | bigint | string;

/** `choices` is read-only here so callers holding readonly lists can pass them. */
export interface PropertyInfo { name: string; type: string; description?: string; choices?: readonly string[] }

export type ValueResult =
  | { ok: true; value: QomValue }
  | {
    ok: false;
    /** QEMU's wording: for `-global` the text after `can't apply global D.P=V: `. Multi-line messages are joined with "\n". */
    reason: string;
    /**
     * QEMU dies with SIGABRT instead of reporting an error. `reason` is then the
     * assertion line QEMU prints (after `qemu-system-x86_64: `) in place of the
     * `can't apply global` message.
     */
    abort?: true;
    /**
     * The message is raised by the object's own setter after option parsing,
     * so QEMU prints it without the `-object …: ` location prefix.
     */
    bare?: true;
  };

/**
 * What exists besides the object being configured. Backend lookups
 * (netdev/chardev/drive/audiodev/tpmdev) fail for ids not listed here;
 * link targets are resolved only when `linkExists` is given.
 */
export interface ValueContext {
  netdevs?: Iterable<string>;
  chardevs?: Iterable<string>;
  /** -drive ids and -blockdev node names */
  drives?: Iterable<string>;
  audiodevs?: Iterable<string>;
  tpmdevs?: Iterable<string>;
  /** Resolves a link<T> value (id or path). Without it links are accepted: whether the target exists depends on when the object is created. */
  linkExists?: (path: string, targetType: string) => boolean;
  /**
   * The canonical path of the object a link value names (object_resolve_path:
   * an id is a partial path, /objects/ID for an -object), as qom-get shows it
   * back; undefined when it names none.
   */
  linkPath?: (text: string) => string | undefined;
}

/**
 * A context in which the object `value` names exists, whatever its kind: for
 * values judged apart from a command line (compat entries, recorded defaults).
 */
export const referencesExist = (value: string): ValueContext => ({
  netdevs: [value], chardevs: [value], drives: [value], audiodevs: [value], tpmdevs: [value], linkExists: () => true,
});

// ---------------------------------------------------------------------------------------------
// C integer parsing (glibc strtoull/strtoll, base 0 or 16)

const U64_MAX = (1n << 64n) - 1n;
const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);

/** C isspace() in the C locale. */
function isCSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
}

function digitValue(c: string | undefined): number {
  if (c === undefined) return 99;
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 122) return code - 87;
  if (code >= 65 && code <= 90) return code - 55;
  return 99;
}

/** One strtoull/strtoll scan: `end` is the index after the last consumed character (0 when nothing converted). */
export interface CIntScan {
  /** magnitude as read, before applying the sign */
  magnitude: bigint;
  negative: boolean;
  end: number;
}

/**
 * The digit scan shared by glibc's strtoull and strtoll: leading isspace, an
 * optional sign, and for base 0 a `0x` prefix (hex) or a leading `0` (octal).
 * A `0x` not followed by a hex digit converts just the `0`.
 */
export function scanCInteger(text: string, base: 0 | 10 | 16): CIntScan | null {
  let i = 0;
  while (isCSpace(text[i])) i++;
  let negative = false;
  if (text[i] === '+' || text[i] === '-') { negative = text[i] === '-'; i++; }
  let radix: number = base;
  if ((base === 0 || base === 16) && text[i] === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X')
      && digitValue(text[i + 2]) < 16) {
    radix = 16;
    i += 2;
  } else if (base === 0) {
    radix = text[i] === '0' ? 8 : 10;
  }
  const start = i;
  let magnitude = 0n;
  while (digitValue(text[i]) < radix) {
    magnitude = magnitude * BigInt(radix) + BigInt(digitValue(text[i]));
    i++;
  }
  if (i === start) return null;
  return { magnitude, negative, end: i };
}

export type CIntResult = { ok: true; value: bigint; end: number } | { ok: false; error: 'EINVAL' | 'ERANGE'; end: number };

/** strtoull: negatives wrap modulo 2^64; a magnitude above 2^64-1 is ERANGE. */
export function strtoull(text: string, base: 0 | 10 | 16 = 0): CIntResult {
  const scan = scanCInteger(text, base);
  if (!scan) return { ok: false, error: 'EINVAL', end: 0 };
  if (scan.magnitude > U64_MAX) return { ok: false, error: 'ERANGE', end: scan.end };
  const value = scan.negative ? (U64_MAX + 1n - scan.magnitude) & U64_MAX : scan.magnitude;
  return { ok: true, value, end: scan.end };
}

/** strtoll: ERANGE outside [-2^63, 2^63-1]. */
export function strtoll(text: string, base: 0 | 10 | 16 = 0): CIntResult {
  const scan = scanCInteger(text, base);
  if (!scan) return { ok: false, error: 'EINVAL', end: 0 };
  const value = scan.negative ? -scan.magnitude : scan.magnitude;
  if (value > I64_MAX || value < I64_MIN) return { ok: false, error: 'ERANGE', end: scan.end };
  return { ok: true, value, end: scan.end };
}

/** qemu_strtou64(str, NULL, 0): the whole string must convert. */
export function qemuStrtou64(text: string): bigint | null {
  const r = strtoull(text, 0);
  return r.ok && r.end === text.length ? r.value : null;
}

/** qemu_strtoi64(str, NULL, 0): the whole string must convert. */
export function qemuStrtoi64(text: string): bigint | null {
  const r = strtoll(text, 0);
  return r.ok && r.end === text.length ? r.value : null;
}

/** parse_uint(): strtoull that rejects a leading '-' with ERANGE (util/cutils.c). */
function parseUint(text: string, base: 0 | 10): CIntResult {
  const r = strtoull(text, base);
  if (!r.ok) return r;
  let i = 0;
  while (isCSpace(text[i])) i++;
  if (text[i] === '-') return { ok: false, error: 'ERANGE', end: r.end };
  return r;
}

// ---------------------------------------------------------------------------------------------
// qemu_strtosz (util/cutils.c do_strtosz with unit 1024 and default suffix 'B')

function suffixMultiplier(c: string | undefined): bigint | null {
  switch (c?.toUpperCase()) {
    case 'B': return 1n;
    case 'K': return 1n << 10n;
    case 'M': return 1n << 20n;
    case 'G': return 1n << 30n;
    case 'T': return 1n << 40n;
    case 'P': return 1n << 50n;
    case 'E': return 1n << 60n;
    default: return null;
  }
}

/**
 * strtod() on the fraction part. After QEMU cuts the copy at the first e/E no
 * exponent is left, and hex floats cannot reach here (a leading 0x is taken
 * by the hex branch), so only decimal, inf and nan forms matter.
 */
function strtodFraction(text: string): { value: number; end: number } | null {
  const m = /^[ \t\n\v\f\r]*[+-]?(?:\d+\.?\d*|\.\d+)/.exec(text);
  if (!m) return null;
  return { value: Number(m[0].trim()), end: m[0].length };
}

export type SizeResult = { ok: true; value: bigint } | { ok: false; error: 'EINVAL' | 'ERANGE' };

/**
 * qemu_strtosz(text, NULL, &v): decimal with optional suffix b/k/M/G/T/P/E
 * (powers of 1024, case-insensitive), a fraction only with a suffix above B,
 * hex without suffix or fraction; negatives are ERANGE. Trailing garbage turns
 * any error, ERANGE included, into EINVAL (QEMU checks it last).
 */
export function qemuStrtosz(text: string): SizeResult {
  const fail = (error: 'EINVAL' | 'ERANGE', end: number): SizeResult =>
    ({ ok: false, error: error === 'ERANGE' && end < text.length ? 'EINVAL' : error });

  const integral = parseUint(text, 10);
  if (!integral.ok && integral.error === 'ERANGE') return fail('ERANGE', integral.end);
  let end = integral.ok ? integral.end : 0;
  let val = integral.ok ? integral.value : 0n;
  let valf = 0n;

  if (integral.ok && val === 0n && (text[end] === 'x' || text[end] === 'X')) {
    // Looks like hex: reparse, and insist on no fraction or suffix.
    const hex = strtoull(text, 16);
    if (!hex.ok) return fail(hex.error, hex.end);
    if (text[hex.end] === '.' || suffixMultiplier(text[hex.end]) !== null) return fail('EINVAL', 0);
    val = hex.value;
    end = hex.end;
  } else if (text[end] === '.' || (!integral.ok && text.includes('.'))) {
    if (integral.ok && !/[0-9]/.test(text[end + 1] ?? '')) {
      end++; // "1." or "1.k": a dot without fraction digits
    } else {
      const rest = text.slice(end);
      const cut = rest.search(/[eE]/);
      const copy = cut < 0 ? rest : rest.slice(0, cut);
      const f = /^[ \t\n\v\f\r]*[+-]?(inf|nan)/i.test(copy) ? null : strtodFraction(copy);
      if (!f) return fail('EINVAL', end);
      end += f.end;
      if (Object.is(f.value, -0) || f.value < 0) return fail('ERANGE', end);
      if (f.value === 1) {
        if (val === U64_MAX) return fail('ERANGE', end);
        val++;
      } else if (f.value > 0 || /[1-9]/.test(copy.slice(0, f.end))) {
        // 64-bit fixed-point fraction; any non-zero fraction keeps at least 1
        // (strtod underflow included, where JS rounds to 0)
        const scaled = BigInt(Math.trunc(f.value * 2 ** 64));
        valf = scaled === 0n ? 1n : scaled;
      }
    }
  } else if (!integral.ok) {
    return fail('EINVAL', 0);
  }

  let mul = suffixMultiplier(text[end]);
  if (mul !== null) end++;
  else mul = 1n;
  if (mul === 1n) {
    if (valf !== 0n) return fail('EINVAL', 0); // a fraction needs a scale
  } else {
    const fracProduct = valf * mul;
    const roundUp = (fracProduct & U64_MAX) >> 63n;
    val = val * mul + (fracProduct >> 64n) + roundUp;
    if (val > U64_MAX) return fail('ERANGE', end);
  }
  if (end < text.length) return fail('EINVAL', end);
  return { ok: true, value: val };
}

// ---------------------------------------------------------------------------------------------
// The three input visitors

type Flavour = 'string' | 'keyval' | 'opts';
type Step<T> = { ok: true; value: T } | { ok: false; reason: string; abort?: true; bare?: true };

const invalidValue = (name: string, expected: string): Step<never> =>
  ({ ok: false, reason: `Parameter '${name}' expects ${expected}` });

const SIZE_HINT = 'Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\nand exabytes, respectively.';

/** visit_type_uint64 in each visitor. */
function visitUint64(v: Flavour, name: string, text: string): Step<bigint> {
  if (v === 'opts') {
    // opts visitor: parse_uint, so negatives are refused rather than wrapped
    const r = parseUint(text, 0);
    return r.ok && r.end === text.length ? { ok: true, value: r.value } : invalidValue(name, 'a uint64 value');
  }
  const value = qemuStrtou64(text);
  if (value !== null) return { ok: true, value };
  return invalidValue(name, v === 'string' ? 'uint64' : 'integer');
}

/** visit_type_int64 in each visitor. */
function visitInt64(v: Flavour, name: string, text: string): Step<bigint> {
  const value = qemuStrtoi64(text);
  if (value !== null) return { ok: true, value };
  return invalidValue(name, v === 'string' ? 'int64' : v === 'keyval' ? 'integer' : 'an int64 value');
}

/** visit_type_size in each visitor; the string visitor uses parse_option_size and its two messages. */
function visitSize(v: Flavour, name: string, text: string): Step<bigint> {
  const r = qemuStrtosz(text);
  if (r.ok) return { ok: true, value: r.value };
  if (v === 'keyval') return invalidValue(name, 'size');
  if (v === 'opts') return invalidValue(name, 'a size value');
  if (r.error === 'ERANGE') return { ok: false, reason: `Value '${text}' is out of range for parameter '${name}'` };
  return { ok: false, reason: `Parameter '${name}' expects a non-negative number below 2^64\n${SIZE_HINT}` };
}

/** parse_option_size (util/qemu-option.c): a QemuOpts QEMU_OPT_SIZE value, with its two messages. */
export function parseOptionSize(name: string, text: string): Step<bigint> {
  return visitSize('string', name, text);
}

/**
 * parse_option_number (util/qemu-option.c): a QemuOpts QEMU_OPT_NUMBER value,
 * qemu_strtou64 with base 0 (a negative number wraps, as strtoull does).
 */
export function parseOptionNumber(name: string, text: string): Step<bigint> {
  const r = strtoull(text, 0);
  if (r.ok && r.end === text.length) return { ok: true, value: r.value };
  // check_strtox_result: an unconverted tail is EINVAL before the range is looked at.
  if (!r.ok && r.error === 'ERANGE' && r.end === text.length) return { ok: false, reason: `Value '${text}' is too large for parameter '${name}'` };
  return invalidValue(name, 'a number');
}

/** A size in a keyval dictionary (-machine memory.size=, -m's fix-up): the keyval visitor's message. */
export function parseKeyvalSize(name: string, text: string): Step<bigint> {
  return visitSize('keyval', name, text);
}

/** An int64 in a keyval dictionary (-smp's members). */
export function parseKeyvalInt64(name: string, text: string): Step<bigint> {
  return visitInt64('keyval', name, text);
}

/** A bool in a keyval dictionary. */
export function parseKeyvalBool(name: string, text: string): Step<boolean> {
  return visitBool(name, text);
}

/** A uint64 in a keyval dictionary. */
export function parseKeyvalUint64(name: string, text: string): Step<bigint> {
  return visitUint64('keyval', name, text);
}

/** qapi_bool_parse: exactly these lower-case spellings, in every visitor. */
export function parseQapiBool(text: string): boolean | null {
  if (text === 'on' || text === 'yes' || text === 'true' || text === 'y') return true;
  if (text === 'off' || text === 'no' || text === 'false' || text === 'n') return false;
  return null;
}

function visitBool(name: string, text: string): Step<boolean> {
  const value = parseQapiBool(text);
  return value === null ? invalidValue(name, "'on' or 'off'") : { ok: true, value };
}

const UINT_RANGES: Record<string, [bigint, string]> = {
  uint8: [0xffn, 'uint8_t'], uint16: [0xffffn, 'uint16_t'], uint32: [0xffffffffn, 'uint32_t'],
};
const INT_RANGES: Record<string, [bigint, bigint, string]> = {
  int8: [-0x80n, 0x7fn, 'int8_t'], int16: [-0x8000n, 0x7fffn, 'int16_t'], int32: [-0x80000000n, 0x7fffffffn, 'int32_t'],
};

/** visit_type_uintN: parse as u64, then range-check with the C type name. */
function visitUintN(v: Flavour, type: string, name: string, text: string): Step<bigint> {
  const r = visitUint64(v, name, text);
  const range = UINT_RANGES[type];
  if (!r.ok || !range) return r;
  return r.value > range[0] ? invalidValue(name, range[1]) : r;
}

/** visit_type_intN: parse as i64, then range-check with the C type name. */
function visitIntN(v: Flavour, type: string, name: string, text: string): Step<bigint> {
  const r = visitInt64(v, name, text);
  const range = INT_RANGES[type];
  if (!r.ok || !range) return r;
  return r.value < range[0] || r.value > range[1] ? invalidValue(name, range[2]) : r;
}

// ---------------------------------------------------------------------------------------------
// Enums

/**
 * Members of the QAPI enums that appear as device/backend properties, as this
 * build compiles them. Taken from the 10.0.2 QAPI schema with its `'if'`
 * conditions resolved for this binary (query-qmp-schema agrees). Needed because
 * property descriptions are hand-written and drift: MultiFDCompression's lists
 * qpl/uadk/qatzip (CONFIG_QPL/UADK/QATZIP are off here), and MigMode's lacks
 * cpr-transfer. A `choices` list on the property overrides this table.
 */
export const BUILD_ENUMS: Readonly<Record<string, readonly string[]>> = {
  OnOffAuto: ['auto', 'on', 'off'],
  LostTickPolicy: ['discard', 'delay', 'slew'],
  PCIELinkSpeed: ['2_5', '5', '8', '16', '32', '64'],
  PCIELinkWidth: ['1', '2', '4', '8', '12', '16', '32'],
  MultiFDCompression: ['none', 'zlib', 'zstd'],
  MigMode: ['normal', 'cpr-reboot', 'cpr-transfer'],
  ZeroPageDetection: ['none', 'legacy', 'multifd'],
  BlockdevOnError: ['report', 'ignore', 'enospc', 'stop', 'auto'],
  BiosAtaTranslation: ['auto', 'none', 'lba', 'large', 'rechs'],
  OffAutoPCIBAR: ['off', 'auto', 'bar0', 'bar1', 'bar2', 'bar3', 'bar4', 'bar5'],
  HostMemPolicy: ['default', 'preferred', 'bind', 'interleave'],
  FloppyDriveType: ['144', '288', '120', 'none', 'auto'],
  NetFilterDirection: ['all', 'rx', 'tx'],
};

/**
 * Enum choices from a qdev description: "on/off/auto", "2_5/5/8/16/32/64",
 * "Policy for handling lost ticks (discard/delay/slew)", "Endian mode, big/little/unspecified".
 * The last word of the description, without parentheses, when it holds slashes.
 */
export function choicesFromDescription(description: string | undefined): string[] | undefined {
  if (!description) return undefined;
  const last = description.trim().split(/\s+/).pop() ?? '';
  const m = /^\(?([^()\s/]+(?:\/[^()\s/]+)+)\)?$/.exec(last);
  return m ? m[1]!.split('/') : undefined;
}

/** The enum members QEMU accepts, or undefined when they cannot be known. */
export function enumChoices(prop: PropertyInfo): readonly string[] | undefined {
  return prop.choices ?? BUILD_ENUMS[prop.type] ?? choicesFromDescription(prop.description);
}

// ---------------------------------------------------------------------------------------------
// Property kinds: which setter a property has

type Kind =
  | { kind: 'bool' } | { kind: 'uint'; type: string } | { kind: 'int'; type: string }
  | { kind: 'size' } | { kind: 'size32' } | { kind: 'blocksize' }
  | { kind: 'enum'; choices: readonly string[] | undefined }
  | { kind: 'str' } | { kind: 'mac' } | { kind: 'netdev' } | { kind: 'chardev' } | { kind: 'drive' }
  | { kind: 'audiodev' } | { kind: 'tpmdev' } | { kind: 'pci-devfn' } | { kind: 'uuid' }
  | { kind: 'link'; target: string } | { kind: 'not-writable' }
  | { kind: 'cpu-uint-max'; max: bigint } | { kind: 'cpu-tsc-frequency' } | { kind: 'cpu-vendor' }
  | { kind: 'hostmem-nonzero'; inner: 'size' | 'uint32' }
  | { kind: 'opaque' };

/**
 * qdev's DEFINE_PROP_SIZE32 properties: QMP reports them as plain "size", so
 * they are known by name. 10.0.2 has exactly these (hw/pci/pci.c and
 * DEFINE_BLOCK_PROPERTIES in include/hw/block/block.h).
 */
const SIZE32_PROPERTIES = new Set(['x-max-bounce-buffer-size', 'min_io_size', 'opt_io_size', 'discard_granularity']);

/** qdev PropertyInfo descriptions of the special string setters (hw/core/qdev-properties-system.c). */
const STRING_SETTERS: Record<string, Kind> = {
  'Ethernet 6-byte MAC Address, example: 52:54:00:12:34:56': { kind: 'mac' },
  'ID of a netdev to use as a backend': { kind: 'netdev' },
  'ID of a chardev to use as a backend': { kind: 'chardev' },
  'Node name or ID of a block device to use as a backend': { kind: 'drive' },
  'ID of an audiodev to use as a backend': { kind: 'audiodev' },
  'ID of a tpm to use as a backend': { kind: 'tpmdev' },
  'Slot and optional function number, example: 06.0 or 06': { kind: 'pci-devfn' },
  'UUID (aka GUID) or "auto" for random value (default)': { kind: 'uuid' },
};
const BLOCKSIZE_DESCRIPTION = 'A power of two between 512 B and 2 MiB';

/** x86 CPU properties with hand-written setters (target/i386/cpu.c). */
function x86CpuKind(prop: PropertyInfo, owner: string): Kind | undefined {
  if (!/-(x86_64|i386)-cpu$/.test(owner)) return undefined;
  if (prop.type === 'int') {
    switch (prop.name) {
      case 'family': return { kind: 'cpu-uint-max', max: 0xffn + 0xfn };
      case 'model': return { kind: 'cpu-uint-max', max: 0xffn };
      case 'stepping': return { kind: 'cpu-uint-max', max: 0xfn };
      case 'tsc-frequency': return { kind: 'cpu-tsc-frequency' };
    }
  }
  if (prop.type === 'string' && prop.name === 'vendor') return { kind: 'cpu-vendor' };
  return undefined;
}

/**
 * memory-backend-* properties that QOM reports as "int" but whose setters
 * visit a size or uint32 and refuse 0 (backends/hostmem*.c).
 */
function hostmemKind(prop: PropertyInfo, owner: string): Kind | undefined {
  if (!owner.startsWith('memory-backend') || prop.type !== 'int') return undefined;
  switch (prop.name) {
    case 'size': return { kind: 'hostmem-nonzero', inner: 'size' };
    case 'prealloc-threads': return { kind: 'hostmem-nonzero', inner: 'uint32' };
    case 'align': case 'offset': return { kind: 'size' };
    default: return { kind: 'opaque' };
  }
}

/**
 * Properties whose QOM type says less than their setter does: DeviceState's
 * hotpluggable and hotplugged have a getter only (hw/core/qdev.c), and
 * tcg-accel's tb-size, reported as "int", is set with visit_type_uint32
 * (accel/tcg/tcg-all.c).
 */
function setterKind(prop: PropertyInfo, owner: string): Kind | undefined {
  if ((prop.name === 'hotpluggable' || prop.name === 'hotplugged') && prop.type === 'bool') return { kind: 'not-writable' };
  if (owner === 'tcg-accel' && prop.name === 'tb-size') return { kind: 'uint', type: 'uint32' };
  return undefined;
}

const SCALAR_TYPES = new Set(['bool', 'str', 'string', 'size', 'uint8', 'uint16', 'uint32', 'uint64',
  'int8', 'int16', 'int32', 'int64', 'int']);

function classify(prop: PropertyInfo, owner: string): Kind {
  const special = x86CpuKind(prop, owner) ?? hostmemKind(prop, owner) ?? setterKind(prop, owner);
  if (special) return special;
  const t = prop.type;
  if (t === 'bool') return { kind: 'bool' };
  if (t in UINT_RANGES || t === 'uint64') return { kind: 'uint', type: t };
  if (t in INT_RANGES || t === 'int64' || t === 'int') return { kind: 'int', type: t };
  if (t === 'size') {
    if (prop.description === BLOCKSIZE_DESCRIPTION) return { kind: 'blocksize' };
    return SIZE32_PROPERTIES.has(prop.name) ? { kind: 'size32' } : { kind: 'size' };
  }
  if (t === 'str' || t === 'string') return STRING_SETTERS[prop.description ?? ''] ?? { kind: 'str' };
  const link = /^link<(.+)>$/.exec(t);
  if (link) return { kind: 'link', target: link[1]! };
  // child<> properties and PCI "busnr" have a getter only
  if (t.startsWith('child<') || t === 'busnr') return { kind: 'not-writable' };
  if (SCALAR_TYPES.has(t)) return { kind: 'opaque' };
  // A CamelCase QAPI type: an enum when its members can be known; structs,
  // lists and unions (GuestPanicInformation, strList, …) cannot be modelled.
  const choices = enumChoices(prop);
  if (choices || /^[A-Z]/.test(t)) return { kind: 'enum', choices };
  return { kind: 'opaque' };
}

// ---------------------------------------------------------------------------------------------
// The setters

const has = (ids: Iterable<string> | undefined, id: string): boolean => {
  if (!ids) return false;
  for (const x of ids) if (x === id) return true;
  return false;
};

/** error_set_from_qdev_prop_error(-EINVAL/-ENOENT) wording. */
const doesntTake = (owner: string, name: string, text: string): Step<never> =>
  ({ ok: false, reason: `Property '${owner}.${name}' doesn't take value '${text}'` });
const cantFind = (owner: string, name: string, text: string): Step<never> =>
  ({ ok: false, reason: `Property '${owner}.${name}' can't find value '${text}'` });

const MAC_RE = /^[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){5}$/;
const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The line glibc prints when the string input visitor meets an alternate (PCI addr). */
export const ALTERNATE_ASSERTION =
  "qapi/qapi-visit-core.c:116: visit_start_alternate: Assertion `!(v->type & VISITOR_INPUT)' failed.";

/**
 * sscanf "%x": skips isspace, optional sign, optional 0x, hex digits; stores
 * the value modulo 2^32 (glibc converts with strtoul and truncates).
 */
function scanfHex(text: string, from: number): { value: number; end: number } | null {
  const r = strtoull(text.slice(from), 16);
  if (!r.ok && r.error === 'EINVAL') return null;
  const value = r.ok ? r.value : U64_MAX;
  return { value: Number(value & 0xffffffffn), end: from + r.end };
}

/** set_pci_devfn for a string value: "SLOT" or "SLOT.FN" with slot ≤ 31 and fn ≤ 7. */
export function parsePciDevfn(text: string): number | null {
  const slot = scanfHex(text, 0);
  if (!slot) return null;
  let fn = 0;
  let end = slot.end;
  if (text[slot.end] === '.') {
    const f = scanfHex(text, slot.end + 1);
    if (f) { fn = f.value; end = f.end; }
  }
  if (end !== text.length || fn > 7 || slot.value > 31) return null;
  return (slot.value << 3) | fn;
}

function setValue(v: Flavour, kind: Kind, prop: PropertyInfo, text: string, owner: string, ctx: ValueContext): Step<QomValue> {
  const name = prop.name;
  switch (kind.kind) {
    case 'bool': return visitBool(name, text);
    case 'uint': return visitUintN(v, kind.type, name, text);
    case 'int': return visitIntN(v, kind.type, name, text);
    case 'size': return visitSize(v, name, text);
    case 'size32': {
      const r = visitSize(v, name, text);
      if (r.ok && r.value > 0xffffffffn) {
        // set_size32: note the message has no quotes
        return { ok: false, reason: `Property ${owner}.${name} doesn't take value ${r.value} (maximum: 4294967295)` };
      }
      return r;
    }
    case 'blocksize': {
      const r = visitSize(v, name, text);
      if (r.ok && r.value !== 0n && (r.value < 512n || r.value > 2097152n || (r.value & (r.value - 1n)) !== 0n)) {
        return { ok: false, reason: `parameter ${name} must be a power of 2 between 512 and 2097152` };
      }
      return r;
    }
    case 'enum':
      if (kind.choices && !kind.choices.includes(text)) {
        return { ok: false, reason: `Parameter '${name}' does not accept value '${text}'` };
      }
      return { ok: true, value: text };
    case 'str': case 'opaque': return { ok: true, value: text };
    case 'mac':
      // qom-get prints the address back as %02x with colons
      return MAC_RE.test(text) ? { ok: true, value: text.toLowerCase().replace(/-/g, ':') } : doesntTake(owner, name, text);
    case 'netdev':
      // qemu_find_net_clients_except finds nothing for "" either
      return has(ctx.netdevs, text) ? { ok: true, value: text } : cantFind(owner, name, text);
    case 'chardev':
      return text === '' || has(ctx.chardevs, text) ? { ok: true, value: text } : cantFind(owner, name, text);
    case 'drive':
      return text === '' || has(ctx.drives, text) ? { ok: true, value: text } : cantFind(owner, name, text);
    case 'tpmdev':
      return has(ctx.tpmdevs, text) ? { ok: true, value: text } : cantFind(owner, name, text);
    case 'audiodev':
      return has(ctx.audiodevs, text) ? { ok: true, value: text } : { ok: false, reason: `audiodev '${text}' not found` };
    case 'uuid':
      return text === 'auto' || UUID_RE.test(text) ? { ok: true, value: text.toLowerCase() } : doesntTake(owner, name, text);
    case 'pci-devfn':
      // visit_start_alternate() asserts on input visitors without alternate support
      if (v === 'string') return { ok: false, reason: ALTERNATE_ASSERTION, abort: true };
      return parsePciDevfn(text) === null ? doesntTake(owner, name, text) : { ok: true, value: text };
    case 'link':
      if (text === '' || !ctx.linkExists || ctx.linkExists(text, kind.target)) return { ok: true, value: (text !== '' && ctx.linkPath?.(text)) || text };
      return { ok: false, reason: `Device '${text}' not found` };
    case 'not-writable':
      return { ok: false, reason: `Property '${owner}.${name}' is not writable` };
    case 'cpu-uint-max': {
      const r = visitUint64(v, name, text);
      if (r.ok && r.value > kind.max) return { ok: false, reason: `parameter '${name}' can be at most ${kind.max}` };
      return r;
    }
    case 'cpu-tsc-frequency': {
      const r = visitInt64(v, name, text);
      if (r.ok && r.value < 0n) return { ok: false, reason: `parameter '${name}' can be at most ${I64_MAX}` };
      return r;
    }
    case 'cpu-vendor':
      // strlen() counts bytes
      return new TextEncoder().encode(text).length === 12 ? { ok: true, value: text }
        : { ok: false, reason: "value of property 'vendor' must consist of exactly 12 characters" };
    case 'hostmem-nonzero': {
      const r = kind.inner === 'size' ? visitSize(v, name, text) : visitUintN(v, 'uint32', name, text);
      if (r.ok && r.value === 0n) {
        return { ok: false, reason: `property '${name}' of ${owner} doesn't take value '0'`, bare: true };
      }
      return r;
    }
  }
}

function run(v: Flavour, prop: PropertyInfo, text: string, owner: string, ctx: ValueContext = {}): ValueResult {
  return setValue(v, classify(prop, owner), prop, text, owner, ctx);
}

/** How compat props, sugar and -global values are parsed (string input visitor + qdev setters). `owner` is the concrete QOM type name of the object (for messages like "Property 'e1000.mac' doesn't take value 'zz'"). */
export function parseGlobalValue(prop: PropertyInfo, text: string, owner: string, ctx?: ValueContext): ValueResult {
  return run('string', prop, text, owner, ctx);
}

/** How the same value given in `-device TYPE,prop=value` is parsed (keyval/QObject input visitor; different wording, see §5.3). */
export function parseDeviceValue(prop: PropertyInfo, text: string, owner: string, ctx?: ValueContext): ValueResult {
  return run('keyval', prop, text, owner, ctx);
}

/**
 * How `-object TYPE,id=..,prop=value` values are parsed (user-creatable objects, e.g. memory-backend-ram size).
 * The opts visitor checks the QAPI type first (its errors carry the `-object …:` location);
 * the object's setter then applies its own checks (`bare` errors, printed without it).
 */
export function parseObjectValue(prop: PropertyInfo, text: string, owner: string, ctx?: ValueContext): ValueResult {
  return run('opts', prop, text, owner, ctx);
}

/**
 * A typed JSON value (`-device {…}`, `-object {…}`) as the QObject input
 * visitor takes it: the JSON type must be the one the property's visitor
 * asks for (integers for numbers, booleans, strings), then the value is
 * checked as the same setting in keyval form would be. A PCI address is an
 * alternate: an integer is the devfn itself.
 */
export function parseJsonValue(prop: PropertyInfo, value: QemuJson, owner: string, ctx?: ValueContext): ValueResult {
  const kind = classify(prop, owner);
  const name = prop.name;
  const wrongType = (expected: string): ValueResult => ({ ok: false, reason: `Invalid parameter type for '${name}', expected: ${expected}` });
  const int = isJsonInt(value) ? value.int : undefined;
  // A property QOM declares as plain "int" has a setter of its own, which may visit a list (memory-backend
  // host-nodes, thread-context node-affinity: uint16 lists in the QAPI schema): a list of integers is its value.
  if (Array.isArray(value) && prop.type === 'int' && value.every(isJsonInt)) {
    return { ok: true, value: jsonText(value) };
  }
  // A QAPI list or structure property (virtio-blk iothread-vq-mapping: IOThreadVirtQueueMappingList) takes JSON of that shape.
  if (typeof value === 'object' && value !== null && (Array.isArray(value) || 'kind' in value) && (/List$/.test(prop.type) || prop.type === 'list')) {
    return { ok: true, value: jsonText(value) };
  }
  switch (kind.kind) {
    case 'bool':
      return typeof value === 'boolean' ? run('keyval', prop, value ? 'on' : 'off', owner, ctx) : wrongType('boolean');
    case 'uint': case 'size': case 'size32': case 'blocksize': case 'cpu-uint-max': case 'hostmem-nonzero': {
      if (int === undefined) return { ok: false, reason: `Parameter '${name}' expects uint64` };
      // qobject_input_type_uint64 takes a negative integer too, as its two's complement.
      return run('keyval', prop, (int < 0n ? int + (1n << 64n) : int).toString(), owner, ctx);
    }
    case 'int': case 'cpu-tsc-frequency':
      if (int === undefined || int > I64_MAX) return wrongType('integer');
      return run('keyval', prop, int.toString(), owner, ctx);
    case 'pci-devfn':
      if (int !== undefined) {
        const devfn = int;
        if (devfn < -1n || devfn > 255n) return { ok: false, reason: `Parameter '${name}' expects a value between -1 and 255` };
        // Kept in the SLOT.FN form the string setter takes, so later steps read one notation.
        return { ok: true, value: devfn < 0n ? '-1' : `${(devfn >> 3n).toString(16)}.${devfn & 7n}` };
      }
      return typeof value === 'string' ? run('keyval', prop, value, owner, ctx) : { ok: false, reason: `Invalid parameter type for '${name}', expected int or str` };
    case 'opaque':
      return { ok: true, value: typeof value === 'string' ? value : jsonText(value) };
    default:
      return typeof value === 'string' ? run('keyval', prop, value, owner, ctx) : wrongType('string');
  }
}

function isJsonInt(v: QemuJson): v is { int: bigint } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'int' in v;
}

/** Converts a value to the JSON form qom-get returns (bool → boolean, ints → bigint, strings) — identity mostly; and formats a value back for display. */
export function formatValue(v: QomValue): string {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return v.toString();
  return v;
}
