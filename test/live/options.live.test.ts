/**
 * Options resolve lists as setting no QOM property (src/parse/option-effects.ts),
 * against QEMU 10.0.2: with each one (and a typical argument), the composition
 * tree and every value QEMU shows are what resolve answers for the board
 * without it. Not run here: -daemonize, -qmp, -preconfig, -loadvm, -xen-*
 * (they detach, take the harness's QMP channel, stop before the machine,
 * need a snapshot or a Xen host), -spice and -plugin (need libraries this
 * build may lack), -id (Proxmox VE's build only).
 */
import { afterAll, expect, it } from '@jest/globals';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDefinitionsFromDisk } from '../../src/load/fs.js';
import { NO_PROPERTY_OPTIONS } from '../../src/parse/option-effects.js';
import { differential, mapLimit, report, summarize } from '../support/differential.js';
import { describeLive, QEMU_BINARY } from '../support/qemu.js';

const defs = await loadDefinitionsFromDisk();
const NOT_RUN = new Set(['daemonize', 'qmp', 'qmp-pretty', 'preconfig', 'loadvm', 'xen-domid', 'xen-attach', 'xen-domid-restrict', 'spice', 'plugin', 'id']);

const SAMPLES: Record<string, string[]> = {
  name: ['guest=vm1,debug-threads=on'], uuid: ['1ccfd97d-5eb4-478a-bbe6-88d254c16db7'], msg: ['timestamp=on'],
  pidfile: [join(tmpdir(), 'qom-compat-opt.pid')], sandbox: ['on,obsolete=deny'], 'no-shutdown': [], 'no-reboot': [], S: [],
  d: ['guest_errors'], D: [join(tmpdir(), 'qom-compat-opt.log')], dfilter: ['0x1000..0x2000'], trace: ['enable=nothing*'], seed: ['1'],
  monitor: ['none'], mon: ['chardev=c0,mode=control'], k: ['en-us'], vnc: ['none'], display: ['none'], 'full-screen': [],
  incoming: ['defer'], 'only-migratable': [], gdb: ['none'], s: [], echr: ['1'], action: ['reboot=shutdown'], 'watchdog-action': ['reset'],
  'enable-sync-profile': [], perfmap: [], jitdump: [], 'run-with': ['async-teardown=off'], overcommit: ['mem-lock=off'],
  'no-user-config': [], L: ['/usr/share/qemu'], smbios: ['type=1,manufacturer=Acme,serial=abc,uuid=1ccfd97d-5eb4-478a-bbe6-88d254c16db7'],
};

const tried = NO_PROPERTY_OPTIONS.filter((o) => !NOT_RUN.has(o));
const results: Awaited<ReturnType<typeof differential>>[] = [];
afterAll(() => {
  if (!results.length) return;
  const s = summarize(results);
  process.stdout.write(`\nno-property options vs QEMU: ${s.scenarios} options, ${s.agree} agree; ${s.values} values compared, ${s.valuesAgree} equal\n`);
});

describeLive('options that set no QOM property leave every value as it is (QEMU 10.0.2)', () => {
  it('every such option has a sample argument', () => {
    expect(tried.filter((o) => !(o in SAMPLES))).toEqual([]);
  });

  it('the tree and every value agree with the option given', async () => {
    results.push(...await mapLimit(tried, 2, (name) => differential(QEMU_BINARY, defs, {
      category: 'no-property', machine: 'pc-q35-10.0', nodefaults: true, options: [],
      extra: [...(name === 'mon' ? ['-chardev', 'null,id=c0'] : []), `-${name}`, ...(SAMPLES[name] ?? [])],
    })));
    expect(results.filter((r) => r.observed.started).length).toBe(tried.length);
    expect(report(results)).toBe('');
  }, 300_000);
});
