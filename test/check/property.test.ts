/**
 * Property-based tests: mutated definitions never crash the checker, every
 * finding points inside its file, and a mutation that breaks the JSON or the
 * schema is always reported as an error.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DEFINITION_FILES, type DefinitionFileName } from '../../src/load/schema.js';
import { PositionedJson } from '../../src/load/json.js';
import { EMBEDDED_SCHEMA_DIR } from '../../src/load/paths.js';
import { loadJsonSchemas } from '../../src/load/schema-files.js';
import { RULES } from '../../src/check/rules.js';
import { hasDuplicateKeys } from '../../src/check/source.js';
import { locate } from '../../src/check/locate.js';
import type { CheckResult } from '../../src/check/runner.js';
import { checkWithBase, readBase } from './support.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMBEDDED_MACHINES_DIR } from '../../src/load/paths.js';

const FILES: DefinitionFileName[] = ['machines.json', 'types.json', 'boards.json', 'accel-compat.json'];
const jsonSchemas = loadJsonSchemas(EMBEDDED_SCHEMA_DIR)!;

function wellFormed(result: CheckResult, texts: Record<string, string>): void {
  for (const f of result.findings) {
    expect(RULES[f.rule].severity).toBe(f.severity);
    const lines = texts[f.file]!.split('\n');
    expect(f.line).toBeGreaterThanOrEqual(1);
    expect(f.line).toBeLessThanOrEqual(lines.length);
    expect(f.column).toBeGreaterThanOrEqual(1);
    expect(f.column).toBeLessThanOrEqual(lines[f.line - 1]!.length + 1);
    expect(f.path.startsWith('$')).toBe(true);
    expect(f.message).not.toMatch(/undefined|\[object Object\]/);
  }
}

/** A JSON path to every value in a document, with its container. */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof value !== 'object' || value === null) return [prefix];
  const keys: Array<string | number> = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((k) => paths((value as Record<string | number, unknown>)[k], [...prefix, k]))];
}

type Mutation = { kind: 'replace'; value: unknown } | { kind: 'delete' } | { kind: 'rename'; key: string } | { kind: 'typo'; at: number; char: string };

function mutate(doc: unknown, path: Array<string | number>, m: Mutation): unknown {
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  if (path.length === 0) return m.kind === 'replace' ? m.value : copy;
  let parent: Record<string | number, unknown> = copy;
  for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  switch (m.kind) {
    case 'replace': parent[last] = m.value; break;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
      break;
    case 'rename':
      if (!Array.isArray(parent)) { Object.defineProperty(parent, m.key, { value: parent[last], enumerable: true, writable: true, configurable: true }); delete parent[last]; }
      break;
    case 'typo': {
      const v = parent[last];
      if (typeof v === 'string') parent[last] = v.slice(0, m.at % (v.length + 1)) + m.char + v.slice(m.at % (v.length + 1) + 1);
      break;
    }
  }
  return copy;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ kind: fc.constant('delete' as const) }),
  fc.record({ kind: fc.constant('rename' as const), key: fc.constantFrom('__proto__', 'constructor', 'drvier', 'inherit', 'name', 'toString') }),
  fc.record({ kind: fc.constant('typo' as const), at: fc.nat(40), char: fc.constantFrom('', 'x', '-', '_', '.', '0', ' ', '"', '\\') }),
);

describe('check never crashes on mutated definitions', () => {
  it.each(FILES)('structural mutations of %s', async (name) => {
    const doc = JSON.parse(readBase(name)) as unknown;
    const all = paths(doc);
    await fc.assert(fc.asyncProperty(fc.nat(all.length - 1), mutation, fc.boolean(), async (i, m, pretty) => {
      const mutated = mutate(doc, all[i]!, m);
      const text = JSON.stringify(mutated, null, pretty ? 2 : 0);
      const viaZod = await checkWithBase({ [name]: text });
      wellFormed(viaZod, { [name]: text });
      const schemaOk = DEFINITION_FILES[name].safeParse(mutated).success;
      if (!schemaOk) expect(viaZod.findings.some((f) => f.rule === 'schema' && f.severity === 'error')).toBe(true);
      // The fast JSON Schema check agrees with zod, and the fast path changes no finding.
      expect(jsonSchemas.get(name)!(mutated)).toBe(schemaOk);
      expect((await checkWithBase({ [name]: text }, { jsonSchemas })).findings).toEqual(viaZod.findings);
    }), { numRuns: 150 });
  });

  it.each(FILES)('text mutations of %s', async (name) => {
    const original = readBase(name);
    await fc.assert(fc.asyncProperty(fc.nat(original.length), fc.nat(8), fc.string({ maxLength: 4 }), async (at, cut, insert) => {
      const text = original.slice(0, at) + insert + original.slice(at + cut);
      const result = await checkWithBase({ [name]: text }, { jsonSchemas });
      wellFormed(result, { [name]: text });
      let parses = true;
      try { JSON.parse(text); } catch { parses = false; }
      expect(result.findings.some((f) => f.rule === 'json-syntax')).toBe(!parses);
    }), { numRuns: 150 });
  });

  it('untrusted names never reach prototypes', async () => {
    const text = JSON.stringify({
      arch: 'x86_64',
      groups: [{ name: '__proto__', entries: [{ driver: 'constructor', property: '__proto__', value: 'x' }] }],
      machines: [
        { name: '__proto__', type: '__proto__-machine', inherits: 'constructor', compat: [{ group: '__proto__' }] },
        { name: 'toString', type: 'toString-machine', alias: 'hasOwnProperty', inherits: null, compat: [{ group: 'valueOf' }] },
      ],
    });
    const result = await checkWithBase({ 'machines.json': text }, { jsonSchemas });
    wellFormed(result, { 'machines.json': text });
    expect(result.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['machine-inherits-unknown', 'compat-group-unknown', 'compat-driver-unknown']));
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});

describe('hasDuplicateKeys never misses what momoa finds', () => {
  it('on random JSON with repeated keys spliced in', () => {
    const object = fc.dictionary(fc.constantFrom('a', 'b', 'é', '\\u0061', 'a\\"b', '\\\\', 'x\\":'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
    fc.assert(fc.property(fc.array(object, { maxLength: 3 }), fc.boolean(), fc.constantFrom(': ', ' : ', ':\n'), (objects, nested, colon) => {
      // Raw member lists keep repeats that JSON.stringify would merge.
      const members = objects.flatMap((o) => Object.entries(o)).map(([k, v]) => `"${k}"${colon}${JSON.stringify(v)}`);
      const text = nested ? `[{${members.join(', ')}}, {"x": [{${members.slice(1).join(',')}}]}]` : `{${members.join(',\n')}}`;
      let parsed: unknown;
      try { parsed = JSON.parse(text); } catch { parsed = undefined; }
      fc.pre(parsed !== undefined);
      const momoa = [...PositionedJson.parse(text)!.members()].some((m) => m.duplicate);
      // A false alarm only sends the file to momoa; a miss would hide a duplicate.
      if (momoa) expect(hasDuplicateKeys(text, parsed)).toBe(true);
    }), { numRuns: 400 });
  });

  it('tells escaped quotes before a colon from keys', () => {
    for (const text of ['{"a": "x\\": y", "b": 1}', '{"a\\\\": 1, "b": "\\\\\\" :"}', '[{"k": 1}, {"k": 2}]']) {
      expect([text, hasDuplicateKeys(text, JSON.parse(text))]).toEqual([text, false]);
    }
    expect(hasDuplicateKeys('{"a\\\\": 1, "a\\\\" : 2}', { 'a\\': 2 })).toBe(true);
  });

  it('raises no false alarm on the committed definitions (they would pay for momoa)', () => {
    for (const name of ['machines.json', 'types.json', 'boards.json', 'accel-compat.json']) {
      const text = readFileSync(join(EMBEDDED_MACHINES_DIR, 'x86_64', name), 'utf8');
      expect([name, hasDuplicateKeys(text, JSON.parse(text))]).toEqual([name, false]);
    }
  });
});

describe('locate agrees with momoa', () => {
  it('for every path of random documents, pretty or compact', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 3 }), fc.boolean(), fc.nat(), (value, pretty, pick) => {
      const text = JSON.stringify(value, null, pretty ? 2 : 0);
      const all = paths(value);
      const path = all[pick % all.length]!;
      const positioned = PositionedJson.parse(text)!;
      expect(locate(text, path)).toEqual(positioned.positionOf(path));
      expect(locate(text, path, true)).toEqual(positioned.positionOf(path, { key: true }));
      // A path that leaves the document ends at the nearest existing value.
      expect(locate(text, [...path, 'no such key'])).toEqual(positioned.positionOf([...path, 'no such key']));
    }), { numRuns: 300 });
  });
});
