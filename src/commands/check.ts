/** `qom-compat check [PATH...]`: the CI gate for machine definition files. */
import type { CliIo } from '../cli/io.js';
import { EXIT, UsageError } from '../errors.js';
import { applyAcceptance, formatBaseline, parseBaseline, parseSuppressions, ruleIds, type Suppression } from '../check/accept.js';
import { writeFileAtomic } from '../util/fs-atomic.js';
import { cacheDir, cacheKey, readCached, writeCached } from '../check/cache.js';
import { contextFiles, discoverSets, displayPath, siblingTypeFiles } from '../check/discover.js';
import { CHECK_SUPPRESSIONS_FILE, REQUIRED_FILES } from '../load/file-names.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
  /** --ignore RULE (repeatable). */
  ignore?: string[];
  /** --baseline FILE: findings written there earlier are not reported. */
  baseline?: string;
  /** --write-baseline FILE: accept this run's findings. */
  writeBaseline?: string;
}

export async function checkPaths(paths: readonly string[], opts: Omit<CheckOptions, 'format'> = {}): Promise<CheckResult> {
  return (await checkSets(paths, opts)).result;
}

/** The rules' result over the paths (from the cache when it has it), and the definition directories checked. */
async function checkSets(paths: readonly string[], opts: Omit<CheckOptions, 'format'>): Promise<{ result: CheckResult; dirs: string[] }> {
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
  const dirs = sets.map((s) => s.dir);
  const hit = cache && readCached(cache.dir, cache.key);
  if (hit) return { result: hit, dirs };
  // The rules load only when they run: a cache hit needs none of them.
  const [{ runCheck }, { loadJsonSchemas }] = await Promise.all([import('../check/runner.js'), import('../load/schema-files.js')]);
  const jsonSchemas = loadJsonSchemas(EMBEDDED_SCHEMA_DIR);
  const result = await runCheck(sets, jsonSchemas ? { jsonSchemas } : {});
  if (cache) writeCached(cache.dir, cache.key, result);
  return { result, dirs };
}

export async function runCheckCommand(paths: readonly string[], opts: CheckOptions, io: CliIo): Promise<number> {
  const cwd = opts.cwd ?? process.cwd();
  // Before the run: a misspelt rule or an unreadable baseline is the command line's mistake (exit 2).
  const ignore = ruleIds(opts.ignore ?? []);
  const baseline = opts.baseline === undefined ? [] : parseBaseline(readOrThrow(resolve(cwd, opts.baseline), opts.baseline), resolve(cwd, opts.baseline), opts.baseline, await jsonParser());
  // The cache is the command line's: the library computes every time unless given a directory.
  const cacheDirectory = opts.cache === false || io.env.QOM_COMPAT_CACHE === '0' ? undefined : cacheDir(io.env);
  const { result, dirs } = await checkSets(paths, { ...opts, cwd, ...(cacheDirectory !== undefined ? { cacheDir: cacheDirectory } : {}) });
  // Suppressions, ignores and the baseline filter the rules' result, cached or not: the cache key need not cover them.
  const suppressions = (await Promise.all(dirs.map((dir) => readSuppressions(dir, cwd)))).flat();
  let accepted = applyAcceptance(result, { ignore, suppressions, baseline }, cwd);
  if (opts.writeBaseline !== undefined) {
    const target = resolve(cwd, opts.writeBaseline);
    try {
      writeFileAtomic(target, formatBaseline(accepted.findings, target, cwd));
    } catch (e) {
      throw new UsageError(`cannot write ${opts.writeBaseline}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    const written = accepted.findings.filter((f) => f.severity !== 'info');
    accepted = { ...accepted, findings: accepted.findings.filter((f) => f.severity === 'info'), baselined: accepted.baselined + written.length,
      notes: [...accepted.notes, `wrote ${written.length} finding${written.length === 1 ? '' : 's'} to ${opts.writeBaseline}: check with --baseline ${opts.writeBaseline} reports only new ones`] };
  }
  if (opts.format === 'json') {
    io.out(formatJson(accepted));
    // The JSON report is an array of findings; what else there is to say goes to stderr.
    for (const note of accepted.notes) io.err(`qom-compat: note: ${note}\n`);
  } else if (opts.format === 'github') io.out(formatGithub(accepted));
  else io.out(formatText(accepted, io.color));
  return exitCode(accepted, opts.strict ?? false);
}

/** A definition directory's check-suppressions.json, if it has one. */
async function readSuppressions(dir: string, cwd: string): Promise<Suppression[]> {
  const path = join(dir, CHECK_SUPPRESSIONS_FILE);
  if (!existsSync(path)) return [];
  const display = displayPath(path, cwd);
  return parseSuppressions(readOrThrow(path, display), path, display, await jsonParser());
}

/** JSON.parse with line and column on failure; loaded only when there is such a file (momoa is not free). */
async function jsonParser(): Promise<(text: string, file: string) => unknown> {
  return (await import('../load/json.js')).parseJson;
}

function readOrThrow(path: string, display: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${display}: ${code === 'ENOENT' ? 'no such file or directory' : code ?? String(e)}`);
  }
}

/** 1 on any error, or on any warning under --strict; warnings alone pass, info never fails. */
export function exitCode(result: CheckResult, strict: boolean): number {
  const failing = result.findings.some((f) => f.severity === 'error' || (strict && f.severity === 'warning'));
  return failing ? EXIT.refused : EXIT.ok;
}
