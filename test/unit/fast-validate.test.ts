/**
 * The loader's fast check must never accept what zod, the source of truth,
 * rejects; and it should accept what zod accepts, except where zod quietly
 * drops data (a `__proto__` key in a record): the loader then uses zod's output.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { toJSONSchema, type z } from 'zod';
import { compileJsonSchema } from '../../src/load/fast-validate.js';
import { EMBEDDED_MACHINES_DIR } from '../../src/load/fs.js';
import { DEFINITION_FILES } from '../../src/load/schema.js';

const compiled = (s: z.ZodType) => compileJsonSchema(toJSONSchema(s, { io: 'input' }) as Parameters<typeof compileJsonSchema>[0]);

/** Replaces the value at a random path in `data` with `replacement` (or deletes the key). */
function mutate(data: unknown, pick: number[], replacement: unknown): unknown {
  const copy = structuredClone(data);
  let node: unknown = copy;
  for (let depth = 0; depth < pick.length; depth++) {
    if (typeof node !== 'object' || node === null) break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[pick[depth]! % keys.length]!;
    const child = (node as Record<string, unknown>)[key];
    const last = depth === pick.length - 1 || typeof child !== 'object' || child === null;
    if (last) {
      if (replacement === '<delete>' && !Array.isArray(node)) delete (node as Record<string, unknown>)[key];
      else if (replacement === '<proto>' && !Array.isArray(node)) Object.defineProperty(node, '__proto__', { value: {}, enumerable: true });
      else (node as Record<string, unknown>)[key] = replacement;
      break;
    }
    node = child;
  }
  return copy;
}

describe('fast validation agrees with zod', () => {
  for (const [file, schema] of Object.entries(DEFINITION_FILES)) {
    const full = JSON.parse(readFileSync(join(EMBEDDED_MACHINES_DIR, 'x86_64', file), 'utf8'));
    // Mutating a multi-megabyte types.json hundreds of times is slow; a slice has every shape.
    const data = file === 'types.json' ? { ...full, types: full.types.filter((_: unknown, i: number) => i % 25 === 0) } : full;
    const fast = compiled(schema);

    it(`${file}: the committed file passes both`, () => {
      expect(schema.safeParse(full).success).toBe(true);
      expect(fast(full)).toBe(true);
    });

    it(`${file}: random mutations get the same verdict`, () => {
      const replacement = fc.oneof(
        fc.constantFrom<unknown>(null, '', 'x', 0, 1.5, true, false, [], {}, ['a'], { name: 'x' }, '<delete>', '<proto>'),
        fc.string(),
      );
      fc.assert(fc.property(fc.array(fc.nat(50), { minLength: 1, maxLength: 7 }), replacement, (pick, r) => {
        const m = mutate(data, pick, r);
        const zod = schema.safeParse(m);
        const dropsData = zod.success && JSON.stringify(zod.data) !== JSON.stringify(m);
        expect(fast(m)).toBe(zod.success && !dropsData);
      }), { numRuns: Number(process.env.FV_RUNS ?? 300) });
    });
  }
});
