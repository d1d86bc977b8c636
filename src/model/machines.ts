/**
 * Versioned machine types and their compat lists. A version stores only the
 * entries it appends; its full list is the inherited (newer) version's list
 * followed by its own, exactly as QEMU's *_machine_X_Y_options() build it.
 */
import type { CompatEntryDef, MachineDef, MachinesFile } from '../load/schema.js';
import type { AccelBoards, BoardLayout, Lookup, VariantBoards } from './boards.js';

export interface CompatEntry {
  readonly driver: string;
  readonly property: string;
  readonly value: string;
  readonly optional: boolean;
}

/** A compat entry in a flattened list, with where it came from. */
export interface SourcedCompatEntry extends CompatEntry {
  /** The machine version whose definition appends this entry. */
  readonly addedBy: string;
  /** The shared group it was spliced from, if any. */
  readonly group?: string;
  /** Position in the flattened list (application order). */
  readonly index: number;
}

export interface Machine {
  readonly name: string;
  readonly type: string;
  readonly alias: string | null;
  readonly isDefault: boolean;
  readonly deprecated: boolean;
  readonly inherits: string | null;
  readonly defaultCpuType: string | null;
  readonly defaultRamId: string | null;
  /** query-machines cpu-max (mc->max_cpus); null where the definitions do not say. */
  readonly cpuMax: number | null;
  readonly board?: { readonly defaults: string; readonly nodefaults: string };
  /** Entries this version appends, groups expanded. */
  readonly ownCompat: readonly SourcedCompatEntry[];
}

export class MachineModelError extends Error {}

export class MachineModel {
  private readonly machines = new Map<string, Machine>();
  private readonly aliases = new Map<string, string>();
  private readonly flatCache = new Map<string, readonly SourcedCompatEntry[]>();
  private readonly countCache = new Map<string, number>();
  readonly arch: string;
  /** False for an import of QEMU before 9.1, which reports no compat lists: machines carry none. */
  readonly compatListsKnown: boolean;

  constructor(
    file: MachinesFile, readonly layouts: Lookup<BoardLayout> = new Map(), private readonly accelBoards: AccelBoards = new Map(),
    /** The --machines expression of a partial import (boards.json coverage). */
    private readonly machinesCovered?: string,
    private readonly variantBoards: VariantBoards = new Map(),
  ) {
    this.arch = file.arch;
    this.compatListsKnown = file.qemu?.compatProps !== false;
    const groups = new Map<string, readonly CompatEntryDef[]>();
    for (const g of file.groups ?? []) groups.set(g.name, g.entries);
    for (const def of file.machines) {
      const machine = toMachine(def, groups);
      this.machines.set(machine.name, machine);
      if (machine.alias) this.aliases.set(machine.alias, machine.name);
    }
    this.verifyChains();
  }

  /**
   * Every chain must end at a version that inherits from nothing. A cycle or a
   * missing version is the definitions' fault: it is found here, when they are
   * loaded (buildDefinitions makes it a DefinitionError, exit 2), not when a
   * command first walks that chain, and with one walk of each machine in all.
   */
  private verifyChains(): void {
    const sound = new Set<string>();
    for (const start of this.machines.values()) {
      const onPath = new Set<string>();
      let m: Machine | undefined = start;
      while (m && !sound.has(m.name)) {
        if (onPath.has(m.name)) throw new MachineModelError(`machine ${start.name}: inheritance cycle through ${m.name}`);
        onPath.add(m.name);
        if (m.inherits === null) break;
        const parent = this.machines.get(m.inherits);
        if (!parent) throw new MachineModelError(`machine ${m.name} inherits from unknown machine ${m.inherits}`);
        m = parent;
      }
      for (const name of onPath) sound.add(name);
    }
  }

  all(): Machine[] { return [...this.machines.values()]; }
  get(name: string): Machine | undefined { return this.machines.get(name); }
  get defaultMachine(): Machine | undefined { return this.all().find((m) => m.isDefault); }

  /**
   * Finds a machine as users write it: canonical name, alias, or without the
   * `pc-` prefix (`q35-9.1`). QEMU itself accepts only the first two.
   */
  lookup(userName: string): Machine | undefined {
    const direct = this.machines.get(userName) ?? this.machines.get(this.aliases.get(userName) ?? '');
    return direct ?? this.machines.get(`pc-${userName}`);
  }

  /** Versions from this machine up to the newest it inherits from. */
  chain(name: string): Machine[] {
    const out: Machine[] = [];
    const seen = new Set<string>();
    for (let m = this.machines.get(name); m; m = m.inherits ? this.machines.get(m.inherits) : undefined) {
      if (seen.has(m.name)) throw new MachineModelError(`machine ${name}: inheritance cycle through ${m.name}`);
      seen.add(m.name);
      out.push(m);
    }
    const last = out[out.length - 1];
    if (last?.inherits) throw new MachineModelError(`machine ${last.name} inherits from unknown machine ${last.inherits}`);
    return out;
  }

  /** The machine's full compat list in the order QEMU applies it (slot 1). */
  compatProps(name: string): readonly SourcedCompatEntry[] {
    const cached = this.flatCache.get(name);
    if (cached) return cached;
    const list: SourcedCompatEntry[] = [];
    for (const m of this.chain(name).reverse()) {
      for (const e of m.ownCompat) list.push({ ...e, index: list.length });
    }
    this.flatCache.set(name, list);
    return list;
  }

  /**
   * How many entries compatProps(name) has, without building the list: a
   * listing of every machine would otherwise build every flattened list,
   * quadratic in the length of a chain.
   */
  compatCount(name: string): number {
    const walked: Machine[] = [];
    let total = 0;
    for (let m = this.machines.get(name); m; m = m.inherits ? this.machines.get(m.inherits) : undefined) {
      const known = this.countCache.get(m.name);
      if (known !== undefined) { total = known; break; }
      walked.push(m);
    }
    // Fill the cache from the newest version walked down to `name` (chains were verified at construction).
    for (const m of walked.reverse()) {
      total += m.ownCompat.length;
      this.countCache.set(m.name, total);
    }
    return total;
  }

  /** The machine's board layout as probed under TCG (machines.json), or under `accel` when given. */
  boardLayout(name: string, nodefaults: boolean, accel = 'tcg', variant?: string): BoardLayout | undefined {
    const board = variant !== undefined ? this.variantBoards.get(accel)?.get(variant)?.get(name)
      : accel === 'tcg' ? this.machines.get(name)?.board : this.accelBoards.get(accel)?.get(name);
    return board ? this.layouts.get(nodefaults ? board.nodefaults : board.defaults) : undefined;
  }

  /** The -machine settings ("acpi=off") whose board was probed for some machine under `accel`. */
  allBoardVariants(accel = 'tcg'): string[] {
    return [...(this.variantBoards.get(accel)?.keys() ?? [])].sort();
  }

  /** The -machine settings ("acpi=off") whose board was probed for the machine under `accel`. */
  boardVariants(name: string, accel = 'tcg'): string[] {
    return [...(this.variantBoards.get(accel) ?? [])].filter(([, machines]) => machines.has(name)).map(([setting]) => setting).sort();
  }

  /** Why the machine has no board layout (undefined when it has one). */
  noBoardReason(name: string): string | undefined {
    if (this.boardLayout(name, false) || this.boardLayout(name, true)) return undefined;
    return this.machinesCovered !== undefined
      ? `the definitions come from a partial import (--machines '${this.machinesCovered}'), which did not probe ${name}'s board; import again with a --machines that matches it`
      : `the definitions have no board layout for ${name} (boards.json)`;
  }

  /** Accelerators other than TCG whose board layouts were probed for the machine. */
  hasAccelBoard(name: string, accel: string): boolean {
    return accel === 'tcg' ? !!this.machines.get(name)?.board : !!this.accelBoards.get(accel)?.has(name);
  }
}

function toMachine(def: MachineDef, groups: ReadonlyMap<string, readonly CompatEntryDef[]>): Machine {
  const ownCompat: SourcedCompatEntry[] = [];
  const push = (e: CompatEntryDef, group?: string) =>
    ownCompat.push({
      driver: e.driver, property: e.property, value: e.value, optional: e.optional ?? false,
      addedBy: def.name, ...(group ? { group } : {}), index: ownCompat.length,
    });
  for (const item of def.compat) {
    if ('group' in item) {
      const entries = groups.get(item.group);
      if (!entries) throw new MachineModelError(`machine ${def.name}: unknown compat group ${item.group}`);
      for (const e of entries) push(e, item.group);
    } else {
      push(item);
    }
  }
  return {
    name: def.name,
    type: def.type,
    alias: def.alias ?? null,
    isDefault: def.isDefault ?? false,
    deprecated: def.deprecated ?? false,
    inherits: def.inherits ?? null,
    defaultCpuType: def.defaultCpuType ?? null,
    defaultRamId: def.defaultRamId ?? null,
    cpuMax: def.cpuMax ?? null,
    ...(def.board ? { board: def.board } : {}),
    ownCompat,
  };
}

/**
 * Splits a machine name into family and numeric version (`pc-q35-4.0.1` →
 * `pc-q35`, [4,0,1]); names without a trailing version have an empty version.
 */
export function splitMachineVersion(name: string): { family: string; version: number[] } {
  const m = /^(.*?)-(\d+(?:\.\d+)*)$/.exec(name);
  return m ? { family: m[1]!, version: m[2]!.split('.').map(Number) } : { family: name, version: [] };
}

/**
 * Whether a versioned machine name is version major.minor or older (a
 * machine class flag set by that version's *_options()); false for names
 * without a version (isapc, microvm), which take the class defaults.
 */
export function versionAtMost(name: string, major: number, minor: number): boolean {
  const { version } = splitMachineVersion(name);
  return version.length > 0 && compareVersions(version.slice(0, 2), [major, minor]) <= 0;
}

export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/** Machines grouped by family, newest first per family; families in name order. */
export function sortMachinesForListing<T extends { name: string }>(machines: readonly T[]): T[] {
  return [...machines].sort((x, y) => {
    const a = splitMachineVersion(x.name);
    const b = splitMachineVersion(y.name);
    if (a.family !== b.family) return a.family < b.family ? -1 : 1;
    return compareVersions(b.version, a.version) || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);
  });
}
