/** Ordering of QOM names as people read them. Pure. */

/** Name order with embedded numbers compared numerically: device[2] before device[10], ide.9 before ide.10. */
export function compareNames(a: string, b: string): number {
  const ca = a.match(/\d+|\D+/g) ?? [];
  const cb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const x = ca[i]!, y = cb[i]!;
    if (x === y) continue;
    if (/^\d/.test(x) && /^\d/.test(y)) return Number(x) - Number(y) || (x < y ? -1 : 1);
    return x < y ? -1 : 1;
  }
  return ca.length - cb.length;
}
