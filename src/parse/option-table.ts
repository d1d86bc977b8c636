/**
 * The binary's command-line option table, as the importer learned it
 * (options.json): which `-NAME`s exist, which take an argument, which are
 * for another target, and the parameters of the QemuOpts lists. Pure.
 */
import type { OptionDef, OptionTableFile, OptsListDef } from '../load/schema.js';

export type { OptionDef };

export class OptionTable {
  readonly arch: string;
  readonly qemuVersion: string;
  private readonly byName = new Map<string, OptionDef>();
  private readonly lists = new Map<string, OptsListDef>();

  constructor(file: OptionTableFile) {
    this.arch = file.arch;
    this.qemuVersion = file.qemuVersion;
    for (const o of file.options) this.byName.set(o.name, o);
    for (const l of file.optsLists) this.lists.set(l.name, l);
  }

  /** This table with options a downstream build adds (Proxmox VE's -id). */
  withOptions(extra: readonly OptionDef[]): OptionTable {
    const t = new OptionTable({ arch: this.arch, qemuVersion: this.qemuVersion, options: [], optsLists: [] });
    for (const [k, v] of this.byName) t.byName.set(k, v);
    for (const [k, v] of this.lists) t.lists.set(k, v);
    for (const o of extra) t.byName.set(o.name, o);
    return t;
  }

  /** The option of this name (without dashes), if the binary has one. */
  get(name: string): OptionDef | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** Parameters of a QemuOptsList; undefined when the binary has no such list, [] when it accepts any. */
  optsList(name: string): OptsListDef | undefined {
    return this.lists.get(name);
  }
}
