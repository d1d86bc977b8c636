/**
 * CPU topology arithmetic (src/resolve/smp.ts, board-cpus.ts) on the cases
 * test/live/smp.live.test.ts checks against QEMU, so a regression shows
 * without the binary.
 */
import { describe, expect, it } from '@jest/globals';
import { cpuTopologyIds, machineSmp, threadsPerPackage, type SmpClass } from '../../src/resolve/smp.js';
import { withSmpCpus } from '../../src/resolve/board-cpus.js';
import type { PlannedObject } from '../../src/resolve/tree.js';

const q35: SmpClass = { name: 'pc-q35-10.0', maxCpus: 4096, preferSockets: false, diesSupported: true, modulesSupported: true };
const old: SmpClass = { ...q35, name: 'pc-i440fx-6.1', maxCpus: 255, preferSockets: true };
const microvm: SmpClass = { name: 'microvm', maxCpus: 288, preferSockets: false, diesSupported: false, modulesSupported: false };
/** `-smp TEXT` as keyval gives it: a bare first value is `cpus`. */
const smp = (text: string, cls = q35) => machineSmp(new Map(text.split(',').map((kv) => (kv.includes('=') ? kv.split('=') as [string, string] : ['cpus', kv]))), cls);

describe('machine_parse_smp_config', () => {
  it('prefers cores over sockets since 6.2, sockets before', () => {
    expect(smp('4')).toEqual({ ok: true, topology: { cpus: 4, maxcpus: 4, sockets: 1, dies: 1, modules: 1, cores: 4, threads: 1 } });
    expect(smp('4', old)).toEqual({ ok: true, topology: { cpus: 4, maxcpus: 4, sockets: 4, dies: 1, modules: 1, cores: 1, threads: 1 } });
    expect(smp('2,maxcpus=6,sockets=6,cores=1,threads=1')).toMatchObject({ ok: true, topology: { cpus: 2, maxcpus: 6, sockets: 6 } });
    expect(smp('8,sockets=2,cores=2')).toMatchObject({ ok: true, topology: { threads: 2 } });
  });

  it("words QEMU's refusals", () => {
    expect(smp('0')).toEqual({ ok: false, error: 'Invalid CPU topology: CPU topology parameters must be greater than zero' });
    expect(smp('4,sockets=3')).toEqual({ ok: false,
      error: 'Invalid CPU topology: product of the hierarchy must match maxcpus: sockets (3) * dies (1) * modules (1) * cores (1) * threads (1) != maxcpus (4)' });
    expect(smp('2,maxcpus=1')).toEqual({ ok: false,
      error: 'Invalid CPU topology: maxcpus must be equal to or greater than smp: sockets (1) * dies (1) * modules (1) * cores (1) * threads (1) == maxcpus (1) < smp_cpus (2)' });
    expect(smp('4,clusters=2')).toEqual({ ok: false, error: "clusters > 1 not supported by this machine's CPU topology" });
    expect(smp('4,dies=2', microvm)).toEqual({ ok: false, error: "dies > 1 not supported by this machine's CPU topology" });
    expect(smp('4,bogus=1')).toEqual({ ok: false, error: "Parameter 'smp.bogus' is unexpected" });
    expect(smp('foo')).toEqual({ ok: false, error: "Parameter 'smp.cpus' expects integer" });
    expect(smp('-1')).toEqual({ ok: false, error: "Invalid SMP CPUs -1. The max CPUs supported by machine 'pc-q35-10.0' is 4096" });
    expect(smp('256', old)).toEqual({ ok: false, error: "Invalid SMP CPUs 256. The max CPUs supported by machine 'pc-i440fx-6.1' is 255" });
  });
});

describe('x86 APIC IDs', () => {
  it('packs thread, core, module, die and socket IDs into bit fields of their widths', () => {
    const r = smp('16,sockets=2,dies=1,cores=4,threads=2');
    if (!r.ok) throw new Error(r.error);
    expect(cpuTopologyIds(r.topology, 0)).toEqual({ apicId: 0, socketId: 0, dieId: 0, moduleId: 0, coreId: 0, threadId: 0 });
    expect(cpuTopologyIds(r.topology, 3)).toEqual({ apicId: 3, socketId: 0, dieId: 0, moduleId: 0, coreId: 1, threadId: 1 });
    expect(cpuTopologyIds(r.topology, 8)).toEqual({ apicId: 8, socketId: 1, dieId: 0, moduleId: 0, coreId: 0, threadId: 0 });
    const odd = smp('6,sockets=1,cores=2,threads=3');
    if (!odd.ok) throw new Error(odd.error);
    // 3 threads need 2 bits: core 1 starts at APIC ID 4.
    expect(cpuTopologyIds(odd.topology, 3).apicId).toBe(4);
    expect(threadsPerPackage(odd.topology)).toBe(6);
  });

  it('inserts CPUs after the first one and its vapic, moving later devices and the links to them', () => {
    const r = smp('3');
    if (!r.ok) throw new Error(r.error);
    const rec = (values: Record<string, unknown>) => ({ values, instanceProperties: {}, volatile: [] }) as never;
    const board: PlannedObject[] = [
      { path: '/machine/unattached/device[0]/lapic', type: 'apic', transient: false, origin: 'board', early: false, observed: { type: 'apic', record: rec({ id: 0 }) } },
      { path: '/machine/unattached/device[0]', type: 'qemu64-x86_64-cpu', transient: false, origin: 'board', early: false, observed: { type: 'qemu64-x86_64-cpu', record: rec({ 'apic-id': 0 }) } },
      { path: '/machine/unattached/device[1]', type: 'kvmvapic', transient: false, origin: 'board', early: false },
      { path: '/machine/unattached/device[2]', type: 'hpet', transient: false, origin: 'board', early: false, observed: { type: 'hpet', record: rec({ peer: '/machine/unattached/device[2]/x' }) } },
    ];
    const out = withSmpCpus(board, r.topology, { isCpu: (t) => t.endsWith('-cpu'), isApic: (t) => t === 'apic', hasProperty: (t, n) => n !== 'module-id' || t !== 'old-cpu', vendor: () => 'AuthenticAMD' });
    expect(out.map((o) => `${o.path} ${o.type}`)).toEqual([
      '/machine/unattached/device[0]/lapic apic', '/machine/unattached/device[0] qemu64-x86_64-cpu', '/machine/unattached/device[1] kvmvapic',
      '/machine/unattached/device[2]/lapic apic', '/machine/unattached/device[2] qemu64-x86_64-cpu',
      '/machine/unattached/device[3]/lapic apic', '/machine/unattached/device[3] qemu64-x86_64-cpu',
      '/machine/unattached/device[4] hpet']);
    expect(out[6]!.observed!.record.values).toMatchObject({ 'apic-id': 2, 'core-id': 2, ht: true, cmp_legacy: true });
    expect(out[5]!.observed!.record.values).toMatchObject({ id: 2 });
    expect(out[7]!.observed!.record.values).toEqual({ peer: '/machine/unattached/device[4]/x' });
  });
});
