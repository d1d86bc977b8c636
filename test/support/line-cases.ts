/**
 * Live suites of whole command lines (cmdline, memory, smp): each case goes
 * through the real binary and through resolve (differential.ts); the suite
 * prints one summary line and fails on any disagreement.
 */
import { afterAll, expect, it } from '@jest/globals';
import type { Definitions } from '../../src/load/loader.js';
import { differential, mapLimit, report, summarize, type Scenario } from './differential.js';
import { describeLive, QEMU_BINARY } from './qemu.js';

export interface LineCase { machine: string; nodefaults?: boolean; line: string[] }

/**
 * Registers the suite. `atLeast` keeps both outcomes exercised: so many lines
 * QEMU refuses and so many it starts, or the cases no longer test both.
 */
export function lineSuite(defs: Definitions, opts: {
  title: string; test: string; category: string; label: string; cases: readonly LineCase[];
  atLeast: { refused: number; started: number }; timeoutMs: number;
}): void {
  const results: Awaited<ReturnType<typeof differential>>[] = [];
  afterAll(() => {
    if (!results.length) return;
    const s = summarize(results);
    process.stdout.write(`\n${opts.label} vs QEMU: ${s.scenarios} lines, ${s.agree} agree; ${s.values} values compared, ${s.valuesAgree} equal\n`);
  });
  describeLive(opts.title, () => {
    it(opts.test, async () => {
      results.push(...await mapLimit(opts.cases, 2, (c) => differential(QEMU_BINARY, defs, {
        category: opts.category, machine: c.machine, nodefaults: c.nodefaults ?? true, options: [], extra: c.line,
      } satisfies Scenario)));
      expect(results.filter((r) => r.observed.error !== null).length).toBeGreaterThanOrEqual(opts.atLeast.refused);
      expect(results.filter((r) => r.observed.started).length).toBeGreaterThanOrEqual(opts.atLeast.started);
      expect(report(results)).toBe('');
    }, opts.timeoutMs);
  });
}
