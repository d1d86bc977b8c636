/**
 * Differential suite (issue #3): resolve(…, { model: 'qdev' }) against the real
 * qemu-system-x86_64 10.0.2, on the embedded definitions (machines/x86_64).
 *
 *  a. every machine, with and without -nodefaults: every property QEMU shows
 *     on every board object (qom-list + qom-get), and no object missing;
 *  d. every user-creatable -device type alone on q35, or on pc when QEMU refuses
 *     it on q35: every property QEMU shows on the device and its children;
 *  b. seeded random -global/-device/-object scenarios (test/support/scenarios.ts;
 *     QOM_COMPAT_DIFF_COUNT sets how many, QOM_COMPAT_DIFF_SEED the seed).
 *
 * Outcome, error text, warnings (exact, in order) and every value QEMU shows
 * must agree; the exceptions (differential.ts SHOWN_EXCEPTIONS,
 * REALIZE_TIME_CHANGES, values resolve marks configured-only) are counted apart. QOM_COMPAT_DEFS points at another definitions directory.
 */
import { appendFileSync } from 'node:fs';
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
/** Device types QEMU refuses alone whose refusal (outcome and message) resolve already agrees with. */
const REFUSALS_AGREEING = 306;

function summaryLine(title: string, results: readonly Comparison[]): string {
  const s = summarize(results);
  const pct = s.values ? ((100 * s.valuesAgree) / s.values).toFixed(2) : '-';
  const gaps = [...new Set(results.flatMap((r) => r.gaps.map((g) => g.reason)))];
  return `${title}: ${s.scenarios} scenarios, ${s.agree} agree, ${s.disagree} disagree, ${s.gaps} with known gaps${gaps.length ? ` (${gaps.join('; ')})` : ''}; `
    + `${s.values} values compared, ${s.valuesAgree} equal (${pct}%), ${s.documented} documented differences, `
    + `${s.configuredOnly} configured-only, ${s.skipped} migration values without a QMP field`;
}

/** QOM_COMPAT_DIFF_REPORT=FILE appends every disagreement to FILE (the assertion shows only a part). */
function keepReport(title: string, results: readonly Comparison[]): string {
  const text = report(results);
  if (process.env.QOM_COMPAT_DIFF_REPORT && text) appendFileSync(process.env.QOM_COMPAT_DIFF_REPORT, `## ${title}\n${text}\n`);
  return text;
}

afterAll(() => {
  if (summaries.length) process.stdout.write(`\nresolve vs QEMU ${QEMU_BINARY}:\n  ${summaries.join('\n  ')}\n`);
});

describeLive('resolve agrees with QEMU 10.0.2', () => {
  it('board objects of every machine, with and without -nodefaults: every property QEMU shows', async () => {
    const machines = defs.machines.all().map((m) => m.name).sort();
    expect(machines.length).toBe(65);
    expect(machines.filter((m) => !defs.machines.boardLayout(m, true) || !defs.machines.boardLayout(m, false))).toEqual([]);
    const variants = machines.flatMap((machine) => [true, false].map((nodefaults) => ({ category: 'board', machine, nodefaults, options: [] })));
    const results = await mapLimit(variants, CONCURRENCY, (s) => differential(QEMU_BINARY, defs, s));
    summaries.push(summaryLine('a. board objects, every property (65 machines × with/without -nodefaults)', results));
    const excused = [...new Set(results.flatMap((r) => r.documented.map((d) => `${d.property}: ${d.reason}`)))];
    if (excused.length) summaries.push(`   documented: ${excused.join('; ')}`);
    // Every property of every board object: tens of thousands of values.
    expect(results.reduce((n, r) => n + r.valuesCompared, 0)).toBeGreaterThan(50_000);
    expect(keepReport('board objects', results)).toBe('');
  }, 600_000);

  it('every user-creatable -device type, alone on q35 (or pc when QEMU refuses it there): every property QEMU shows', async () => {
    const deviceTypes = [...defs.types.all()].filter((t) => t.userCreatable && !t.abstract).map((t) => t.name).sort();
    expect(deviceTypes.length).toBeGreaterThan(400);
    const on = (machine: string, type: string) => ({ category: 'device', machine, nodefaults: true, options: [{ kind: 'device' as const, arg: type }] });
    const results = await mapLimit(deviceTypes, CONCURRENCY, async (type) => {
      const q35 = await differential(QEMU_BINARY, defs, on('pc-q35-10.0', type));
      return q35.observed.started ? q35 : differential(QEMU_BINARY, defs, on('pc-i440fx-10.0', type));
    });
    const started = results.filter((r) => r.observed.started);
    const refused = results.filter((r) => !r.observed.started);
    summaries.push(summaryLine(`d. ${started.length} device types QEMU starts with`, started));
    summaries.push(summaryLine(`   ${refused.length} device types QEMU refuses on q35 and pc (outcome and message compared)`, refused));
    const startedReport = keepReport('devices QEMU starts with', started);
    keepReport('devices QEMU refuses', refused);
    // Most user-creatable types need a backend, a bus these boards lack, or are CPU models.
    expect(started.length).toBeGreaterThan(120);
    expect(startedReport).toBe('');
    // Realize-time refusals are modelled for the checks README lists; the others are counted, and must not regress.
    expect(refused.filter((r) => r.mismatches.length === 0).length).toBeGreaterThanOrEqual(REFUSALS_AGREEING);
  }, 900_000);

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
    expect(keepReport(summaries[summaries.length - 1] ?? '', results)).toBe('');
  }, 600_000);

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
    expect(keepReport(summaries[summaries.length - 1] ?? '', results)).toBe('');
  }, 120_000);
});
