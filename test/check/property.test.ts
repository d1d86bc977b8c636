/**
 * Property-based tests: mutated definitions never crash the checker, every
 * finding points inside its file, and a mutation that breaks the JSON or the
 * schema is always reported as an error.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DEFINITION_FILES, type DefinitionFileName } from '../../src/load/schema.js';
import { RULES } from '../../src/check/rules.js';
import type { CheckResult } from '../../src/check/runner.js';
import { checkWithBase, readBase } from './support.js';

const FILES: DefinitionFileName[] = ['machines.json', 'types.json', 'boards.json', 'accel-compat.json'];

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
  it.each(FILES)('structural mutations of %s', (name) => {
    const doc = JSON.parse(readBase(name)) as unknown;
    const all = paths(doc);
    fc.assert(fc.property(fc.nat(all.length - 1), mutation, fc.boolean(), (i, m, pretty) => {
      const text = JSON.stringify(mutate(doc, all[i]!, m), null, pretty ? 2 : 0);
      const result = checkWithBase({ [name]: text });
      wellFormed(result, { [name]: text });
      const schemaOk = DEFINITION_FILES[name].safeParse(JSON.parse(text)).success;
      if (!schemaOk) expect(result.findings.some((f) => f.rule === 'schema' && f.severity === 'error')).toBe(true);
    }), { numRuns: 150 });
  });

  it.each(FILES)('text mutations of %s', (name) => {
    const original = readBase(name);
    fc.assert(fc.property(fc.nat(original.length), fc.nat(8), fc.string({ maxLength: 4 }), (at, cut, insert) => {
      const text = original.slice(0, at) + insert + original.slice(at + cut);
      const result = checkWithBase({ [name]: text });
      wellFormed(result, { [name]: text });
      let parses = true;
      try { JSON.parse(text); } catch { parses = false; }
      expect(result.findings.some((f) => f.rule === 'json-syntax')).toBe(!parses);
    }), { numRuns: 150 });
  });

  it('untrusted names never reach prototypes', () => {
    const text = JSON.stringify({
      arch: 'x86_64',
      groups: [{ name: '__proto__', entries: [{ driver: 'constructor', property: '__proto__', value: 'x' }] }],
      machines: [
        { name: '__proto__', type: '__proto__-machine', inherits: 'constructor', compat: [{ group: '__proto__' }] },
        { name: 'toString', type: 'toString-machine', alias: 'hasOwnProperty', inherits: null, compat: [{ group: 'valueOf' }] },
      ],
    });
    const result = checkWithBase({ 'machines.json': text });
    wellFormed(result, { 'machines.json': text });
    expect(result.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['machine-inherits-unknown', 'compat-group-unknown', 'compat-driver-unknown']));
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});
