/**
 * Memoised questions `check` asks the type model, many times over: which
 * concrete types an entry reaches, which types declare a property, which
 * type names are near a misspelt one.
 */
import type { TypeModel } from '../model/types.js';
import { compatModel } from '../resolve/compat-model.js';
import { nearNormalized, normalizeName } from '../util/suggest.js';

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
    return this.model.hasProperty(type, prop) || this.reached(type).some((t) => this.model.hasProperty(t, prop));
  }

  /** Type names that differ from `name` only by a slip of the keyboard. */
  nearTypeNames(name: string): string[] {
    this.normalizedNames ??= [...this.model.names()].map((n) => [n, normalizeName(n)]);
    return nearNormalized(name, this.normalizedNames);
  }
}
