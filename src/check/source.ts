/**
 * One definition file as `check` sees it: its text, what JSON.parse made of
 * it, and positions for JSON paths when findings need them (check/locate.ts).
 * momoa's full tree is built only for a file with repeated keys, and for a
 * syntax error V8 does not place.
 */
import { parse as momoaParse } from '@humanwhocodes/momoa';
import { formatJsonPath, PositionedJson, type JsonPath, type Position } from '../load/json.js';
import { Locator, offsetToPosition, stringEnd } from './locate.js';
import type { DefinitionFileName } from '../load/file-names.js';

export interface SyntaxProblem { message: string; line: number; column: number }

export class SourceFile {
  private locator: Locator | undefined;

  private constructor(
    /** Index in the run; findings refer to files by it. */
    readonly id: number,
    readonly path: string,
    /** How reports name the file (relative to the working directory when inside it). */
    readonly display: string,
    readonly kind: DefinitionFileName | undefined,
    readonly text: string,
    /** JSON.parse's result; undefined when the text is not JSON. */
    readonly data: unknown,
    readonly syntax: SyntaxProblem | undefined,
  ) {}

  static load(id: number, path: string, display: string, text: string, namedKind: DefinitionFileName | undefined): SourceFile {
    let data: unknown;
    let syntax: SyntaxProblem | undefined;
    try {
      data = JSON.parse(text);
    } catch (e) {
      syntax = describeSyntaxError(text, e instanceof Error ? e.message : String(e));
    }
    return new SourceFile(id, path, display, namedKind ?? sniffKind(data), text, data, syntax);
  }

  /** 1-based line and column of the value (or, with `atKey`, the key) at `path`. */
  positionOf(path: JsonPath, atKey = false): Position {
    this.locator ??= new Locator(this.text);
    return this.locator.locate(path, atKey);
  }

  /**
   * Keys that occur twice in one object, as [path, position of the repeated
   * key, position of its first occurrence]. A cheap scan decides first whether
   * momoa is needed at all.
   */
  duplicateKeys(): Array<{ path: JsonPath; at: Position; first: Position }> {
    if (this.data === undefined || !hasDuplicateKeys(this.text, this.data)) return [];
    const positioned = PositionedJson.parse(this.text);
    if (!positioned) return [];
    const out: Array<{ path: JsonPath; at: Position; first: Position }> = [];
    const firstKeys = new Map<string, Position>();
    for (const m of positioned.members()) {
      const key = formatJsonPath(m.path);
      if (!m.duplicate) { if (!firstKeys.has(key)) firstKeys.set(key, m.keyPos); continue; }
      out.push({ path: m.path, at: m.keyPos, first: firstKeys.get(key) ?? m.keyPos });
    }
    return out;
  }
}

/** The file kind from its top-level keys, for files not named machines.json, types.json, … */
function sniffKind(data: unknown): DefinitionFileName | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const has = (k: string) => Object.hasOwn(data, k);
  if (has('machines') || has('groups')) return 'machines.json';
  if (has('types')) return 'types.json';
  if (has('layouts')) return 'boards.json';
  if (has('accelerators')) return 'accel-compat.json';
  return undefined;
}

/**
 * V8's message names the offset ("… in JSON at position 42"); momoa's names
 * line and column. Use V8's wording and offset, momoa's position as fallback.
 */
function describeSyntaxError(text: string, v8Message: string): SyntaxProblem {
  // V8 names the invisible character itself ("Unexpected token '\uFEFF'").
  if (text.charCodeAt(0) === 0xfeff) return { message: 'the file starts with a byte order mark (U+FEFF); save it as UTF-8 without one', line: 1, column: 1 };
  const offset = /at position (\d+)/.exec(v8Message);
  const message = v8Message
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, '')
    .replace(/^Unexpected end of JSON input$/, 'unexpected end of input');
  if (offset) return { message, ...offsetToPosition(text, Number(offset[1])) };
  try {
    momoaParse(text, { mode: 'json' });
  } catch (e) {
    const { line, column } = e as { line?: number; column?: number };
    if (line !== undefined && column !== undefined) return { message, line, column };
  }
  return { message, ...offsetToPosition(text, text.length) };
}

/**
 * Whether an object in valid JSON `text` may repeat a key, given `data`, its
 * JSON.parse result: JSON.parse keeps one member per repeated key, so the
 * text then has more key tokens than the parsed objects have members. Never
 * false when a key repeats; true without a repeat only when a string starts
 * with a colon (counted as a key token), and duplicateKeys() then asks momoa.
 * Two native-speed passes instead of tracking key sets per object.
 */
export function hasDuplicateKeys(text: string, data: unknown): boolean {
  return keyTokens(text) !== memberCount(data);
}

/**
 * Quotes followed by a colon: every key's closing quote, less the escaped
 * quotes inside strings (`"a\\":b"`); plus, harmlessly, a string opening on a
 * colon. A native regex count, then a correction for the few escaped quotes.
 */
function keyTokens(text: string): number {
  let keys = text.match(/"[ \t\r\n]*:/g)?.length ?? 0;
  const colonAt = /[ \t\r\n]*:/y;
  for (let i = text.indexOf('\\"'); i !== -1; i = text.indexOf('\\"', i + 1)) {
    let backslashes = 1;
    while (text.charCodeAt(i - backslashes) === 0x5c) backslashes++;
    colonAt.lastIndex = i + 2;
    if (backslashes % 2 === 1 && colonAt.test(text)) keys--;
  }
  return keys;
}

/** Members of every object in parsed JSON; iterative, as the nesting of untrusted input has no bound. */
function memberCount(data: unknown): number {
  let members = 0;
  const stack: unknown[] = [data];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (typeof v[i] === 'object') stack.push(v[i]);
      continue;
    }
    // for-in: parsed JSON has own members only, and `__proto__` is one of them.
    for (const k in v) {
      members++;
      const child = (v as Record<string, unknown>)[k];
      if (typeof child === 'object') stack.push(child);
    }
  }
  return members;
}
