/**
 * Rules on single compat entries against the type model. QEMU applies a
 * machine's (or accelerator's) compat list with error_abort
 * (object_apply_global_props), so an entry that reaches an object and cannot
 * be applied there kills QEMU when that object is created: a value that does
 * not parse, or a non-optional entry on an object without the property.
 * Entries that reach nothing are dead, which is legitimate for groups shared
 * with other architectures and a typo otherwise.
 */
import type { JsonPath } from '../load/json.js';
import type { QomProperty } from '../model/types.js';
import { parseGlobalValue, referencesExist, type ValueResult } from '../resolve/values.js';
import { listNames } from './machine-graph.js';
import type { RawFinding, RuleId } from './rules.js';
import type { TypeIndex } from './type-index.js';
import { nearNames } from '../util/suggest.js';
import type { EntrySite } from './views.js';

export interface CompatRuleContext {
  readonly index: TypeIndex;
  readonly file: number;
  /** Where the entry comes from, for messages ("group compat-9.1 (appended by …)"). */
  describeSite(site: EntrySite): string;
  /** Other architectures' type names, when the definitions have them (loaded on demand). */
  otherArchTypes(): ReadonlyMap<string, ReadonlySet<string>>;
}

export function compatEntryFindings(sites: Iterable<EntrySite>, ctx: CompatRuleContext): RawFinding[] {
  const out: RawFinding[] = [];
  for (const site of sites) out.push(...checkEntry(site, ctx));
  return out;
}

function checkEntry(site: EntrySite, ctx: CompatRuleContext): RawFinding[] {
  const { index } = ctx;
  const at = (rule: RuleId, key: 'driver' | 'property' | 'value', message: string, hint?: string): RawFinding =>
    ({ rule, file: ctx.file, path: [...site.path, key] as JsonPath, message, ...(hint ? { hint } : {}) });
  const text = `${site.driver}.${site.property}=${site.value}`;
  // Only findings need it, and it scans the machines: compute it late.
  const where = (): string => ctx.describeSite(site);

  if (!index.model.has(site.driver)) return [unknownDriver(site, ctx, where(), at)];
  const reached = index.reached(site.driver);
  if (reached.length === 0) {
    return [at('compat-driver-unreached', 'driver',
      `${text} never applies: no object that takes compat props (devices, memory backends, accelerators, sev-guest) is a "${site.driver}"; ${where()}`)];
  }

  const { having, lacking } = index.reachedByProperty(site.driver, site.property);
  const out: RawFinding[] = [];
  if (lacking.length && !site.optional) {
    out.push(at('compat-property-missing', 'property',
      `QEMU aborts when it creates ${article(lacking[0]!)} ${lacking[0]}: "can't apply global ${text}: Property '${lacking[0]}.${site.property}' not found"` +
      (lacking.length > 1 ? `; it aborts on ${listNames(lacking.slice(1))} as well` : '') + `; ${where()}`,
      propertyHint(site, having, ctx)));
  } else if (lacking.length && having.length === 0) {
    // A property a slip away from one these types have is a typo, not a choice.
    const close = closeProperties(site, ctx);
    out.push(at(close.length ? 'compat-property-typo' : 'compat-property-unknown', 'property',
      `optional entry ${text} never applies: no type "${site.driver}" reaches has property "${site.property}"; ${where()}`,
      close.length ? didYouMean(close) : undefined));
  }
  const failure = firstValueFailure(site, having, index);
  if (failure) out.push(at('compat-value-invalid', 'value', valueMessage(site, failure, where()), valueHint(failure.result)));
  return out;
}

type At = (rule: RuleId, key: 'driver' | 'property' | 'value', message: string, hint?: string) => RawFinding;

/**
 * An entry whose driver is no type here. A name a slip away from a type that
 * offers the property is a typo: an error, since the entry silently never
 * applies (ICH9-LCP for ICH9-LPC). A name no type resembles is what QEMU's
 * shared lists are full of (hw_compat_* serves every architecture: arm-cpu,
 * pl011 on x86_64) and what a removed type leaves behind: a note. In between,
 * a property that only one type has points at that type: a warning.
 */
function unknownDriver(site: EntrySite, ctx: CompatRuleContext, where: string, at: At): RawFinding {
  const arch = ctx.index.arch ?? 'this architecture';
  const elsewhere = [...ctx.otherArchTypes()].filter(([, names]) => names.has(site.driver)).map(([a]) => a);
  const message = `"${site.driver}" is not a type of this binary (not in ${arch}): ${site.driver}.${site.property}=${site.value} never matches here; ${where}`;
  if (elsewhere.length) {
    return at('compat-driver-unknown', 'driver', `${message}; "${site.driver}" is a type of ${elsewhere.join(', ')}`,
      'expected when the group is shared by several architectures');
  }
  const near = nearDrivers(site, ctx.index);
  if (near.length) return at('compat-driver-typo', 'driver', message, didYouMean(near));
  const owner = onlyOwner(site, ctx.index);
  if (owner !== undefined) {
    return at('compat-driver-misnamed', 'driver', message, `did you mean "${owner}" (the only type with property "${site.property}")?`);
  }
  return at('compat-driver-unknown', 'driver', message,
    site.group ? 'expected if the group serves other architectures (or the type was removed); otherwise a typo' : 'a typo, or a type this binary does not build?');
}

/** Type names a keystroke away that offer the property (any, when no type has it). */
function nearDrivers(site: EntrySite, index: TypeIndex): string[] {
  const known = index.propertyFamilies(site.property).length > 0;
  return index.nearTypeNames(site.driver).filter((name) => !known || index.offers(name, site.property));
}

/**
 * The one type that has the property, when exactly one does (QEMU 10.0's
 * pflash_cfi01 entry sets a property only cfi.pflash01 has). A property that
 * a whole family has (mpx on every x86 CPU model) points nowhere.
 */
function onlyOwner(site: EntrySite, index: TypeIndex): string | undefined {
  const families = index.propertyFamilies(site.property);
  if (families.length !== 1) return undefined;
  const owners = index.reachedByProperty(families[0]!, site.property).having;
  return owners.length === 1 ? owners[0] : undefined;
}

function propertyHint(site: EntrySite, having: readonly string[], ctx: CompatRuleContext): string | undefined {
  if (having.length) {
    return `"${site.property}" exists on ${listNames(having)} but not on all types "${site.driver}" reaches: narrow the driver, or mark the entry optional`;
  }
  const close = closeProperties(site, ctx);
  return close.length ? didYouMean(close) : undefined;
}

/** Property names a slip away from the entry's, on the driver and the types it reaches. */
function closeProperties(site: EntrySite, ctx: CompatRuleContext): string[] {
  const names = new Set<string>();
  for (const t of [site.driver, ...ctx.index.reached(site.driver)]) for (const p of ctx.index.model.properties(t).keys()) names.add(p);
  return nearNames(site.property, names);
}

const didYouMean = (names: readonly string[]) => `did you mean ${names.map((c) => `"${c}"`).join(' or ')}?`;

interface ValueFailure { type: string; result: Extract<ValueResult, { ok: false }>; others: string[] }

/** The first reached type on which the value does not parse (QEMU names the concrete type in some messages). */
function firstValueFailure(site: EntrySite, having: readonly string[], index: TypeIndex): ValueFailure | undefined {
  // Backend and link lookups depend on the command line, not on the entry.
  const ctx = referencesExist(site.value);
  // A declaration that accepted the value accepts it on every type sharing it
  // (the ~150 CPU models share x86_64-cpu's); failures are parsed per type, as
  // some messages name the object's type.
  const accepted = new Set<QomProperty>();
  let failure: ValueFailure | undefined;
  for (const t of having) {
    const prop = index.model.typedDeclaration(t, site.property);
    if (!prop || accepted.has(prop)) continue;
    const result = parseGlobalValue(prop, site.value, t, ctx);
    if (result.ok) { accepted.add(prop); continue; }
    if (failure) failure.others.push(t);
    else failure = { type: t, result, others: [] };
  }
  return failure;
}

function valueMessage(site: EntrySite, f: ValueFailure, where: string): string {
  const also = f.others.length ? ` (likewise ${listNames(f.others)})` : '';
  if (f.result.abort) {
    return `QEMU crashes (SIGABRT) when it creates ${article(f.type)} ${f.type}${also} and applies ${site.driver}.${site.property}=${site.value}: "${f.result.reason}"; ${where}`;
  }
  return `value does not parse: QEMU aborts when it creates ${article(f.type)} ${f.type}${also}: ` +
    `"can't apply global ${site.driver}.${site.property}=${site.value}: ${f.result.reason}"; ${where}`;
}

function valueHint(result: Extract<ValueResult, { ok: false }>): string | undefined {
  if (result.abort) return 'the string input visitor cannot set this property at all: drop the entry';
  return 'compat values are parsed like -global values (qom-compat explain shows the property type)';
}

const article = (word: string) => (/^[aeiouAEIO]/.test(word) ? 'an' : 'a');
