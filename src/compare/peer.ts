/**
 * What QEMU's scripts/compare-machine-types.py ("the peer") shows, so that
 * `compare` can keep its conventions where it has nothing better: its cell
 * strings, its machine order, its value rendering (Python's str() of the QMP
 * answer) and its normalisation. Pure: no QEMU, no I/O.
 */
import type { QomProperty, TypeModel } from '../model/types.js';

/** The peer's special cell strings, verbatim. */
export const PEER_TEXT = {
  unavailableDriver: 'Unavailable driver',
  unknownProperty: 'Unknown property',
  noDefault: 'No default value',
  unavailableMethod: 'Unavailable method',
  wrongCpuName: 'Wrong x86_64-cpu name',
} as const;

/**
 * The peer's property getters, most specific first: a type uses the first
 * one it is (object_class_dynamic_cast), as its set_implementations() makes
 * the most derived getter win. `object` has no method.
 */
export type PeerGetter = 'x86_64-cpu' | 'memory-backend' | 'device' | 'object';
const GETTERS: readonly PeerGetter[] = ['x86_64-cpu', 'memory-backend', 'device', 'object'];

export function peerGetter(types: TypeModel, type: string): PeerGetter {
  return GETTERS.find((g) => types.isA(type, g)) ?? 'object';
}

/** Python's str() of the QMP value a default stands for (True/False for booleans; integers in decimal). */
export function pythonText(prop: QomProperty, value: string): string {
  if (prop.type === 'bool') {
    if (value === 'true' || value === 'on') return 'True';
    if (value === 'false' || value === 'off') return 'False';
  }
  return value;
}

/**
 * The peer's mt_comp sort key: machine family, then major, minor and
 * revision as numbers; a name without `-` or without `.` sorts by itself
 * with version 0.0.0.
 */
export function peerMachineKey(name: string): [string, number, number, number] {
  if (!name.includes('-') || !name.includes('.')) return [name, 0, 0, 0];
  const at = name.lastIndexOf('-');
  const parts = name.slice(at + 1).split('.').map((p) => Number.parseInt(p, 10));
  return [name.slice(0, at), parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
}

export function comparePeerMachines(a: string, b: string): number {
  const x = peerMachineKey(a);
  const y = peerMachineKey(b);
  if (x[0] !== y[0]) return x[0] < y[0] ? -1 : 1;
  return x[1] - y[1] || x[2] - y[2] || x[3] - y[3] || (a < b ? -1 : a > b ? 1 : 0);
}

/** The peer's transform_value: on/true and off/false (any case) become booleans. */
export function peerNormalise(value: string): string | boolean {
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === 'on') return true;
  if (lower === 'false' || lower === 'off') return false;
  return value;
}
