/** What resolution produces: the object tree with every property's value and why. */
import type { ShownValue } from './shown.js';
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
  /** A value instance_init sets: after compat (10.0.2's sev-guest, which overwrites it) or before (the RFC's). */
  | { kind: 'instance-init'; type: string; afterCompat: boolean }
  /**
   * What QEMU shows once started, where board code or realize changed the
   * configured value (or QMP reports no default): learned from the binary
   * at import for this machine's board.
   */
  | { kind: 'board' };

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
  /** What qom-get shows once QEMU has started (-S); null when unknown. */
  value: ShownValue | null;
  /** Where `value` came from: the step of the chain, or `board` when QEMU changed the configured value. */
  source: ValueSource;
  /** Present when board code or realize changed the value: what the chain configured, and where that came from. */
  configured?: { value: QomValue | null; source: ValueSource };
  /**
   * Set when `value` is only what the chain configured: QEMU changes this
   * property after configuration, and what it makes of this setting was not
   * learned. Says why.
   */
  configuredOnly?: string;
  /** Type default (null when unknown). */
  default: QomValue | null;
  trace: TraceStep[];
  /** The instance has this property although its type does not declare it (gsi[0], unnamed-gpio-out[0]). */
  instance?: true;
  /**
   * QEMU shows no value for this property, and why: qom-get fails on it, or
   * cannot reach the object (an accelerator, the migration object, one QEMU
   * finalizes during start-up). `value` is what the object holds as far as
   * the tool knows; null when nothing configures it.
   */
  notShown?: string;
  /** QEMU computes the value each time it is read (the RTC date, from the host clock): value is null. */
  volatile?: true;
  /** QEMU takes the value from the host it runs on (a CPU under KVM): `value` is what the chain configures, `configuredOnly` says why. */
  hostDerived?: true;
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
  /** The -machine setting whose probed board the answer shows ("acpi=off"; boards.json variants). */
  boardVariant?: string;
  /** Where the answer rests on an assumption (a bus taken to come from a device whose buses are not known). */
  assumptions?: string[];
}
