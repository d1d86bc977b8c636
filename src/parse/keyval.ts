/**
 * QEMU's keyval syntax (util/keyval.c), used by -machine: `key=value` pairs
 * separated by commas, `,,` for a comma inside a value, dotted keys for
 * nesting (kept flat here: `smp-cache.0.cache`), and an implied first key
 * (`-machine q35` is `type=q35`; its value ends at the first comma or `=`,
 * without `,,` escapes). A later key replaces an earlier one. Pure.
 */

export type KeyvalResult =
  | { ok: true; pairs: Array<[string, string]>; help: boolean }
  | { ok: false; error: string };

const QAPI_NAME = /^[A-Za-z][A-Za-z0-9_-]*/;
const INDEX = /^\d+/;

function isHelpWord(s: string): boolean {
  return s === 'help' || s === '?';
}

/** Checks a key's fragments as keyval_parse_one does; returns the error or null. */
function keyError(key: string): string | null {
  let s = 0;
  for (;;) {
    const rest = key.slice(s);
    const m = (s > 0 ? INDEX.exec(rest) : null) ?? QAPI_NAME.exec(rest);
    const len = m ? m[0].length : 0;
    if (!len || (s + len < key.length && key[s + len] !== '.')) return `Invalid parameter '${key}'`;
    if (len >= 128) return `Parameter${s !== 0 || s + len !== key.length ? ' fragment' : ''} '${rest.slice(0, len)}' is too long`;
    s += len;
    if (key[s] !== '.') return null;
    s++;
  }
}

export function parseKeyval(params: string, impliedKey?: string): KeyvalResult {
  const pairs = new Map<string, string>();
  let help = false;
  let s = 0;
  let implied = impliedKey;
  while (s < params.length) {
    const rest = params.slice(s);
    const m = /[=,]/.exec(rest);
    const len = m ? m.index : rest.length;
    if (len && rest[len] !== '=') {
      const word = rest.slice(0, len);
      if (isHelpWord(word)) {
        help = true;
        s += len + (rest[len] === ',' ? 1 : 0);
        implied = undefined;
        continue;
      }
      if (implied !== undefined) {
        pairs.delete(implied);
        pairs.set(implied, word);
        s += len + (rest[len] === ',' ? 1 : 0);
        implied = undefined;
        continue;
      }
    }
    implied = undefined;
    const key = rest.slice(0, len);
    const err = keyError(key);
    if (err) return { ok: false, error: err };
    if (rest[len] !== '=') return { ok: false, error: `Expected '=' after parameter '${key}'` };
    let i = s + len + 1;
    let value = '';
    for (;;) {
      if (i >= params.length) break;
      if (params[i] === ',') {
        i++;
        if (params[i] !== ',') break;
      }
      value += params[i++];
    }
    pairs.delete(key);
    pairs.set(key, value);
    s = i;
  }
  return { ok: true, pairs: [...pairs], help };
}
