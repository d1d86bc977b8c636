/**
 * Turns QEMU's flattened per-machine compat lists back into versioned
 * definitions: each version inherits from the next newer version of its family
 * and stores only the entries it appends; identical appended lists shared by
 * several machines (hw_compat_X_Y + pc_compat_X_Y, used by q35 and i440fx)
 * become one group. The result is verified to reproduce QEMU's lists exactly.
 */
import type { CompatEntryDef, CompatItemDef, MachineDef, MachinesFile } from '../load/schema.js';
import { MachineModel, compareVersions, sortMachinesForListing, splitMachineVersion } from '../model/machines.js';
import type { QmpMachine } from './qmp-introspect.js';

export interface DeriveOptions {
  arch: string;
  qemuVersion: string;
  /** `driver\0property` keys of entries QEMU treats as optional (learned by probing). */
  optional: ReadonlySet<string>;
  /** QOM type names known to the binary (to name each machine's class). */
  typeNames: ReadonlySet<string>;
}

export class DeriveError extends Error {}

export const entryKey = (e: { driver: string; property: string }): string => `${e.driver}\u0000${e.property}`;

export function deriveMachines(machines: readonly QmpMachine[], opts: DeriveOptions): MachinesFile {
  const byName = new Map(machines.map((m) => [m.name, m]));
  const reported = machines.every((m) => m.compatReported);
  // Without compat lists nothing tells which version extends which.
  const parents = reported ? inheritance(machines) : new Map<string, string>();
  const own = new Map<string, QmpMachine['compatProps']>();
  for (const m of machines) {
    const parent = parents.get(m.name);
    const inherited = parent ? byName.get(parent)!.compatProps.length : 0;
    own.set(m.name, m.compatProps.slice(inherited));
  }
  const groups = sharedGroups(own);
  const toEntry = (c: QmpMachine['compatProps'][number]): CompatEntryDef => ({
    driver: c.driver, property: c.property, value: c.value,
    ...(opts.optional.has(entryKey(c)) ? { optional: true } : {}),
  });

  const machineDefs: MachineDef[] = sortMachinesForListing(machines).map((m) => {
    const list = own.get(m.name)!;
    const group = groups.byList.get(listKey(list));
    const compat: CompatItemDef[] = group ? [{ group: group.name }] : list.map(toEntry);
    const type = `${m.name}-machine`;
    if (!opts.typeNames.has(type)) throw new DeriveError(`machine ${m.name}: no QOM type ${type}`);
    return {
      name: m.name,
      type,
      alias: m.alias,
      ...(m.isDefault ? { isDefault: true } : {}),
      deprecated: m.deprecated,
      inherits: parents.get(m.name) ?? null,
      compat,
      defaultCpuType: m.defaultCpuType,
      defaultRamId: m.defaultRamId,
      ...(m.cpuMax !== null ? { cpuMax: m.cpuMax } : {}),
    };
  });

  const file: MachinesFile = {
    arch: opts.arch,
    qemu: { version: opts.qemuVersion, ...(reported ? {} : { compatProps: false as const }) },
    groups: groups.ordered.map((g) => ({ name: g.name, comment: `appended by ${g.users.join(', ')}`, entries: g.list.map(toEntry) })),
    machines: machineDefs,
  };
  verifyReconstruction(file, machines);
  return file;
}

/**
 * Each machine inherits from the next newer version of its family, provided
 * that version's list is a prefix of its own (QEMU calls the newer options
 * function first). Otherwise it stands alone.
 */
function inheritance(machines: readonly QmpMachine[]): Map<string, string> {
  const families = new Map<string, Array<{ m: QmpMachine; version: number[] }>>();
  for (const m of machines) {
    const { family, version } = splitMachineVersion(m.name);
    if (version.length === 0) continue;
    const list = families.get(family) ?? [];
    list.push({ m, version });
    families.set(family, list);
  }
  const parents = new Map<string, string>();
  for (const list of families.values()) {
    list.sort((a, b) => compareVersions(a.version, b.version));
    for (let i = 0; i + 1 < list.length; i++) {
      const child = list[i]!.m;
      const parent = list[i + 1]!.m;
      if (isPrefix(parent.compatProps, child.compatProps)) parents.set(child.name, parent.name);
    }
  }
  return parents;
}

function isPrefix(prefix: QmpMachine['compatProps'], list: QmpMachine['compatProps']): boolean {
  if (prefix.length > list.length) return false;
  return prefix.every((e, i) => sameEntry(e, list[i]!));
}

const sameEntry = (a: QmpMachine['compatProps'][number], b: QmpMachine['compatProps'][number]) =>
  a.driver === b.driver && a.property === b.property && a.value === b.value;

const listKey = (list: QmpMachine['compatProps']): string => JSON.stringify(list.map((e) => [e.driver, e.property, e.value]));

interface Group { name: string; list: QmpMachine['compatProps']; users: string[] }

function sharedGroups(own: ReadonlyMap<string, QmpMachine['compatProps']>): { ordered: Group[]; byList: Map<string, Group> } {
  const byList = new Map<string, Group>();
  for (const name of sortMachinesForListing([...own.keys()].map((n) => ({ name: n }))).map((m) => m.name)) {
    const list = own.get(name)!;
    if (list.length === 0) continue;
    const key = listKey(list);
    const g = byList.get(key) ?? { name: '', list, users: [] };
    g.users.push(name);
    byList.set(key, g);
  }
  for (const [key, g] of byList) if (g.users.length < 2) byList.delete(key);
  const ordered = [...byList.values()];
  const taken = new Set<string>();
  for (const g of ordered) g.name = uniqueName(groupName(g.users), taken);
  ordered.sort((a, b) => compareVersions(splitMachineVersion(b.users[0]!).version, splitMachineVersion(a.users[0]!).version) || (a.name < b.name ? -1 : 1));
  return { ordered, byList };
}

/** `compat-9.1` from the version its users share (4.0.1 and 4.0 share 4.0). */
function groupName(users: readonly string[]): string {
  const versions = users.map((u) => splitMachineVersion(u).version);
  const common: number[] = [];
  for (let i = 0; versions.every((v) => v.length > i && v[i] === versions[0]![i]); i++) common.push(versions[0]![i]!);
  return common.length ? `compat-${common.join('.')}` : `compat-${users[0]}`;
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  taken.add(name);
  return name;
}

/** Fails unless every machine's reconstructed list equals QEMU's, entry for entry, in order. */
export function verifyReconstruction(file: MachinesFile, machines: readonly QmpMachine[]): void {
  const model = new MachineModel(file);
  for (const m of machines) {
    const rebuilt = model.compatProps(m.name);
    const expected = m.compatProps;
    const bad = rebuilt.length !== expected.length ? Math.min(rebuilt.length, expected.length) : rebuilt.findIndex((e, i) => !sameEntry(e, expected[i]!));
    if (bad >= 0) {
      throw new DeriveError(`machine ${m.name}: reconstructed compat list differs from QEMU's at index ${bad} ` +
        `(${rebuilt.length} entries rebuilt, ${expected.length} reported)`);
    }
  }
}
