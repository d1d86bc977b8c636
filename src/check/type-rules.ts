/**
 * Rules on the QOM type model (types.json): every type but `object` and
 * `interface` has a parent that exists, ancestry ends (QOM refuses cycles at
 * type registration), names are unique, and recorded defaults parse for their
 * property type (a default that does not parse means the importer or a hand
 * edit mis-recorded it, and every "unchanged from default" answer is wrong).
 */
import type { JsonPath } from '../load/json.js';
import type { PropertyDef } from '../load/schema.js';
import type { QomProperty, TypeModel } from '../model/types.js';
import { parseGlobalValue, referencesExist } from '../resolve/values.js';
import type { RawFinding, RuleId } from './rules.js';
import { nearNames } from '../util/suggest.js';
import type { TypesView, TypeView } from './views.js';

export function typeFindings(view: TypesView, model: TypeModel, file: number): RawFinding[] {
  const out: RawFinding[] = [];
  const report = (rule: RuleId, path: JsonPath, message: RawFinding['message'], hint?: string) =>
    out.push({ rule, file, path, message, ...(hint ? { hint } : {}) });
  const first = new Map<string, TypeView>();
  for (const t of view.types) {
    const earlier = first.get(t.def.name);
    if (earlier) {
      report('type-duplicate', [...t.path, 'name'],
        (lineOf) => `type "${t.def.name}" is defined twice (first on line ${lineOf([...earlier.path, 'name'])}); the model keeps the last one`);
    } else {
      first.set(t.def.name, t);
    }
  }
  for (const t of view.types) {
    references(t, model, report);
    if (first.get(t.def.name) === t) cycle(t, model, report);
    if (!t.partial) defaults(t, model, report);
  }
  return out;
}

type Report = (rule: RuleId, path: JsonPath, message: RawFinding['message'], hint?: string) => void;

const didYouMean = (name: string, model: TypeModel): string | undefined => {
  const close = nearNames(name, model.names());
  return close.length ? `did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : undefined;
};

function references(t: TypeView, model: TypeModel, report: Report): void {
  const { parent, interfaces = [] } = t.def;
  if (parent !== null && !model.has(parent)) {
    report('type-parent-unknown', [...t.path, 'parent'],
      `type "${t.def.name}" has parent "${parent}", which is not a type: it inherits no properties and no driver reaches it through its ancestors`,
      didYouMean(parent, model));
  }
  interfaces.forEach((iface, k) => {
    if (!model.has(iface)) {
      report('type-parent-unknown', [...t.path, 'interfaces', k],
        `type "${t.def.name}" implements "${iface}", which is not a type`, didYouMean(iface, model));
    }
  });
}

function cycle(t: TypeView, model: TypeModel, report: Report): void {
  // ancestry() stops before a repeat: the type is on a cycle when the last
  // ancestor's parent leads back to it.
  const chain = model.ancestry(t.def.name);
  const last = model.get(chain[chain.length - 1]!);
  if (last?.parent !== t.def.name) return;
  report('type-cycle', [...t.path, 'parent'],
    `types are each other's ancestors: ${[...chain, t.def.name].join(' → ')}`,
    'QOM types form a tree rooted at "object"');
}

/**
 * Most defaults repeat (a property redeclared along a family, "false", "0"):
 * a declaration that parsed once parses again, unless its setter depends on
 * the owning type (x86 CPU and memory backend properties).
 */
const acceptedDefaults = new Set<string>();
/** Values accepted for types whose parse depends on the type alone, by type. */
const acceptedByType = new Map<string, Set<string>>();
const BY_TYPE_ALONE = new Set(['bool', 'uint8', 'uint16', 'uint32', 'uint64', 'int8', 'int16', 'int32', 'int64', 'int']);

/**
 * Booleans parse by type alone; integers too outside CPUs and backends (whose
 * setters check ranges of their own); strings, sizes and enums may depend on
 * the name, description or choices.
 */
const parsesByTypeAlone = (type: string, ownerKind: string): boolean => (ownerKind === '' || type === 'bool') && BY_TYPE_ALONE.has(type);

function defaults(t: TypeView, model: TypeModel, report: Report): void {
  const { def } = t;
  const ownerKind = /-(x86_64|i386)-cpu$/.test(def.name) ? 'cpu' : def.name.startsWith('memory-backend') ? 'hostmem' : '';
  // Inherited declarations are looked up one property at a time (memoised along the
  // ancestry by the model) instead of merging every parent's properties.
  const parent = def.parent !== null && model.has(def.parent) ? def.parent : undefined;
  const inherited = (name: string) => (parent === undefined ? undefined : model.typedDeclaration(parent, name));
  const list = def.properties ?? [];
  // As in the model, the last declaration of a name counts.
  const own = new Map<string, PropertyDef>();
  for (const p of list) own.set(p.name, p);
  const problem = (name: string, value: string, decl: PropertyDef | undefined, path: JsonPath) => {
    const base = inherited(name);
    const reason = defaultProblem(def.name, ownerKind, name, value, decl, base);
    if (reason === undefined) return;
    report('type-default-invalid', path, `default "${value}" of ${def.name}.${name} (${decl?.type ?? base?.type}) does not parse: ${reason}`,
      'record the default in QEMU value syntax (as -global takes it), or null when unknown');
  };
  for (let j = 0; j < list.length; j++) {
    const decl = list[j]!;
    if (decl.default === null || decl.default === undefined || own.get(decl.name) !== decl) continue;
    if (isAccepted(decl.type ?? inherited(decl.name)?.type, ownerKind, decl.default)) continue;
    problem(decl.name, decl.default, decl, [...t.path, 'properties', j, 'default']);
  }
  // The defaults record: ~240 per CPU model, nearly all booleans already seen. Keep this loop lean.
  const record = def.defaults;
  if (!record) return;
  // for-in: the record is parsed JSON (own members only) and this is the hottest loop of `check`.
  for (const name in record) {
    const value = record[name];
    if (value === null || value === undefined || (list.length > 0 && own.has(name))) continue;
    if (isAccepted(inherited(name)?.type, ownerKind, value)) continue;
    problem(name, value, undefined, [...t.path, 'defaults', name]);
  }
}

/** Whether a value of a type that parses by type alone was accepted before (the common case, answered cheaply). */
function isAccepted(type: string | undefined, ownerKind: string, value: string): boolean {
  return type !== undefined && parsesByTypeAlone(type, ownerKind) && (acceptedByType.get(type)?.has(value) ?? false);
}

/** Why a recorded default does not parse for its property type; undefined when it does (or the type is unknown). */
function defaultProblem(owner: string, ownerKind: string, name: string, value: string, decl: PropertyDef | undefined,
  base: QomProperty | undefined): string | undefined {
  const type = decl?.type ?? base?.type;
  if (!type) return undefined;
  const description = decl ? decl.description : base?.description;
  const choices = decl?.type ? decl.choices : base?.choices;
  const byTypeAlone = parsesByTypeAlone(type, ownerKind);
  if (byTypeAlone && !acceptedByType.has(type)) acceptedByType.set(type, new Set());
  const seen = byTypeAlone ? acceptedByType.get(type)! : acceptedDefaults;
  const key = byTypeAlone ? value : [ownerKind, name, type, value, description ?? '', (choices ?? []).join('/')].join('\u0000');
  if (seen.has(key)) return undefined;
  const prop = { name, type, ...(description !== undefined ? { description } : {}), ...(choices ? { choices: [...choices] } : {}) };
  const parsed = parseGlobalValue(prop, value, owner, referencesExist(value));
  // An assertion in the visitor (PCI addr) says nothing about the default itself.
  if (parsed.ok || parsed.abort) {
    seen.add(key);
    return undefined;
  }
  return parsed.reason.split('\n')[0];
}
