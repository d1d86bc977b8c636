/** `qom-compat check [PATH...]`: the CI gate for machine definition files. */
import type { CliIo } from '../cli/io.js';
import { EXIT } from '../errors.js';
import { discoverSets } from '../check/discover.js';
import { EMBEDDED_MACHINES_DIR, EMBEDDED_SCHEMA_DIR } from '../load/paths.js';
import { loadJsonSchemas } from '../check/fast-schema.js';
import { formatGithub } from '../check/report-github.js';
import { formatJson } from '../check/report-json.js';
import { formatText } from '../check/report-text.js';
import { runCheck, type CheckResult } from '../check/runner.js';

export type CheckFormat = 'text' | 'json' | 'github';

export interface CheckOptions {
  format: CheckFormat;
  strict?: boolean;
  arch?: string;
  /** For tests; the process's working directory otherwise. */
  cwd?: string;
}

export async function checkPaths(paths: readonly string[], opts: Omit<CheckOptions, 'format'> = {}): Promise<CheckResult> {
  const cwd = opts.cwd ?? process.cwd();
  const sets = discoverSets({ paths, cwd, defaultRoot: EMBEDDED_MACHINES_DIR, ...(opts.arch ? { arch: opts.arch } : {}) });
  const jsonSchemas = loadJsonSchemas(EMBEDDED_SCHEMA_DIR);
  return runCheck(sets, jsonSchemas ? { jsonSchemas } : {});
}

export async function runCheckCommand(paths: readonly string[], opts: CheckOptions, io: CliIo): Promise<number> {
  const result = await checkPaths(paths, opts);
  if (opts.format === 'json') io.out(formatJson(result));
  else if (opts.format === 'github') io.out(formatGithub(result));
  else io.out(formatText(result, io.color));
  return exitCode(result, opts.strict ?? false);
}

/** 1 on any error, or on any warning under --strict; warnings alone pass. */
export function exitCode(result: CheckResult, strict: boolean): number {
  const failing = result.findings.some((f) => f.severity === 'error' || strict);
  return failing ? EXIT.refused : EXIT.ok;
}
