/**
 * What QMP reports directly: machines with their flattened compat lists, the
 * type hierarchy with interfaces, and per-type properties.
 */
import type { ExactJson } from '../qemu/json-exact.js';
import { QmpError, type QmpSession } from '../qemu/qmp.js';

export interface QmpMachine {
  name: string;
  alias: string | null;
  isDefault: boolean;
  deprecated: boolean;
  defaultCpuType: string | null;
  defaultRamId: string | null;
  /** The most CPUs the machine takes (mc->max_cpus): -smp's limit. */
  cpuMax: number | null;
  compatProps: Array<{ driver: string; property: string; value: string }>;
  /** False for QEMU before 9.1, whose query-machines has no compat-props: the list is then empty and unknown. */
  compatReported: boolean;
}

export interface QmpType { name: string; parent: string | null; abstract: boolean }

export interface QmpProperty { name: string; type: string; description?: string; defaultValue?: ExactJson }

type Obj = { [k: string]: ExactJson };

export async function queryMachines(qmp: QmpSession): Promise<QmpMachine[]> {
  let list: Obj[];
  let compatReported = true;
  try {
    list = (await qmp.execute('query-machines', { 'compat-props': true })) as Obj[];
  } catch (e) {
    // QEMU before 9.1: "Parameter 'compat-props' is unexpected".
    if (!(e instanceof QmpError)) throw e;
    list = (await qmp.execute('query-machines')) as Obj[];
    compatReported = false;
  }
  return list.map((m) => ({
    compatReported,
    name: m.name as string,
    alias: (m.alias as string | undefined) ?? null,
    isDefault: m['is-default'] === true,
    deprecated: m.deprecated === true,
    defaultCpuType: (m['default-cpu-type'] as string | undefined) ?? null,
    defaultRamId: (m['default-ram-id'] as string | undefined) ?? null,
    cpuMax: typeof m['cpu-max'] === 'bigint' ? Number(m['cpu-max']) : typeof m['cpu-max'] === 'number' ? m['cpu-max'] : null,
    compatProps: ((m['compat-props'] as Obj[] | undefined) ?? []).map((c) => ({
      driver: c['qom-type'] as string, property: c.property as string, value: c.value as string,
    })),
  }));
}

export async function listTypes(qmp: QmpSession): Promise<QmpType[]> {
  const list = (await qmp.execute('qom-list-types', { abstract: true })) as Obj[];
  return list.map((t) => ({ name: t.name as string, parent: (t.parent as string | undefined) ?? null, abstract: t.abstract === true }));
}

/** Types that are, inherit from, or implement `name`. */
export async function typesImplementing(qmp: QmpSession, name: string): Promise<string[]> {
  const list = (await qmp.execute('qom-list-types', { implements: name, abstract: true })) as Obj[];
  return list.map((t) => t.name as string);
}

/**
 * qom-list-properties: class properties for abstract types; a concrete type is
 * instantiated, so instance properties appear too. Returns null for names QMP
 * refuses (interfaces).
 */
export async function listProperties(qmp: QmpSession, typename: string, timeoutMs = 5000): Promise<QmpProperty[] | null> {
  let list: Obj[];
  try {
    list = (await qmp.execute('qom-list-properties', { typename }, timeoutMs)) as Obj[];
  } catch (e) {
    if (e instanceof QmpError) return null;
    throw e;
  }
  return list.map((p) => ({
    name: p.name as string,
    type: p.type as string,
    ...(p.description !== undefined ? { description: p.description as string } : {}),
    ...(p['default-value'] !== undefined ? { defaultValue: p['default-value'] } : {}),
  }));
}
