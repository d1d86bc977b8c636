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
  private declarers: Map<string, string[]> | undefined;

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
    for (const t of [...this.model.all()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (t.abstract || takesCompat.compatSlots(t.name, false).length === 0) continue;
      for (const target of this.model.castTargets(t.name)) {
        const list = index.get(target) ?? [];
        list.push(t.name);
        index.set(target, list);
      }
    }
    return index;
  }

  property(type: string, name: string): QomProperty | undefined {
    return this.model.property(type, name);
  }

  /** Whether anything is known about the type's properties (an empty list means unknown, not none). */
  knowsProperties(type: string): boolean {
    return this.model.properties(type).size > 0;
  }

  /**
   * Types that declare `prop` and have no ancestor declaring it: the families
   * that have the property. One family is a strong hint for a misnamed driver.
   */
  propertyFamilies(prop: string): readonly string[] {
    if (!this.declarers) {
      this.declarers = new Map();
      for (const t of this.model.all()) {
        for (const p of t.ownProperties.keys()) {
          const list = this.declarers.get(p) ?? [];
          list.push(t.name);
          this.declarers.set(p, list);
        }
      }
    }
    const all = this.declarers.get(prop) ?? [];
    return all.filter((t) => !this.model.ancestry(t).slice(1).some((a) => this.model.get(a)?.ownProperties.has(prop))).sort();
  }

  /** Whether objects reached through `type` (or the type itself) have `prop`. */
  offers(type: string, prop: string): boolean {
    return !!this.property(type, prop) || this.reached(type).some((t) => !!this.property(t, prop));
  }

  /** Type names that differ from `name` only by a slip of the keyboard. */
  nearTypeNames(name: string): string[] {
    return nearNames(name, this.model.names());
  }
}

/**
 * Names within a small edit distance, ignoring case and the separators QOM
 * names mix (`-`, `_`, `.`). Tighter than the CLI's closestMatches: a
 * suggestion here claims a typo, and a wrong one sends the reader astray
 * (Icelake-Client-x86_64-cpu is a removed model, not a misspelt
 * Icelake-Server-x86_64-cpu).
 */
export function nearNames(name: string, candidates: Iterable<string>, max = 3): string[] {
  const norm = (s: string) => s.toLowerCase().replace(/[-_.]/g, '');
  const target = norm(name);
  const limit = Math.max(1, Math.min(3, Math.floor(target.length / 8)));
  const scored: Array<[string, number]> = [];
  for (const c of candidates) {
    if (c === name) continue;
    const d = distance(target, norm(c));
    if (d <= limit) scored.push([c, d]);
  }
  return scored.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).slice(0, max).map(([c]) => c);
}
