/**
 * GitHub Actions report: one workflow command per finding
 * (`::error file=…,line=…,col=…,title=…::message`), which the runner turns
 * into annotations on the pull request's diff; then the summary line.
 */
import { summaryLine } from './report-text.js';
import type { CheckResult } from './runner.js';

export function formatGithub(result: CheckResult): string {
  let out = '';
  for (const f of result.findings) {
    const props = [`file=${escapeProperty(f.file)}`, `line=${f.line}`, `col=${f.column}`, `title=${escapeProperty(`qom-compat ${f.rule}`)}`];
    const text = `${f.message}${f.hint ? `\nhint: ${f.hint}` : ''}\n(at ${f.path})`;
    // Workflow commands know error, warning and notice.
    out += `::${f.severity === 'info' ? 'notice' : f.severity} ${props.join(',')}::${escapeData(text)}\n`;
  }
  for (const note of result.notes) out += `::notice title=qom-compat::${escapeData(note)}\n`;
  return out + summaryLine(result) + '\n';
}

/** Workflow command escaping (actions/toolkit, command.ts). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
