/**
 * Memoised questions `check` asks the type model, many times over: which
 * concrete types an entry reaches, which types declare a property, which
 * names are near a misspelt one.
 */
import { distance } from 'fastest-levenshtein';
import type { QomProperty, TypeModel } from '../model/types.js';
import { compatModel } from '../resolve/compat-model.js';

export class TypeIndex {
  private reachIndex: Map<string, string[]> | undefined;
  private readonly split = new Map<string, { having: readonly string[]; lacking: readonly string[] }>();
  private normalizedNames: Array<[string, string]> | undefined;

  constructor(readonly model: TypeModel, readonly arch: string | undefined) {}

  /**
   * Concrete types that take machine compat props (devices, memory backends,
   * accelerators, sev-guest: QEMU 10.0.2's four call sites) and that the
   * driver reaches: the type itself, its subtypes, or implementers of it.
   */
  reached(driver: string): readonly string[] {
    if (!this.reachIndex) this.reachIndex = this.buildReachIndex();
    return this.reachIndex.get(driver) ?? [];
  }

  private buildReachIndex(): Map<string, string[]> {
    const takesCompat = compatModel('qdev', this.model);
    const index = new Map<string, string[]>();
    // Names and casts only: converting every type's properties (CPU models' ~300 defaults each) is not needed here.
    for (const name of [...this.model.names()].sort()) {
      if (this.model.isAbstract(name) || takesCompat.compatSlots(name, false).length === 0) continue;
      for (const target of this.model.castTargets(name)) {
        const list = index.get(target) ?? [];
        list.push(name);
        index.set(target, list);
      }
    }
    return index;
  }

  /**
   * The property as an instance of `type` has it: the nearest declaration
   * along the ancestry. Same answer as TypeModel.property(), without building
   * the merged property map of every type an entry reaches.
   */
  property(type: string, name: string): QomProperty | undefined {
    return this.model.property(type, name);
  }

  /**
   * The types the driver reaches, split into those with the property and
   * those known to lack it (types with no recorded properties are neither).
   * The same driver and property recur across versions: computed once.
   */
  reachedByProperty(driver: string, prop: string): { having: readonly string[]; lacking: readonly string[] } {
    const key = `${driver}\u0000${prop}`;
    let split = this.split.get(key);
    if (!split) {
      const having: string[] = [];
      const lacking: string[] = [];
      for (const t of this.reached(driver)) {
        if (this.model.hasProperty(t, prop)) having.push(t);
        else if (this.knowsProperties(t)) lacking.push(t);
      }
      split = { having, lacking };
      this.split.set(key, split);
    }
    return split;
  }

  /** Whether anything is known about the type's properties (an empty list means unknown, not none). */
  knowsProperties(type: string): boolean {
    return this.model.ancestry(type).some((t) => this.model.declaresAny(t));
  }

  /**
   * Types that declare `prop` and have no ancestor declaring it: the families
   * that have the property. One family is a strong hint for a misnamed driver.
   */
  propertyFamilies(prop: string): readonly string[] {
    const out: string[] = [];
    for (const t of this.model.declaringTypes(prop)) {
      const parent = this.model.ancestry(t)[1];
      if (parent === undefined || !this.model.hasProperty(parent, prop)) out.push(t);
    }
    return out.sort();
  }

  /** Whether objects reached through `type` (or the type itself) have `prop`. */
  offers(type: string, prop: string): boolean {
    return !!this.property(type, prop) || this.reached(type).some((t) => !!this.property(t, prop));
  }

  /** Type names that differ from `name` only by a slip of the keyboard. */
  nearTypeNames(name: string): string[] {
    this.normalizedNames ??= [...this.model.names()].map((n) => [n, normalizeName(n)]);
    return nearNormalized(name, this.normalizedNames);
  }
}

const normalizeName = (s: string) => s.toLowerCase().replace(/[-_.]/g, '');

/**
 * Names within a small edit distance, ignoring case and the separators QOM
 * names mix (`-`, `_`, `.`). Tighter than the CLI's closestMatches: a
 * suggestion here claims a typo, and a wrong one sends the reader astray
 * (Icelake-Client-x86_64-cpu is a removed model, not a misspelt
 * Icelake-Server-x86_64-cpu).
 */
export function nearNames(name: string, candidates: Iterable<string>, max = 3): string[] {
  return nearNormalized(name, [...candidates].map((c) => [c, normalizeName(c)]), max);
}

function nearNormalized(name: string, candidates: ReadonlyArray<readonly [string, string]>, max = 3): string[] {
  const target = normalizeName(name);
  const limit = Math.max(1, Math.min(3, Math.floor(target.length / 8)));
  const scored: Array<[string, number]> = [];
  for (const [c, norm] of candidates) {
    // The edit distance is at least the difference in length.
    if (c === name || Math.abs(norm.length - target.length) > limit) continue;
    // A swap of two neighbouring letters (mxp for mpx) is one slip, though two Levenshtein edits.
    const edits = distance(target, norm);
    const d = edits === 2 && isTransposition(target, norm) ? 1 : edits;
    if (d <= limit) scored.push([c, d]);
  }
  return scored.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).slice(0, max).map(([c]) => c);
}

function isTransposition(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}
