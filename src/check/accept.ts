/**
 * Findings a repository has decided to live with, taken out of a check's
 * report after the rules ran (so the result cache never depends on them):
 *
 * - `--ignore RULE`: a whole rule, for this run.
 * - `check-suppressions.json` beside the definition files: individual
 *   findings, each with the reason a reviewer accepted it. It is a file of its
 *   own, not a field in the definitions, so the definitions' schema stays
 *   strict, the loader never sees it, and `import`, which rewrites
 *   machines.json, types.json and boards.json, leaves it alone. Entries name
 *   their target by stable path (check/stable-path.ts): re-importing or
 *   inserting entries does not shift them onto other findings.
 * - `--baseline FILE`: every finding present when the baseline was written
 *   (`--write-baseline FILE`), for adopting the gate on definitions that are
 *   not clean yet: only new findings fail.
 *
 * A suppression or baseline entry that matches nothing any more is said, so
 * the lists shrink as findings get fixed.
 */
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { DefinitionError, UnknownNameError } from '../errors.js';
import type { JsonPath } from '../load/json.js';
import { closestMatches } from '../util/suggest.js';
import { RULES, type Finding, type RuleId } from './rules.js';
import type { CheckResult } from './runner.js';
import { coversPath } from './stable-path.js';

/** Marks a baseline file (and its format's version). */
const BASELINE_FORMAT = 'qom-compat-check-baseline/1';

export interface Suppression {
  readonly rule: RuleId;
  /** The directory whose files it speaks for (that of the suppressions file). */
  readonly dir: string;
  /** Absolute path of the definition file; undefined: every file of the directory. */
  readonly file: string | undefined;
  /** Stable path prefix; undefined: the whole file. */
  readonly path: string | undefined;
  readonly reason: string;
  /** Where it is written, for the stale note: `machines/x86_64/check-suppressions.json: suppressions[3]`. */
  readonly origin: string;
}

export interface BaselineEntry { readonly rule: RuleId; readonly file: string; readonly key: string; readonly origin: string }

export interface Acceptance {
  readonly ignore: ReadonlySet<RuleId>;
  readonly suppressions: readonly Suppression[];
  readonly baseline: readonly BaselineEntry[];
}

export interface AcceptedResult extends CheckResult {
  readonly ignored: number;
  readonly suppressed: number;
  readonly baselined: number;
}

/** `--ignore` values as rule ids; an unknown one is a usage error with the closest rule names. */
export function ruleIds(names: readonly string[]): Set<RuleId> {
  const out = new Set<RuleId>();
  for (const name of names) {
    if (!Object.hasOwn(RULES, name)) throw new UnknownNameError('rule', name, closestMatches(name, Object.keys(RULES)));
    out.add(name as RuleId);
  }
  return out;
}

/**
 * Takes the accepted findings out of `result`. `cwd` makes findings' file
 * names absolute. Stale entries are reported only for files this run
 * reported in full: a check of one file cannot judge the others' entries.
 */
export function applyAcceptance(result: CheckResult, acc: Acceptance, cwd: string): AcceptedResult {
  const abs = (display: string) => resolve(cwd, display);
  const baseline = new Map(acc.baseline.map((b) => [baselineKey(b.rule, b.file, b.key), b]));
  const usedSuppressions = new Set<Suppression>();
  const usedBaseline = new Set<BaselineEntry>();
  const findings: Finding[] = [];
  let ignored = 0;
  let suppressed = 0;
  let baselined = 0;
  for (const f of result.findings) {
    if (acc.ignore.has(f.rule)) { ignored++; continue; }
    const file = abs(f.file);
    const suppression = acc.suppressions.find((s) => suppresses(s, f, file));
    if (suppression) { usedSuppressions.add(suppression); suppressed++; continue; }
    const entry = baseline.get(baselineKey(f.rule, file, f.key));
    if (entry) { usedBaseline.add(entry); baselined++; continue; }
    findings.push(f);
  }
  const reported = new Set(result.reportedFiles.map(abs));
  const notes = [...result.notes];
  for (const s of acc.suppressions) {
    const covers = s.file !== undefined ? reported.has(s.file) : [...reported].some((f) => dirname(f) === s.dir);
    if (usedSuppressions.has(s) || acc.ignore.has(s.rule) || !covers) continue;
    notes.push(`${s.origin} matches no finding any more (${s.rule}${s.path ? ` at ${s.path}` : ''}): remove it`);
  }
  for (const b of acc.baseline) {
    if (usedBaseline.has(b) || acc.ignore.has(b.rule) || !reported.has(b.file)) continue;
    notes.push(`${b.origin} (${b.rule} at ${b.key}) is fixed: write the baseline again to drop it`);
  }
  return { ...result, findings, notes, ignored, suppressed, baselined };
}

/** Same rule; the named file, or (none named) a file of the suppression's directory; the path or below it. */
function suppresses(s: Suppression, f: Finding, file: string): boolean {
  if (s.rule !== f.rule) return false;
  if (s.file !== undefined ? s.file !== file : dirname(file) !== s.dir) return false;
  return s.path === undefined || coversPath(s.path, f.key);
}

const baselineKey = (rule: string, file: string, key: string) => `${rule}\u0000${file}\u0000${key}`;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: Obj, k: string): unknown => (Object.hasOwn(o, k) ? o[k] : undefined);

/** A malformed suppressions or baseline file: the tool cannot know what was meant (exit 2). */
function invalid(file: string, path: JsonPath, detail: string): DefinitionError {
  const jsonPath = '$' + path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
  return new DefinitionError('check-accept', { file, jsonPath }, detail);
}

function ruleAt(file: string, path: JsonPath, v: unknown): RuleId {
  if (typeof v !== 'string') throw invalid(file, path, 'expected a rule name');
  if (!Object.hasOwn(RULES, v)) {
    const close = closestMatches(v, Object.keys(RULES));
    throw invalid(file, path, `unknown rule '${v}'` + (close.length ? `; did you mean ${close.map((c) => `'${c}'`).join(', ')}?` : ''));
  }
  return v as RuleId;
}

function stringAt(file: string, path: JsonPath, v: unknown, what: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw invalid(file, path, `expected ${what} (a non-empty string)`);
  return v;
}

function checkKeys(file: string, path: JsonPath, o: Obj, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (allowed.includes(k)) continue;
    const close = closestMatches(k, allowed);
    throw invalid(file, [...path, k], `unknown key "${k}"` + (close.length ? `; did you mean "${close[0]}"?` : `; expected ${allowed.join(', ')}`));
  }
}

/**
 * A directory's check-suppressions.json, parsed:
 * `{ "suppressions": [ { "rule", "file"?, "path"?, "reason" } ] }`, `file`
 * relative to the directory (none: all its files), `path` a stable path as
 * `check --format json` prints in `key` (none: the whole file).
 */
export function parseSuppressions(text: string, path: string, display: string, parse: (t: string, f: string) => unknown): Suppression[] {
  const data = parse(text, display);
  if (!isObj(data)) throw invalid(display, [], 'expected an object with "suppressions": [...]');
  checkKeys(display, [], data, ['$schema', 'suppressions']);
  const list = own(data, 'suppressions');
  if (!Array.isArray(list)) throw invalid(display, ['suppressions'], 'expected an array of { "rule", "file", "path", "reason" }');
  const dir = dirname(path);
  return list.map((e, i): Suppression => {
    const at: JsonPath = ['suppressions', i];
    if (!isObj(e)) throw invalid(display, at, 'expected { "rule", "file", "path", "reason" }');
    checkKeys(display, at, e, ['rule', 'file', 'path', 'reason']);
    const rule = ruleAt(display, [...at, 'rule'], own(e, 'rule'));
    const file = own(e, 'file') === undefined ? undefined : inside(dir, stringAt(display, [...at, 'file'], own(e, 'file'), 'a file name'), display, [...at, 'file']);
    const stable = own(e, 'path') === undefined ? undefined : stringAt(display, [...at, 'path'], own(e, 'path'), 'a JSON path');
    if (stable !== undefined && !stable.startsWith('$')) throw invalid(display, [...at, 'path'], `expected a JSON path starting with "$" (as in the "key" of check --format json)`);
    const reason = stringAt(display, [...at, 'reason'], own(e, 'reason'), 'why the finding is accepted');
    return { rule, dir, file, path: stable, reason, origin: `${display}: suppressions[${i}]` };
  });
}

/** A suppressions file speaks for its own directory: `file` may not leave it. */
function inside(dir: string, name: string, display: string, at: JsonPath): string {
  const target = resolve(dir, name);
  const rel = relative(dir, target);
  if (isAbsolute(name) || rel.startsWith('..') || rel.includes(sep)) throw invalid(display, at, `"${name}" is not a file of this directory`);
  return target;
}

/** A baseline file, parsed; `file` of each entry is relative to the baseline's directory. */
export function parseBaseline(text: string, path: string, display: string, parse: (t: string, f: string) => unknown): BaselineEntry[] {
  const data = parse(text, display);
  if (!isObj(data) || own(data, 'format') !== BASELINE_FORMAT) {
    throw invalid(display, ['format'], `not a qom-compat baseline (expected "format": "${BASELINE_FORMAT}"; write one with --write-baseline)`);
  }
  const list = own(data, 'findings');
  if (!Array.isArray(list)) throw invalid(display, ['findings'], 'expected an array of { "rule", "file", "key" }');
  const dir = dirname(path);
  return list.map((e, i): BaselineEntry => {
    const at: JsonPath = ['findings', i];
    if (!isObj(e)) throw invalid(display, at, 'expected { "rule", "file", "key" }');
    const rule = ruleAt(display, [...at, 'rule'], own(e, 'rule'));
    const file = resolve(dir, stringAt(display, [...at, 'file'], own(e, 'file'), 'a file name'));
    const key = stringAt(display, [...at, 'key'], own(e, 'key'), 'a JSON path');
    return { rule, file, key, origin: `${display}: findings[${i}]` };
  });
}

/**
 * The baseline of a run's failing-kind findings (errors and warnings; info
 * never fails), files relative to the baseline's directory with `/`, in
 * report order. The message is for the reviewer of the baseline; matching
 * uses rule, file and key only.
 */
export function formatBaseline(findings: readonly Finding[], baselinePath: string, cwd: string): string {
  const dir = dirname(resolve(cwd, baselinePath));
  const entries = findings.filter((f) => RULES[f.rule].severity !== 'info').map((f) => ({
    rule: f.rule, file: relative(dir, resolve(cwd, f.file)).split(sep).join('/'), key: f.key, message: f.message,
  }));
  return JSON.stringify({ format: BASELINE_FORMAT, findings: entries }, null, 2) + '\n';
}
