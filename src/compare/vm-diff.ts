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
  type: string;
  property: string;
  /** undefined: the object has no such property under that machine type. */
  from?: DiffSide;
  to?: DiffSide;
}

export interface ObjectDiff { path: string | null; type: string; in: 'from' | 'to' }

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
  for (const [key, o] of left) {
    const other = right.get(key);
    if (!other) { objects.push({ path: o.path, type: o.type, in: 'from' }); continue; }
    properties.push(...diffObject(o, other));
  }
  for (const [key, o] of right) if (!left.has(key)) objects.push({ path: o.path, type: o.type, in: 'to' });
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
 * Objects by QOM path; objects outside the tree (migration, the accelerator,
 * transient NIC probes) by type and their rank among such objects of that type.
 */
function keyed(objects: readonly ResolvedObject[]): Map<string, ResolvedObject> {
  const out = new Map<string, ResolvedObject>();
  const seen = new Map<string, number>();
  for (const o of objects) {
    let key: string;
    if (o.path !== null && !o.transient) key = o.path;
    else {
      const base = `${o.transient ? 'transient' : 'outside'}:${o.type}`;
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      key = `${base}#${n}`;
    }
    out.set(key, o);
  }
  return out;
}

function diffObject(a: ResolvedObject, b: ResolvedObject): PropertyDiff[] {
  const out: PropertyDiff[] = [];
  const right = new Map(b.properties.map((p) => [p.name, p]));
  const names = new Set([...a.properties.map((p) => p.name), ...b.properties.map((p) => p.name)]);
  const left = new Map(a.properties.map((p) => [p.name, p]));
  for (const name of [...names].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))) {
    const p = left.get(name);
    const q = right.get(name);
    if (p && q && sameValue(p, q)) continue;
    out.push({ path: b.path ?? a.path, type: b.type, property: name, ...(p ? { from: side(p) } : {}), ...(q ? { to: side(q) } : {}) });
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
