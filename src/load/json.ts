/**
 * JSON with positions. The fast path is JSON.parse; only when something is
 * wrong do we re-parse with momoa to point at a line and column.
 */
import { parse as momoaParse, type AnyNode, type DocumentNode } from '@humanwhocodes/momoa';
import { DefinitionError } from '../errors.js';

export type JsonPath = ReadonlyArray<string | number>;

export interface Position { line: number; column: number }

/** JSON.parse, throwing DefinitionError('malformed-json') with line and column. */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const { line, column, reason } = syntaxError(text, err);
    throw new DefinitionError('malformed-json', { file, ...(line !== undefined ? { line, column } : {}) }, `malformed JSON: ${reason}`);
  }
}

/** Where and why the text is not JSON, in momoa's one-line words (V8's quote the text). */
function syntaxError(text: string, err: unknown): { line?: number; column?: number; reason: string } {
  try {
    momoaParse(text, { mode: 'json' });
  } catch (e) {
    const { line, column, message } = e as { line?: number; column?: number; message: string };
    if (line !== undefined && column !== undefined) return { line, column, reason: message.replace(/\s*\(\d+:\d+\)\s*$/, '') };
  }
  return { reason: (err instanceof Error ? err.message : String(err)).split('\n')[0]! };
}

/** A parsed document that can point at the node for a JSON path. */
export class PositionedJson {
  private constructor(private readonly doc: DocumentNode) {}

  static parse(text: string): PositionedJson | undefined {
    try {
      return new PositionedJson(momoaParse(text, { mode: 'json', ranges: false }));
    } catch {
      return undefined;
    }
  }

  /**
   * Position of the value at `path`; for a path that ends in a missing key,
   * the object that should hold it. `key: true` points at the member's key.
   */
  positionOf(path: JsonPath, opts: { key?: boolean } = {}): Position {
    let node: AnyNode = this.doc.body;
    let keyNode: AnyNode | undefined;
    for (const seg of path) {
      const next = child(node, seg);
      if (!next) break;
      keyNode = next.key;
      node = next.value;
    }
    const at = opts.key && keyNode ? keyNode : node;
    return { line: at.loc.start.line, column: at.loc.start.column };
  }

  /** Every member key, with its position and path, and whether an earlier member of its object has the same key. */
  *members(): Generator<{ path: (string | number)[]; key: string; keyPos: Position; duplicate: boolean }> {
    yield* walkMembers(this.doc.body, []);
  }
}

function child(node: AnyNode, seg: string | number): { key?: AnyNode; value: AnyNode } | undefined {
  if (node.type === 'Object' && typeof seg === 'string') {
    // The last member wins, as with JSON.parse.
    const m = [...node.members].reverse().find((mm) => mm.name.type === 'String' && mm.name.value === seg);
    return m ? { key: m.name, value: m.value } : undefined;
  }
  if (node.type === 'Array' && typeof seg === 'number') {
    const el = node.elements[seg];
    return el ? { value: el.value } : undefined;
  }
  return undefined;
}

function* walkMembers(node: AnyNode, path: (string | number)[]): Generator<{ path: (string | number)[]; key: string; keyPos: Position; duplicate: boolean }> {
  if (node.type === 'Object') {
    const seen = new Set<string>();
    for (const m of node.members) {
      const key = m.name.type === 'String' ? m.name.value : m.name.name;
      yield { path: [...path, key], key, keyPos: { line: m.name.loc.start.line, column: m.name.loc.start.column }, duplicate: seen.has(key) };
      seen.add(key);
      yield* walkMembers(m.value, [...path, key]);
    }
  } else if (node.type === 'Array') {
    let i = 0;
    for (const el of node.elements) yield* walkMembers(el.value, [...path, i++]);
  }
}

/** `$.machines[3].compat[0].value` */
export function formatJsonPath(path: JsonPath): string {
  return '$' + path.map((s) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z_$][\w$]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`)).join('');
}
