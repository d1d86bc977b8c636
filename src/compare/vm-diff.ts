/**
 * What changes for one VM configuration between two machine types: the same
 * command line resolved under each, every object matched by its QOM path,
 * and every property whose value (what QEMU shows once started) differs,
 * with where each side's value came from.
 */
import type { ResolvedObject, ResolvedProperty, ResolveResult, TraceStep, ValueSource } from '../resolve/result.js';
import { shownText, type ShownValue } from '../resolve/shown.js';

export interface DiffSide {
  value: ShownValue | null;
  source: ValueSource;
  /** What the compat/global/option chain configured, where board code or realize changed it. */
  configured?: ResolvedProperty['configured'];
  configuredOnly?: string;
  /** The entries that reached the property (applied, skipped or overridden), in order. */
  trace: TraceStep[];
}

export interface PropertyDiff {
  path: string | null;
  /** Where the old side has the object, when it is elsewhere in the tree (moved). */
  fromPath?: string | null;
  type: string;
  property: string;
  /** undefined: the object has no such property under that machine type. */
  from?: DiffSide;
  to?: DiffSide;
}

/**
 * An object only one side has (`from`, `to`), or one both have at different
 * places in the tree (`moved`: QEMU made it another object's child), matched
 * by type and order; `fromPath` is where the old side has it.
 */
export interface ObjectDiff { path: string | null; type: string; in: 'from' | 'to' | 'moved'; fromPath?: string | null }

export interface VmDiff {
  from: DiffEnd;
  to: DiffEnd;
  /** Objects only one machine type creates. */
  objects: ObjectDiff[];
  properties: PropertyDiff[];
  warnings: { from: string[]; to: string[] };
}

export interface DiffEnd { machine: string; outcome: ResolveResult['outcome']; error: string | null }

export function diffResults(a: ResolveResult, b: ResolveResult): VmDiff {
  const left = keyed(a.objects);
  const right = keyed(b.objects);
  const objects: ObjectDiff[] = [];
  const properties: PropertyDiff[] = [];
  const onlyLeft: ResolvedObject[] = [];
  for (const [key, o] of left) {
    const other = right.get(key);
    if (!other) { onlyLeft.push(o); continue; }
    properties.push(...diffObject(o, other));
  }
  const onlyRight = [...right].filter(([key]) => !left.has(key)).map(([, o]) => o);
  for (const o of onlyLeft) {
    const k = onlyRight.findIndex((r) => r.type === o.type);
    if (k < 0) { objects.push({ path: o.path, type: o.type, in: 'from' }); continue; }
    const [moved] = onlyRight.splice(k, 1);
    objects.push({ path: moved!.path, type: o.type, in: 'moved', fromPath: o.path });
    properties.push(...diffObject(o, moved!));
  }
  for (const o of onlyRight) objects.push({ path: o.path, type: o.type, in: 'to' });
  return {
    from: end(a),
    to: end(b),
    objects,
    properties,
    warnings: { from: a.warnings.filter((w) => !b.warnings.includes(w)), to: b.warnings.filter((w) => !a.warnings.includes(w)) },
  };
}

export function hasDifferences(d: VmDiff): boolean {
  return d.objects.length > 0 || d.properties.length > 0 || d.warnings.from.length > 0 || d.warnings.to.length > 0
    || d.from.outcome !== d.to.outcome || d.from.error !== d.to.error;
}

const end = (r: ResolveResult): DiffEnd => ({ machine: r.machine, outcome: r.outcome, error: r.error });

/**
 * Objects by identity. Transient objects (NIC model probes, an unused
 * pflash) are left out: QEMU destroys them during start-up, the guest never
 * sees them. A board device without a parent is named by QEMU in creation
 * order (/machine/unattached/device[N]), which shifts when another binary or
 * machine version creates one more or one less: such a segment is matched by
 * its type and its rank among unattached devices of that type instead.
 * Objects outside the tree (migration, the accelerator) go by type and rank.
 */
function keyed(objects: readonly ResolvedObject[]): Map<string, ResolvedObject> {
  const out = new Map<string, ResolvedObject>();
  const rank = new Map<string, number>();
  const unattached = new Map<string, string>();
  const next = (base: string) => {
    const n = rank.get(base) ?? 0;
    rank.set(base, n + 1);
    return `${base}#${n}`;
  };
  const kept = objects.filter((o) => !o.transient);
  // Ranks first: a device's instance_init children may be listed before it.
  for (const o of kept) if (o.path !== null && UNATTACHED.exec(o.path)?.[0] === o.path) unattached.set(o.path, next(`/machine/unattached/${o.type}`));
  for (const o of kept) {
    if (o.path === null) { out.set(next(`outside:${o.type}`), o); continue; }
    const m = UNATTACHED.exec(o.path);
    const owner = m && unattached.get(m[0]);
    out.set(owner ? owner + o.path.slice(m[0].length) : o.path, o);
  }
  return out;
}

const UNATTACHED = /^\/machine\/unattached\/device\[\d+\]/;

function diffObject(a: ResolvedObject, b: ResolvedObject): PropertyDiff[] {
  const out: PropertyDiff[] = [];
  const right = new Map(b.properties.map((p) => [p.name, p]));
  const names = new Set([...a.properties.map((p) => p.name), ...b.properties.map((p) => p.name)]);
  const left = new Map(a.properties.map((p) => [p.name, p]));
  for (const name of [...names].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))) {
    const p = left.get(name);
    const q = right.get(name);
    if (p && q && sameValue(p, q)) continue;
    out.push({ path: b.path ?? a.path, ...(a.path !== b.path ? { fromPath: a.path } : {}), type: b.type, property: name, ...(p ? { from: side(p) } : {}), ...(q ? { to: side(q) } : {}) });
  }
  return out;
}

function sameValue(p: ResolvedProperty, q: ResolvedProperty): boolean {
  if (p.volatile && q.volatile) return true; // computed when read (the RTC date): never the same twice
  return valueKey(p.value) === valueKey(q.value);
}

function valueKey(v: ShownValue | null): string {
  return v === null ? '\0null' : `${typeof v}:${shownText(v)}`;
}

function side(p: ResolvedProperty): DiffSide {
  return {
    value: p.value,
    source: p.source,
    ...(p.configured ? { configured: p.configured } : {}),
    ...(p.configuredOnly ? { configuredOnly: p.configuredOnly } : {}),
    trace: p.trace,
  };
}
