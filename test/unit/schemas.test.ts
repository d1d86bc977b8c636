import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemaFiles } from '../../src/load/json-schema.js';
import { EMBEDDED_MACHINES_DIR } from '../../src/load/fs.js';

describe('JSON Schema files', () => {
  it('machines/schema/ is what the zod schemas export (run `npm run schemas` after changing them)', () => {
    const exported = jsonSchemaFiles();
    const dir = join(EMBEDDED_MACHINES_DIR, 'schema');
    expect(readdirSync(dir).sort()).toEqual([...exported.keys()].sort());
    for (const [name, text] of exported) expect(readFileSync(join(dir, name), 'utf8')).toBe(text);
  });

  it('every definition file names its schema', () => {
    const dir = join(EMBEDDED_MACHINES_DIR, 'x86_64');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
      const json = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { $schema?: string };
      expect(json.$schema).toBe(`../schema/${f.replace(/\.json$/, '')}.schema.json`);
    }
  });
});
