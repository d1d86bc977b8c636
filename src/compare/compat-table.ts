/**
 * The compat table: one row per (driver, property) that any selected
 * machine's compat list touches, one column per machine (and per definition
 * set, like the peer's several binaries), each cell the value that machine
 * type gives the property before the user adds anything.
 *
 * Rows follow scripts/compare-machine-types.py: an entry on a driver reaches
 * every concrete type that is, descends from or implements it (qom-list-types
 * implements=DRIVER), later entries win, and an entry on a driver the binary
 * does not know keeps its own row. Cells differ from the peer only where QEMU
 * does something else than the peer assumes, or where the definitions know a
 * default the peer cannot read; each such cell says why (`differs`).
 */
import type { Definitions } from '../load/build.js';
import type { SourcedCompatEntry } from '../model/machines.js';
import type { CompatModel } from '../resolve/compat-model.js';
import { scanCInteger } from '../resolve/values.js';
import { comparePeerMachines, PEER_TEXT, peerGetter, peerNormalise, pythonText } from './peer.js';

/** One set of definitions (one QEMU binary's import) with the compat model to read it with. */
export interface CompareSet {
  /** Column label, as the peer labels a column with its binary. */
  readonly label: string;
  readonly defs: Definitions;
  readonly model: CompatModel;
}

export interface CompareColumn {
  readonly set: string;
  readonly machine: string;
  readonly qemuVersion: string | null;
}

/**
 * How a cell got its value:
 * - compat: the machine's compat entry (the last one for this type and property);
 * - default: the type's default, no entry;
 * - not-applied: an entry names the type, but QEMU applies no machine compat to objects of this type;
 * - reset: QEMU applies the entry, then its code overwrites the value (10.0.2's sev-guest);
 * - optional-skipped: an optional entry on a type without the property, which QEMU skips;
 * - unknown-driver: the binary has no such type;
 * - unknown-property: the type has no such property;
 * - unknown-default: the type has the property, but its default was not learned;
 * - compat-unknown: the set's binary reports no compat lists (QEMU before 9.1; see abi-check).
 */
export type CellKind = 'compat' | 'default' | 'not-applied' | 'reset' | 'optional-skipped' | 'unknown-driver' | 'unknown-property' | 'unknown-default' | 'compat-unknown';

/** The cell of a set whose binary reports no compat lists (QEMU before 9.1). */
export const COMPAT_UNKNOWN = 'No compat lists (QEMU < 9.1)';

/** Why a cell differs from what compare-machine-types.py shows (the README lists each). */
export type PeerDifference =
  /** The peer's getter has no default (QMP reports none, or its method cannot read this type); the import learned it from an instance. */
  | 'default-learned'
  /** The peer has no method for objects other than devices, CPUs and memory backends; QMP reports the class default. */
  | 'object-default'
  /** The peer shows the entry's value, but QEMU skips an optional entry on a type without the property. */
  | 'optional-skipped'
  /** The peer shows the entry's value, but QEMU applies no machine compat to this type. */
  | 'not-applied'
  /** The peer shows the entry's value, but QEMU code overwrites it after compat. */
  | 'reset'
  /** device-list-properties hides the property (a `legacy-` name, or one of DeviceState's own), so the peer calls it unknown. */
  | 'hidden-property';

export interface CompareCell {
  /** The cell text, in the peer's syntax (a compat entry's value as written; a default as Python's str() of QMP's value). */
  readonly value: string;
  readonly kind: CellKind;
  /** The entry that set the value, or that QEMU skipped or overwrote. */
  readonly entry?: SourcedCompatEntry;
  /** What the peer shows, where it differs, and why. */
  readonly peer?: { readonly value: string; readonly reason: PeerDifference };
}

export interface CompareRow {
  readonly driver: string;
  readonly property: string;
  readonly cells: readonly CompareCell[];
  /** Row number in the full (raw) table, as the peer's CSV index keeps it after dropping rows. */
  readonly index: number;
}

export interface CompatTable {
  readonly columns: readonly CompareColumn[];
  readonly rows: readonly CompareRow[];
}

export interface CompareOptions {
  /** Machines per set, by canonical name; undefined: every machine of the set. */
  readonly machines?: readonly string[];
  /** Keep every row and every value as written (the peer's --raw). */
  readonly raw: boolean;
  /** Only rows whose driver matches (shell glob). */
  readonly driverGlob?: string;
}

export function buildCompatTable(sets: readonly CompareSet[], opts: CompareOptions): CompatTable {
  const plans = sets.map((set) => planSet(set, opts.machines));
  const keys = new Map<string, Set<string>>();
  for (const plan of plans) {
    for (const [driver, props] of plan.reaching) {
      let set = keys.get(driver);
      if (!set) keys.set(driver, (set = new Set()));
      for (const p of props.keys()) set.add(p);
    }
  }
  const columns = plans.flatMap((p) => p.machines.map((m) => ({ set: p.set.label, machine: m.name, qemuVersion: p.set.defs.qemuVersion })));
  const match = opts.driverGlob ? globMatcher(opts.driverGlob) : () => true;
  const rows: CompareRow[] = [];
  let index = 0;
  for (const driver of [...keys.keys()].sort(cmp)) {
    const props = [...keys.get(driver)!].sort(cmp);
    if (!match(driver)) { index += props.length; continue; }
    for (const property of props) {
      const cells: CompareCell[] = [];
      for (const plan of plans) {
        // What the row's type gives the property, whichever entry a machine has: worked out once per set.
        const facts = rowFacts(plan.set, driver, property);
        const candidates = plan.reaching.get(driver)?.get(property);
        for (const m of plan.machines) {
          const entry = candidates && lastEntry(candidates, m.chainIndex);
          cells.push(entry ? facts.withEntry(entry) : facts.withoutEntry);
        }
      }
      const row = { driver, property, cells, index: index++ };
      if (opts.raw || !allAgree(row)) rows.push(row);
    }
  }
  return { columns, rows };
}

interface MachinePlan {
  readonly name: string;
  /** By version number (SetPlan): its place in the machine's chain, 0 for the machine itself, growing towards the newest; -1 outside. */
  readonly chainIndex: Int32Array;
}

/** An entry that reaches a (type, property), and the number of the version that appends it. */
interface Candidate { readonly entry: SourcedCompatEntry; readonly version: number }

interface SetPlan {
  readonly set: CompareSet;
  readonly machines: readonly MachinePlan[];
  /**
   * type → property → every entry of any version that reaches it, entries on
   * abstract drivers expanded to concrete types. Built from each version's own
   * entries once: the versions' lists are shared along the inheritance chains.
   */
  readonly reaching: ReadonlyMap<string, ReadonlyMap<string, readonly Candidate[]>>;
}

function planSet(set: CompareSet, wanted: readonly string[] | undefined): SetPlan {
  const { machines } = set.defs;
  const names = machines.all().map((m) => m.name).filter((n) => !wanted || wanted.includes(n)).sort(comparePeerMachines);
  const chains = names.map((name) => machines.chain(name).map((m) => m.name));
  const versions = [...new Set(chains.flat())];
  const number = new Map(versions.map((v, i) => [v, i]));
  const plans = names.map((name, k) => {
    const chainIndex = new Int32Array(versions.length).fill(-1);
    chains[k]!.forEach((v, i) => { chainIndex[number.get(v)!] = i; });
    return { name, chainIndex };
  });
  const types = set.model.types;
  const reaching = new Map<string, Map<string, Candidate[]>>();
  for (const [version, name] of versions.entries()) {
    for (const entry of machines.get(name)!.ownCompat) {
      // An entry on a driver this binary lacks keeps its own row, as the peer does.
      for (const t of types.has(entry.driver) ? types.concreteSubtypes(entry.driver) : [entry.driver]) {
        let props = reaching.get(t);
        if (!props) reaching.set(t, (props = new Map()));
        let list = props.get(entry.property);
        if (!list) props.set(entry.property, (list = []));
        list.push({ entry, version });
      }
    }
  }
  return { set, machines: plans, reaching };
}

/**
 * The entry a machine applies last among those that reach the property: QEMU
 * applies the newest version's entries first and the machine's own last, each
 * version's in order.
 */
function lastEntry(candidates: readonly Candidate[], chainIndex: Int32Array): SourcedCompatEntry | undefined {
  let best: Candidate | undefined;
  let bestAt = Infinity;
  for (const c of candidates) {
    const at = chainIndex[c.version]!;
    if (at < 0) continue;
    if (at < bestAt || (at === bestAt && c.entry.index > best!.entry.index)) { best = c; bestAt = at; }
  }
  return best?.entry;
}

interface RowFacts {
  readonly withoutEntry: CompareCell;
  withEntry(entry: SourcedCompatEntry): CompareCell;
}

/** The row's facts, with one cell per entry: machines sharing an entry share the cell. */
function rowFacts(set: CompareSet, type: string, prop: string): RowFacts {
  const facts = typeFacts(set, type, prop);
  const cells = new Map<SourcedCompatEntry, CompareCell>();
  return {
    withoutEntry: facts.withoutEntry,
    withEntry(entry) {
      let cell = cells.get(entry);
      if (!cell) cells.set(entry, (cell = facts.withEntry(entry)));
      return cell;
    },
  };
}

function typeFacts(set: CompareSet, type: string, prop: string): RowFacts {
  const types = set.model.types;
  if (!set.defs.machines.compatListsKnown) {
    // QEMU before 9.1 does not say what its machine types' compat lists hold.
    const unknown: CompareCell = { value: COMPAT_UNKNOWN, kind: 'compat-unknown' };
    return { withoutEntry: unknown, withEntry: () => unknown };
  }
  if (!types.has(type)) {
    return {
      withoutEntry: { value: PEER_TEXT.unavailableDriver, kind: 'unknown-driver' },
      withEntry: (entry) => ({ value: entry.value, kind: 'unknown-driver', entry }),
    };
  }
  const withoutEntry = defaultCell(set, type, prop);
  if (!types.hasProperty(type, prop)) {
    return {
      withoutEntry,
      // A mandatory entry on a missing property makes QEMU fail to create the object; the entry's value is what the machine says.
      withEntry: (entry) => (entry.optional
        ? { value: PEER_TEXT.unknownProperty, kind: 'optional-skipped', entry, peer: { value: entry.value, reason: 'optional-skipped' } }
        : { value: entry.value, kind: 'compat', entry }),
    };
  }
  if (!set.model.compatSlots(type, false).includes(1)) {
    return { withoutEntry, withEntry: (entry) => ({ value: withoutEntry.value, kind: 'not-applied', entry, peer: { value: entry.value, reason: 'not-applied' } }) };
  }
  const reset = set.model.resetAfterCompat(type).get(prop);
  return {
    withoutEntry,
    withEntry: (entry) => (reset !== undefined && reset !== entry.value
      ? { value: reset, kind: 'reset', entry, peer: { value: entry.value, reason: 'reset' } }
      : { value: entry.value, kind: 'compat', entry }),
  };
}

/** The type's default, in the peer's rendering, and what the peer's getter would show instead. */
function defaultCell(set: CompareSet, type: string, prop: string): CompareCell {
  const types = set.model.types;
  const p = types.property(type, prop);
  if (!p) return { value: PEER_TEXT.unknownProperty, kind: 'unknown-property' };
  const getter = peerGetter(types, type);
  // A CPU model's value is what its expansion shows (realize expands it the same way), as the peer reads it.
  const expanded = getter === 'x86_64-cpu' ? types.expandedValue(type, prop) : undefined;
  if (expanded !== undefined) return { value: pythonText(p, expanded), kind: 'default' };
  const peerNoMethod = getter === 'object' ? PEER_TEXT.unavailableMethod : getter === 'x86_64-cpu' && !type.endsWith('-x86_64-cpu') ? PEER_TEXT.wrongCpuName : null;
  if (p.default === null) {
    const value = peerNoMethod ?? PEER_TEXT.noDefault;
    return { value, kind: 'unknown-default' };
  }
  const value = pythonText(p, p.default);
  if (peerNoMethod) return { value, kind: 'default', peer: { value: peerNoMethod, reason: p.defaultFrom === 'qmp' ? 'object-default' : 'default-learned' } };
  if (getter === 'x86_64-cpu') return { value, kind: 'default' };
  if (getter === 'device' && hiddenByDeviceListProperties(prop)) return { value, kind: 'default', peer: { value: PEER_TEXT.unknownProperty, reason: 'hidden-property' } };
  // Devices and memory backends: the peer shows QMP's default-value only.
  if (p.defaultFrom !== 'qmp') return { value, kind: 'default', peer: { value: PEER_TEXT.noDefault, reason: 'default-learned' } };
  return { value, kind: 'default' };
}

/**
 * device-list-properties leaves out QOM's and DeviceState's own properties
 * and every property whose name starts with `legacy-` (taking them all for
 * the string twins of qdev properties), so the peer reports real properties
 * such as apic's legacy-instance-id as unknown.
 */
function hiddenByDeviceListProperties(prop: string): boolean {
  return prop.startsWith('legacy-') || ['type', 'realized', 'hotpluggable', 'hotplugged', 'parent_bus'].includes(prop);
}

/** The peer drops a row when every column shows what the first shows, after normalising booleans (and, here, integers). */
function allAgree(row: CompareRow): boolean {
  const first = normalised(row.cells[0]!.value);
  return row.cells.every((c) => normalised(c.value) === first);
}

/** A cell's value for comparison: on/true, off/false alike, and integers by value (0x10 = 16). */
export function normalised(value: string): string {
  const v = peerNormalise(value);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  const scan = /^\s*[-+]?(0[xX][0-9a-fA-F]+|\d+)\s*$/.test(value) ? scanCInteger(value, 0) : null;
  return scan ? `${scan.negative ? '-' : ''}${scan.magnitude}` : value;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Shell-style glob: `*`, `?` and `[...]`, matched against the whole driver name. */
export function globMatcher(glob: string): (name: string) => boolean {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else if (ch === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) { re += '\\['; continue; }
      const body = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
      re += body.startsWith('!') ? `[^${body.slice(1)}]` : `[${body}]`;
      i = close;
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  const compiled = new RegExp(`^${re}$`);
  return (name) => compiled.test(name);
}
