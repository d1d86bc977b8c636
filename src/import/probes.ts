/**
 * The importer's probes: facts QMP does not expose, learned from how the
 * binary behaves (which object a failing `-global` hits, which globals the
 * unused-global check reports, what a fresh instance reads back).
 * Each probe lives in its own module; this one holds the shared shapes.
 */
export interface ProbeContext {
  binary: string;
  progress: (msg: string) => void;
  /** QEMU processes run at once; default 2 (the machine has 2 cores). */
  concurrency?: number;
}

export interface BoardObject {
  /** Composition-tree path; null for objects outside the tree (migration, temporary objects). */
  path: string | null;
  type: string;
  /** Created and destroyed during start-up. */
  transient?: true;
  /**
   * The position was not proven by a failing global: later instances of a type
   * (a global fails on the first instance only), the default RAM backend (no
   * global reaches backends), the second pflash, the inner children of later
   * temporary NIC probes. See probe-board.ts assemble().
   */
  positionInferred?: true;
  /**
   * A temporary object QEMU creates at least once; how many times is not
   * observable (it never reaches a tree, and only its first creation can fail).
   */
  lowerBound?: true;
}

export { probeBoard, probeBoardVariant } from './probe-board.js';
export { probeDeviceClasses } from './probe-classes.js';
export { probeCpuExpansions, probeInstanceDefaults } from './probe-defaults.js';
