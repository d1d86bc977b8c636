/** Shared helpers for the check tests: fixture sets in memory, on top of the base definitions. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCheck, type CheckResult, type RunOptions, type SourceInput } from '../../src/check/runner.js';
import { isDefinitionFileName } from '../../src/load/file-names.js';

export const FIXTURES = resolve('test/fixtures/check');
export const BASE_DIR = join(FIXTURES, 'base');
export const CASES_DIR = join(FIXTURES, 'cases');

export const readBase = (name: string): string => readFileSync(join(BASE_DIR, name), 'utf8');

/**
 * Checks the given files (reported) with the base definitions filling in
 * every kind of file the case does not bring (context only).
 */
export function checkWithBase(files: Record<string, string>, opts: RunOptions = {}, dir = '/fixture/x86_64'): Promise<CheckResult> {
  const inputs: SourceInput[] = Object.entries(files).map(([name, text]) => ({
    path: join(dir, name), display: name, text, kind: isDefinitionFileName(name) ? name : undefined, reported: true,
  }));
  for (const name of readdirSync(BASE_DIR).filter(isDefinitionFileName)) {
    if (name in files) continue;
    inputs.push({ path: join(dir, name), display: name, text: readBase(name), kind: name, reported: false });
  }
  return runCheck([{ dir, files: inputs }], opts);
}

/** The text at a 1-based line and column. */
export function textAt(text: string, line: number, column: number): string {
  const lines = text.split('\n');
  return [lines[line - 1]!.slice(column - 1), ...lines.slice(line)].join('\n');
}
