/**
 * QEMU's JSON parser as the command line uses it (qobject_from_json for
 * `-device {…}`, `-object {…}`, `-netdev {…}`, `-blockdev {…}`): standard
 * JSON plus single-quoted strings, integers kept exact (int64, then uint64,
 * else a double), and QEMU's own error wording (qobject/json-lexer.c,
 * json-parser.c): "JSON parse error, premature EOI", "…, invalid keyword
 * 'x'", "…, stray '01'", "Expecting at most one JSON value". Pure.
 */

export type QemuJson = null | boolean | { int: bigint } | { float: number } | string | QemuJson[] | QemuJsonObject;
export interface QemuJsonObject { readonly kind: 'object'; readonly entries: ReadonlyArray<readonly [string, QemuJson]> }

export type QemuJsonResult = { ok: true; value: QemuJson } | { ok: false; error: string };

type Token =
  | { t: 'punct'; v: string }
  | { t: 'string'; v: string }
  | { t: 'int'; v: bigint }
  | { t: 'float'; v: number }
  | { t: 'keyword'; v: string };

class JsonError extends Error {}

const fail = (detail: string): never => { throw new JsonError(`JSON parse error, ${detail}`); };

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const UINT64_MAX = (1n << 64n) - 1n;

/** Tokens on demand, so that an error early in the text is reported before one later on, as QEMU's streaming parser does. */
class Lexer {
  private i = 0;
  constructor(private readonly text: string) {}

  next(): Token | undefined {
    const text = this.text;
    while (this.i < text.length && ' \t\n\r'.includes(text[this.i]!)) this.i++;
    if (this.i >= text.length) return undefined;
    const c = text[this.i]!;
    if ('{}[],:'.includes(c)) { this.i++; return { t: 'punct', v: c }; }
    if (c === '"' || c === "'") { const [s, end] = lexString(text, this.i); this.i = end; return { t: 'string', v: s }; }
    if (/[a-zA-Z]/.test(c)) {
      const m = /^[a-zA-Z]+/.exec(text.slice(this.i))![0];
      this.i += m.length;
      return { t: 'keyword', v: m };
    }
    if (c === '-' || /[0-9]/.test(c)) { const [tok, end] = lexNumber(text, this.i); this.i = end; return tok; }
    return fail(`stray '${c}'`);
  }
}

/** A number by JSON's grammar; where it breaks off, the lexer reports what it read plus the offending character. */
function lexNumber(text: string, start: number): [Token, number] {
  const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(start));
  const end = start + (m ? m[0].length : 0);
  const next = text[end];
  const broken = !m || (m[1] === '0' && next !== undefined && /[0-9]/.test(next)) || (next !== undefined && /[.eE]/.test(next));
  if (broken) fail(`stray '${text.slice(start, Math.max(end, start + (m ? m[0].length : 1)) + 1)}'`);
  const s = m![0];
  if (m![2] === undefined && m![3] === undefined) {
    const v = BigInt(s);
    if (v >= INT64_MIN && v <= UINT64_MAX) return [{ t: 'int', v }, end];
  }
  return [{ t: 'float', v: Number(s) }, end];
}

function lexString(text: string, start: number): [string, number] {
  const quote = text[start]!;
  let out = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === quote) return [out, i + 1];
    if (c !== '\\') { out += c; continue; }
    const e = text[++i];
    if (e === undefined) break;
    const simple: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
    if (e in simple) { out += simple[e]; continue; }
    if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(text.slice(i + 1, i + 5), 16));
      i += 4;
      continue;
    }
    fail('invalid escape sequence in string');
  }
  return fail('premature EOI');
}

class Parser {
  private ahead: Token | undefined | null = null;
  constructor(private readonly lexer: Lexer) {}

  private peek(): Token | undefined {
    if (this.ahead === null) this.ahead = this.lexer.next();
    return this.ahead;
  }
  private next(): Token {
    const t = this.peek();
    this.ahead = null;
    return t ?? fail('premature EOI');
  }

  value(): QemuJson {
    const t = this.next();
    switch (t.t) {
      case 'string': return t.v;
      case 'int': return { int: t.v };
      case 'float': return { float: t.v };
      case 'keyword':
        if (t.v === 'true') return true;
        if (t.v === 'false') return false;
        if (t.v === 'null') return null;
        return fail(`invalid keyword '${t.v}'`);
      case 'punct':
        if (t.v === '{') return this.object();
        if (t.v === '[') return this.array();
        return fail('expecting value');
    }
  }

  private object(): QemuJsonObject {
    const entries: Array<[string, QemuJson]> = [];
    const seen = new Set<string>();
    if (this.isPunct('}')) { this.next(); return { kind: 'object', entries }; }
    for (;;) {
      // QEMU parses the key as any value, then insists on a string.
      const k = this.value();
      if (typeof k !== 'string') fail('key is not a string in object');
      const colon = this.next();
      if (!(colon.t === 'punct' && colon.v === ':')) fail('missing : in object pair');
      const v = this.value();
      if (seen.has(k as string)) fail('duplicate key');
      seen.add(k as string);
      entries.push([k as string, v]);
      const sep = this.next();
      if (sep.t === 'punct' && sep.v === '}') return { kind: 'object', entries };
      if (!(sep.t === 'punct' && sep.v === ',')) fail('expected separator in dict');
    }
  }

  private array(): QemuJson[] {
    const out: QemuJson[] = [];
    if (this.isPunct(']')) { this.next(); return out; }
    for (;;) {
      out.push(this.value());
      const sep = this.next();
      if (sep.t === 'punct' && sep.v === ']') return out;
      if (!(sep.t === 'punct' && sep.v === ',')) fail('expected separator in array');
    }
  }

  private isPunct(v: string): boolean {
    const t = this.peek();
    return t?.t === 'punct' && t.v === v;
  }

  atEnd(): boolean { return this.peek() === undefined; }
}

/** json-streamer.c MAX_NESTING: open braces plus brackets a value may have at once. */
const MAX_NESTING = 1024;

/**
 * QEMU's streamer counts braces and brackets as tokens arrive and refuses the
 * first value once they exceed MAX_NESTING, before parsing it; the check also
 * keeps the recursive parser below from overflowing the stack. A lexing error
 * met first is left to the parser to report.
 */
function nestingExceeded(text: string): boolean {
  const lexer = new Lexer(text);
  let braces = 0;
  let brackets = 0;
  try {
    for (let t = lexer.next(); t; t = lexer.next()) {
      if (t.t !== 'punct') { if (braces === 0 && brackets === 0) return false; continue; }
      if (t.v === '{') braces++; else if (t.v === '}') braces--; else if (t.v === '[') brackets++; else if (t.v === ']') brackets--;
      if (braces + brackets > MAX_NESTING) return true;
      // The first value ends (QEMU emits it) when neither count is open or either went negative.
      if (!((braces > 0 || brackets > 0) && braces >= 0 && brackets >= 0)) return false;
    }
  } catch (e) {
    if (e instanceof JsonError) return false;
    throw e;
  }
  return false;
}

export function parseQemuJson(text: string): QemuJsonResult {
  if (nestingExceeded(text)) return { ok: false, error: 'JSON nesting depth limit exceeded' };
  try {
    const parser = new Parser(new Lexer(text));
    const value = parser.value();
    if (!parser.atEnd()) return { ok: false, error: 'Expecting at most one JSON value' };
    return { ok: true, value };
  } catch (e) {
    if (e instanceof JsonError) return { ok: false, error: e.message };
    throw e;
  }
}

export function isJsonObject(v: QemuJson): v is QemuJsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'kind' in v;
}

/** The JSON type name QEMU's visitors use in messages. */
export function jsonText(v: QemuJson): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  if ('int' in v) return v.int.toString();
  if ('float' in v) return String(v.float);
  return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`).join(',')}}`;
}
