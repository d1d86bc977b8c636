/**
 * Rule `schema`: zod issues become findings at the offending value (or key);
 * a union failure (a compat item is an entry or a group reference) is
 * reported through the branch the author evidently meant, not as zod's bare
 * "Invalid input". Loaded only for files the fast check (load/schema-files.ts)
 * rejects, as zod is costly to load.
 */
import { z } from 'zod';
import type { JsonPath } from '../load/json.js';
import { DEFINITION_FILES } from '../load/schema.js';
import { closestMatches } from '../util/suggest.js';
import type { RawFinding } from './rules.js';
import type { SourceFile } from './source.js';

/** Findings for zod issues, and the paths of top-level array elements that did not validate. */
export function schemaFindings(file: SourceFile): { findings: RawFinding[]; malformed: JsonPath[] } {
  if (file.data === undefined || file.kind === undefined) return { findings: [], malformed: [] };
  const schema = DEFINITION_FILES[file.kind];
  const result = schema.safeParse(file.data);
  if (result.success) return { findings: [], malformed: [] };
  const findings = mergeMisspeltKeys(result.error.issues.flatMap((issue) => issueFindings(file, schema, issue, [])));
  const malformed = findings.map((f) => f.path.slice(0, 2)).filter((p) => typeof p[1] === 'number');
  return { findings, malformed };
}

/** A finding with what mergeMisspeltKeys needs to know. */
type SchemaFinding = RawFinding & { missing?: boolean; closeKey?: string };

/**
 * `{"drvier": …}` is one mistake, not two: the unknown key whose closest
 * match is a missing required key is reported alone, naming both.
 */
function mergeMisspeltKeys(findings: SchemaFinding[]): RawFinding[] {
  const id = (path: JsonPath) => JSON.stringify(path);
  const explained = new Set<string>();
  for (const f of findings) {
    if (f.closeKey === undefined) continue;
    const missing = id([...f.path.slice(0, -1), f.closeKey]);
    if (findings.some((m) => m.missing && id(m.path) === missing)) explained.add(missing);
  }
  return findings.filter((f) => !(f.missing && explained.has(id(f.path)))).map(({ missing: _m, closeKey, ...f }) =>
    closeKey !== undefined && explained.has(id([...f.path.slice(0, -1), closeKey]))
      ? { ...f, message: `${f.message as string}; "${closeKey}" is missing`, hint: `did you mean "${closeKey}"?` }
      : f);
}

type Issue = z.core.$ZodIssue;

function issueFindings(file: SourceFile, root: z.ZodType, issue: Issue, prefix: JsonPath): SchemaFinding[] {
  const path: JsonPath = [...prefix, ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')];
  const base = { rule: 'schema' as const, file: file.id };
  switch (issue.code) {
    case 'invalid_union': {
      const branch = likeliestBranch(issue.errors);
      if (branch) return branch.flatMap((i) => issueFindings(file, root, i, path));
      return [{ ...base, path, message: `schema: ${issue.message}` }];
    }
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const known = knownKeys(root, path);
        const close = closestMatches(key, known, 1);
        return {
          ...base, path: [...path, key], atKey: true, ...(close.length ? { closeKey: close[0]! } : {}),
          message: `unknown key "${key}"`,
          hint: close.length ? `did you mean "${close[0]}"?` : `known keys here: ${known.map((k) => `"${k}"`).join(', ')}`,
        };
      });
    case 'invalid_type': {
      const actual = valueAt(file.data, path);
      if (actual === MISSING) {
        const key = path[path.length - 1];
        return [{ ...base, path, missing: true, message: `missing required key "${String(key)}" (${issue.expected})` }];
      }
      return [{ ...base, path, message: `expected ${issue.expected}, got ${describeJson(actual)}` }];
    }
    case 'too_small':
      if (issue.origin === 'string') return [{ ...base, path, message: 'must not be empty' }];
      return [{ ...base, path, message: `schema: ${issue.message}` }];
    default:
      return [{ ...base, path, message: issue.message.replace(/^Invalid (input|option): /, '') }];
  }
}

/**
 * The union branch the author meant: the one with the fewest issues; on a
 * tie, the one that least disputes the keys that are there.
 */
function likeliestBranch(branches: Issue[][]): Issue[] | undefined {
  const unknownKeys = (b: Issue[]) => b.reduce((n, i) => n + (i.code === 'unrecognized_keys' ? i.keys.length : 0), 0);
  return [...branches].sort((a, b) => a.length - b.length || unknownKeys(a) - unknownKeys(b))[0];
}

/** Keys the schema allows for the object at `path` (all branches of a union). */
function knownKeys(schema: z.ZodType, path: JsonPath): string[] {
  let current: z.ZodType[] = [schema];
  for (const seg of path) current = current.flatMap((s) => childSchemas(s, seg));
  return [...new Set(current.flatMap((s) => objectKeys(s)))];
}

function unwrap(s: z.ZodType): z.ZodType[] {
  if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) return unwrap(s.unwrap() as z.ZodType);
  if (s instanceof z.ZodUnion) return (s.options as z.ZodType[]).flatMap(unwrap);
  return [s];
}

function childSchemas(s: z.ZodType, seg: string | number): z.ZodType[] {
  return unwrap(s).flatMap((u) => {
    if (u instanceof z.ZodArray && typeof seg === 'number') return [u.element as z.ZodType];
    if (u instanceof z.ZodObject && typeof seg === 'string' && Object.hasOwn(u.shape, seg)) return [u.shape[seg] as z.ZodType];
    return [];
  });
}

function objectKeys(s: z.ZodType): string[] {
  return unwrap(s).flatMap((u) => (u instanceof z.ZodObject ? Object.keys(u.shape) : []));
}

const MISSING = Symbol('missing');

function valueAt(data: unknown, path: JsonPath): unknown {
  let v: unknown = data;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, seg)) return MISSING;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}
