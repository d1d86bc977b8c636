/**
 * Builds the QOM type model file from what QMP and the probes reported. Each
 * type stores only the properties it declares or redeclares differently from
 * its parent, so the file stays reviewable; the model merges them back.
 */
import type { PropertyDef, TypeDef, TypesFile } from '../load/schema.js';
import type { ExactJson } from '../qemu/json-exact.js';
import type { QmpProperty, QmpType } from './qmp-introspect.js';
import { choicesFromDescription as choicesInDescription } from '../resolve/values.js';

export interface TypeFacts {
  types: readonly QmpType[];
  /** interface name → every type that is, inherits from or implements it */
  implementers: ReadonlyMap<string, readonly string[]>;
  /** type → qom-list-properties answer (null when QMP refused) */
  properties: ReadonlyMap<string, readonly QmpProperty[] | null>;
  deviceTypes: ReadonlySet<string>;
  notHotpluggable: ReadonlySet<string>;
  moduleTypes: ReadonlySet<string>;
  /** type → property → default learned from an instance or a CPU model expansion */
  instanceDefaults: ReadonlyMap<string, ReadonlyMap<string, string>>;
  cpuModelTypes: ReadonlySet<string>;
  /** CPU model type → property → what query-cpu-model-expansion (full) shows */
  cpuExpansions: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** `-device help`: user-creatable device types with bus and aliases */
  deviceHelp: ReadonlyMap<string, { bus?: string; aliases: readonly string[] }>;
}

/** Renders a QMP value in QEMU's value syntax, as the string input visitor would accept it. */
export function qmpValueToText(v: ExactJson): string | null {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return v;
  return null;
}

const NON_ENUM_TYPES = /^(bool|str|string|u?int(8|16|32|64)?|size|number|busnr|list|strList|link<.*>|child<.*>)$/;

/** Enum choices as QEMU spells them in the description ("on/off/auto", "Policy … (discard/delay/slew)"). */
export function choicesFromDescription(type: string, description: string | undefined): string[] | undefined {
  return NON_ENUM_TYPES.test(type) ? undefined : choicesInDescription(description);
}

export function deriveTypes(arch: string, facts: TypeFacts): TypesFile {
  const parentOf = new Map(facts.types.map((t) => [t.name, t.parent]));
  const interfacesOf = directInterfaces(facts, parentOf);
  const effective = new Map<string, Map<string, PropertyDef>>();
  const effectiveOf = (name: string | null): Map<string, PropertyDef> => {
    if (!name) return new Map();
    const cached = effective.get(name);
    if (cached) return cached;
    const merged = new Map(effectiveOf(parentOf.get(name) ?? null));
    for (const p of propertyDefs(name, facts)) merged.set(p.name, p);
    effective.set(name, merged);
    return merged;
  };

  const types: TypeDef[] = [...facts.types].sort((a, b) => (a.name < b.name ? -1 : 1)).map((t) => {
    const inherited = effectiveOf(t.parent);
    const own = propertyDefs(t.name, facts).filter((p) => !sameProperty(inherited.get(p.name), p)).map((p) => defaultOnly(inherited.get(p.name), p));
    effectiveOf(t.name);
    const def: TypeDef = { name: t.name, parent: t.parent };
    if (t.abstract) def.abstract = true;
    const ifaces = interfacesOf.get(t.name);
    if (ifaces?.length) def.interfaces = ifaces;
    if (facts.moduleTypes.has(t.name)) def.module = true;
    if (facts.deviceTypes.has(t.name)) {
      def.hotpluggable = !facts.notHotpluggable.has(t.name);
      const help = facts.deviceHelp.get(t.name);
      if (!t.abstract) def.userCreatable = !!help;
      if (help?.bus) def.bus = help.bus;
      if (help?.aliases.length) def.aliases = [...help.aliases];
    }
    const { properties, defaults, from } = splitDefaultOnly(own);
    if (properties.length) def.properties = properties;
    if (defaults) { def.defaults = defaults; def.defaultsFrom = from!; }
    return def;
  });
  placeExpansions(types, facts.cpuExpansions, (type, prop) => effectiveOf(type).get(prop)?.default);
  return { arch, types };
}

/**
 * Stores what each CPU model's expansion shows, compactly: values every
 * expanded model shows alike go once on their nearest common ancestor
 * (x86_64-cpu), and each model keeps only what differs from that or from its
 * own default. Every expanded model carries `expansion` (maybe empty), which
 * tells the model that its ancestors' entries apply to it (TypeModel.expandedValue).
 */
export function placeExpansions(
  defs: TypeDef[],
  expanded: ReadonlyMap<string, ReadonlyMap<string, string>>,
  defaultOf: (type: string, prop: string) => string | null | undefined,
): void {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const models = defs.filter((d) => expanded.has(d.name));
  if (models.length === 0) return;
  const chain = (name: string): string[] => {
    const out: string[] = [];
    for (let t: string | null | undefined = name; t && !out.includes(t); t = byName.get(t)?.parent) out.push(t);
    return out;
  };
  const chains = models.map((m) => chain(m.name));
  const common = chains[0]!.find((a) => !expanded.has(a) && chains.every((c) => c.includes(a)));
  const shared = new Map<string, string>();
  if (common) {
    for (const [prop, value] of expanded.get(models[0]!.name)!) {
      if (models.every((m) => expanded.get(m.name)!.get(prop) === value) && defaultOf(common, prop) !== value && defaultOf(common, prop) !== undefined) shared.set(prop, value);
    }
    if (shared.size) byName.get(common)!.expansion = sortedRecord(shared);
  }
  for (const m of models) {
    const own = new Map<string, string>();
    for (const [prop, value] of expanded.get(m.name)!) {
      const def = defaultOf(m.name, prop);
      if (def === undefined) continue; // not a property of the type as QMP lists it
      if ((shared.get(prop) ?? def) !== value) own.set(prop, value);
    }
    m.expansion = sortedRecord(own);
  }
}

function sortedRecord(values: ReadonlyMap<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [...values.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) out[k] = values.get(k)!;
  return out;
}

function propertyDefs(type: string, facts: TypeFacts): PropertyDef[] {
  const list = facts.properties.get(type) ?? [];
  const learned = facts.instanceDefaults.get(type);
  return [...list].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((p) => {
    const def: PropertyDef = { name: p.name, type: p.type };
    const fromQmp = p.defaultValue !== undefined ? qmpValueToText(p.defaultValue) : null;
    const fromInstance = learned?.get(p.name);
    if (fromQmp !== null) { def.default = fromQmp; def.defaultFrom = 'qmp'; }
    else if (fromInstance !== undefined) { def.default = fromInstance; def.defaultFrom = facts.cpuModelTypes.has(type) ? 'cpu-model' : 'instance'; }
    else def.default = null;
    if (p.description !== undefined) def.description = p.description;
    const choices = choicesFromDescription(p.type, p.description);
    if (choices) def.choices = choices;
    return def;
  });
}

/**
 * Default-only redeclarations all learned the same way go into one
 * `defaults` object (an x86 CPU model changes ~280 feature defaults).
 */
function splitDefaultOnly(own: PropertyDef[]): { properties: PropertyDef[]; defaults?: Record<string, string>; from?: NonNullable<PropertyDef['defaultFrom']> } {
  const defaultOnly = own.filter((p) => p.type === undefined && typeof p.default === 'string' && p.defaultFrom !== undefined);
  const from = defaultOnly[0]?.defaultFrom;
  if (!from || defaultOnly.some((p) => p.defaultFrom !== from)) return { properties: own };
  const defaults: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const p of defaultOnly) defaults[p.name] = p.default!;
  return { properties: own.filter((p) => !defaultOnly.includes(p)), defaults, from };
}

/** A redeclaration that differs only in its default stores just the default (CPU models: ~150 features each). */
function defaultOnly(inherited: PropertyDef | undefined, p: PropertyDef): PropertyDef {
  if (!inherited || inherited.type !== p.type || inherited.description !== p.description) return p;
  const { type: _t, description: _d, choices: _c, ...rest } = p;
  return rest;
}

function sameProperty(a: PropertyDef | undefined, b: PropertyDef): boolean {
  return !!a && a.type === b.type && a.default === b.default && a.defaultFrom === b.defaultFrom && a.description === b.description;
}

/** Interfaces a type adds itself: those it implements that its parent does not. */
function directInterfaces(facts: TypeFacts, parentOf: ReadonlyMap<string, string | null>): Map<string, string[]> {
  const implemented = new Map<string, Set<string>>();
  for (const [iface, list] of facts.implementers) {
    for (const t of list) {
      if (isAncestor(iface, t, parentOf)) continue;
      const set = implemented.get(t) ?? new Set();
      set.add(iface);
      implemented.set(t, set);
    }
  }
  const out = new Map<string, string[]>();
  for (const [t, set] of implemented) {
    const parent = parentOf.get(t);
    const fromParent = parent ? implemented.get(parent) : undefined;
    const own = [...set].filter((i) => !fromParent?.has(i)).sort();
    if (own.length) out.set(t, own);
  }
  return out;
}

function isAncestor(candidate: string, type: string, parentOf: ReadonlyMap<string, string | null>): boolean {
  for (let t: string | null | undefined = type; t; t = parentOf.get(t)) if (t === candidate) return true;
  return false;
}
