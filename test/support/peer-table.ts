/**
 * QEMU's scripts/compare-machine-types.py ("the peer"), its semantics
 * computed from a running QEMU's QMP answers, for the live test of `compare`.
 * Step for step as the script does it: qom-list-types (implements) for the
 * drivers, query-machines compat-props, the property getters
 * (device-list-properties, query-cpu-model-expansion, qom-list-properties),
 * Python's str() of each answer.
 */
import type { ExactJson } from '../../src/qemu/json-exact.js';
import { QmpError, type QmpSession } from '../../src/qemu/qmp.js';

type Obj = { [k: string]: ExactJson };

export interface PeerTable {
  /** Machines in the peer's order (mt_comp). */
  machines: string[];
  rows: Array<{ driver: string; property: string; cells: string[] }>;
}

/** Python's str() of a JSON value as the qemu.qmp library decodes it. */
export function pyStr(v: ExactJson): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number' || typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return v;
  return pyRepr(v);
}

function pyRepr(v: ExactJson): string {
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `'${k}': ${pyRepr(x)}`).join(', ')}}`;
  return pyStr(v);
}

function mtKey(name: string): [string, number, number, number] {
  if (!name.includes('-') || !name.includes('.')) return [name, 0, 0, 0];
  const at = name.lastIndexOf('-');
  const v = name.slice(at + 1).split('.').map(Number);
  return [name.slice(0, at), v[0] ?? 0, v[1] ?? 0, v[2] ?? 0];
}

export async function peerTable(qmp: QmpSession, wanted?: readonly string[]): Promise<PeerTable> {
  const all = (await qmp.execute('qom-list-types', { abstract: true })) as Obj[];
  const abstract = new Map(all.map((t) => [t.name as string, t.abstract === true]));
  const parent = new Map(all.map((t) => [t.name as string, (t.parent as string | undefined) ?? null]));
  const impls = new Map<string, string[]>();
  for (const name of abstract.keys()) {
    impls.set(name, ((await qmp.execute('qom-list-types', { implements: name })) as Obj[]).map((t) => t.name as string));
  }
  // The property getter of each type: set_implementations(), in the order the script walks its drivers.
  const GETTERS = new Set(['object', 'device', 'x86_64-cpu', 'memory-backend']);
  const getter = new Map<string, string>();
  const isChildOf = (t: string, anc: string) => { for (let p = parent.get(t); p; p = parent.get(p)) if (p === anc) return true; return false; };
  for (const name of abstract.keys()) {
    if (!GETTERS.has(name)) continue;
    for (const impl of impls.get(name)!) {
      const cur = getter.get(impl);
      if (!cur || isChildOf(name, cur)) getter.set(impl, name);
    }
  }

  const raw = (await qmp.execute('query-machines', { 'compat-props': true })) as Obj[];
  const machines = raw.map((m) => {
    const compat = new Map<string, Map<string, string>>();
    for (const p of (m['compat-props'] as Obj[] | undefined) ?? []) {
      const driver = p['qom-type'] as string;
      const targets = abstract.has(driver) ? impls.get(driver)! : [driver];
      for (const t of targets) {
        if (!compat.has(t)) compat.set(t, new Map());
        compat.get(t)!.set(p.property as string, p.value as string);
      }
    }
    return { name: m.name as string, compat };
  }).sort((a, b) => {
    const x = mtKey(a.name), y = mtKey(b.name);
    return x[0] !== y[0] ? (x[0] < y[0] ? -1 : 1) : x[1] - y[1] || x[2] - y[2] || x[3] - y[3];
  }).filter((m) => !wanted || wanted.includes(m.name));

  const keys = new Map<string, Set<string>>();
  for (const m of machines) for (const [d, props] of m.compat) { if (!keys.has(d)) keys.set(d, new Set()); for (const p of props.keys()) keys.get(d)!.add(p); }

  const deviceCache = new Map<string, Obj[]>();
  const cpuCache = new Map<string, Obj | string>();
  const qomCache = new Map<string, Obj[]>();
  const listed = (list: Obj[], prop: string) => {
    const p = list.find((x) => x.name === prop);
    return p ? ('default-value' in p ? pyStr(p['default-value']!) : 'No default value') : 'Unknown property';
  };
  const getProp = async (driver: string, prop: string): Promise<string> => {
    if (!abstract.has(driver)) return 'Unavailable driver';
    const g = getter.get(driver);
    if (g === 'device') {
      if (!deviceCache.has(driver)) deviceCache.set(driver, (await qmp.execute('device-list-properties', { typename: driver })) as Obj[]);
      return listed(deviceCache.get(driver)!, prop);
    }
    if (g === 'memory-backend') {
      if (!qomCache.has(driver)) qomCache.set(driver, (await qmp.execute('qom-list-properties', { typename: driver })) as Obj[]);
      return listed(qomCache.get(driver)!, prop);
    }
    if (g === 'x86_64-cpu') {
      if (!driver.endsWith('-x86_64-cpu')) return 'Wrong x86_64-cpu name';
      const name = driver.slice(0, -'-x86_64-cpu'.length);
      if (!cpuCache.has(name)) {
        try {
          const r = (await qmp.execute('query-cpu-model-expansion', { type: 'full', model: { name } })) as Obj;
          cpuCache.set(name, (r.model as Obj).props as Obj);
        } catch (e) {
          // The script dies here (an uncaught QMPError); keep the message so the test can name the cells.
          if (!(e instanceof QmpError)) throw e;
          cpuCache.set(name, `QMP error: ${e.message}`);
        }
      }
      const props = cpuCache.get(name)!;
      if (typeof props === 'string') return props;
      return prop in props ? pyStr(props[prop]!) : 'Unknown property';
    }
    return 'Unavailable method';
  };

  const rows: PeerTable['rows'] = [];
  for (const driver of [...keys.keys()].sort()) {
    for (const property of [...keys.get(driver)!].sort()) {
      const cells: string[] = [];
      for (const m of machines) {
        const v = m.compat.get(driver)?.get(property);
        cells.push(v ?? (await getProp(driver, property)));
      }
      rows.push({ driver, property, cells });
    }
  }
  return { machines: machines.map((m) => m.name), rows };
}
