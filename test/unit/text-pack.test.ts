/**
 * The start-up snapshot's file of definition texts (load/text-pack.ts): texts
 * come back byte for byte after sealing (multi-byte UTF-8 included), the file
 * is written whole, and a changed file is noticed rather than misread.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextPack } from '../../src/load/text-pack.js';

describe('TextPack', () => {
  const texts = ['{"a":1}', '', '{"d":"ü € 𝄞"}', 'x'.repeat(70_000)];

  it('gives every text back before and after sealing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qom-pack-'));
    try {
      const pack = new TextPack(join(dir, 'p.pack'));
      const handles = texts.map((t) => pack.put(t));
      expect(handles.map((h) => pack.get(h))).toEqual(texts);
      expect(pack.intact()).toBe(false);
      pack.seal();
      expect(readFileSync(join(dir, 'p.pack'), 'utf8')).toBe(texts.join(''));
      expect(pack.intact()).toBe(true);
      // Out of order, and twice: reads are positioned, not sequential.
      for (const h of [...handles].reverse().concat(handles)) expect(pack.get(h)).toBe(texts[h]);
      expect(() => pack.get(texts.length)).toThrow(RangeError);
      expect(() => pack.put('late')).toThrow(/sealed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is not intact once the file changed or went', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qom-pack-'));
    try {
      const path = join(dir, 'p.pack');
      const pack = new TextPack(path);
      for (const t of texts) pack.put(t);
      pack.seal();
      writeFileSync(path, texts.join('').replace('a', 'b'));
      utimesSync(path, new Date(0), new Date(0));
      expect(pack.intact()).toBe(false);
      rmSync(path);
      expect(pack.intact()).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
