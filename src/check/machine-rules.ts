/**
 * Rules on machines.json alone: names, aliases, the default machine, the
 * version chain (inherits), compat groups, and the conventions of QEMU's
 * versioned machine types (hw/i386/pc_q35.c, pc_piix.c): the options of
 * version X.Y call those of the next newer version first and then append
 * hw_compat_X_Y and pc_compat_X_Y, so the newest version carries no version
 * compat and a version never builds on an older one.
 */
import type { JsonPath } from '../load/json.js';
import { compareVersions, splitMachineVersion } from '../model/machines.js';
import { crossesFamily, type MachineGraph } from './machine-graph.js';
import type { RawFinding, RuleId } from './rules.js';
import { nearNames } from '../util/suggest.js';
import type { MachineView } from './views.js';

export function machineFindings(graph: MachineGraph, file: number): RawFinding[] {
  const out: RawFinding[] = [];
  const report = (rule: RuleId, path: JsonPath, message: RawFinding['message'], hint?: string) =>
    out.push({ rule, file, path, message, ...(hint ? { hint } : {}) });
  namesAndAliases(graph, report);
  defaults(graph, report);
  inheritance(graph, report);
  groups(graph, report);
  newestVersions(graph, report);
  return out;
}

type Report = (rule: RuleId, path: JsonPath, message: RawFinding['message'], hint?: string) => void;

function namesAndAliases(graph: MachineGraph, report: Report): void {
  const aliases = new Map<string, MachineView>();
  for (const m of graph.view.machines) {
    if (m.name !== undefined && graph.byName.get(m.name) !== m) {
      const first = graph.byName.get(m.name)!;
      report('machine-duplicate-name', [...m.path, 'name'],
        (lineOf) => `machine "${m.name}" is defined twice (first on line ${lineOf([...first.path, 'name'])}); only one of them is reachable`,
        'remove or rename one of them');
    }
    if (m.name !== undefined && m.type !== undefined && m.type !== `${m.name}-machine`) {
      report('machine-type-mismatch', [...m.path, 'type'],
        `machine "${m.name}" has type "${m.type}": QEMU names a machine's class "<name>-machine" (MACHINE_TYPE_NAME), so this is "${m.name}-machine"`,
        'a copied version whose type was not renamed?');
    }
    if (m.deprecated && m.alias !== undefined) {
      report('deprecated-machine-alias', [...m.path, 'alias'],
        `deprecated machine "${m.name ?? '?'}" carries alias "${m.alias}": users of the alias get the deprecation warning, and the machine is due for removal`,
        'move the alias to the newest version of the family');
    }
    if (m.alias === undefined) continue;
    const owner = graph.byName.get(m.alias);
    if (owner && owner !== m) {
      report('machine-duplicate-name', [...m.path, 'alias'],
        (lineOf) => `alias "${m.alias}" of "${m.name ?? '?'}" is also the name of a machine (line ${lineOf([...owner.path, 'name'])}); QEMU looks names up first, so the alias is unreachable`);
    }
    const previous = aliases.get(m.alias);
    if (previous) {
      report('machine-duplicate-alias', [...m.path, 'alias'],
        (lineOf) => `alias "${m.alias}" is given to both "${previous.name ?? '?'}" (line ${lineOf([...previous.path, 'alias'])}) and "${m.name ?? '?'}"`,
        'an alias names exactly one machine (usually the newest version)');
    } else {
      aliases.set(m.alias, m);
    }
  }
}

function defaults(graph: MachineGraph, report: Report): void {
  const defaults = graph.view.machines.filter((m) => m.isDefault);
  const [first, ...rest] = defaults;
  for (const m of rest) {
    report('machine-multiple-defaults', [...m.path, 'isDefault'],
      (lineOf) => `"${m.name ?? '?'}" is marked default, but so is "${first!.name ?? '?'}" (line ${lineOf([...first!.path, 'isDefault'])}); an architecture has at most one default machine`);
  }
  for (const m of defaults) {
    if (m.deprecated) {
      report('deprecated-machine-alias', [...m.path, 'isDefault'],
        `the default machine "${m.name ?? '?'}" is deprecated: every run without -M would warn`);
    }
  }
}

function inheritance(graph: MachineGraph, report: Report): void {
  const names = [...graph.byName.keys()];
  for (const m of graph.view.machines) {
    if (m.inherits === undefined || graph.byName.get(m.name ?? '') !== m) continue;
    const parent = graph.parent(m);
    if (!parent) {
      const close = nearNames(m.inherits, names.filter((n) => n !== m.name));
      report('machine-inherits-unknown', [...m.path, 'inherits'],
        `machine "${m.name}" inherits from "${m.inherits}", which is not defined: its compat list cannot be built`,
        close.length ? `did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : undefined);
      continue;
    }
    const cycle = cycleThrough(graph, m);
    if (cycle) {
      report('machine-inherits-cycle', [...m.path, 'inherits'],
        `machine versions inherit in a cycle: ${[...cycle, cycle[0]!].map((x) => x.name).join(' → ')}`,
        'each version inherits from the next newer one; the newest inherits from nothing');
      continue;
    }
    const child = splitMachineVersion(m.name!);
    const base = splitMachineVersion(parent.name!);
    if (crossesFamily(m, parent)) {
      report('machine-inherits-other-family', [...m.path, 'inherits'],
        `machine "${m.name}" (family ${child.family}) inherits from "${parent.name}" of family ${base.family}: ` +
        `it would get ${base.family}'s compat entries and lose its own family's newer ones`,
        `a version inherits from the next newer version of its own family${newerOfFamily(graph, m) ? ` ("${newerOfFamily(graph, m)!.name}")` : ''}`);
      continue;
    }
    if (child.family === base.family && child.version.length && base.version.length && compareVersions(base.version, child.version) < 0) {
      report('machine-inherits-older', [...m.path, 'inherits'],
        `machine "${m.name}" inherits from the older "${parent.name}": it would get ${parent.name}'s compat entries, i.e. an older ABI`,
        'a version inherits from the next newer version of its family (QEMU calls the newer options function first)');
    }
  }
}

/** The oldest version of m's family that is newer than m: what it should inherit from. */
function newerOfFamily(graph: MachineGraph, m: MachineView): MachineView | undefined {
  const own = splitMachineVersion(m.name!);
  let best: { m: MachineView; version: number[] } | undefined;
  for (const x of graph.byName.values()) {
    const v = splitMachineVersion(x.name!);
    if (v.family !== own.family || compareVersions(v.version, own.version) <= 0) continue;
    if (!best || compareVersions(v.version, best.version) < 0) best = { m: x, version: v.version };
  }
  return best?.m;
}

/** The cycle m belongs to, starting at m; undefined when m's chain ends. */
function cycleThrough(graph: MachineGraph, m: MachineView): MachineView[] | undefined {
  const chain = graph.chain(m);
  const last = chain[chain.length - 1]!;
  return graph.parent(last) === m ? chain : undefined;
}

function groups(graph: MachineGraph, report: Report): void {
  const seen = new Set<string>();
  for (const g of graph.view.groups) {
    if (seen.has(g.name)) {
      report('compat-group-duplicate', [...g.path, 'name'],
        (lineOf) => `compat group "${g.name}" is defined twice (first on line ${lineOf([...graph.groups.get(g.name)!.path, 'name'])}); references get the first one`);
      continue;
    }
    seen.add(g.name);
    if (graph.groupUsers(g).length === 0) {
      report('compat-group-unused', [...g.path, 'name'], `compat group "${g.name}" is referenced by no machine: its entries apply nowhere`);
    }
  }
  const names = [...graph.groups.keys()];
  for (const m of graph.view.machines) {
    for (const item of m.compat) {
      if (item.kind !== 'group' || graph.groups.has(item.name)) continue;
      const close = nearNames(item.name, names);
      report('compat-group-unknown', [...item.path, 'group'],
        `machine "${m.name ?? '?'}" references compat group "${item.name}", which is not defined`,
        close.length ? `did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : undefined);
    }
  }
}

/**
 * The newest version of a family (pc-q35-10.0) has no hw_compat/pc_compat of
 * its own: those describe how an older version differs from a newer one. Only
 * base entries (q35's virtio-iommu-pci aw-bits=39) belong there. Shared groups
 * are version compat by construction (identical lists appended by several
 * families), so a newest version referencing one, or repeating one of their
 * entries inline, most likely got the new release's compat by mistake.
 */
function newestVersions(graph: MachineGraph, report: Report): void {
  const versionEntries = new Set<string>();
  for (const g of graph.groups.values()) for (const e of g.entries) versionEntries.add(entryKey(e));
  for (const newest of newestPerFamily(graph)) {
    if (graph.parent(newest)) continue; // reported as machine-inherits-older, or a chain of its own
    for (const item of newest.compat) {
      if (item.kind === 'group') {
        report('newest-machine-compat', item.path,
          `"${newest.name}" is the newest version of its family, yet it appends version compat group "${item.name}"; it then applies to every version`,
          'hw_compat_X_Y/pc_compat_X_Y belong to version X.Y, which inherits from the newer one');
      } else if (versionEntries.has(entryKey(item.entry))) {
        report('newest-machine-compat', item.path,
          `"${newest.name}" is the newest version of its family, yet it carries ${item.entry.driver}.${item.entry.property}=${item.entry.value}, an entry of a version compat group`,
          'version compat entries belong to the older version they keep compatible');
      }
    }
  }
}

const entryKey = (e: { driver: string; property: string; value: string }) => `${e.driver}\u0000${e.property}\u0000${e.value}`;

/** The single newest version of each family with at least two versions. */
function newestPerFamily(graph: MachineGraph): MachineView[] {
  const families = new Map<string, Array<{ m: MachineView; version: number[] }>>();
  for (const m of graph.byName.values()) {
    const { family, version } = splitMachineVersion(m.name!);
    if (!version.length) continue;
    const list = families.get(family) ?? [];
    list.push({ m, version });
    families.set(family, list);
  }
  const out: MachineView[] = [];
  for (const list of families.values()) {
    if (list.length < 2) continue;
    list.sort((a, b) => compareVersions(b.version, a.version));
    if (compareVersions(list[0]!.version, list[1]!.version) !== 0) out.push(list[0]!.m);
  }
  return out;
}
