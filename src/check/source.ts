/**
 * One definition file as `check` sees it: its text, what JSON.parse made of
 * it, and (only when a finding needs one) a position for a JSON path. momoa is
 * run lazily: most files have no findings, and types.json is large.
 */
import { parse as momoaParse } from '@humanwhocodes/momoa';
import { formatJsonPath, PositionedJson, type JsonPath, type Position } from '../load/json.js';
import { DEFINITION_FILES, type DefinitionFileName } from '../load/schema.js';

export interface SyntaxProblem { message: string; line: number; column: number }

export class SourceFile {
  private positioned: PositionedJson | null | undefined;

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
    if (this.positioned === undefined) this.positioned = PositionedJson.parse(this.text) ?? null;
    return this.positioned?.positionOf(path, { key: atKey }) ?? { line: 1, column: 1 };
  }

  /**
   * Keys that occur twice in one object, as [path, position of the repeated
   * key, position of its first occurrence]. A cheap scan decides first whether
   * momoa is needed at all.
   */
  duplicateKeys(): Array<{ path: JsonPath; at: Position; first: Position }> {
    if (this.data === undefined || !hasDuplicateKeys(this.text)) return [];
    this.positioned ??= PositionedJson.parse(this.text) ?? null;
    if (!this.positioned) return [];
    const out: Array<{ path: JsonPath; at: Position; first: Position }> = [];
    const firstKeys = new Map<string, Position>();
    for (const m of this.positioned.members()) {
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

export function isDefinitionFileName(name: string): name is DefinitionFileName {
  return Object.hasOwn(DEFINITION_FILES, name);
}

/**
 * V8's message names the offset ("… in JSON at position 42"); momoa's names
 * line and column. Use V8's wording and offset, momoa's position as fallback.
 */
function describeSyntaxError(text: string, v8Message: string): SyntaxProblem {
  const offset = /at position (\d+)/.exec(v8Message);
  const message = v8Message
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/, (\.\.\.)?".*" is not valid JSON$/s, '')
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

function offsetToPosition(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

const STRUCTURE = /["{}[\],]/g;

/**
 * Whether any object in (valid) JSON text repeats a key. A single pass that
 * jumps from one structural character to the next: the full momoa tree is
 * only built for the rare file that has duplicates.
 */
export function hasDuplicateKeys(text: string): boolean {
  // One entry per open container: the keys seen so far for objects, null for arrays.
  const stack: Array<Set<string> | null> = [];
  let expectKey = false;
  STRUCTURE.lastIndex = 0;
  for (let m = STRUCTURE.exec(text); m; m = STRUCTURE.exec(text)) {
    const i = m.index;
    switch (text[i]) {
      case '"': {
        const end = stringEnd(text, i);
        if (expectKey) {
          const raw = text.slice(i + 1, end);
          const key = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
          const keys = stack[stack.length - 1]!;
          if (keys.has(key)) return true;
          keys.add(key);
          expectKey = false;
        }
        STRUCTURE.lastIndex = end + 1;
        break;
      }
      case '{': stack.push(new Set()); expectKey = true; break;
      case '[': stack.push(null); expectKey = false; break;
      case '}': case ']': stack.pop(); expectKey = false; break;
      case ',': expectKey = stack[stack.length - 1] instanceof Set; break;
    }
  }
  return false;
}

/** Index of the quote that closes the string opened at `start`. */
function stringEnd(text: string, start: number): number {
  for (let q = text.indexOf('"', start + 1); ; q = text.indexOf('"', q + 1)) {
    if (q === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return q;
  }
}
