/**
 * The fixture corpus: for every rule a case that triggers it (hit) and a near
 * miss that must not. Each case directory holds the definition files it
 * changes and expect.json: every finding of the case, with the text found at
 * its line and column (so a location that drifts fails loudly).
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMBEDDED_SCHEMA_DIR } from '../../src/load/paths.js';
import { loadJsonSchemas } from '../../src/load/schema-files.js';
import { RULES } from '../../src/check/rules.js';
import { CASES_DIR, checkWithBase, textAt } from './support.js';

interface Expected { rule: string; file: string; line: number; column: number; at: string }

function loadCase(dir: string): { files: Record<string, string>; expected: Expected[] } {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir)) if (name !== 'expect.json') files[name] = readFileSync(join(dir, name), 'utf8');
  const expected = (JSON.parse(readFileSync(join(dir, 'expect.json'), 'utf8')) as { findings: Expected[] }).findings;
  return { files, expected };
}

const jsonSchemas = loadJsonSchemas(EMBEDDED_SCHEMA_DIR)!;

const caseDirs = readdirSync(CASES_DIR).flatMap((rule) =>
  readdirSync(join(CASES_DIR, rule)).map((variant) => ({ rule, variant, dir: join(CASES_DIR, rule, variant) })));

describe('fixture corpus', () => {
  it('has a hit and a near miss for every rule', () => {
    for (const rule of Object.keys(RULES)) {
      expect([rule, existsSync(join(CASES_DIR, rule, 'hit'))]).toEqual([rule, true]);
      expect([rule, existsSync(join(CASES_DIR, rule, 'miss'))]).toEqual([rule, true]);
    }
  });

  it.each(caseDirs)('$rule/$variant', async ({ rule, variant, dir }) => {
    const { files, expected } = loadCase(dir);
    const actual = (await checkWithBase(files, { jsonSchemas })).findings;
    const key = (f: { rule: string; file: string; line: number; column: number }) => `${f.file}:${f.line}:${f.column} ${f.rule}`;
    expect(actual.map(key).sort()).toEqual(expected.map(key).sort());
    for (const e of expected) expect(textAt(files[e.file]!, e.line, e.column).startsWith(e.at)).toBe(true);
    const ofRule = expected.filter((e) => e.rule === rule);
    if (variant.startsWith('hit')) expect(ofRule.length).toBeGreaterThan(0);
    else expect(ofRule).toEqual([]);
    // Every finding carries a message and a JSON path into the file.
    for (const f of actual) {
      expect(f.message.length).toBeGreaterThan(10);
      expect(f.path.startsWith('$')).toBe(true);
    }
  });
});
