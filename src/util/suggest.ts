/** "Did you mean": the closest known names to a misspelt one, loosely (CLI names) or strictly (check's typo claims). */
import { distance } from 'fastest-levenshtein';

export function closestMatches(name: string, candidates: Iterable<string>, max = 3): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  const scored: Array<[string, number]> = [];
  const lower = name.toLowerCase();
  for (const c of candidates) {
    const d = distance(lower, c.toLowerCase());
    // A candidate containing the name (q35-9 → pc-q35-9.1) is close too.
    const score = c.toLowerCase().includes(lower) ? Math.min(d, 1) : d;
    if (score <= limit) scored.push([c, score]);
  }
  // Ties go to the longer shared prefix: pc-q35-9.7 is nearer pc-q35-9.1 than pc-q35-2.7.
  return scored.sort((a, b) => a[1] - b[1] || commonPrefix(b[0], name) - commonPrefix(a[0], name) || (a[0] < b[0] ? -1 : 1))
    .slice(0, max).map(([c]) => c);
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

export const normalizeName = (s: string) => s.toLowerCase().replace(/[-_.]/g, '');

/**
 * Names within a small edit distance, ignoring case and the separators QOM
 * names mix (`-`, `_`, `.`). Tighter than the CLI's closestMatches: a
 * suggestion here claims a typo, and a wrong one sends the reader astray
 * (Icelake-Client-x86_64-cpu is a removed model, not a misspelt
 * Icelake-Server-x86_64-cpu).
 */
export function nearNames(name: string, candidates: Iterable<string>, max = 3): string[] {
  return nearNormalized(name, [...candidates].map((c) => [c, normalizeName(c)]), max);
}

export function nearNormalized(name: string, candidates: ReadonlyArray<readonly [string, string]>, max = 3): string[] {
  const target = normalizeName(name);
  const limit = Math.max(1, Math.min(3, Math.floor(target.length / 8)));
  const scored: Array<[string, number]> = [];
  for (const [c, norm] of candidates) {
    // The edit distance is at least the difference in length.
    if (c === name || Math.abs(norm.length - target.length) > limit) continue;
    // A swap of two neighbouring letters (mxp for mpx) is one slip, though two Levenshtein edits.
    const edits = distance(target, norm);
    const d = edits === 2 && isTransposition(target, norm) ? 1 : edits;
    if (d <= limit) scored.push([c, d]);
  }
  return scored.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).slice(0, max).map(([c]) => c);
}

function isTransposition(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}
