/**
 * The rules of `qom-compat check`: one table holds every rule's id, severity
 * and one-line summary, so reporters, docs and tests cannot drift from it.
 */
import type { JsonPath } from '../load/json.js';

/** info: worth knowing, never a failure (not even with --strict): nothing in the file is wrong. */
export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: Readonly<Record<Severity, true>> = { error: true, warning: true, info: true };

export const RULES = {
  // Files
  'json-syntax': { severity: 'error', summary: 'the file is not valid JSON' },
  'json-duplicate-key': { severity: 'error', summary: 'a key repeats in one object; JSON.parse silently keeps only the last' },
  'schema': { severity: 'error', summary: 'the file does not match its schema (src/load/schema.ts)' },
  'arch-mismatch': { severity: 'error', summary: 'files of one definition set name different architectures' },
  // Machine versions (machines.json)
  'machine-duplicate-name': { severity: 'error', summary: 'two machines have the same name, or an alias equals a machine name' },
  'machine-duplicate-alias': { severity: 'error', summary: 'two machines have the same alias' },
  'machine-multiple-defaults': { severity: 'error', summary: 'more than one default machine for the architecture' },
  'machine-type-mismatch': { severity: 'error', summary: "a machine's QOM type is not '<name>-machine'" },
  'machine-inherits-unknown': { severity: 'error', summary: 'a machine version inherits from a version that does not exist' },
  'machine-inherits-cycle': { severity: 'error', summary: 'machine versions inherit from each other in a cycle' },
  'machine-inherits-older': { severity: 'error', summary: 'a machine version inherits from an older version of its family' },
  'machine-inherits-other-family': { severity: 'error', summary: 'a machine version inherits from a version of another family' },
  'compat-group-unknown': { severity: 'error', summary: 'a compat list references a group that does not exist' },
  'compat-group-duplicate': { severity: 'error', summary: 'two compat groups have the same name' },
  'compat-group-unused': { severity: 'warning', summary: 'no machine references the compat group' },
  'machine-type-unknown': { severity: 'warning', summary: "a machine's QOM type is not in types.json, and no type there is a slip away" },
  'machine-type-typo': { severity: 'error', summary: "a machine's QOM type is not in types.json, but a type a slip away is (did you mean)" },
  'newest-machine-compat': { severity: 'warning', summary: 'the newest version of a machine family carries version compat entries' },
  'deprecated-machine-alias': { severity: 'warning', summary: 'a deprecated machine carries an alias (or is the default)' },
  // Compat entries against the type model
  'compat-value-invalid': { severity: 'error', summary: "an entry's value does not parse for the property's type: QEMU aborts" },
  'compat-property-missing': { severity: 'error', summary: 'a non-optional entry reaches a concrete type lacking the property: QEMU aborts' },
  'compat-property-unknown': { severity: 'warning', summary: 'an optional entry names a property no type it reaches has: it never applies' },
  'compat-property-typo': { severity: 'error', summary: 'an optional entry names a property no type it reaches has, but they have one a slip away (did you mean)' },
  'compat-driver-typo': { severity: 'error', summary: 'an entry names a driver that is not a type, but a type a slip away offers the property (did you mean)' },
  'compat-driver-misnamed': { severity: 'warning', summary: 'an entry names a driver that is not a type; the one type with the property has another name' },
  'compat-driver-unknown': { severity: 'info', summary: "an entry names a driver that is not a type of this binary (another architecture's, or removed): it never matches" },
  'compat-driver-unreached': { severity: 'warning', summary: 'an entry names a type no object that takes compat props is' },
  'compat-shadowed': { severity: 'warning', summary: "a later entry in the same version's list sets the same driver and property" },
  'compat-noop': { severity: 'warning', summary: 'an entry sets the value the object has anyway, in every machine that carries it' },
  // The type model (types.json)
  'type-duplicate': { severity: 'error', summary: 'two types have the same name' },
  'type-parent-unknown': { severity: 'error', summary: "a type's parent (or interface) is not a type" },
  'type-cycle': { severity: 'error', summary: 'types are each other\'s ancestors' },
  'type-default-invalid': { severity: 'error', summary: "a property's default does not parse for its type" },
  // Boards (boards.json)
  'board-layout-unknown': { severity: 'error', summary: 'a machine names a board layout boards.json does not have' },
  'board-layout-missing': { severity: 'warning', summary: 'a machine has no board layout in a partial import (boards.json coverage)' },
  'board-layout-duplicate': { severity: 'error', summary: 'two board layouts have the same id' },
  'board-object-type-unknown': { severity: 'error', summary: 'a board object has a type that types.json does not have' },
  'board-observed-unknown': { severity: 'error', summary: 'a board object or device record refers to an observed record boards.json does not have' },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

export type RuleId = keyof typeof RULES;

/** A finding as rules produce it: located by JSON path; line and column are resolved later, only for files with findings. */
export interface RawFinding {
  readonly rule: RuleId;
  /** Index of the file in the run (see SourceFile.id). */
  readonly file: number;
  readonly path: JsonPath;
  /** Point at the member's key rather than its value (unknown and duplicate keys). */
  readonly atKey?: boolean;
  /** A position known without a JSON path (syntax errors). */
  readonly position?: { line: number; column: number };
  /** The message; a function when it cites another location (`line N`). */
  readonly message: string | ((lineOf: (path: JsonPath) => number) => string);
  readonly hint?: string;
}

/** A finding as reporters see it. */
export interface Finding {
  rule: RuleId;
  severity: Severity;
  file: string;
  line: number;
  column: number;
  /** JSON path, e.g. `$.machines[3].compat[0].value` */
  path: string;
  /** The path by names, not indices (check/stable-path.ts): what suppressions and baselines match. */
  key: string;
  message: string;
  hint?: string;
}
