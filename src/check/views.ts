/**
 * Defensive views of parsed definition files. The schema rule reports what is
 * malformed; the other rules work on whatever is well-formed, so one bad entry
 * hides nothing else. Every piece keeps its JSON path for reporting. Names go
 * into Maps only: a `__proto__` key in untrusted data stays a plain string.
 */
import type { JsonPath } from '../load/json.js';
import type { TypeDef } from '../load/schema.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** An own member only: never something inherited from Object.prototype (`constructor`). */
const field = (o: Obj, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);
const nonEmpty = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const bool = (v: unknown): boolean => v === true;
const arrayAt = (o: Obj, key: string): unknown[] => {
  const v = field(o, key);
  return Array.isArray(v) ? v : [];
};

/** The architecture a definition file names (its top-level `arch`), if any. */
export function readArch(data: unknown): string | undefined {
  return isObj(data) ? nonEmpty(field(data, 'arch')) : undefined;
}

/** A compat entry where it is written: a group's entry, a machine's inline entry, or an accelerator's. */
export interface EntrySite {
  readonly driver: string;
  readonly property: string;
  readonly value: string;
  readonly optional: boolean;
  /** Path of the entry object. */
  readonly path: JsonPath;
  /** The group that holds it, if any. */
  readonly group?: GroupView;
}

export interface GroupView { readonly name: string; readonly path: JsonPath; readonly entries: EntrySite[] }

export type CompatItemView =
  | { readonly kind: 'entry'; readonly entry: EntrySite; readonly path: JsonPath }
  | { readonly kind: 'group'; readonly name: string; readonly path: JsonPath };

export interface MachineView {
  readonly path: JsonPath;
  readonly name: string | undefined;
  readonly type: string | undefined;
  readonly alias: string | undefined;
  readonly isDefault: boolean;
  readonly deprecated: boolean;
  readonly inherits: string | undefined;
  readonly compat: CompatItemView[];
  readonly board: { defaults?: string; nodefaults?: string };
}

export interface MachinesView {
  readonly arch: string | undefined;
  readonly groups: GroupView[];
  readonly machines: MachineView[];
}

function readEntry(raw: unknown, path: JsonPath, group?: GroupView): EntrySite | undefined {
  if (!isObj(raw)) return undefined;
  const driver = nonEmpty(field(raw, 'driver'));
  const property = nonEmpty(field(raw, 'property'));
  const value = field(raw, 'value');
  if (driver === undefined || property === undefined || typeof value !== 'string') return undefined;
  return { driver, property, value, optional: bool(field(raw, 'optional')), path, ...(group ? { group } : {}) };
}

export function readMachines(data: unknown): MachinesView | undefined {
  if (!isObj(data)) return undefined;
  const groups: GroupView[] = [];
  arrayAt(data, 'groups').forEach((g, i) => {
    const name = isObj(g) ? nonEmpty(field(g, 'name')) : undefined;
    if (!isObj(g) || name === undefined) return;
    const view: GroupView = { name, path: ['groups', i], entries: [] };
    arrayAt(g, 'entries').forEach((e, j) => {
      const entry = readEntry(e, ['groups', i, 'entries', j], view);
      if (entry) view.entries.push(entry);
    });
    groups.push(view);
  });
  const machines: MachineView[] = [];
  arrayAt(data, 'machines').forEach((m, i) => {
    if (!isObj(m)) return;
    const compat: CompatItemView[] = [];
    arrayAt(m, 'compat').forEach((item, j) => {
      const path = ['machines', i, 'compat', j];
      const group = isObj(item) ? nonEmpty(field(item, 'group')) : undefined;
      if (group !== undefined) { compat.push({ kind: 'group', name: group, path }); return; }
      const entry = readEntry(item, path);
      if (entry) compat.push({ kind: 'entry', entry, path });
    });
    const board = field(m, 'board');
    machines.push({
      path: ['machines', i],
      name: nonEmpty(field(m, 'name')),
      type: nonEmpty(field(m, 'type')),
      alias: nonEmpty(field(m, 'alias')),
      isDefault: bool(field(m, 'isDefault')),
      deprecated: bool(field(m, 'deprecated')),
      inherits: nonEmpty(field(m, 'inherits')),
      compat,
      board: isObj(board)
        ? { ...optionalString('defaults', field(board, 'defaults')), ...optionalString('nodefaults', field(board, 'nodefaults')) }
        : {},
    });
  });
  return { arch: readArch(data), groups, machines };
}

const optionalString = <K extends string>(key: K, v: unknown): { [P in K]?: string } => {
  const s = nonEmpty(v);
  return (s === undefined ? {} : { [key]: s }) as { [P in K]?: string };
};

// ---------------------------------------------------------------------------------------------
// types.json

export interface TypeView {
  readonly path: JsonPath;
  readonly def: TypeDef;
  /** The entry did not match the schema; only name and parent were kept. */
  readonly partial: boolean;
}

export interface TypesView { readonly arch: string | undefined; readonly types: TypeView[] }

/**
 * `malformed` holds the indices of types the schema rule found fault with;
 * the others matched the schema and are taken as they are (the schema has no
 * transforms, so its output is its input). A malformed type keeps only its
 * name and parent, and counts as abstract with unknown properties: it then
 * neither goes missing as a driver nor raises property alarms.
 */
export function readTypes(data: unknown, malformed: ReadonlySet<number>): TypesView | undefined {
  if (!isObj(data)) return undefined;
  const types: TypeView[] = [];
  arrayAt(data, 'types').forEach((t, i) => {
    if (!isObj(t)) return;
    const name = nonEmpty(field(t, 'name'));
    if (name === undefined) return;
    const path = ['types', i];
    if (malformed.has(i)) {
      const parent = nonEmpty(field(t, 'parent')) ?? null;
      types.push({ path, def: { name, parent, abstract: true }, partial: true });
      return;
    }
    types.push({ path, def: t as TypeDef, partial: false });
  });
  return { arch: readArch(data), types };
}

// ---------------------------------------------------------------------------------------------
// boards.json and accel-compat.json

export interface LayoutView { readonly id: string; readonly path: JsonPath; readonly objects: Array<{ type: string; path: JsonPath }> }

/** A reference to an observed record (from a board object or a device record), where it is written. */
export interface ObservedRef { readonly id: string; readonly path: JsonPath }

export interface BoardsView {
  arch: string | undefined;
  layouts: LayoutView[];
  /** Ids of the observed records the file defines. */
  observedIds: Set<string>;
  observedRefs: ObservedRef[];
  /** The --machines expression of a partial import (coverage.machines): machines without a board are then findings. */
  machinesCovered?: string;
}

export function readBoards(data: unknown): BoardsView | undefined {
  if (!isObj(data)) return undefined;
  const layouts: LayoutView[] = [];
  const observedIds = new Set<string>();
  const observedRefs: ObservedRef[] = [];
  const ref = (o: unknown, path: JsonPath) => {
    const id = isObj(o) ? nonEmpty(field(o, 'observed')) : undefined;
    if (id !== undefined) observedRefs.push({ id, path: [...path, 'observed'] });
  };
  arrayAt(data, 'observed').forEach((r) => {
    const id = isObj(r) ? nonEmpty(field(r, 'id')) : undefined;
    if (id !== undefined) observedIds.add(id);
  });
  arrayAt(data, 'devices').forEach((d, i) => {
    if (isObj(d)) arrayAt(d, 'objects').forEach((o, j) => ref(o, ['devices', i, 'objects', j]));
  });
  arrayAt(data, 'layouts').forEach((l, i) => {
    const id = isObj(l) ? nonEmpty(field(l, 'id')) : undefined;
    if (!isObj(l) || id === undefined) return;
    const objects: LayoutView['objects'] = [];
    arrayAt(l, 'objects').forEach((o, j) => {
      const type = isObj(o) ? nonEmpty(field(o, 'type')) : undefined;
      if (type !== undefined) objects.push({ type, path: ['layouts', i, 'objects', j, 'type'] });
      ref(o, ['layouts', i, 'objects', j]);
    });
    layouts.push({ id, path: ['layouts', i], objects });
  });
  const coverage = field(data, 'coverage');
  const covered = isObj(coverage) ? field(coverage, 'machines') : undefined;
  return { arch: readArch(data), layouts, observedIds, observedRefs, ...(typeof covered === 'string' ? { machinesCovered: covered } : {}) };
}

export interface AccelView { readonly name: string; readonly entries: EntrySite[] }

export function readAccelCompat(data: unknown): AccelView[] | undefined {
  if (!isObj(data)) return undefined;
  const out: AccelView[] = [];
  arrayAt(data, 'accelerators').forEach((a, i) => {
    if (!isObj(a)) return;
    const entries: EntrySite[] = [];
    arrayAt(a, 'compat').forEach((e, j) => {
      const entry = readEntry(e, ['accelerators', i, 'compat', j]);
      if (entry) entries.push(entry);
    });
    out.push({ name: nonEmpty(field(a, 'name')) ?? `#${i}`, entries });
  });
  return out;
}
