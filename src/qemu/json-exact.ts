/**
 * JSON parsing that keeps integers exact. QMP reports u64 values such as
 * 18446744073709551615, which JSON.parse rounds; integers outside the safe
 * range come back as bigint instead.
 */
export type ExactJson = null | boolean | number | bigint | string | ExactJson[] | { [k: string]: ExactJson };

const BIG_INT = /(?<=[:\[,]\s*)(-?\d{16,})(?=\s*[,\]}])/g;

/** Parses JSON text; integer literals beyond Number.MAX_SAFE_INTEGER become bigint. */
export function parseExactJson(text: string): ExactJson {
  if (!/\d{16,}/.test(text)) return JSON.parse(text) as ExactJson;
  // Quote long integer literals outside strings with a marker, then revive them.
  const marked = replaceOutsideStrings(text, (chunk) =>
    chunk.replace(BIG_INT, (lit) => `"\\u0000big:${lit}"`),
  );
  return JSON.parse(marked, (_k, v: unknown) => {
    if (typeof v === 'string' && v.startsWith('\u0000big:')) {
      const big = BigInt(v.slice(5));
      return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
    }
    return v;
  }) as ExactJson;
}

function replaceOutsideStrings(text: string, fn: (chunk: string) => string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const q = text.indexOf('"', i);
    if (q < 0) { out += fn(text.slice(i)); break; }
    out += fn(text.slice(i, q));
    let j = q + 1;
    while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    out += text.slice(q, j + 1);
    i = j + 1;
  }
  return out;
}

/** Serialises like JSON.stringify, writing bigint as an exact integer literal. */
export function stringifyExactJson(value: unknown, indent?: number): string {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `\u0000big:${v}` : v), indent);
  return text.replace(/"\\u0000big:(-?\d+)"/g, '$1');
}
