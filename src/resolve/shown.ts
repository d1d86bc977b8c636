/**
 * Values as qom-get shows them. QEMU's answer is typed JSON: booleans,
 * integers (u64 exact), strings, link paths, and for a few properties lists
 * and structures (a memory backend's host-nodes, the RTC's date). The kind
 * follows the getter, not always the declared type: a PCI device's `addr`
 * is declared `str` yet reads back as the devfn number.
 *
 * boards.json stores these values as JSON, with integers beyond 2^53 as
 * decimal strings (JSON.parse would round them); the declared type tells
 * those apart from real strings. Pure: no I/O.
 */
import type { ExactJson } from '../qemu/json-exact.js';
import type { ObservedValue } from '../load/schema.js';
import type { QomValue } from './values.js';

export type ShownValue = QomValue | readonly unknown[] | { readonly [k: string]: unknown };

const INTEGER_TYPE = /^(u?int(8|16|32|64)?|size|busnr)$/;

/** The stored form of a qom-get answer (undefined for null). */
export function toObservedValue(v: ExactJson): ObservedValue | undefined {
  if (v === null) return undefined;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v !== 'object') return v;
  // Inside lists and structures too, integers beyond 2^53 are kept as decimal strings.
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x))) as ObservedValue;
}

/** A value resolve computed, in the stored form. */
export function toStoredValue(v: QomValue): ObservedValue {
  if (typeof v !== 'bigint') return v;
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

/** A stored value back in resolve's terms: integers as bigint, so u64 values stay exact. */
export function fromObservedValue(v: ObservedValue, declaredType: string): ShownValue {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : String(v);
  if (typeof v === 'string' && INTEGER_TYPE.test(declaredType) && /^-?\d+$/.test(v)) return BigInt(v);
  return v as ShownValue;
}

/** Whether two values are the same value of the same kind (lists and structures by their JSON). */
export function sameShown(a: ShownValue | null, b: ShownValue | null): boolean {
  if (a === null || b === null) return a === b;
  return typeof a === typeof b && shownText(a) === shownText(b);
}

/** Text of a value in QEMU's syntax; lists and structures as JSON. */
export function shownText(v: ShownValue): string {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return v;
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
}
