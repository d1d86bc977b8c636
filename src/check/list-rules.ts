/**
 * Rules on compat lists as QEMU applies them: every matching entry in list
 * order, the last one winning (object_apply_global_props).
 *
 * Shadowing across versions is QEMU's design: an older version appends its
 * hw_compat entries after the newer versions' and so overrides them. What is
 * a real smell is a shadow within one version's own list (its inline entries
 * and the groups it splices in): the earlier entry can never take effect for
 * any machine. It is reported once per entry, not once per inheriting machine.
 *
 * A no-op is reported only where it is certain: every object the entry
 * reaches has a known default equal to the value, no earlier entry of any
 * machine carrying it has changed that, and the type's default is not set by
 * code after the class default (CPU models load their own values).
 */
import type { JsonPath } from '../load/json.js';
import type { QomProperty } from '../model/types.js';
import { parseGlobalValue, type QomValue } from '../resolve/values.js';
import { listNames, type MachineGraph } from './machine-graph.js';
import type { RawFinding } from './rules.js';
import type { TypeIndex } from './type-index.js';
import type { EntrySite } from './views.js';

const sameTarget = (a: EntrySite, b: EntrySite) => a.driver === b.driver && a.property === b.property;

/** `lists`: each version's own list (groups spliced in), named for messages. */
export function shadowFindings(lists: Iterable<{ owner: string; entries: readonly EntrySite[] }>, file: number,
  describeSite: (site: EntrySite) => string): RawFinding[] {
  const shadows = new Map<EntrySite, { later: EntrySite; owners: string[] }>();
  for (const { owner, entries } of lists) {
    entries.forEach((e, i) => {
      const later = entries.slice(i + 1).find((x) => sameTarget(x, e));
      if (!later) return;
      const known = shadows.get(e);
      if (known?.later === later) known.owners.push(owner);
      else if (!known) shadows.set(e, { later, owners: [owner] });
    });
  }
  return [...shadows].map(([e, { later, owners }]) => ({
    rule: 'compat-shadowed', file, path: e.path,
    message: (lineOf: (p: JsonPath) => number) => shadowMessage(e, later, owners, lineOf(later.path), describeSite),
    hint: e.value === later.value ? 'remove the duplicate' : 'remove the entry that never applies, or merge the two',
  }));
}

function shadowMessage(e: EntrySite, later: EntrySite, owners: string[], line: number, describeSite: (s: EntrySite) => string): string {
  const what = `${e.driver}.${e.property}`;
  const kind = e.value === later.value ? `duplicate: line ${line} sets ${what}=${e.value} again` :
    `shadowed: line ${line} sets ${what}=${later.value} later in the same list, so ${what}=${e.value} never takes effect`;
  if (e.group && later.group === e.group) return `${kind} (both in group ${e.group.name})`;
  return `${kind}; in the own list of ${listNames(owners)}: this entry ${describeSite(e)}, the later one ${describeSite(later)}`;
}

export function noopFindings(sites: Iterable<EntrySite>, graph: MachineGraph, index: TypeIndex, file: number): RawFinding[] {
  const out: RawFinding[] = [];
  for (const site of sites) {
    const targets = certainTargets(site, index);
    if (!targets) continue;
    const carriers = graph.carriers(site);
    // Nothing is certain about a list cut short by a chain error (reported on its own).
    if (carriers.length === 0 || !carriers.every((m) => graph.chainSound(m))) continue;
    if (!carriers.every((m) => isNoopIn(graph.flattenedFor(m, site.property), site, targets, index))) continue;
    out.push({
      rule: 'compat-noop', file, path: [...site.path, 'value'],
      message: `no-op: ${site.driver}.${site.property}=${site.value} sets the value ${listNames(targets.map((t) => t.type))} ` +
        `already ${targets.length > 1 ? 'have' : 'has'}, in every machine that carries it; ${graph.describeSite(site)}`,
      hint: 'a compat entry restores an older default; this one restores nothing: drop it, or check the value',
    });
  }
  return out;
}

interface Target { type: string; prop: QomProperty; value: QomValue }

/**
 * The reached types and the entry's parsed value, when the value equals each
 * one's certain default; undefined when anything is uncertain or differs.
 */
function certainTargets(site: EntrySite, index: TypeIndex): Target[] | undefined {
  if (!index.model.has(site.driver)) return undefined;
  const targets: Target[] = [];
  for (const type of index.reachedByProperty(site.driver, site.property).having) {
    const prop = index.model.property(type, site.property)!;
    if (!hasCertainDefault(type, prop, index)) return undefined;
    const value = parse(prop, site.value, type);
    if (value === undefined || value !== parse(prop, prop.default!, type)) return undefined;
    targets.push({ type, prop, value });
  }
  return targets.length ? targets : undefined;
}

function hasCertainDefault(type: string, prop: QomProperty, index: TypeIndex): boolean {
  if (prop.default === null || prop.defaultFrom === 'cpu-model') return false;
  // x86_cpu_load_model() and the accelerator's CPU defaults override class defaults.
  return !index.model.isA(type, 'cpu');
}

/** Whether, in a flattened list (its entries for the site's property), each target already holds the value wherever the entry occurs. */
function isNoopIn(relevant: readonly EntrySite[], site: EntrySite, targets: readonly Target[], index: TypeIndex): boolean {
  for (const t of targets) {
    let current: QomValue | undefined = t.value; // the default (certainTargets checked it equals the entry's value)
    for (const e of relevant) {
      if (e === site && current !== t.value) return false;
      if (!index.model.isA(t.type, e.driver)) continue;
      current = parse(t.prop, e.value, t.type);
      if (current === undefined) return false; // that entry aborts QEMU: nothing is certain after it
    }
  }
  return true;
}

/** Parsed values by declaration and text; undefined when the text does not parse. */
const parsed = new WeakMap<QomProperty, Map<string, QomValue | undefined>>();

/** Only values are used here, and the types that certainTargets admits parse alike whatever the owner. */
function parse(prop: QomProperty, text: string, owner: string): QomValue | undefined {
  let byText = parsed.get(prop);
  if (!byText) parsed.set(prop, (byText = new Map()));
  if (!byText.has(text)) {
    const r = parseGlobalValue(prop, text, owner);
    byText.set(text, r.ok ? r.value : undefined);
  }
  return byText.get(text);
}
