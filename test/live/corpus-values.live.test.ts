/**
 * Is test/fixtures/cmdlines/qemu-10.0.2.json.gz still what QEMU shows? A sample of the corpus lines
 * test/corpus/values.test.ts replays (every 25th line that starts, and the first KVM one) runs on the
 * real binary; compared with resolve, the live run must disagree exactly where the replay does (same
 * outcome, messages and values; volatile values are excused by the harness on both sides). A
 * difference means the fixture is stale: re-record with tools/record-corpus-fixtures.mjs.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from '@jest/globals';
import { loadDefinitionsFromDisk } from '../../src/load/fs.js';
import { compare, expectations, mapLimit, resolveScenario, runQemu } from '../support/differential.js';
import { corpusLines, FIXTURE_FILE, recordedHost, writeQemuWrapper } from '../support/corpus-lines.js';
import { readFixture, replayQemu } from '../support/recorded-qemu.js';
import { describeLive, QEMU_BINARY } from '../support/qemu.js';

const defs = await loadDefinitionsFromDisk();
const fixture = readFixture(FIXTURE_FILE);
const startable = corpusLines(recordedHost()).filter((l) => l.startable);
// KVM lines need /dev/kvm; outside CI a machine without it runs the TCG sample only.
const kvmOk = existsSync('/dev/kvm') || process.env.CI === 'true';
const sample = [...startable.filter((_, i) => i % 25 === 0 && !_.kvm), ...(kvmOk ? startable.filter((l) => l.kvm).slice(0, 1) : [])];
const dir = mkdtempSync(join(tmpdir(), 'qom-corpus-live-'));
const wrapper = writeQemuWrapper(dir, QEMU_BINARY);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeLive('corpus fixture: QEMU 10.0.2 still shows what was recorded', () => {
  it('samples both accelerators', () => expect(sample.length).toBeGreaterThanOrEqual(kvmOk ? 10 : 9));
  it('each sampled line disagrees with resolve live exactly where the replay does', async () => {
    const diffs = await mapLimit(sample, 2, async (l) => {
      const resolved = resolveScenario(defs, l.scenario);
      const expected = resolved.outcome === 'started' ? expectations(resolved, defs.types) : [];
      const paths = expected.flatMap((e) => (e.path === null ? [] : [e.path]));
      const live = compare(l.scenario, resolved, await runQemu(wrapper, l.scenario, paths, defs.types), defs.types, expected);
      const replay = compare(l.scenario, resolved, await replayQemu(fixture, l.scenario, paths, defs.types), defs.types, expected);
      const view = (c: typeof live) => ({ mismatches: c.mismatches, gaps: c.gaps, values: c.valuesCompared, equal: c.valuesAgree });
      return { file: l.file, live: view(live), replay: view(replay) };
    });
    for (const d of diffs) expect({ file: d.file, ...d.live }).toEqual({ file: d.file, ...d.replay });
  }, 600_000);
});
