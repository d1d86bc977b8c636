/**
 * Where a compact model keeps definitions until first used: as JSON text,
 * behind a numeric handle. A run reads a handful of the thousands of board
 * records and type declarations; text is cheap to keep and to restore from the
 * start-up snapshot, and a store may keep it outside the heap altogether
 * (load/text-pack.ts: a file beside the snapshot).
 */
export interface TextStore {
  /** Keeps `text`; the handle gives it back. */
  put(text: string): number;
  get(handle: number): string;
}

/** Texts in memory. */
export class MemoryTextStore implements TextStore {
  private readonly texts: string[] = [];
  put(text: string): number { return this.texts.push(text) - 1; }
  get(handle: number): string {
    const t = this.texts[handle];
    if (t === undefined) throw new RangeError(`no text ${handle} in this store`);
    return t;
  }
}

/** A definition as it came, or (in a compact model) the handle of its JSON text. */
export type Kept<T> = T | number;

export const keep = <T>(store: TextStore | undefined, d: T): Kept<T> => (store ? store.put(JSON.stringify(d)) : d);
export const use = <T>(store: TextStore | undefined, d: Kept<T>): T => (typeof d === 'number' ? JSON.parse(store!.get(d)) as T : d);
