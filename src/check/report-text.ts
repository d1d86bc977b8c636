/** Text report: findings grouped by file, coloured by severity, and a summary line. */
import type { ChalkInstance } from 'chalk';
import type { CheckResult } from './runner.js';
import type { Finding } from './rules.js';

export function formatText(result: CheckResult, c: ChalkInstance): string {
  const byFile = new Map<string, Finding[]>();
  for (const f of result.findings) {
    const list = byFile.get(f.file) ?? [];
    list.push(f);
    byFile.set(f.file, list);
  }
  let out = '';
  for (const [file, findings] of byFile) {
    out += c.bold.underline(file) + '\n';
    for (const f of findings) {
      const severity = f.severity === 'error' ? c.red('error  ') : c.yellow('warning');
      out += `  ${c.dim(`${file}:${f.line}:${f.column}`)}  ${severity}  ${f.rule}  ${c.dim(f.path)}\n`;
      out += indent(f.message, '    ') + '\n';
      if (f.hint) out += indent(`hint: ${f.hint}`, '    ', c.cyan) + '\n';
    }
    out += '\n';
  }
  for (const note of result.notes) out += c.dim(`note: ${note}`) + '\n';
  return out + summaryLine(result, c) + '\n';
}

function indent(text: string, prefix: string, paint: (s: string) => string = (s) => s): string {
  return text.split('\n').map((line) => prefix + paint(line)).join('\n');
}

/** `3 errors, 5 warnings in 2 files`, or `no problems in 4 files`. */
export function summaryLine(result: CheckResult, c?: ChalkInstance): string {
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.length - errors;
  const files = new Set(result.findings.map((f) => f.file)).size;
  if (result.findings.length === 0) {
    const text = `no problems in ${plural(result.filesChecked, 'file')}`;
    return c ? c.green(text) : text;
  }
  const text = `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files, 'file')}`;
  if (!c) return text;
  return errors ? c.red.bold(text) : c.yellow.bold(text);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
