/**
 * Results of earlier `check` runs, by content: a pre-commit hook or an editor
 * runs `check` again and again over definitions that did not change, and a
 * full run costs ~400 ms where a hit costs ~20. The key covers everything a
 * finding can depend on: the tool's own files, the JSON Schemas, each input
 * file's path, name, role and bytes, the sibling architectures' types.json,
 * and the working directory (reports name files relative to it). A hit
 * therefore returns exactly what a full run would.
 *
 * Best effort: an unreadable, corrupt or unwritable cache only costs a full
 * run. Entries are written to a temporary file and renamed into place.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES, SEVERITIES, type Finding } from './rules.js';
import type { CheckResult, SetInput } from './runner.js';

/** Bump when the stored shape or the meaning of a key changes. */
const FORMAT = 'qom-compat-check-cache/3';
/** Entries kept; older ones are removed when a new one is written. */
const MAX_ENTRIES = 32;

export interface CacheInputs {
  readonly sets: readonly SetInput[];
  readonly cwd: string;
  /** Files outside the sets that findings depend on (sibling types.json, JSON Schemas), read for the key. */
  readonly extraFiles: readonly string[];
}

/** The cache directory: QOM_COMPAT_CACHE_DIR, else $XDG_CACHE_HOME/qom-compat, else ~/.cache/qom-compat. */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  if (env.QOM_COMPAT_CACHE_DIR) return resolve(env.QOM_COMPAT_CACHE_DIR);
  return join(env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache'), 'qom-compat');
}

export function cacheKey(inputs: CacheInputs): string {
  const hash = createHash('sha256');
  const field = (s: string) => hash.update(`${s.length}:${s}`);
  field(FORMAT);
  field(toolBuildId());
  field(inputs.cwd);
  for (const set of inputs.sets) {
    field(`set ${set.dir}`);
    for (const f of set.files) {
      field(`${f.path}\u0000${f.display}\u0000${f.kind ?? ''}\u0000${f.reported}`);
      field(f.text);
    }
  }
  for (const path of inputs.extraFiles) {
    field(`extra ${path}`);
    field(readQuietly(path) ?? '\u0000missing');
  }
  return hash.digest('hex');
}

export function readCached(dir: string, key: string): CheckResult | undefined {
  const text = readQuietly(join(dir, `${key}.json`));
  if (text === undefined) return undefined;
  try {
    const data = JSON.parse(text) as unknown;
    return isCheckResult(data) ? data : undefined;
  } catch {
    return undefined;
  }
}

export function writeCached(dir: string, key: string, result: CheckResult): void {
  try {
    mkdirSync(dir, { recursive: true });
    const target = join(dir, `${key}.json`);
    const temp = `${target}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(result));
    renameSync(temp, target);
    prune(dir);
  } catch {
    // A read-only or full disk costs the next run its shortcut, nothing more.
  }
}

function prune(dir: string): void {
  const entries = readdirSync(dir).filter((n) => /^[0-9a-f]{64}\.json$/.test(n))
    .map((n) => ({ path: join(dir, n), mtime: statSync(join(dir, n)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const e of entries.slice(MAX_ENTRIES)) unlinkSync(e.path);
}

/**
 * Identifies the running build: every file of the tool's source or output
 * tree (dist/ or src/) by name, size and modification time. Any rebuild or
 * edit changes it, so a cached result never outlives the code that made it.
 */
function toolBuildId(): string {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const parts: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.isFile()) {
        const s = statSync(path);
        parts.push(`${path}\u0000${s.size}\u0000${s.mtimeMs}`);
      }
    }
  };
  walk(root);
  return parts.join('\n');
}

function readQuietly(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** A stored entry is trusted only in the exact shape runCheck returns. */
function isCheckResult(v: unknown): v is CheckResult {
  if (typeof v !== 'object' || v === null) return false;
  const { findings, filesChecked, notes, reportedFiles } = v as Partial<CheckResult>;
  return Number.isInteger(filesChecked) && Array.isArray(findings) && findings.every(isFinding) &&
    Array.isArray(reportedFiles) && reportedFiles.every((n) => typeof n === 'string') &&
    Array.isArray(notes) && notes.every((n) => typeof n === 'string');
}

function isFinding(v: unknown): v is Finding {
  if (typeof v !== 'object' || v === null) return false;
  const f = v as Record<string, unknown>;
  return typeof f.rule === 'string' && Object.hasOwn(RULES, f.rule) && Object.hasOwn(SEVERITIES, f.severity as string) &&
    typeof f.file === 'string' && Number.isInteger(f.line) && Number.isInteger(f.column) && typeof f.path === 'string' && typeof f.key === 'string' &&
    typeof f.message === 'string' && (f.hint === undefined || typeof f.hint === 'string');
}
