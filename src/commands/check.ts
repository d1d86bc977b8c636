/** `qom-compat check [PATH...]`: the CI gate for machine definition files. */
import type { CliIo } from '../cli/io.js';
import { EXIT } from '../errors.js';
import { cacheDir, cacheKey, readCached, writeCached } from '../check/cache.js';
import { contextFiles, discoverSets, siblingTypeFiles } from '../check/discover.js';
import { REQUIRED_FILES } from '../load/file-names.js';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EMBEDDED_MACHINES_DIR, EMBEDDED_SCHEMA_DIR } from '../load/paths.js';
import { schemaFilePath } from '../load/schema-files.js';
import { formatGithub } from '../check/report-github.js';
import { formatJson } from '../check/report-json.js';
import { formatText } from '../check/report-text.js';
import type { CheckResult } from '../check/runner.js';

export type CheckFormat = 'text' | 'json' | 'github';

export interface CheckOptions {
  format: CheckFormat;
  strict?: boolean;
  arch?: string;
  /** For tests; the process's working directory otherwise. */
  cwd?: string;
  /** Reuse and store results in this directory (see check/cache.ts). */
  cacheDir?: string;
  /** false: --no-cache. */
  cache?: boolean;
}

export async function checkPaths(paths: readonly string[], opts: Omit<CheckOptions, 'format'> = {}): Promise<CheckResult> {
  const cwd = opts.cwd ?? process.cwd();
  // Run from a repository of definitions, `check` alone means that repository's machines/.
  const local = join(cwd, 'machines');
  const defaultRoot = existsSync(local) && statSync(local).isDirectory() ? local : EMBEDDED_MACHINES_DIR;
  const sets = discoverSets({
    paths, cwd, defaultRoot, contextRoot: EMBEDDED_MACHINES_DIR, ...(opts.arch ? { arch: opts.arch } : {}),
  });
  const cache = opts.cacheDir === undefined ? undefined : {
    dir: opts.cacheDir,
    key: cacheKey({ sets, cwd, extraFiles: [
      ...sets.flatMap((s) => siblingTypeFiles(s.dir)),
      ...REQUIRED_FILES.map((f) => schemaFilePath(EMBEDDED_SCHEMA_DIR, f)),
      // Lent to sets that lack a file (the embedded check has them all: no need to hash them twice).
      ...(sets.some((s) => REQUIRED_FILES.some((k) => !s.files.some((f) => f.kind === k))) ? contextFiles(EMBEDDED_MACHINES_DIR) : []),
    ] }),
  };
  const hit = cache && readCached(cache.dir, cache.key);
  if (hit) return hit;
  // The rules load only when they run: a cache hit needs none of them.
  const [{ runCheck }, { loadJsonSchemas }] = await Promise.all([import('../check/runner.js'), import('../load/schema-files.js')]);
  const jsonSchemas = loadJsonSchemas(EMBEDDED_SCHEMA_DIR);
  const result = await runCheck(sets, jsonSchemas ? { jsonSchemas } : {});
  if (cache) writeCached(cache.dir, cache.key, result);
  return result;
}

export async function runCheckCommand(paths: readonly string[], opts: CheckOptions, io: CliIo): Promise<number> {
  // The cache is the command line's: the library computes every time unless given a directory.
  const cacheDirectory = opts.cache === false || io.env.QOM_COMPAT_CACHE === '0' ? undefined : cacheDir(io.env);
  const result = await checkPaths(paths, { ...opts, ...(cacheDirectory !== undefined ? { cacheDir: cacheDirectory } : {}) });
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
