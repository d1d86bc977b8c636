/**
 * Line and column for a JSON path, straight from the text: a scanner that
 * walks to the value and skips everything else. Reporting a finding then
 * costs a partial scan instead of a momoa tree of the whole file (~80 ms for
 * machines.json cold). JSON.parse semantics: of repeated keys, the last wins.
 */
import type { JsonPath, Position } from '../load/json.js';

/** Position of the value at `path` (its key with `atKey`); of the nearest existing ancestor when the path ends early. */
export function locate(text: string, path: JsonPath, atKey = false): Position {
  return new Locator(text).locate(path, atKey);
}

/**
 * locate() for many paths of one text: where each value ends is remembered,
 * so every finding after the first skips the containers before its own in
 * one step (a file's findings share most of the walk).
 */
export class Locator {
  private readonly ends = new Map<number, number>();

  constructor(private readonly text: string) {}

  locate(path: JsonPath, atKey = false): Position {
    const { text } = this;
    let at = skipSpace(text, 0);
    let keyAt: number | undefined;
    for (const seg of path) {
      const next = typeof seg === 'string' ? this.member(at, seg) : this.element(at, seg);
      if (!next) break;
      at = next.value;
      keyAt = next.key;
    }
    return offsetToPosition(text, atKey && keyAt !== undefined ? keyAt : at);
  }

  private member(at: number, name: string): { key: number; value: number } | undefined {
    const { text } = this;
    if (text[at] !== '{') return undefined;
    let found: { key: number; value: number } | undefined;
    for (let i = skipSpace(text, at + 1); text[i] === '"';) {
      const keyEnd = stringEnd(text, i);
      const raw = text.slice(i + 1, keyEnd);
      const key = raw.includes('\\') ? (JSON.parse(text.slice(i, keyEnd + 1)) as string) : raw;
      const value = skipSpace(text, skipSpace(text, keyEnd + 1) + 1); // past the ':'
      if (key === name) found = { key: i, value };
      const after = skipSpace(text, this.valueEnd(value));
      if (text[after] !== ',') break;
      i = skipSpace(text, after + 1);
    }
    return found;
  }

  private element(at: number, index: number): { key?: undefined; value: number } | undefined {
    const { text } = this;
    if (text[at] !== '[') return undefined;
    let i = skipSpace(text, at + 1);
    if (text[i] === ']') return undefined;
    for (let n = 0; n < index; n++) {
      const after = skipSpace(text, this.valueEnd(i));
      if (text[after] !== ',') return undefined;
      i = skipSpace(text, after + 1);
    }
    return { value: i };
  }

  private valueEnd(i: number): number {
    const c = this.text.charCodeAt(i);
    if (c !== 0x7b && c !== 0x5b) return valueEnd(this.text, i);
    let end = this.ends.get(i);
    if (end === undefined) this.ends.set(i, (end = valueEnd(this.text, i)));
    return end;
  }
}

export function offsetToPosition(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function skipSpace(text: string, i: number): number {
  for (let c = text.charCodeAt(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = text.charCodeAt(++i));
  return i;
}

/** Index just past the value that starts at `i`. */
function valueEnd(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return stringEnd(text, i) + 1;
  if (c !== '{' && c !== '[') {
    let j = i;
    while (j < text.length && !',}] \t\r\n'.includes(text[j]!)) j++;
    return j;
  }
  // Jump from one structural character to the next: most of a container is strings, numbers and space.
  const structural = /["{}[\]]/g;
  let depth = 0;
  for (structural.lastIndex = i; ;) {
    const m = structural.exec(text);
    if (!m) return text.length;
    const j = m.index;
    const d = text.charCodeAt(j);
    if (d === 0x22) structural.lastIndex = stringEnd(text, j) + 1;
    else if (d === 0x7b || d === 0x5b) depth++;
    else if (--depth === 0) return j + 1;
  }
}

/** Index of the quote that closes the string opened at `start`. */
export function stringEnd(text: string, start: number): number {
  for (let q = text.indexOf('"', start + 1); ; q = text.indexOf('"', q + 1)) {
    if (q === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return q;
  }
}
