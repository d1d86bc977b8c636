/**
 * Shared machinery of the fuzz suite (test/fuzz): fast-check parameters (a
 * fixed seed, a bounded number of runs, more behind QOM_COMPAT_FUZZ_RUNS), the
 * invariants every CLI run must keep whatever its input, and hostile atoms the
 * generators draw from.
 */
import { expect } from '@jest/globals';
import fc from 'fast-check';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { CliRun } from './cli.js';

/** The exit codes the README documents: 0 ok, 1 QEMU would refuse / check found problems, 2 the tool's own, 3 import's QEMU. */
export const DOCUMENTED_EXITS: readonly number[] = [0, 1, 2, 3];

/** A failure prints its seed and path; QOM_COMPAT_FUZZ_SEED replays it. */
const SEED = Number(process.env.QOM_COMPAT_FUZZ_SEED ?? 20261207);
/** QOM_COMPAT_FUZZ_RUNS=N runs every property N times instead of its CI budget (a longer, local or nightly run). */
const RUNS = process.env.QOM_COMPAT_FUZZ_RUNS ? Number(process.env.QOM_COMPAT_FUZZ_RUNS) : undefined;

/** fast-check parameters: the CI budget `runs` (kept small: the whole suite adds under a minute on 2 cores). */
export function fuzzParams<T>(runs: number): fc.Parameters<T> {
  return { seed: SEED, numRuns: RUNS ?? runs, endOnFailure: true };
}

/** Whether the longer run was asked for (QOM_COMPAT_FUZZ_RUNS): a test may then scale its fixed lists up. */
export const LONG_RUN = RUNS !== undefined;

/**
 * What a crash looks like on stderr: a JavaScript stack frame, the CLI's
 * catch-all "internal error" (exit 70), or an uncaught engine error.
 */
const CRASH = /\n\s+at .+[:(]\d+|^\s+at |internal error|\bTypeError\b|\bReferenceError\b|RangeError|Maximum call stack|JavaScript heap/m;

export interface Invariants {
  /** Exit codes this command may give (default: 0, 1 and 2). */
  codes?: readonly number[];
  /** stdout must parse as JSON whenever it is not empty (--format json). */
  json?: boolean;
  /** Wall-clock bound of the run, ms. */
  maxMs?: number;
  /** The input, shown when an invariant fails. */
  input?: unknown;
}

/** The invariants of every run: a documented exit code, no stack trace, JSON that parses, a bounded time. */
export function expectWellBehaved(run: CliRun & { ms?: number }, inv: Invariants = {}): void {
  const where = inv.input === undefined ? '' : ` for ${JSON.stringify(inv.input).slice(0, 400)}`;
  const codes = inv.codes ?? [0, 1, 2];
  if (!codes.includes(run.code)) throw new Error(`exit ${run.code} (expected one of ${codes.join(', ')})${where}\nstderr: ${run.stderr.slice(0, 2000)}`);
  if (CRASH.test(run.stderr)) throw new Error(`crash on stderr${where}:\n${run.stderr.slice(0, 2000)}`);
  if (run.code === 2 && !/\S/.test(run.stderr)) throw new Error(`exit 2 without a message${where}`);
  if (inv.json && run.stdout.trim() !== '') {
    try { JSON.parse(run.stdout); } catch (e) { throw new Error(`stdout is not JSON${where}: ${(e as Error).message}\n${run.stdout.slice(0, 500)}`); }
  }
  if (inv.maxMs !== undefined && run.ms !== undefined && run.ms > inv.maxMs) throw new Error(`took ${run.ms} ms (bound ${inv.maxMs})${where}`);
}

const PROTOTYPES: ReadonlyArray<readonly [string, object]> = [
  ['Object.prototype', Object.prototype], ['Array.prototype', Array.prototype], ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype], ['Map.prototype', Map.prototype],
];
const pristine = new Map(PROTOTYPES.map(([name, p]) => [name, Reflect.ownKeys(p).map(String).sort().join(',')]));

/** Object.prototype and friends have exactly the keys they had when this module loaded: no input reached them. */
export function expectNoPollution(input?: unknown): void {
  for (const [name, proto] of PROTOTYPES) {
    const now = Reflect.ownKeys(proto).map(String).sort().join(',');
    if (now !== pristine.get(name)) throw new Error(`${name} was polluted${input === undefined ? '' : ` by ${JSON.stringify(input).slice(0, 300)}`}: ${now}`);
  }
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

/** Names that reach prototypes when used as plain-object keys. */
export const PROTO_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'] as const;

/** Strings that broke parsers elsewhere: escapes, separators, huge and odd numbers, lone surrogates, NUL. */
export const HOSTILE_ATOMS: readonly string[] = [
  ...PROTO_NAMES, '', ' ', ',', ',,', ',,,', '=', '==', '.', '..', '\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\ud83d', '\u202e',
  '"', "'", '\\', '\\"', '{', '}', '[', ']', '\n', '\r\n', '\t', '#', '$', '*', '?', '(', '|', '+', '.*', '(a+)+$',
  '0', '-0', '-1', '1e400', '-1e400', 'NaN', 'Infinity', '0x', '0x1g', '0b101', '0o7', '1_000', '18446744073709551615', '18446744073709551616',
  '-9223372036854775809', '9'.repeat(400), '0.' + '1'.repeat(400), '1e-400',
  'on', 'off', 'yes', 'no', 'true', 'false', 'null', 'auto', 'help', '?',
  'x'.repeat(5000), 'a,'.repeat(2000), 'a.'.repeat(2000) + 'b=1',
];

/** Names the tool knows (machines, drivers, properties, buses, ids), so that inputs get past the first lookup. */
export const KNOWN_ATOMS: readonly string[] = [
  'q35', 'pc', 'pc-q35-9.1', 'q35-9.1', 'pc-i440fx-2.6', 'microvm', 'isapc', 'none', 'pc-q35-9.2+pve1',
  'virtio-net-pci', 'virtio-blk-pci', 'e1000', 'VGA', 'pcie-root-port', 'pci-bridge', 'qemu-xhci', 'usb-tablet', 'ide-hd', 'scsi-hd', 'virtio-scsi-pci',
  'memory-backend-ram', 'memory-backend-file', 'sev-guest', 'migration', 'tcg', 'kvm', 'qemu64', 'host', 'max', 'ICH9-LPC', 'mc146818rtc', 'x86_64-cpu',
  'id', 'driver', 'bus', 'addr', 'port', 'chassis', 'vectors', 'disable-legacy', 'size', 'prealloc', 'lost_tick_policy', 'pmu', 'type', 'accel', 'drive', 'netdev', 'chardev',
  'pci.0', 'pcie.0', 'pci.1', 'ide.0', 'usb-bus.0', 'net0', 'disk0', 'vb', 'dev0', 'mem0',
  'qom-type', 'property', 'value', 'driftfix', 'slew', 'base', 'utc',
];

/** A word: mostly known names and hostile atoms, sometimes arbitrary text (any UTF-16, NUL included). */
export const atom: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...KNOWN_ATOMS) },
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_ATOMS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.bigInt().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
);

/** QemuOpts values with `,,` escapes: a comma in a value is doubled. */
const optsValue = fc.tuple(atom, fc.boolean()).map(([v, escape]) => (escape ? v.replaceAll(',', ',,') : v));

/** `key=value,...` as QemuOpts and keyval take it, with dotted keys (keyval's nesting), bare flags and stray separators. */
export const optsString: fc.Arbitrary<string> = fc.tuple(
  fc.option(atom, { nil: undefined }),
  fc.array(fc.oneof(
    fc.tuple(fc.array(atom, { minLength: 1, maxLength: 3 }).map((k) => k.join('.')), optsValue).map(([k, v]) => `${k}=${v}`),
    atom,
    fc.constantFrom(',', ',,', '=', 'a.0=x', 'a.1=y', 'a=1,a.b=2', 'id=', '=x'),
  ), { maxLength: 6 }),
).map(([head, pairs]) => [...(head !== undefined ? [head] : []), ...pairs].join(','));

/** A JSON text with hostile keys and values, built by hand so `__proto__` stays an own key in the text. */
export const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string; object: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('null', 'true', 'false', '0', '-0', '1e400', '-1e400', '18446744073709551616', '1.5', '"on"', '"\\ud800"', '"\\u0000"', '"a,,b"', '[]', '{}'),
    atom.map((s) => JSON.stringify(s)),
    fc.array(tie('value'), { maxLength: 3 }).map((xs) => `[${xs.join(',')}]`),
    tie('object'),
  ),
  object: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PROTO_NAMES, 'driver', 'id', 'bus', 'qom-type', 'size'), atom), tie('value')), { maxLength: 4 })
    .map((kv) => `{${kv.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
})).object;

/** A JSON -device/-object with a real driver, so the hostile properties get past the driver lookup. */
export const jsonDevice: fc.Arbitrary<string> = fc.tuple(
  fc.constantFrom('"driver":"virtio-net-pci"', '"driver":"e1000"', '"driver":"pcie-root-port"', '"qom-type":"memory-backend-ram","id":"m"', '"driver":"__proto__"', ''),
  jsonText,
).map(([head, rest]) => (rest === '{}' ? `{${head}}` : `{${head}${head ? ',' : ''}${rest.slice(1)}`));

/** Nesting deep enough to overflow a recursive parser's stack. */
export function deepJson(depth: number, kind: 'array' | 'object' | 'mixed'): string {
  if (kind === 'array') return '['.repeat(depth) + ']'.repeat(depth);
  if (kind === 'object') return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  return '{"driver":"virtio-net-pci","x":' + '[{"a":'.repeat(depth) + '0' + '}]'.repeat(depth) + '}';
}

/** The real CLI, as a user runs it: `bin/qom-compat` (the bundle) in a child process, killed after `timeoutMs`. */
export interface ProcessRun extends CliRun { ms: number; timedOut: boolean }

export const BIN = join(process.cwd(), 'bin', 'qom-compat');

/** With `closeAfter`, stdout is closed once that many characters arrived (as `| head -c N` does; stdout is then ''). */
export function runBin(args: readonly string[], opts: { timeoutMs?: number; stdin?: string; closeAfter?: number } = {}): Promise<ProcessRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH, QOM_COMPAT_CACHE: '0' } });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      if (opts.closeAfter !== undefined && stdout.length >= opts.closeAfter) child.stdout.destroy();
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
    child.stdin.on('error', () => { /* the CLI may exit before reading stdin */ });
    child.stdin.end(opts.stdin ?? '');
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: opts.closeAfter === undefined ? stdout : '', stderr, ms: Date.now() - started, timedOut });
    });
  });
}
