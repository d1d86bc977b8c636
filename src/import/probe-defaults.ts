/**
 * probeInstanceDefaults: values a fresh instance has where QMP reports no
 * `default-value` (properties that are not qdev properties). Learned on
 * `-M none`, whose compat list is empty and which has no globals, so what an
 * instance reads back is what instance_init gave it:
 *
 *  - x86 CPU models: `query-cpu-model-expansion` (full) instantiates the model
 *    and reports every feature, but only after x86_cpu_expand_features, which
 *    can clear bits (KVM-only features under TCG, features whose dependency is
 *    off). A `true` survives expansion and is kept. A `false` is kept only if
 *    asking for that one feature `true` gives `true`: then expansion would not
 *    have cleared it, so it was false before. Models that are not
 *    migration-safe (max, host) take their features from the accelerator at
 *    expansion time and are left out.
 *  - user-creatable non-device objects (memory backends, sev-guest, ...):
 *    `object-add` with only an id (memory backends also need a size), then
 *    `qom-get`. Their complete() step runs first; the properties asked for are
 *    ones complete() does not derive.
 *
 * Devices other than CPUs are left out: the only instances QMP can read are
 * realized ones, and realize changes values (base_year, hpet timers, ...).
 */
import type { ExactJson } from '../qemu/json-exact.js';
import { QmpError, type QmpSession } from '../qemu/qmp.js';
import { isA, mapLimit, typeCatalogue, withSession, type TypeCatalogue } from './probe-qemu.js';
import type { ProbeContext } from './probes.js';

const EMPTY_MACHINE = ['-M', 'none', '-nodefaults'];

type Obj = { [k: string]: ExactJson };
type TypeRequest = { name: string; parent: string | null; abstract: boolean; properties: string[] };

export async function probeInstanceDefaults(ctx: ProbeContext, types: TypeRequest[]): Promise<Map<string, Map<string, string>>> {
  const cat = await typeCatalogue(ctx);
  const wanted = types.filter((t) => !t.abstract && t.properties.length > 0);
  const out = new Map<string, Map<string, string>>();
  const cpus = await cpuModelDefaults(ctx, wanted);
  const objects = await objectDefaults(ctx, cat, wanted.filter((t) => !cat.devices.has(t.name)));
  for (const [type, props] of [...cpus, ...objects].sort(([a], [b]) => (a < b ? -1 : 1))) if (props.size > 0) out.set(type, props);
  return out;
}

/** QEMU value syntax for a qom-get answer; null for lists and objects (no single string form). */
export function renderValue(v: ExactJson): string | null {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number' || typeof v === 'bigint') return Number.isInteger(v) || typeof v === 'bigint' ? v.toString() : null;
  if (typeof v === 'string') return v;
  return null;
}

async function cpuModelDefaults(ctx: ProbeContext, wanted: TypeRequest[]): Promise<Map<string, Map<string, string>>> {
  const byType = new Map(wanted.map((t) => [t.name, t]));
  const models = await withSession(ctx, EMPTY_MACHINE, (qmp) => cpuModels(qmp, (d) => d['migration-safe'] === true && byType.has(d.typename as string)));
  const limit = ctx.concurrency ?? 2;
  const chunks = Array.from({ length: limit }, (_, i) => models.filter((_, j) => j % limit === i));
  // The longest quiet stretch of an import (a minute or two: an expansion per false feature per model): say how far it is.
  ctx.progress(`  CPU model instance values: ${models.length} models`);
  let done = 0;
  const results = await mapLimit(chunks, limit, (chunk) => withSession(ctx, EMPTY_MACHINE, async (qmp) => {
    const res: Array<[string, Map<string, string>]> = [];
    for (const m of chunk) {
      res.push([m.type, await expandModel(qmp, m.model, new Set(byType.get(m.type)!.properties))]);
      if (++done % 10 === 0 || done === models.length) ctx.progress(`  CPU models ${done}/${models.length}`);
    }
    return res;
  }));
  return new Map(results.flat());
}

/**
 * What query-cpu-model-expansion (full) shows for every CPU model QEMU lists,
 * under `-M none` and TCG: the values a CPU of that model has once realize has
 * expanded it (levels, cache info, model-id, ...), which the peer tool
 * compare-machine-types.py reads too. Models the accelerator cannot expand
 * (host needs KVM) are left out. Lists and structures have no value text and are skipped.
 */
export async function probeCpuExpansions(ctx: ProbeContext, typeNames: readonly string[]): Promise<Map<string, Map<string, string>>> {
  const known = new Set(typeNames);
  const out = new Map<string, Map<string, string>>();
  await withSession(ctx, EMPTY_MACHINE, async (qmp) => {
    for (const m of await cpuModels(qmp, (d) => known.has(d.typename as string))) {
      let props: Obj;
      try {
        props = await expansion(qmp, m.model);
      } catch (e) {
        if (e instanceof QmpError) continue;
        throw e;
      }
      const values = new Map<string, string>();
      for (const [name, v] of Object.entries(props)) {
        const text = renderValue(v);
        if (text !== null) values.set(name, text);
      }
      out.set(m.type, values);
    }
  });
  return out;
}

/** query-cpu-definitions: the CPU models QEMU lists that `keep` accepts, by type name; none on a target without them. */
async function cpuModels(qmp: QmpSession, keep: (definition: Obj) => boolean): Promise<Array<{ model: string; type: string }>> {
  let defs: Obj[];
  try {
    defs = (await qmp.execute('query-cpu-definitions')) as Obj[];
  } catch (e) {
    if (e instanceof QmpError) return []; // not an x86-style target: no CPU model expansion
    throw e;
  }
  return defs.filter(keep)
    .map((d) => ({ model: d.name as string, type: d.typename as string }))
    .sort((a, b) => (a.type < b.type ? -1 : 1));
}

async function expansion(qmp: QmpSession, model: string, props?: Record<string, boolean>): Promise<Obj> {
  const r = (await qmp.execute('query-cpu-model-expansion', { type: 'full', model: props ? { name: model, props } : { name: model } })) as Obj;
  return (r.model as Obj).props as Obj;
}

async function expandModel(qmp: QmpSession, model: string, wanted: ReadonlySet<string>): Promise<Map<string, string>> {
  const props = await expansion(qmp, model);
  const out = new Map<string, string>();
  for (const name of Object.keys(props).filter((n) => wanted.has(n)).sort()) {
    const v = props[name]!;
    if (v === false) {
      if (!(await staysTrue(qmp, model, name))) continue; // expansion forces it off: the instance value is unknown
    } else if (typeof v !== 'boolean') {
      continue; // levels and other numbers are derived by expansion (x86_cpu_adjust_feat_level)
    }
    out.set(name, renderValue(v)!);
  }
  return out;
}

/** Whether the expansion keeps `name` true when asked for it (setting it may also be refused: `realized`). */
async function staysTrue(qmp: QmpSession, model: string, name: string): Promise<boolean> {
  try {
    return (await expansion(qmp, model, { [name]: true }))[name] === true;
  } catch (e) {
    if (e instanceof QmpError) return false;
    throw e;
  }
}

async function objectDefaults(ctx: ProbeContext, cat: TypeCatalogue, wanted: TypeRequest[]): Promise<Map<string, Map<string, string>>> {
  const out = new Map<string, Map<string, string>>();
  await withSession(ctx, EMPTY_MACHINE, async (qmp) => {
    const creatable = new Set(((await qmp.execute('qom-list-types', { abstract: false, implements: 'user-creatable' })) as Obj[]).map((t) => t.name as string));
    let n = 0;
    const todo = wanted.filter((w) => creatable.has(w.name)).sort((a, b) => (a.name < b.name ? -1 : 1));
    ctx.progress(`  instance values of ${todo.length} user-creatable object types`);
    for (const t of todo) {
      const sized = isA(cat, t.name, 'memory-backend');
      // `type` is QOM's own read-only name property; a backend's size is what we set.
      const names = t.properties.filter((p) => p !== 'type' && !(sized && p === 'size'));
      // Two fresh instances: a value that differs between them (thread-context's thread-id) is state, not a default.
      const first = await readFreshInstance(qmp, t.name, `qom-compat-probe${n++}`, sized, names);
      const second = first && await readFreshInstance(qmp, t.name, `qom-compat-probe${n++}`, sized, names);
      if (!first || !second) continue;
      out.set(t.name, new Map([...first].filter(([k, v]) => second.get(k) === v)));
    }
  });
  return out;
}

/** object-add with only an id (and a size for backends), read `names`, object-del; null if QEMU refuses the object. */
async function readFreshInstance(qmp: QmpSession, type: string, id: string, sized: boolean, names: string[]): Promise<Map<string, string> | null> {
  try {
    await qmp.execute('object-add', { 'qom-type': type, id, ...(sized ? { size: 1048576 } : {}) });
  } catch (e) {
    if (e instanceof QmpError) return null; // needs more than an id: nothing faithful to read
    throw e;
  }
  const values = await readProperties(qmp, `/objects/${id}`, names);
  try {
    await qmp.execute('object-del', { id });
  } catch (e) {
    // Some objects pin themselves ("is in use"); ids are unique, so leaving it is harmless.
    if (!(e instanceof QmpError)) throw e;
  }
  return values;
}

async function readProperties(qmp: QmpSession, path: string, names: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of [...names].sort()) {
    try {
      const v = renderValue(await qmp.execute('qom-get', { path, property: name }));
      if (v !== null) out.set(name, v);
    } catch (e) {
      if (!(e instanceof QmpError)) throw e; // write-only or unreadable: skip
    }
  }
  return out;
}
