/**
 * The inheritance graph of machine versions, as the rules need it: each
 * version's own list with groups spliced in, its chain up to the newest
 * version, the flattened list QEMU applies, and which machines carry an entry.
 * Unlike MachineModel it never throws: it stops at cycles and missing links,
 * which other rules report.
 */
import { splitMachineVersion } from '../model/machines.js';
import type { EntrySite, GroupView, MachineView, MachinesView } from './views.js';

export class MachineGraph {
  /** First machine of each name (later duplicates are reported, not used). */
  readonly byName = new Map<string, MachineView>();
  readonly groups = new Map<string, GroupView>();
  private readonly children = new Map<string, MachineView[]>();
  private readonly ownCache = new Map<MachineView, readonly EntrySite[]>();
  private readonly flatCache = new Map<MachineView, readonly EntrySite[]>();
  private readonly byPropertyCache = new Map<MachineView, Map<string, EntrySite[]>>();
  private readonly soundCache = new Map<MachineView, boolean>();
  private carrierIndex: Map<EntrySite, MachineView[]> | undefined;

  constructor(readonly view: MachinesView) {
    for (const g of view.groups) if (!this.groups.has(g.name)) this.groups.set(g.name, g);
    for (const m of view.machines) if (m.name !== undefined && !this.byName.has(m.name)) this.byName.set(m.name, m);
    for (const m of view.machines) {
      if (m.inherits === undefined || m.name === undefined || this.byName.get(m.name) !== m) continue;
      const list = this.children.get(m.inherits) ?? [];
      list.push(m);
      this.children.set(m.inherits, list);
    }
  }

  /** The parent version, when it exists. */
  parent(m: MachineView): MachineView | undefined {
    return m.inherits === undefined ? undefined : this.byName.get(m.inherits);
  }

  /** Entries this version appends, groups spliced in (unknown groups contribute nothing). */
  own(m: MachineView): readonly EntrySite[] {
    let list = this.ownCache.get(m);
    if (!list) {
      list = m.compat.flatMap((item) => (item.kind === 'entry' ? [item.entry] : this.groups.get(item.name)?.entries ?? []));
      this.ownCache.set(m, list);
    }
    return list;
  }

  /** This version and the newer ones it inherits from, nearest first; stops before a repeat. */
  chain(m: MachineView): MachineView[] {
    const out: MachineView[] = [];
    const seen = new Set<MachineView>();
    for (let cur: MachineView | undefined = m; cur && !seen.has(cur); cur = this.parent(cur)) {
      seen.add(cur);
      out.push(cur);
    }
    return out;
  }

  /**
   * Whether the chain reaches a version that inherits from nothing, within
   * the machine's family: not cut by a missing version or a cycle, nor
   * leading into another family (whose own findings say so). Such a chain's
   * flattened list is not the one intended.
   */
  chainSound(m: MachineView): boolean {
    let sound = this.soundCache.get(m);
    if (sound === undefined) {
      const chain = this.chain(m);
      sound = chain[chain.length - 1]!.inherits === undefined && chain.every((x, k) => k === 0 || !crossesFamily(chain[k - 1]!, x));
      this.soundCache.set(m, sound);
    }
    return sound;
  }

  /** The list QEMU applies for this machine: the newest version's entries first (slot 1 order). */
  flattened(m: MachineView): readonly EntrySite[] {
    let list = this.flatCache.get(m);
    if (!list) {
      list = this.chain(m).reverse().flatMap((x) => this.own(x));
      this.flatCache.set(m, list);
    }
    return list;
  }

  /** The flattened list's entries for one property, in list order. */
  flattenedFor(m: MachineView, property: string): readonly EntrySite[] {
    let byProperty = this.byPropertyCache.get(m);
    if (!byProperty) {
      byProperty = new Map();
      for (const e of this.flattened(m)) {
        const list = byProperty.get(e.property);
        if (list) list.push(e); else byProperty.set(e.property, [e]);
      }
      this.byPropertyCache.set(m, byProperty);
    }
    return byProperty.get(property) ?? [];
  }

  /** Machines whose flattened list contains the entry, in file order. */
  carriers(site: EntrySite): readonly MachineView[] {
    if (!this.carrierIndex) {
      this.carrierIndex = new Map();
      for (const m of this.byName.values()) {
        for (const e of new Set(this.flattened(m))) {
          const list = this.carrierIndex.get(e) ?? [];
          list.push(m);
          this.carrierIndex.set(e, list);
        }
      }
    }
    return this.carrierIndex.get(site) ?? [];
  }

  /** Machines that splice the group into their own list. */
  groupUsers(group: GroupView): MachineView[] {
    return this.view.machines.filter((m) => m.compat.some((i) => i.kind === 'group' && i.name === group.name));
  }

  /** Where an entry is written, for messages: `in group compat-9.1 (appended by pc-q35-9.1, pc-i440fx-9.1)`, `in machine pc-q35-4.0.1`. */
  describeSite(site: EntrySite): string {
    if (site.group) {
      const users = this.groupUsers(site.group).map((m) => m.name ?? '?');
      return `in group ${site.group.name} (` + (users.length ? `appended by ${listNames(users)})` : 'used by no machine)');
    }
    const owner = this.view.machines.find((m) => m.compat.some((i) => i.kind === 'entry' && i.entry === site));
    return owner?.name ? `in machine ${owner.name}` : 'in this list';
  }
}

/** `a, b, c and 4 more` */
export function listNames(names: readonly string[], max = 3): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** Whether a versioned machine inherits from a versioned machine of another family (pc-q35-9.1 from pc-i440fx-9.2). */
export function crossesFamily(m: MachineView, parent: MachineView): boolean {
  const a = splitMachineVersion(m.name ?? '');
  const b = splitMachineVersion(parent.name ?? '');
  return a.version.length > 0 && b.version.length > 0 && a.family !== b.family;
}
