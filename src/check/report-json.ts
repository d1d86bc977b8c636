/**
 * JSON report: an array of findings (rule, severity, file, line, column,
 * path, key: the path by names that suppressions and baselines use, message,
 * and hint when there is one).
 */
import type { CheckResult } from './runner.js';

export function formatJson(result: CheckResult): string {
  return JSON.stringify(result.findings.map((f) => ({
    rule: f.rule, severity: f.severity, file: f.file, line: f.line, column: f.column, path: f.path, key: f.key, message: f.message,
    ...(f.hint ? { hint: f.hint } : {}),
  })), null, 2) + '\n';
}
