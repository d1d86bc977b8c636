/**
 * The tool's own failures, as typed exceptions. cli/main.ts is the single
 * place that turns them into messages and exit codes. (What QEMU itself would
 * refuse is not an exception: it is part of a resolve result, exit 1.)
 */
export const EXIT = {
  ok: 0,
  /** QEMU would refuse to start / `check` found problems. */
  refused: 1,
  /** The tool's own problem: usage, unreadable definitions, unknown names. */
  usage: 2,
  /** `import` could not talk to or trust the QEMU binary. */
  qemu: 3,
  /** `resolve` (and what resolves a machine) on a machine whose board the definitions lack (a partial import). */
  noBoard: 4,
} as const;

export abstract class QomCompatError extends Error {
  abstract readonly exitCode: number;
}

export class UsageError extends QomCompatError {
  readonly exitCode = EXIT.usage;
}

export interface SourceLocation { file: string; line?: number; column?: number; jsonPath?: string }

/** A definition file that cannot be read, parsed or validated. */
export class DefinitionError extends QomCompatError {
  readonly exitCode = EXIT.usage;
  constructor(readonly rule: string, readonly location: SourceLocation, readonly detail: string) {
    super(`${formatLocation(location)}: ${detail}`);
  }
}

export class UnknownNameError extends QomCompatError {
  readonly exitCode = EXIT.usage;
  constructor(readonly kind: string, readonly unknown: string, readonly suggestions: readonly string[]) {
    super(`unknown ${kind} '${unknown}'` + (suggestions.length ? `; did you mean ${suggestions.map((s) => `'${s}'`).join(', ')}?` : ''));
  }
}

/** A machine the definitions have no board layout for: resolving it would answer with no objects. */
export class NoBoardLayoutError extends QomCompatError {
  readonly exitCode = EXIT.noBoard;
  constructor(readonly machine: string, reason: string) {
    super(`machine '${machine}' has no board layout: ${reason}`);
  }
}

export class QemuProbeError extends QomCompatError {
  readonly exitCode = EXIT.qemu;
}

export function formatLocation(loc: SourceLocation): string {
  let out = loc.file;
  if (loc.line !== undefined) out += `:${loc.line}` + (loc.column !== undefined ? `:${loc.column}` : '');
  if (loc.jsonPath) out += ` (at ${loc.jsonPath})`;
  return out;
}
