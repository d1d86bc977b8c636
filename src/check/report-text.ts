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
      const severity = f.severity === 'error' ? c.red('error  ') : f.severity === 'warning' ? c.yellow('warning') : c.blue('info   ');
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

/**
 * `3 errors, 5 warnings in 2 files`, or `no problems in 4 files`; then, in
 * parentheses, what is reported without being a problem (info) and what was
 * accepted (suppressed, baselined, ignored), so nothing disappears unsaid.
 */
export function summaryLine(result: CheckResult, c?: ChalkInstance): string {
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const problems = result.findings.filter((f) => f.severity !== 'info');
  const warnings = problems.length - errors;
  const files = new Set(problems.map((f) => f.file)).size;
  const extra = extras(result);
  if (problems.length === 0) {
    const text = `no problems in ${plural(result.filesChecked, 'file')}${extra}`;
    return c ? c.green(text) : text;
  }
  const text = `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files, 'file')}${extra}`;
  if (!c) return text;
  return errors ? c.red.bold(text) : c.yellow.bold(text);
}

function extras(result: CheckResult & Partial<Record<'suppressed' | 'baselined' | 'ignored', number>>): string {
  const info = result.findings.length - result.findings.filter((f) => f.severity !== 'info').length;
  const parts = [
    info ? `${info} info` : '',
    result.suppressed ? `${result.suppressed} suppressed` : '',
    result.baselined ? `${result.baselined} in the baseline` : '',
    result.ignored ? `${result.ignored} ignored` : '',
  ].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
