/** Rules `json-syntax` and `json-duplicate-key`: what JSON.parse hides or refuses. */
import type { RawFinding } from './rules.js';
import type { SourceFile } from './source.js';

export function syntaxFindings(file: SourceFile): RawFinding[] {
  const out: RawFinding[] = [];
  if (file.syntax) {
    const { line, column, message } = file.syntax;
    out.push({
      rule: 'json-syntax', file: file.id, path: [], position: { line, column },
      message: `malformed JSON: ${message}`, hint: 'the loader refuses the whole file; fix the syntax first',
    });
    return out;
  }
  for (const d of file.duplicateKeys()) {
    const key = String(d.path[d.path.length - 1]);
    out.push({
      rule: 'json-duplicate-key', file: file.id, path: d.path, position: d.at,
      message: `duplicate key "${key}": JSON.parse keeps only this one and silently drops the one at ${d.first.line}:${d.first.column}`,
      hint: 'merge the two members into one',
    });
  }
  return out;
}
