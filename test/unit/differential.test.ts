/** The differential harness itself (test/support/differential.ts): message parsing and that it reports disagreements. */
import { describe, expect, it } from '@jest/globals';
import { loadDefinitionsFromDisk } from '../../src/load/fs.js';
import { resolve } from '../../src/resolve/resolve.js';
import { classifyMessage, compare, splitMessages, valueReads, type QemuObservation } from '../support/differential.js';

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

  it('reports outcome, warning and value disagreements, and counts documented realize-time changes apart', async () => {
    const defs = await loadDefinitionsFromDisk();
    const s = { machine: 'pc-q35-10.0', nodefaults: true, options: [{ kind: 'global' as const, arg: 'hpet.timers=200' }, { kind: 'global' as const, arg: 'ICH9-LPC.noreboot=on' }] };
    const r = resolve(defs, { ...s, model: 'qdev' });
    const reads = valueReads(r, defs.types);
    const hpet = reads.find((x) => x.property === 'timers')!;
    const lpc = reads.find((x) => x.property === 'noreboot')!;
    const observed: QemuObservation = {
      started: true, result: { code: 0, signal: null, stderr: '' }, warnings: ['unexpected'], error: null,
      values: new Map([[`${hpet.path} timers`, { ok: true, value: 32 }], [`${lpc.path} noreboot`, { ok: true, value: false }]]),
    };
    const c = compare(s, r, observed, defs.types, reads);
    expect(c.documented).toEqual([expect.objectContaining({ property: 'timers', resolved: '200', qemu: '32' })]);
    expect(c.mismatches).toEqual([expect.stringMatching(/^warnings:/), expect.stringMatching(/noreboot: resolve true, QEMU false$/)]);
    const refused = compare(s, r, { ...observed, started: false, warnings: [], error: 'boom', values: new Map() }, defs.types, reads);
    expect(refused.mismatches.map((m) => m.split(':')[0])).toEqual(['outcome', 'error']);
  });
});
