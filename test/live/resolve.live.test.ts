/**
 * Differential suite (issue #3): resolve(…, { model: 'qdev' }) against the real
 * qemu-system-x86_64 10.0.2, on the embedded definitions (machines/x86_64).
 *
 *  a. every machine with -nodefaults: each board property machine compat
 *     touches is read back with qom-get (one QEMU session per machine);
 *  b. seeded random -global/-device/-object scenarios (test/support/scenarios.ts;
 *     QOM_COMPAT_DIFF_COUNT sets how many, QOM_COMPAT_DIFF_SEED the seed).
 *
 * Outcome, error text, warnings (exact, in order) and values must agree; values
 * QEMU changes at realize are listed in differential.ts REALIZE_TIME_CHANGES and
 * counted apart. QOM_COMPAT_DEFS points at another definitions directory.
 */
import { afterAll, expect, it } from '@jest/globals';
import { loadDefinitionsFromDisk } from '../../src/load/fs.js';
import { describeLive, QEMU_BINARY } from '../support/qemu.js';
import { differential, mapLimit, report, summarize, type Comparison } from '../support/differential.js';
import { CATEGORIES, DEFAULT_SEED, generateScenarios } from '../support/scenarios.js';

const CONCURRENCY = 2;
const defs = await loadDefinitionsFromDisk(process.env.QOM_COMPAT_DEFS ? { dir: process.env.QOM_COMPAT_DEFS } : {});
const count = Number(process.env.QOM_COMPAT_DIFF_COUNT ?? 300);
const seed = Number(process.env.QOM_COMPAT_DIFF_SEED ?? DEFAULT_SEED);
/** A regular expression: draw scenarios only from these machines (for focused runs). */
const onlyMachines = process.env.QOM_COMPAT_DIFF_MACHINES ? new RegExp(process.env.QOM_COMPAT_DIFF_MACHINES) : undefined;

const summaries: string[] = [];

function summaryLine(title: string, results: readonly Comparison[]): string {
  const s = summarize(results);
  return `${title}: ${s.scenarios} scenarios, ${s.agree} agree, ${s.disagree} disagree; `
    + `${s.values} values compared, ${s.documented} documented realize-time differences, ${s.skipped} migration values without a QMP field`;
}

afterAll(() => {
  if (summaries.length) process.stdout.write(`\nresolve vs QEMU ${QEMU_BINARY}:\n  ${summaries.join('\n  ')}\n`);
});

describeLive('resolve agrees with QEMU 10.0.2', () => {
  it('board objects of every machine (-nodefaults): machine compat values', async () => {
    const machines = defs.machines.all().map((m) => m.name).sort();
    expect(machines.length).toBe(65);
    expect(machines.filter((m) => !defs.machines.boardLayout(m, true))).toEqual([]);
    const results = await mapLimit(machines, CONCURRENCY, (machine) =>
      differential(QEMU_BINARY, defs, { category: 'board', machine, nodefaults: true, options: [] }, { onlyMachineCompat: true }));
    summaries.push(summaryLine('a. board compat values (65 machines)', results));
    const documented = results.flatMap((r) => r.documented.map((d) => `${r.scenario.machine} ${d.object} ${d.property}: ${d.resolved} → ${d.qemu} (${d.reason})`));
    if (documented.length) summaries.push(`   documented: ${[...new Set(documented.map((d) => d.replace(/^\S+ /, '')))].join('; ')}`);
    // Machines whose list touches board objects must really be compared.
    expect(results.reduce((n, r) => n + r.valuesCompared, 0)).toBeGreaterThan(1000);
    expect(report(results)).toBe('');
  }, 240_000);

  it(`seeded random -global/-device/-object scenarios (seed ${seed}, ${count})`, async () => {
    const scenarios = generateScenarios(defs, { seed, count, ...(onlyMachines ? { machines: onlyMachines } : {}) });
    const results = await mapLimit(scenarios, CONCURRENCY, (s) => differential(QEMU_BINARY, defs, s));
    summaries.push(summaryLine(`b. random scenarios (seed ${seed})`, results));
    for (const c of [...CATEGORIES, 'deprecated']) {
      const inCat = results.filter((r) => r.scenario.category === c);
      summaries.push(`   ${c}: ${inCat.length} scenarios, ${inCat.filter((r) => !r.mismatches.length).length} agree, ${inCat.reduce((n, r) => n + r.documented.length, 0)} documented`);
      expect(inCat.length).toBeGreaterThan(0);
    }
    // The suite must exercise both sides: refusals, warnings and value reads.
    expect(results.some((r) => r.observed.error !== null)).toBe(true);
    expect(results.some((r) => r.observed.warnings.length > 0)).toBe(true);
    expect(results.reduce((n, r) => n + r.valuesCompared, 0)).toBeGreaterThan(0);
    expect(report(results)).toBe('');
  }, 240_000);

  it('-cpu: model lookup, features as globals after every -global, +feat/-feat at realize, ambiguity warnings', async () => {
    const g = (arg: string) => ({ kind: 'global' as const, arg });
    const cases: Array<{ machine: string; cpu: string; options?: ReturnType<typeof g>[] }> = [
      { machine: 'pc-q35-10.0', cpu: 'nosuch' },
      { machine: 'pc-q35-2.4', cpu: 'nosuch' },
      { machine: 'pc-q35-10.0', cpu: 'qemu64,pmu=maybe' },
      { machine: 'pc-q35-2.4', cpu: 'qemu64,zzz=1' },
      { machine: 'pc-q35-10.0', cpu: 'Haswell,x_y=1' },
      { machine: 'pc-q35-10.0', cpu: 'qemu64,+zzz' },
      { machine: 'pc-q35-10.0', cpu: 'qemu64,pmu=on', options: [g('qemu64-x86_64-cpu.pmu=off')] },
      { machine: 'pc-q35-10.0', cpu: 'qemu64,pmu=off', options: [g('x86_64-cpu.pmu=on')] },
      { machine: 'pc-i440fx-9.1', cpu: 'qemu64,+pmu,pmu=off' },
      // Models whose features TCG supports: realize filtering ("TCG doesn't support requested
      // feature", the value forced off) is accelerator behaviour resolve does not model.
      { machine: 'pc-i440fx-9.1', cpu: 'qemu64,-pmu,+pmu,pmu=on' },
      { machine: 'pc-q35-8.2', cpu: 'qemu64,,,pmu' },
      { machine: 'pc-i440fx-2.4', cpu: 'pentium,pmu=on', options: [g('cpu.pmu=off')] },
      { machine: 'pc-q35-10.0', cpu: 'qemu64', options: [g('qemu64-x86_64-cpu.nosuch=1')] },
    ];
    const results = await mapLimit(cases, CONCURRENCY, (c) =>
      differential(QEMU_BINARY, defs, { category: 'cpu', machine: c.machine, nodefaults: true, cpu: c.cpu, options: c.options ?? [] }));
    summaries.push(summaryLine('c. -cpu scenarios', results));
    expect(results.some((r) => r.observed.error !== null) && results.some((r) => r.observed.error === null)).toBe(true);
    expect(report(results)).toBe('');
  }, 120_000);
});
