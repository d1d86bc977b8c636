/**
 * Which runs the start-up snapshot serves: the everyday commands on the
 * embedded definitions. bin/qom-compat makes the same choice in shell (keep
 * the two alike); this copy guards the snapshot against any other run.
 */
export const SNAPSHOT_COMMANDS: ReadonlySet<string> = new Set(['list', 'show', 'resolve', 'explain']);

export function servedBySnapshot(argv: readonly string[]): boolean {
  const command = argv.find((a) => !a.startsWith('-'));
  if (command !== undefined && !SNAPSHOT_COMMANDS.has(command)) return false;
  // Other definitions than the embedded ones (which the snapshot holds) may need zod to word an error.
  return !argv.some((a) => /^--(defs|arch)(=|$)/.test(a));
}
