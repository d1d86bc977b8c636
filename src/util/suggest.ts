/** "Did you mean": the closest known names to a misspelt one. */
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
