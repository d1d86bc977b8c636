/**
 * The QOM type model: type ancestry, interfaces and properties, as QEMU's
 * object_dynamic_cast sees them. Entries of every list (compat slots, sugar,
 * -global) reach an object when its type is, descends from, or implements the
 * entry's driver.
 */
import type { PropertyDef, TypeDef } from '../load/schema.js';
import type { TextStore } from './text-store.js';

export interface QomProperty {
  readonly name: string;
  /** QOM property type; '' only while a default-only redeclaration is unmerged. */
  readonly type: string;
  /** Default in QEMU value syntax; null when unknown. */
  readonly default: string | null;
  readonly defaultFrom?: PropertyDef['defaultFrom'];
  readonly description?: string;
  readonly choices?: readonly string[];
  /** The type that declares (or last redeclares) this property. */
  readonly declaredBy: string;
}

export interface QomType {
  readonly name: string;
  readonly parent: string | null;
  readonly abstract: boolean;
  /** Interfaces declared on this type itself. */
  readonly interfaces: readonly string[];
  readonly module: boolean;
  /** Class hotpluggable flag; undefined for non-device types. */
  readonly hotpluggable?: boolean;
  /** Whether -device accepts it (DeviceClass.user_creatable); undefined for non-device types. */
  readonly userCreatable?: boolean;
  /** The bus a -device of this type plugs into, as `-device help` names it. */
  readonly bus?: string;
  /** -device aliases of this type (`virtio-net` for virtio-net-pci). */
  readonly aliases?: readonly string[];
  /** Properties declared or redeclared on this type (not inherited ones). */
  readonly ownProperties: ReadonlyMap<string, QomProperty>;
  /** CPU models: what query-cpu-model-expansion shows where it differs from the default (what realize makes of it). */
  readonly expansion?: Readonly<Record<string, string>>;
}

interface PropertyLookup { readonly has: boolean; readonly typed: QomProperty | undefined }
const NOT_FOUND: PropertyLookup = { has: false, typed: undefined };

export class TypeModel {
  /** Definitions not yet converted: most of the ~850 types (CPU models) are never looked at by one resolve. */
  private readonly raw = new Map<string, TypeDef>();
  /**
   * Compact models only: the heavy part of a raw definition (properties,
   * defaults, expansion), as JSON text in `store`, merged in when first
   * needed. Ancestry, interfaces and aliases never need it, and most of it is
   * CPU models (~300 properties each) that a run rarely looks at.
   */
  private readonly packed = new Map<string, number>();
  private readonly store: TextStore | undefined;
  private readonly types = new Map<string, QomType>();
  private readonly typeNames = new Set<string>();
  private readonly ancestryCache = new Map<string, readonly string[]>();
  private readonly interfaceFlag = new Map<string, boolean>();
  /** By property, then type (see lookup). */
  private readonly lookupCache = new Map<string, Map<string, PropertyLookup>>();
  private readonly interfaceCache = new Map<string, readonly string[]>();
  private readonly propertyCache = new Map<string, ReadonlyMap<string, QomProperty>>();
  /** Single own properties converted from raw definitions (see ownProperty). */
  private readonly ownCache = new Map<string, Map<string, QomProperty | undefined>>();
  private readonly declarationIndex = new Map<string, Map<string, PropertyDef>>();
  private aliasCache: Map<string, string> | undefined;
  private implementers: Map<string, string[]> | undefined;

  /** `store`: keep what each type declares there until first needed (for the start-up snapshot). */
  constructor(defs: readonly TypeDef[], opts: { store?: TextStore } = {}) {
    this.store = opts.store;
    for (const def of defs) {
      if (this.store) {
        const { properties, defaults, expansion, ...skeleton } = def;
        if (properties || defaults || expansion) this.packed.set(def.name, this.store.put(JSON.stringify({ properties, defaults, expansion })));
        this.raw.set(def.name, skeleton);
      } else {
        this.raw.set(def.name, def);
      }
      this.typeNames.add(def.name);
    }
  }

  /** The raw definition with what it declares (see `packed`). */
  private rawDef(name: string): TypeDef | undefined {
    const def = this.raw.get(name);
    const handle = this.packed.get(name);
    if (!def || handle === undefined) return def;
    // A new object: a derived model may share the skeleton.
    const full: TypeDef = { ...def, ...(JSON.parse(this.store!.get(handle)) as Pick<TypeDef, 'properties' | 'defaults' | 'expansion'>) };
    this.raw.set(name, full);
    this.packed.delete(name);
    return full;
  }

  /**
   * A variant of this model with some types added or re-parented (the
   * OBJECT_COMPAT RFC moves device, memory-backend, accel, … under a new root).
   * `strip` drops own properties of a re-parented type by name.
   */
  derive(changes: { add?: readonly QomType[]; reparent?: ReadonlyMap<string, string>; strip?: (type: string, prop: string) => boolean }): TypeModel {
    const next = new TypeModel([], this.store ? { store: this.store } : {});
    for (const name of this.typeNames) {
      next.typeNames.add(name);
      const parent = changes.reparent?.get(name);
      if (parent === undefined) {
        const def = this.raw.get(name);
        const handle = this.packed.get(name);
        if (handle !== undefined) next.packed.set(name, handle);
        if (def) next.raw.set(name, def); else next.types.set(name, this.types.get(name)!);
        continue;
      }
      const t = this.get(name)!;
      const own = new Map([...t.ownProperties].filter(([n]) => !changes.strip?.(t.name, n)));
      next.types.set(name, { ...t, parent, ownProperties: own });
    }
    for (const t of changes.add ?? []) {
      next.types.set(t.name, t);
      next.typeNames.add(t.name);
    }
    return next;
  }

  get size(): number { return this.typeNames.size; }
  names(): IterableIterator<string> { return this.typeNames.values(); }
  *all(): IterableIterator<QomType> { for (const n of this.typeNames) yield this.get(n)!; }
  has(name: string): boolean { return this.typeNames.has(name); }
  get(name: string): QomType | undefined {
    const t = this.types.get(name);
    if (t) return t;
    const def = this.rawDef(name);
    if (!def) return undefined;
    const converted = toQomType(def);
    this.types.set(name, converted);
    this.raw.delete(name);
    return converted;
  }

  /** The abstract flag, without converting the type. */
  isAbstract(type: string): boolean {
    return this.types.get(type)?.abstract ?? this.raw.get(type)?.abstract ?? false;
  }

  /** What query-cpu-model-expansion shows for `prop` of CPU model `type`, where it differs from the default. */
  expandedValue(type: string, prop: string): string | undefined {
    // Only expanded models carry `expansion`; an ancestor's holds what all of them show alike.
    if (!this.ownExpansion(type)) return undefined;
    for (const t of this.ancestry(type)) {
      const e = this.ownExpansion(t);
      if (e && Object.hasOwn(e, prop)) return e[prop];
    }
    return undefined;
  }

  private ownExpansion(type: string): Readonly<Record<string, string>> | undefined {
    const t = this.types.get(type);
    return t ? t.expansion : this.rawDef(type)?.expansion;
  }

  /** Whether `type` itself declares `prop` (a full or a default-only declaration), without converting it. */
  declares(type: string, prop: string): boolean {
    const t = this.types.get(type);
    if (t) return t.ownProperties.has(prop);
    const d = this.rawDef(type);
    if (!d) return false;
    return (d.defaults !== undefined && Object.hasOwn(d.defaults, prop)) || this.rawDeclaration(d, prop) !== undefined;
  }

  /** The last entry for `prop` in the type's own `properties` list. */
  private rawDeclaration(def: TypeDef, prop: string): PropertyDef | undefined {
    const list = def.properties;
    if (!list) return undefined;
    // Most types declare a handful of properties: a scan beats building a Map.
    if (list.length < 32) {
      for (let i = list.length - 1; i >= 0; i--) if (list[i]!.name === prop) return list[i];
      return undefined;
    }
    let index = this.declarationIndex.get(def.name);
    if (!index) this.declarationIndex.set(def.name, (index = new Map(list.map((p) => [p.name, p]))));
    return index.get(prop);
  }

  /** Types that themselves declare `prop` (fully or default-only), in model order. One lean scan. */
  declaringTypes(prop: string): string[] {
    const out: string[] = [];
    for (const name of this.typeNames) if (this.declares(name, prop)) out.push(name);
    return out;
  }

  /**
   * The type's own declaration of `prop`, converted alone: a compat entry on
   * `device` asks one property of ~500 types, and converting each whole type
   * (a CPU model has ~300 defaults) would cost far more than the question.
   */
  private ownProperty(type: string, prop: string): QomProperty | undefined {
    const t = this.types.get(type);
    if (t) return t.ownProperties.get(prop);
    const def = this.rawDef(type);
    if (!def) return undefined;
    let own = this.ownCache.get(type);
    if (!own) this.ownCache.set(type, (own = new Map()));
    if (own.has(prop)) return own.get(prop);
    const decl = this.rawDeclaration(def, prop);
    const converted = decl ? toQomProperty(decl, def.name)
      : def.defaults !== undefined && Object.hasOwn(def.defaults, prop) ? defaultOnly(prop, def.defaults[prop]!, def)
      : undefined;
    own.set(prop, converted);
    return converted;
  }

  /** Whether `type` itself declares any property. */
  declaresAny(type: string): boolean {
    const t = this.types.get(type);
    if (t) return t.ownProperties.size > 0;
    const d = this.rawDef(type);
    return !!d && ((d.properties?.length ?? 0) > 0 || Object.keys(d.defaults ?? {}).length > 0);
  }

  private parentOf(name: string): string | null | undefined {
    const t = this.types.get(name);
    const parent = t ? t.parent : this.raw.get(name)?.parent;
    return parent !== null && parent !== undefined && this.has(parent) ? parent : undefined;
  }

  /** The type and its parents, nearest first, ending at the root. Stops at a cycle or a missing parent. */
  ancestry(name: string): readonly string[] {
    const cached = this.ancestryCache.get(name);
    if (cached) return cached;
    const chain: string[] = [];
    const seen = new Set<string>();
    // Parents only: no need to convert every ancestor's properties.
    for (let t: string | null | undefined = this.has(name) ? name : undefined; t && !seen.has(t); t = this.parentOf(t)) {
      seen.add(t);
      chain.push(t);
    }
    this.ancestryCache.set(name, chain);
    return chain;
  }

  /**
   * ObjectClass.interfaces: the parent's list, then each interface the type
   * declares unless an entry already is or descends from it (type_initialize).
   */
  classInterfaces(type: string): readonly string[] {
    const cached = this.interfaceCache.get(type);
    if (cached) return cached;
    const list: string[] = [];
    for (const ancestor of [...this.ancestry(type)].reverse()) {
      for (const iface of this.types.get(ancestor)?.interfaces ?? this.raw.get(ancestor)?.interfaces ?? []) {
        if (!this.has(iface) || list.some((entry) => this.ancestry(entry).includes(iface))) continue;
        list.push(iface);
      }
    }
    this.interfaceCache.set(type, list);
    return list;
  }

  /**
   * object_class_dynamic_cast(class of `type`, `target`) != NULL, as
   * qom/object.c decides it: the type or an ancestor, or, for an interface
   * target, exactly one of the class's interfaces that is or descends from it
   * (an ambiguous cast fails, so `-global interface.x=1` reaches no device).
   */
  isA(type: string, target: string): boolean {
    if (type === target) return true;
    if (!this.has(target) || !this.has(type)) return false;
    const ifaces = this.classInterfaces(type);
    // Ancestry chains are short: scanning them beats a cache keyed by both names.
    if (ifaces.length === 0 || !this.isInterface(target)) return this.ancestry(type).includes(target);
    let matches = 0;
    for (const i of ifaces) if (this.ancestry(i).includes(target)) matches++;
    return matches === 1;
  }

  private isInterface(type: string): boolean {
    let known = this.interfaceFlag.get(type);
    if (known === undefined) this.interfaceFlag.set(type, (known = this.ancestry(type).includes('interface')));
    return known;
  }

  /** Every name `isA(type, name)` holds for: ancestors and (unambiguous) interfaces with their parents. */
  castTargets(type: string): string[] {
    const chain = this.ancestry(type);
    const ifaces = this.classInterfaces(type);
    if (ifaces.length === 0) return [...chain];
    // An interface target is reached through exactly one of the class's interfaces, or not at all.
    const paths = new Map<string, number>();
    for (const i of ifaces) for (const a of this.ancestry(i)) paths.set(a, (paths.get(a) ?? 0) + 1);
    const out = chain.filter((a, k) => k === 0 || !this.isInterface(a) || paths.get(a) === 1);
    for (const [a, n] of paths) if (n === 1 && this.isInterface(a) && !out.includes(a)) out.push(a);
    return out;
  }

  /** All properties of an instance of `type`, inherited ones included, by name. */
  properties(type: string): ReadonlyMap<string, QomProperty> {
    const cached = this.propertyCache.get(type);
    if (cached) return cached;
    const merged = new Map<string, QomProperty>();
    for (const ancestor of [...this.ancestry(type)].reverse()) {
      for (const [n, p] of this.get(ancestor)!.ownProperties) {
        const inherited = merged.get(n);
        // A redeclaration that only changes the default keeps the inherited type and description.
        merged.set(n, p.type === '' && inherited ? { ...inherited, default: p.default, defaultFrom: p.defaultFrom, declaredBy: p.declaredBy } : p);
      }
    }
    this.propertyCache.set(type, merged);
    return merged;
  }

  /** One property as an instance of `type` has it; walks the ancestry instead of merging every property. */
  property(type: string, prop: string): QomProperty | undefined {
    const cached = this.propertyCache.get(type);
    if (cached) return cached.get(prop);
    let nearest: QomProperty | undefined;
    for (const t of this.ancestry(type)) {
      const p = this.ownProperty(t, prop);
      if (!p) continue;
      nearest ??= p;
      // A default-only redeclaration takes type and description from the declaration it overrides.
      if (p.type !== '') return nearest === p ? p : { ...p, default: nearest.default, defaultFrom: nearest.defaultFrom, declaredBy: nearest.declaredBy };
    }
    return nearest;
  }

  /** Whether an instance of `type` has `prop`: a cheaper property() !== undefined (no merging). */
  hasProperty(type: string, prop: string): boolean {
    return this.lookup(type, prop).has;
  }

  /**
   * The nearest declaration of `prop` that gives its QOM type: what parsing a
   * value depends on. Shared by every subtype that only changes the default,
   * so callers may cache per declaration.
   */
  typedDeclaration(type: string, prop: string): QomProperty | undefined {
    return this.lookup(type, prop).typed;
  }

  /**
   * hasProperty and typedDeclaration, memoised per property along the
   * ancestry: a compat entry on pci-device asks about ~200 types that share a
   * few ancestors, so each type costs one own lookup and one parent hit.
   * Types on a parent cycle are not memoised (their chains are not suffixes of each other).
   */
  private lookup(type: string, prop: string): PropertyLookup {
    let byType = this.lookupCache.get(prop);
    if (!byType) this.lookupCache.set(prop, (byType = new Map()));
    const hit = byType.get(type);
    if (hit) return hit;
    const chain = this.ancestry(type);
    const acyclic = chain.length > 0 && this.parentOf(chain[chain.length - 1]!) === undefined;
    if (!acyclic) {
      let acc = NOT_FOUND;
      for (let k = chain.length - 1; k >= 0; k--) acc = this.step(chain[k]!, prop, acc);
      return acc;
    }
    // Down from the nearest ancestor already answered, recording every type on the way.
    let k = 1;
    while (k < chain.length && !byType.has(chain[k]!)) k++;
    let acc = k < chain.length ? byType.get(chain[k]!)! : NOT_FOUND;
    for (k--; k >= 0; k--) {
      acc = this.step(chain[k]!, prop, acc);
      byType.set(chain[k]!, acc);
    }
    return acc;
  }

  /** The lookup for `type`, given its parent's. */
  private step(type: string, prop: string, parent: PropertyLookup): PropertyLookup {
    if (!this.declares(type, prop)) return parent;
    const own = this.ownProperty(type, prop)!;
    return own.type !== '' ? { has: true, typed: own } : parent.has ? parent : { has: true, typed: parent.typed };
  }

  /** qdev_get_device_class(): a -device driver names a type, or else is a -device alias of one. */
  deviceType(driver: string): string {
    if (this.has(driver)) return driver;
    if (!this.aliasCache) {
      this.aliasCache = new Map();
      // From the raw definitions where unconverted: converting every type to read a few aliases costs.
      for (const n of this.typeNames) for (const a of (this.types.get(n) ?? this.raw.get(n))?.aliases ?? []) this.aliasCache.set(a, n);
    }
    return this.aliasCache.get(driver) ?? driver;
  }

  /**
   * Concrete types that are, descend from, or implement `driver` (in name
   * order): qom-list-types implements=DRIVER. Built once for every driver from
   * each concrete type's cast targets, without converting any type.
   */
  concreteSubtypes(driver: string): readonly string[] {
    if (!this.implementers) {
      const index = new Map<string, string[]>();
      for (const name of [...this.typeNames].sort()) {
        if (this.isAbstract(name)) continue;
        for (const target of this.castTargets(name)) {
          let list = index.get(target);
          if (!list) index.set(target, (list = []));
          list.push(name);
        }
      }
      this.implementers = index;
    }
    return this.implementers.get(driver) ?? [];
  }
}

function toQomProperty(p: PropertyDef, declaredBy: string): QomProperty {
  return {
    name: p.name,
    type: p.type ?? '',
    default: p.default ?? null,
    ...(p.defaultFrom ? { defaultFrom: p.defaultFrom } : {}),
    ...(p.description !== undefined ? { description: p.description } : {}),
    ...(p.choices ? { choices: p.choices } : {}),
    declaredBy,
  };
}

/** A default-only redeclaration (the `defaults` record); merged with the inherited declaration by properties(). */
function defaultOnly(name: string, value: string, def: TypeDef): QomProperty {
  return { name, type: '', default: value, ...(def.defaultsFrom ? { defaultFrom: def.defaultsFrom } : {}), declaredBy: def.name };
}

function toQomType(def: TypeDef): QomType {
  const ownProperties = new Map<string, QomProperty>();
  for (const p of def.properties ?? []) ownProperties.set(p.name, toQomProperty(p, def.name));
  for (const [name, value] of Object.entries(def.defaults ?? {})) {
    if (!ownProperties.has(name)) ownProperties.set(name, defaultOnly(name, value, def));
  }
  return {
    name: def.name,
    parent: def.parent,
    abstract: def.abstract ?? false,
    interfaces: def.interfaces ?? [],
    module: def.module ?? false,
    ...(def.hotpluggable !== undefined ? { hotpluggable: def.hotpluggable } : {}),
    ...(def.userCreatable !== undefined ? { userCreatable: def.userCreatable } : {}),
    ...(def.bus !== undefined ? { bus: def.bus } : {}),
    ...(def.aliases ? { aliases: def.aliases } : {}),
    ownProperties,
    ...(def.expansion ? { expansion: def.expansion } : {}),
  };
}
