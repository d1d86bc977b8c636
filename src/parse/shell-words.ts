/**
 * A pasted command line (a libvirt domain log, `ps -ww` output, a generator's
 * script) split into words the way a POSIX shell would, for the quoting such
 * lines use: '…', "…" (with \" \\ \$ \` and backslash-newline), backslash
 * escapes, backslash-newline continuations, and `#` comments starting a word.
 * Expansions ($VAR, globs, $(…)) are not performed: a pasted line is data,
 * and its words are taken literally. Pure.
 */

export class ShellSyntaxError extends Error {
  constructor(readonly line: number, readonly column: number, readonly detail: string) {
    super(`${line}:${column}: ${detail}`);
  }
}

export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let line = 1;
  let lineStart = 0;
  const at = (i: number) => ({ line, column: i - lineStart + 1 });
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') {
      if (word !== null) { words.push(word); word = null; }
      line++; lineStart = i + 1;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      if (word !== null) { words.push(word); word = null; }
      continue;
    }
    if (ch === '#' && word === null) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
      continue;
    }
    if (ch === '\\') {
      const next = text[i + 1];
      if (next === undefined) { word = (word ?? '') + '\\'; continue; }
      i++;
      if (next === '\n') { line++; lineStart = i + 1; continue; } // continuation: nothing
      word = (word ?? '') + next;
      continue;
    }
    if (ch === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) { const p = at(i); throw new ShellSyntaxError(p.line, p.column, 'unterminated single quote'); }
      const body = text.slice(i + 1, close);
      word = (word ?? '') + body;
      for (let k = i + 1; k < close; k++) if (text[k] === '\n') { line++; lineStart = k + 1; }
      i = close;
      continue;
    }
    if (ch === '"') {
      const start = at(i);
      let body = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        const c = text[j]!;
        if (c === '\\' && j + 1 < text.length && '"\\$`\n'.includes(text[j + 1]!)) {
          j++;
          if (text[j] === '\n') { line++; lineStart = j + 1; continue; }
          body += text[j];
          continue;
        }
        if (c === '\n') { line++; lineStart = j + 1; }
        body += c;
      }
      if (j >= text.length) throw new ShellSyntaxError(start.line, start.column, 'unterminated double quote');
      word = (word ?? '') + body;
      i = j;
      continue;
    }
    word = (word ?? '') + ch;
  }
  if (word !== null) words.push(word);
  return words;
}
