/** What resolution produces: the object tree with every property's value and why. */
import type { QomValue } from './values.js';

export type CompatModelName = 'qdev' | 'object-compat';

/** Where a property's value came from, in QEMU's order of application. */
export type ValueSource =
  | { kind: 'default' }
  | { kind: 'accel-compat'; accel: string; index: number }
  | { kind: 'machine-compat'; machine: string; index: number; group?: string }
  | { kind: 'sugar'; option: string }
  | { kind: 'global'; index: number; text: string }
  /** A -cpu feature: a global registered after every -global. */
  | { kind: 'cpu-feature'; text: string }
  | { kind: 'option'; option: string }
  /** QEMU code that overwrites the value after compat (10.0.2's sev-guest instance_init). */
  | { kind: 'instance-init'; type: string };

export type StepStatus = 'applied' | 'overridden' | 'optional-skipped' | 'failed';

/** One entry that reached a property: the story `explain` tells. */
export interface TraceStep {
  source: ValueSource;
  /** Value text as written in the entry. */
  text: string;
  /** driver.property as the entry names it. */
  entry: string;
  status: StepStatus;
}

export interface ResolvedProperty {
  name: string;
  type: string;
  /** Final value as qom-get would return it before realize; null when unknown. */
  value: QomValue | null;
  source: ValueSource;
  /** Type default (null when unknown). */
  default: QomValue | null;
  trace: TraceStep[];
}

export interface ResolvedObject {
  /** QOM path; null for objects outside the composition tree (migration, accelerator, transient ones). */
  path: string | null;
  type: string;
  transient: boolean;
  /** How the object came to be. */
  origin: 'board' | 'device' | 'object' | 'accel';
  /** The command-line option that created it, for -device/-object/-accel objects. */
  option?: string;
  properties: ResolvedProperty[];
}

export type Outcome = 'started' | 'refused' | 'definition-error';

export interface ResolveResult {
  machine: string;
  model: CompatModelName;
  objects: ResolvedObject[];
  /** Warnings in QEMU's words and order, without the program-name and `warning: ` prefixes. */
  warnings: string[];
  /** The fatal message QEMU prints (location prefix included), or null. */
  error: string | null;
  outcome: Outcome;
}
