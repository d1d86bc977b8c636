/** The differential harness itself (test/support/differential.ts): message parsing and that it reports disagreements. */
import { describe, expect, it } from '@jest/globals';
import { loadDefinitionsFromDisk } from '../../src/load/fs.js';
import { resolve } from '../../src/resolve/resolve.js';
import type { ExactJson } from '../../src/qemu/json-exact.js';
import { classifyMessage, compare, expectations, splitMessages, type QemuObservation } from '../support/differential.js';

describe('differential harness', () => {
  it('splits stderr into messages, joining continuation lines', () => {
    const stderr = "qemu-system-x86_64: -global a.b: warning: short-form boolean option 'a.b' deprecated\nPlease use a.b=on instead\n"
      + "qemu-system-x86_64: -global a.b: Invalid parameter 'a.b'\n";
    expect(splitMessages(stderr)).toEqual(["-global a.b: warning: short-form boolean option 'a.b' deprecated\nPlease use a.b=on instead", "-global a.b: Invalid parameter 'a.b'"]);
  });

  it('strips `warning: ` after the program name or the option location', () => {
    const opts = [{ kind: 'global' as const, arg: 'a.b' }];
    expect(classifyMessage('warning: global x.y has invalid class name', opts)).toEqual({ warning: true, text: 'global x.y has invalid class name' });
    expect(classifyMessage('-global a.b: warning: short-form', opts)).toEqual({ warning: true, text: '-global a.b: short-form' });
    expect(classifyMessage("-global a.b: Invalid parameter 'a.b'", opts)).toEqual({ warning: false, text: "-global a.b: Invalid parameter 'a.b'" });
  });

  it('reports outcome, warning, object and value disagreements, nulls included, and counts documented ones apart', async () => {
    const defs = await loadDefinitionsFromDisk();
    const s = { machine: 'pc-q35-10.0', nodefaults: true, options: [{ kind: 'global' as const, arg: 'hpet.timers=200' }, { kind: 'global' as const, arg: 'ICH9-LPC.noreboot=on' }] };
    const r = resolve(defs, { ...s, model: 'qdev' });
    const all = expectations(r, defs.types);
    const hpet = all.find((x) => x.type === 'hpet')!;
    const lpc = all.find((x) => x.type === 'ICH9-LPC')!;
    const rtc = all.find((x) => x.type === 'mc146818rtc')!;
    const ok = (value: ExactJson) => ({ ok: true as const, value });
    const observed: QemuObservation = {
      started: true, result: { code: 0, signal: null, stderr: '' }, warnings: ['unexpected'], error: null,
      objects: new Map([
        [hpet.path!, new Map([['timers', ok(32)]])],
        [lpc.path!, new Map([['noreboot', ok(false)], ['x-no-such', ok(1)]])],
        [rtc.path!, new Map([['date', ok({ tm_year: 126 })]])],
      ]),
      tree: [hpet.path!, lpc.path!, rtc.path!, '/machine/peripheral/extra'],
      migration: null,
    };
    const c = compare(s, r, observed, defs.types, [hpet, lpc, rtc]);
    expect(c.documented).toEqual([
      expect.objectContaining({ property: 'timers', resolved: '200', qemu: '32' }),
      expect.objectContaining({ property: 'date', reason: expect.stringMatching(/host clock/) }),
    ]);
    expect(c.mismatches).toEqual([
      expect.stringMatching(/^warnings:/),
      'object /machine/peripheral/extra: QEMU has it, resolve does not',
      expect.stringMatching(/noreboot: resolve true, QEMU false$/),
      expect.stringMatching(/x-no-such: resolve has no such property, QEMU 1$/),
    ]);
    expect(c.valuesCompared).toBe(4);
    const missing = compare(s, r, { ...observed, objects: new Map() }, defs.types, [hpet]);
    expect(missing.mismatches).toContain(`object ${hpet.path} (hpet): resolve has it, QEMU does not`);
    const refused = compare(s, r, { ...observed, started: false, warnings: [], error: 'boom', objects: new Map() }, defs.types, [hpet, lpc]);
    expect(refused.mismatches.map((m) => m.split(':')[0])).toEqual(['outcome', 'error']);
  });
});
