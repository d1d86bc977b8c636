/**
 * What QEMU shows (boards.json observed records) in resolve: recorded board
 * values, device records and what realize recomputes from the board around a
 * device (PCI slot, MAC address), on a small hand-made board. The agreement
 * with QEMU itself is tested in test/live/resolve.live.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { loadDefinitions } from '../../src/load/loader.js';
import { ObservedPool, valueDeltas } from '../../src/import/board-values.js';
import { loneWarnings, refusalMessage } from '../../src/import/observe-devices.js';
import { resolve, type ResolveRequest } from '../../src/resolve/resolve.js';
import type { ResolvedObject, ResolveResult } from '../../src/resolve/result.js';
import { fromObservedValue, sameShown, toObservedValue, toStoredValue } from '../../src/resolve/shown.js';

const prop = (name: string, type: string, dflt?: string) => ({ name, type, ...(dflt !== undefined ? { default: dflt } : {}) });
const types = [
  { name: 'object', parent: null, abstract: true, properties: [prop('type', 'string')] },
  { name: 'interface', parent: null, abstract: true },
  { name: 'bus', parent: 'object', abstract: true },
  { name: 'device', parent: 'object', abstract: true, hotpluggable: true, properties: [prop('realized', 'bool'), prop('parent_bus', 'link<bus>')] },
  { name: 'pci-device', parent: 'device', abstract: true, hotpluggable: true,
    properties: [prop('addr', 'str', '-1'), prop('legacy-addr', 'str'), prop('romfile', 'str', '')] },
  { name: 'pci-host-bridge', parent: 'device', abstract: true },
  { name: 'host-x', parent: 'pci-host-bridge' },
  { name: 'lpc', parent: 'pci-device', hotpluggable: true, userCreatable: false, properties: [prop('noreboot', 'bool', 'false'), prop('iobase', 'uint32', '4294967295')] },
  { name: 'VGA', parent: 'pci-device', hotpluggable: false, userCreatable: true, properties: [prop('vgamem_mb', 'uint32', '16')] },
  { name: 'rtc', parent: 'device', hotpluggable: false, properties: [prop('base_year', 'int32', '1980')] },
  { name: 'nic-x', parent: 'pci-device', hotpluggable: true, userCreatable: true,
    properties: [prop('mac', 'str'), { name: 'netdev', type: 'str', description: 'ID of a netdev to use as a backend' }] },
  { name: 'dev-link', parent: 'device', hotpluggable: true, userCreatable: true, properties: [prop('backend', 'link<memory-backend>', '')] },
  { name: 'migration', parent: 'device', hotpluggable: true, userCreatable: false, properties: [prop('tls-creds', 'str')] },
  { name: 'accel', parent: 'object', abstract: true },
  { name: 'tcg-accel', parent: 'accel' },
  { name: 'user-creatable', parent: 'interface', abstract: true },
  { name: 'memory-backend', parent: 'object', abstract: true, interfaces: ['user-creatable'], properties: [prop('size', 'size')] },
  { name: 'memory-backend-ram', parent: 'memory-backend' },
  { name: 'cpu', parent: 'device', abstract: true, hotpluggable: true },
  { name: 'x86_64-cpu', parent: 'cpu', abstract: true, hotpluggable: true, properties: [prop('apic-id', 'uint32', '4294967295'), prop('level', 'uint32', '4294967295')] },
  { name: 'a-x86_64-cpu', parent: 'x86_64-cpu', hotpluggable: true },
  { name: 'b-x86_64-cpu', parent: 'x86_64-cpu', hotpluggable: true },
  { name: 'hostfn', parent: 'pci-device', hotpluggable: false },
];
const U = '/machine/unattached';
const boards = {
  arch: 'x86_64',
  layouts: [
    { id: 'df', objects: [
      { path: `${U}/device[0]`, type: 'a-x86_64-cpu', observed: 'a-x86_64-cpu#1' },
      { path: null, type: 'migration', observed: 'migration#1' },
      { path: '/machine/host', type: 'host-x' },
      { path: '/machine/host/fn', type: 'hostfn', observed: 'hostfn#1' },
      { path: `${U}/device[1]`, type: 'lpc', observed: 'lpc#1' },
      { path: `${U}/device[2]`, type: 'VGA', observed: 'VGA#1' },
      { path: `${U}/device[3]`, type: 'rtc', observed: 'rtc#2' },
      { path: `${U}/device[4]`, type: 'nic-x', observed: 'nic-x#1' },
    ] },
    { id: 'nd', objects: [
      { path: `${U}/device[0]`, type: 'a-x86_64-cpu', observed: 'a-x86_64-cpu#1' },
      { path: null, type: 'migration', observed: 'migration#1' },
      { path: '/machine/host', type: 'host-x' },
      { path: '/machine/host/fn', type: 'hostfn', observed: 'hostfn#1' },
      { path: `${U}/device[1]`, type: 'lpc', observed: 'lpc#1' },
      { path: `${U}/device[2]`, type: 'rtc', observed: 'rtc#1' },
    ] },
  ],
  observed: [
    { id: 'a-x86_64-cpu#1', values: { 'apic-id': 0, level: '13' } },
    { id: 'migration#1', values: { 'tls-creds': '' } },
    { id: 'hostfn#1', values: { addr: 0, parent_bus: '/machine/host/pci.0' } },
    { id: 'lpc#1', values: { addr: 248, parent_bus: '/machine/host/pci.0', iobase: 32, 'gsi[0]': `${U}/non-qdev-gpio[0]` }, instanceProperties: { 'gsi[0]': 'link<irq>' } },
    { id: 'VGA#1', values: { addr: 8, 'legacy-addr': '01.0', parent_bus: '/machine/host/pci.0' } },
    { id: 'rtc#1', values: { base_year: 0, 'irq-out': `${U}/device[1]/irq` }, instanceProperties: { 'irq-out': 'link<irq>' }, volatile: ['date'] },
    { id: 'rtc#2', values: { base_year: 0, 'irq-out': `${U}/device[1]/irq`, 'vga-link': `${U}/device[2]` }, instanceProperties: { 'irq-out': 'link<irq>', 'vga-link': 'link<VGA>' } },
    { id: 'nic-x#1', values: { addr: 16, 'legacy-addr': '02.0', parent_bus: '/machine/host/pci.0', mac: '52:54:00:12:34:56' } },
    { id: 'memory-backend-ram#1', values: { 'host-nodes': [], self: '/objects/qomcompatprobe' }, instanceProperties: { 'host-nodes': 'int', self: 'link<object>' },
      configured: { 'host-nodes': null, self: null } },
    { id: 'nic-x#2', values: { addr: 8, 'legacy-addr': '01.0', parent_bus: '/machine/host/pci.0', mac: '52:54:00:12:34:56', romfile: 'efi-x.rom', realized: true },
      configured: { addr: '-1', 'legacy-addr': null, parent_bus: null, mac: null, romfile: '', realized: null } },
  ],
  devices: [
    { option: 'device', type: 'nic-x', host: 'host-x', machine: 'pc-t-2.0', objects: [{ path: '', observed: 'nic-x#2' }] },
    { option: 'device', type: 'dev-link', host: 'host-x', machine: 'pc-t-2.0', refused: "$OPTION: No 'usb-bus' bus found for device 'dev-link'", objects: [] },
    { option: 'device', type: 'VGA', host: 'host-x', machine: 'pc-t-2.0', refused: '$OPTION: drive property not set', objects: [] },
    { option: 'device', type: 'rtc', host: 'host-x', machine: 'pc-t-2.0', warnings: ['$OPTION: odd key'], objects: [] },
    { option: 'object', type: 'memory-backend-ram', host: 'host-x', machine: 'pc-t-2.0', objects: [{ path: '', observed: 'memory-backend-ram#1' }] },
  ],
};
const machines = {
  arch: 'x86_64',
  machines: [{ name: 'pc-t-2.0', type: 'pc-t-2.0-machine', alias: 't', compat: [], defaultCpuType: 'a-x86_64-cpu', board: { defaults: 'df', nodefaults: 'nd' } }],
};
const defs = loadDefinitions({
  dir: 'fixture',
  files: new Map([
    ['machines.json', JSON.stringify(machines)],
    ['types.json', JSON.stringify({ arch: 'x86_64', types })],
    ['boards.json', JSON.stringify(boards)],
    ['accel-compat.json', JSON.stringify({ accelerators: [] })],
  ]),
});

const run = (req: Partial<ResolveRequest> & { options?: ResolveRequest['options'] } = {}): ResolveResult =>
  resolve(defs, { machine: 't', model: 'qdev', ...req });
const obj = (r: ResolveResult, path: string | null, type?: string): ResolvedObject =>
  r.objects.find((o) => o.path === path && (type === undefined || o.type === type))!;
const p = (o: ResolvedObject, name: string) => o.properties.find((x) => x.name === name)!;
const g = (arg: string) => ({ kind: 'global' as const, arg });
const d = (arg: string) => ({ kind: 'device' as const, arg });

describe('board values QEMU shows', () => {
  it('shows the recorded value, with what the chain configured and where from', () => {
    const iobase = p(obj(run({ nodefaults: true }), `${U}/device[1]`), 'iobase');
    expect(iobase.value).toBe(32n);
    expect(iobase.source).toEqual({ kind: 'board' });
    expect(iobase.configured).toEqual({ value: 4294967295n, source: { kind: 'default' } });
    expect(iobase.configuredOnly).toBeUndefined();
  });

  it('keeps integers beyond 2^53 exact and strings as strings', () => {
    expect(fromObservedValue('18446744073709551615', 'uint64')).toBe(18446744073709551615n);
    expect(fromObservedValue('13', 'uint32')).toBe(13n);
    expect(fromObservedValue('13', 'str')).toBe('13');
    expect(fromObservedValue(248, 'str')).toBe(248n); // PCI addr: declared str, read back as the devfn number
    expect(toStoredValue(18446744073709551615n)).toBe('18446744073709551615');
    expect(toStoredValue(7n)).toBe(7);
    expect(toObservedValue(18446744073709551615n)).toBe('18446744073709551615');
    expect(toObservedValue([{ features: 18446744073709551615n, n: 1 }])).toEqual([{ features: '18446744073709551615', n: 1 }]);
    expect(sameShown(1n, '1')).toBe(false);
    expect(sameShown([], [])).toBe(true);
  });

  it('lists the properties only the instance has, and volatile ones as null', () => {
    const rtc = obj(run({ nodefaults: true }), `${U}/device[2]`);
    expect(p(rtc, 'irq-out')).toMatchObject({ value: `${U}/device[1]/irq`, type: 'link<irq>', instance: true });
    expect(p(rtc, 'date')).toMatchObject({ value: null, volatile: true });
    expect(rtc.properties.map((x) => x.name)).toEqual([...rtc.properties.map((x) => x.name)].sort());
  });

  it('the migration object outside the tree has its record too', () => {
    expect(p(obj(run({ nodefaults: true }), null, 'migration'), 'tls-creds').value).toBe('');
  });

  it('a -global on a property board code or realize changes is configured-only, and says what QEMU shows otherwise', () => {
    const iobase = p(obj(run({ nodefaults: true, options: [g('lpc.iobase=0x40')] }), `${U}/device[1]`), 'iobase');
    expect(iobase.value).toBe(64n);
    expect(iobase.source).toMatchObject({ kind: 'global' });
    expect(iobase.configuredOnly).toBe('QEMU changes this property after configuration (board code or realize): configured as 4294967295, it shows 32; what it makes of 64 was not learned');
    // The same value as the machine configures leaves the recorded one standing.
    expect(p(obj(run({ nodefaults: true, options: [g('lpc.iobase=4294967295')] }), `${U}/device[1]`), 'iobase').value).toBe(32n);
  });

  it('a -cpu model in the board CPU\'s place does not inherit the recorded values of another model', () => {
    const cpu = obj(run({ nodefaults: true, cpu: 'b' }), `${U}/device[0]`);
    expect(cpu.type).toBe('b-x86_64-cpu');
    expect(p(cpu, 'apic-id')).toMatchObject({ value: 4294967295n, configuredOnly: expect.stringMatching(/recorded for a-x86_64-cpu, not b-x86_64-cpu/) });
  });

  it('removing a default device renumbers the paths, and the links that name them', () => {
    const r = run({ options: [g('VGA.vgamem_mb=8')] });
    expect(r.objects.some((o) => o.type === 'VGA')).toBe(false);
    const rtc = obj(r, `${U}/device[2]`, 'rtc');
    expect(p(rtc, 'vga-link').value).toBe(`${U}/device[2]`); // named a removed device: left as recorded
    // The default NIC takes the first free slot (pci_nic_init): the one the VGA left.
    expect([p(obj(r, `${U}/device[3]`, 'nic-x'), 'addr').value, p(obj(r, `${U}/device[3]`, 'nic-x'), 'legacy-addr').value]).toEqual([8n, '01.0']);
  });
});

describe('-device values: the lone device\'s record, placed on this board', () => {
  it('takes the first free PCI slot of its bus, in order, with legacy-addr to match', () => {
    const r = run({ nodefaults: true, options: [d('nic-x'), d('nic-x,id=n2')] });
    const first = obj(r, '/machine/peripheral-anon/device[0]');
    const second = obj(r, '/machine/peripheral/n2');
    expect([p(first, 'addr').value, p(first, 'legacy-addr').value]).toEqual([8n, '01.0']);
    expect([p(second, 'addr').value, p(second, 'legacy-addr').value]).toEqual([16n, '02.0']);
    expect(p(first, 'romfile')).toMatchObject({ value: 'efi-x.rom', source: { kind: 'board' } });
    expect(p(first, 'realized').value).toBe(true);
    // With the default devices, VGA and the board NIC hold slots 1 and 2.
    const withDefaults = run({ options: [d('nic-x')] });
    expect(p(obj(withDefaults, '/machine/peripheral-anon/device[0]'), 'addr').value).toBe(24n);
  });

  it('gives a NIC without a MAC address the next free automatic one; a given one is kept and taken', () => {
    const r = run({ options: [d('nic-x,mac=52:54:00:12:34:57'), d('nic-x'), d('nic-x')] });
    const macs = [0, 1, 2].map((i) => p(obj(r, `/machine/peripheral-anon/device[${i}]`), 'mac'));
    expect(macs.map((m) => m.value)).toEqual(['52:54:00:12:34:57', '52:54:00:12:34:58', '52:54:00:12:34:59']);
    expect(macs[0]!.configuredOnly).toBeUndefined();
  });

  it('an address in use is QEMU\'s error, naming the holder', () => {
    const r = run({ nodefaults: true, options: [d('nic-x,addr=0x1f')] });
    expect(r.outcome).toBe('refused');
    expect(r.error).toBe('-device nic-x,addr=0x1f: PCI: slot 31 function 0 not available for nic-x, in use by lpc,id=(null)');
    const twice = run({ nodefaults: true, options: [d('nic-x,id=a,addr=3'), d('nic-x,addr=3')] });
    expect(twice.error).toBe('-device nic-x,addr=3: PCI: slot 3 function 0 not available for nic-x, in use by nic-x,id=a');
    const ok = run({ nodefaults: true, options: [d('nic-x,addr=3')] });
    expect(p(obj(ok, '/machine/peripheral-anon/device[0]'), 'addr').value).toBe(24n);
  });

  it('a -device with nothing but an id that QEMU refuses alone is refused with the recorded message', () => {
    expect(run({ nodefaults: true, options: [d('VGA,id=v')] }).error).toBe('-device VGA,id=v: drive property not set');
    // With properties of its own, QEMU may accept it: no verdict from the record.
    expect(run({ nodefaults: true, options: [d('VGA,vgamem_mb=8')] }).outcome).toBe('started');
    expect(run({ nodefaults: true, options: [d('dev-link')] }).error).toBe("-device dev-link: No 'usb-bus' bus found for device 'dev-link'");
    // A missing bus may come with an earlier -device.
    expect(run({ nodefaults: true, options: [d('nic-x'), d('dev-link')] }).outcome).toBe('started');
  });

  it('words a recorded refusal as resolve does: no program name, $OPTION for the option, warnings left out', () => {
    const opt = '-device driver=x';
    expect(refusalMessage(`qemu-system-x86_64: ${opt}: No 'usb-bus' bus found for device 'x'\n`, opt)).toBe("$OPTION: No 'usb-bus' bus found for device 'x'");
    expect(refusalMessage(`qemu-system-x86_64: warning: something\nqemu-system-x86_64: ${opt}: bad thing\nhint line\nqemu-system-x86_64: ${opt}: second\n`, opt))
      .toBe('$OPTION: bad thing\nhint line\n$OPTION: second');
    expect(refusalMessage('qemu-system-x86_64: Need to specify a kernel\n', opt)).toBe('Need to specify a kernel');
    expect(loneWarnings(`qemu-system-x86_64: ${opt}: warning: odd key\nqemu-system-x86_64: warning: nic x.0 has no peer\n`, opt)).toEqual(['$OPTION: odd key']);
  });

  it('prints the warnings QEMU printed for the lone device, for one given nothing but an id', () => {
    expect(run({ nodefaults: true, options: [d('rtc')] }).warnings).toEqual(['-device rtc: odd key']);
    expect(run({ nodefaults: true, options: [d('rtc,base_year=2000')] }).warnings).toEqual([]);
    expect(run({ nodefaults: true, options: [d('rtc'), d('VGA')] })).toMatchObject({ warnings: ['-device rtc: odd key'], error: '-device VGA: drive property not set' });
  });

  it('shows a link set by id as the path QEMU shows', () => {
    const r = run({ nodefaults: true, options: [{ kind: 'object', arg: 'memory-backend-ram,id=m0,size=1M' }, d('dev-link,backend=m0')] });
    expect(p(obj(r, '/machine/peripheral-anon/device[0]'), 'backend').value).toBe('/objects/m0');
  });

  it('an -object gets the record of a lone -object of its type, lists and paths included', () => {
    const m0 = obj(run({ nodefaults: true, options: [{ kind: 'object', arg: 'memory-backend-ram,id=m0,size=1M' }] }), '/objects/m0');
    expect(p(m0, 'host-nodes').value).toEqual([]);
    expect(p(m0, 'self').value).toBe('/objects/m0');
  });
});

describe('recording what QEMU shows (importer)', () => {
  it('keeps only what differs from the chain, with the chain\'s value when asked', () => {
    const r = run({ nodefaults: true });
    const lpc = obj(r, `${U}/device[1]`);
    const shown = new Map([[lpc.path!, {
      properties: new Map([
        ['noreboot', { type: 'bool', value: false as const }],
        ['iobase', { type: 'uint32', value: 96 }],
        ['gsi[1]', { type: 'link<irq>', value: 'x' }],
      ]),
      volatile: new Set<string>(),
    }]]);
    const deltas = valueDeltas(defs.types, [lpc], shown, true);
    // The basis is the chain's value (iobase's default), not the 32 this board's record shows: a
    // record is what QEMU shows where it differs from what the compat chain configures.
    expect(deltas.get(lpc.path!)).toEqual({
      values: { iobase: 96, 'gsi[1]': 'x' }, instanceProperties: { 'gsi[1]': 'link<irq>' }, volatile: [],
      configured: { iobase: 4294967295 },
    });
  });

  it('shares one record between objects that show the same, numbered per type in order of appearance', () => {
    const pool = new ObservedPool();
    const v = (n: number) => ({ values: { x: n }, instanceProperties: {}, volatile: [] });
    expect(pool.idFor('t', v(1))).toBe('t#1');
    expect(pool.idFor('u', v(1))).toBe('u#1');
    expect(pool.idFor('t', v(2))).toBe('t#2');
    expect(pool.idFor('t', v(1))).toBe('t#1');
    expect(pool.idFor('t', { values: {}, instanceProperties: {}, volatile: [] })).toBeUndefined();
    for (let i = 3; i <= 10; i++) pool.idFor('t', v(i));
    expect(pool.all().map((r) => r.id)).toEqual(['t#1', 't#2', 't#3', 't#4', 't#5', 't#6', 't#7', 't#8', 't#9', 't#10', 'u#1']);
  });

  it('refuses a reference to a record that does not exist', () => {
    const broken = { ...boards, observed: boards.observed.filter((r) => r.id !== 'lpc#1') };
    expect(() => loadDefinitions({ dir: 'fixture', files: new Map([
      ['machines.json', JSON.stringify(machines)], ['types.json', JSON.stringify({ arch: 'x86_64', types })],
      ['boards.json', JSON.stringify(broken)], ['accel-compat.json', JSON.stringify({ accelerators: [] })],
    ]) })).toThrow(/refers to observed record 'lpc#1', which does not exist/);
  });
});
