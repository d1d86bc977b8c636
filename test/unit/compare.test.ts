/**
 * `compare` (the compat table of compare-machine-types.py, offline) and
 * `diff` (one VM under two machine types), on the embedded QEMU 10.0.2 data.
 * The live tests check both against the binary; these pin the conventions.
 */
import { describe, expect, it } from '@jest/globals';
import { buildCompatTable, globMatcher, normalised, type CompatTable } from '../../src/compare/compat-table.js';
import { comparePeerMachines, peerNormalise } from '../../src/compare/peer.js';
import { loadDefinitionsFromDisk, EMBEDDED_MACHINES_DIR } from '../../src/load/fs.js';
import { compatModel } from '../../src/resolve/compat-model.js';
import { runCli } from '../support/cli.js';
import { join } from 'node:path';

const defs = await loadDefinitionsFromDisk();
const set = (model: 'qdev' | 'object-compat' = 'qdev') => ({ label: 'embedded', defs, model: compatModel(model, defs.types) });
const cell = (t: CompatTable, driver: string, property: string, machine: string) => {
  const row = t.rows.find((r) => r.driver === driver && r.property === property);
  return row?.cells[t.columns.findIndex((c) => c.machine === machine)];
};

describe('the peer\'s conventions', () => {
  it('orders machines by family, then version numerically; names without a version sort by name', () => {
    const names = ['pc-q35-10.0', 'pc-i440fx-2.4', 'none', 'pc-q35-9.2', 'isapc', 'pc-q35-2.10', 'pc-q35-2.4', 'microvm', 'x-remote'];
    expect([...names].sort(comparePeerMachines)).toEqual(['isapc', 'microvm', 'none', 'pc-i440fx-2.4', 'pc-q35-2.4', 'pc-q35-2.10', 'pc-q35-9.2', 'pc-q35-10.0', 'x-remote']);
  });
  it('normalises on/true and off/false in any case, and (here) integers by value', () => {
    expect(peerNormalise('ON')).toBe(true);
    expect(peerNormalise('false')).toBe(false);
    expect(peerNormalise('auto')).toBe('auto');
    expect(normalised('0x10')).toBe(normalised('16'));
    expect(normalised('on')).toBe(normalised('True'));
  });
  it('matches drivers with shell globs', () => {
    const m = globMatcher('virtio-*-pci');
    expect(m('virtio-net-pci')).toBe(true);
    expect(m('virtio-net-pci-transitional')).toBe(false);
    expect(globMatcher('[Ii]CH9-?PC')('ICH9-LPC')).toBe(true);
    expect(globMatcher('a.b')('axb')).toBe(false);
  });
});

describe('the compat table', () => {
  const raw = buildCompatTable([set()], { raw: true });

  it('has a row for every (type, property) the compat lists reach, sorted, numbered, and a column per machine', () => {
    expect(raw.columns).toHaveLength(defs.machines.all().length);
    const keys = raw.rows.map((r) => [r.driver, r.property]);
    const sorted = [...keys].sort(([a, b], [c, d]) => (a! < c! ? -1 : a! > c! ? 1 : b! < d! ? -1 : b! > d! ? 1 : 0));
    expect(keys).toEqual(sorted);
    expect(raw.rows.map((r) => r.index)).toEqual(raw.rows.map((_, i) => i));
    // An entry on an abstract driver reaches each concrete implementation: x86_64-cpu entries give every CPU model a row.
    expect(cell(raw, 'EPYC-x86_64-cpu', 'legacy-multi-node', 'pc-q35-8.2')).toMatchObject({ value: 'on', kind: 'compat', entry: { addedBy: 'pc-q35-9.0', driver: 'x86_64-cpu' } });
  });

  it('takes a CPU model\'s default from its expansion, as realize gives it', () => {
    expect(cell(raw, 'EPYC-x86_64-cpu', 'legacy-cache', 'pc-q35-10.0')).toMatchObject({ value: 'False', kind: 'default' });
    expect(cell(raw, 'qemu64-x86_64-cpu', 'kvm-msi-ext-dest-id', 'pc-q35-10.0')?.value).toBe('False');
  });

  it('is right where compare-machine-types.py is not, and says what the peer shows', () => {
    // sev_guest_instance_init resets legacy-vm-type after applying compat (QEMU 10.0.2).
    expect(cell(raw, 'sev-guest', 'legacy-vm-type', 'pc-q35-8.2')).toMatchObject({ value: 'auto', kind: 'reset', peer: { value: 'on', reason: 'reset' } });
    // QEMU skips an optional entry on a type without the property.
    expect(cell(raw, 'virtio-net-pci-transitional', 'disable-legacy', 'pc-i440fx-2.6')).toMatchObject({ value: 'Unknown property', kind: 'optional-skipped', peer: { value: 'off' } });
    // device-list-properties hides legacy-* names; the property is real.
    expect(cell(raw, 'apic', 'legacy-instance-id', 'pc-q35-10.0')).toMatchObject({ value: 'False', peer: { value: 'Unknown property', reason: 'hidden-property' } });
  });

  it('keeps the row of a driver this binary does not have, with the entry\'s value where a machine has one', () => {
    expect(cell(raw, 'arm-cpu', 'backcompat-cntfrq', 'pc-q35-9.0')).toMatchObject({ kind: 'unknown-driver', entry: { driver: 'arm-cpu' } });
    expect(cell(raw, 'arm-cpu', 'backcompat-cntfrq', 'pc-q35-10.0')).toMatchObject({ value: 'Unavailable driver', kind: 'unknown-driver' });
  });

  it('under the RFC model, the sev-guest entry stays (what merging it would change)', () => {
    const rfc = buildCompatTable([set('object-compat')], { raw: true, machines: ['pc-q35-8.2'] });
    expect(cell(rfc, 'sev-guest', 'legacy-vm-type', 'pc-q35-8.2')).toMatchObject({ value: 'on', kind: 'compat' });
  });

  it('without --raw drops the rows where every machine agrees (on/true alike)', () => {
    const t = buildCompatTable([set()], { raw: false, machines: ['pc-q35-8.2', 'pc-q35-9.1'] });
    expect(t.rows.length).toBeGreaterThan(0);
    for (const row of t.rows) expect(new Set(row.cells.map((c) => normalised(c.value))).size).toBe(2);
    expect(t.rows.find((r) => r.driver === 'migration' && r.property === 'zero-page-detection')).toBeDefined();
    expect(buildCompatTable([set()], { raw: false, machines: ['pc-q35-9.1'] }).rows).toEqual([]);
  });
});

describe('qom-compat compare', () => {
  it('writes the peer\'s CSV: index, Driver, Property, then "BINARY\\nMACHINE" columns', async () => {
    const r = await runCli(['compare', 'pc-q35-8.2', 'q35-9.1', '--raw', '--format', 'csv', '--driver', 'migration']);
    expect(r.code).toBe(0);
    const head = ',Driver,Property,"qemu-system-x86_64 10.0.2\npc-q35-8.2","qemu-system-x86_64 10.0.2\npc-q35-9.1"\n';
    expect(r.stdout.startsWith(head)).toBe(true);
    expect(r.stdout).toMatch(/\n\d+,migration,zero-page-detection,legacy,multifd\n/);
  });

  it('prints a table, markdown with --explain naming the version whose entry set a cell, and JSON', async () => {
    const text = await runCli(['compare', 'q35-8.2', 'q35-9.1', '--driver', 'migration']);
    expect(text.stdout).toMatch(/^DRIVER +PROPERTY +pc-q35-8\.2 +pc-q35-9\.1\n/);
    const md = await runCli(['compare', 'q35-8.2', 'q35-9.1', '--driver', 'migration', '--format', 'markdown', '--explain']);
    expect(md.stdout).toContain('| migration | zero-page-detection | legacy (pc-q35-8.2/compat-8.2) | multifd (default) |');
    const json = JSON.parse((await runCli(['compare', 'q35-8.2', 'q35-9.1', '--format', 'json'])).stdout);
    expect(json.sets).toEqual([{ label: 'qemu-system-x86_64 10.0.2', qemuVersion: '10.0.2', model: 'qdev' }]);
    expect(json.columns.map((c: { machine: string }) => c.machine)).toEqual(['pc-q35-8.2', 'pc-q35-9.1']);
  });

  it('puts several definition sets side by side, a column per set and machine', async () => {
    const dir = join(EMBEDDED_MACHINES_DIR, 'x86_64');
    const r = JSON.parse((await runCli(['compare', 'q35-9.1', '--defs', dir, '--defs', dir, '--format', 'json', '--raw', '--driver', 'migration'])).stdout);
    expect(r.columns).toEqual([{ set: dir, machine: 'pc-q35-9.1', qemuVersion: '10.0.2' }, { set: dir, machine: 'pc-q35-9.1', qemuVersion: '10.0.2' }]);
  });

  it('refuses a bad request with exit 2', async () => {
    expect((await runCli(['compare'])).code).toBe(2);
    expect((await runCli(['compare', '--all', 'q35'])).code).toBe(2);
    const r = await runCli(['compare', 'pc-q35-9.9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown machine 'pc-q35-9.9'; did you mean");
  });
});

describe('qom-compat diff', () => {
  it('lists every property whose value differs, with both values and where each came from', async () => {
    const r = await runCli(['diff', 'pc-q35-8.2', 'pc-q35-9.1', '-device', 'virtio-net-pci']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('zero-page-detection: legacy → multifd');
    expect(r.stdout).toContain('machine compat, added by pc-q35-8.2 (group compat-8.2)');
    expect(r.stdout).toMatch(/\n\d+ differences\n/);
  });

  it('says "no differences" (exit 0), and --exit-code makes differences exit 1', async () => {
    const same = await runCli(['diff', 'q35', 'pc-q35-10.0', '-nodefaults', '--exit-code']);
    expect(same.stdout).toContain('no differences');
    expect(same.code).toBe(0);
    expect((await runCli(['diff', 'q35-8.2', 'q35-9.1', '--exit-code'])).code).toBe(1);
  });

  it('replaces the line\'s own machine type, and answers in JSON', async () => {
    const r = JSON.parse((await runCli(['diff', 'q35-8.2', 'q35-9.1', '--format', 'json', '-machine', 'pc-q35-7.0,usb=off', '-nodefaults'])).stdout);
    expect(r.from.machine).toBe('pc-q35-8.2');
    expect(r.replacedMachine).toBe('pc-q35-7.0');
    expect(r.properties.some((p: { property: string }) => p.property === 'zero-page-detection')).toBe(true);
  });

  it('refuses an unknown machine with exit 2 and close matches', async () => {
    const r = await runCli(['diff', 'q35-8.2', 'pc-q35-9.7']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('did you mean');
  });
});

describe('qom-compat abi-check', () => {
  const embedded = join(EMBEDDED_MACHINES_DIR, 'x86_64');
  const q72 = join(EMBEDDED_MACHINES_DIR, 'qemu-7.2', 'x86_64');

  it('finds nothing between a binary and itself (exit 0)', async () => {
    const r = await runCli(['abi-check', '--from', embedded, '--machine', 'q35-8.2', '--machine', 'pc-i440fx-5.2']);
    expect(r.stdout).toContain('2 machine types compared');
    expect(r.stdout).toContain('no differences');
    expect(r.code).toBe(0);
  });

  it('takes a configuration as a QEMU command line, its -M naming the machine', async () => {
    const r = JSON.parse((await runCli(['abi-check', '--from', embedded, '--format', 'json', '-M', 'q35-9.1', '-nodefaults', '-device', 'virtio-net-pci'])).stdout);
    expect(r.machines).toEqual(['pc-q35-9.1']);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0].config).toBe('-nodefaults -device virtio-net-pci');
  });

  it('refuses a missing --from or an unknown machine with exit 2', async () => {
    expect((await runCli(['abi-check'])).code).toBe(2);
    const r = await runCli(['abi-check', '--from', embedded, '--machine', 'pc-q35-9.7']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('did you mean');
  });

  it('QEMU 7.2 → 10.0.2: groups what the guest sees differently, new properties pinned by compat apart (exit 1)', async () => {
    const r = await runCli(['abi-check', '--from', q72, '--machine', 'pc-q35-7.2']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^QEMU 7\.2\.\d+ → QEMU 10\.0\.2: 1 machine types compared/);
    expect(r.stdout).toContain('note: QEMU 7.2');
    expect(r.stdout).toMatch(/new, set by the machine type's compat entry[^\n]*:\n(  .*\n)*  ICH9-LPC\.x-pcie-ext-tag = false  \[/);
  });
});

describe('qom-compat rfc-impact', () => {
  it('names what the RFC changes for a configuration, with the patch responsible', async () => {
    const r = await runCli(['rfc-impact', '--machine', 'pc-q35-8.2', '-nodefaults', '-object', 'sev-guest,id=sev0,cbitpos=47,reduced-phys-bits=1', '-global', 'memory-backend-ram.prealloc=on']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^What the OBJECT_COMPAT RFC changes on QEMU 10\.0\.2 for `-nodefaults -object sev-guest[^`]*`: 1 of 1 machine types/);
    expect(r.stdout).toMatch(/sev-guest\.legacy-vm-type: auto → on  \[every machine type\]\n +why: patch 05\/10 "confidential guest support/);
    // What the two builds print (tools/qemu-rfc/verify-output.txt): invalid class name on 10.0.2, not used under the RFC.
    expect(r.stdout).toContain('warning only under QEMU 10.0.2 (qdev):\n  global memory-backend-ram.prealloc has invalid class name');
    expect(r.stdout).toContain('warning only under the RFC (object-compat):\n  global memory-backend-ram.prealloc=on not used');
  });

  it('writes markdown for a review thread, and JSON', async () => {
    const md = await runCli(['rfc-impact', '--machine', 'pc-q35-8.2', '--format', 'markdown', '-nodefaults', '-object', 'sev-guest,id=s,cbitpos=47,reduced-phys-bits=1']);
    expect(md.stdout).toMatch(/^### What the OBJECT_COMPAT RFC changes/);
    expect(md.stdout).toContain('- `sev-guest.legacy-vm-type: auto → on`');
    const json = JSON.parse((await runCli(['rfc-impact', '--machine', 'q35-8.2', '--format', 'json'])).stdout);
    expect(json.machines).toEqual(['pc-q35-8.2']);
    expect(json.groups.every((g: { reason?: string }) => typeof g.reason === 'string')).toBe(true);
  });
});

describe('diffResults: matching objects', () => {
  const prop = (name: string, value: string) => ({ name, type: 'str', value, source: { kind: 'default' as const }, default: null, trace: [] });
  const obj = (path: string | null, type: string, props: ReturnType<typeof prop>[], transient = false) =>
    ({ path, type, transient, origin: 'board' as const, properties: props });
  const result = (objects: ReturnType<typeof obj>[]) => ({ machine: 'm', model: 'qdev' as const, objects, warnings: [], error: null, outcome: 'started' as const });

  it('matches parentless board devices by type and rank, not creation-order path; an object elsewhere in the tree is moved', async () => {
    const { diffResults } = await import('../../src/compare/vm-diff.js');
    const a = result([obj('/machine/unattached/device[3]', 'i8257', [prop('base', '0')]), obj('/machine/unattached/device[4]', 'hpet', [prop('timers', '3')])]);
    const b = result([obj('/machine/unattached/device[5]', 'hpet', [prop('timers', '3')]), obj('/machine/unattached/device[2]/dma[0]', 'i8257', [prop('base', '1')]),
      obj(null, 'e1000', [], true)]);
    const d = diffResults(a, b);
    expect(d.objects).toEqual([{ path: '/machine/unattached/device[2]/dma[0]', type: 'i8257', in: 'moved', fromPath: '/machine/unattached/device[3]' }]);
    expect(d.properties.map((p) => [p.type, p.property, p.fromPath])).toEqual([['i8257', 'base', '/machine/unattached/device[3]']]);
  });
});
