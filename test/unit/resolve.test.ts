/**
 * The resolver's rules on a small hand-made board, one rule per test. The
 * agreement with QEMU itself is tested in test/live/resolve.live.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { loadDefinitions } from '../../src/load/loader.js';
import { resolve, type ResolveRequest } from '../../src/resolve/resolve.js';
import type { ResolveResult } from '../../src/resolve/result.js';

const prop = (name: string, type: string, dflt?: string) => ({ name, type, ...(dflt !== undefined ? { default: dflt } : {}) });
const types = [
  { name: 'object', parent: null, abstract: true, properties: [prop('type', 'string')] },
  { name: 'interface', parent: null, abstract: true },
  { name: 'hotplug-handler', parent: 'interface', abstract: true },
  { name: 'user-creatable', parent: 'interface', abstract: true },
  { name: 'nmi', parent: 'interface', abstract: true },
  { name: 'device', parent: 'object', abstract: true, hotpluggable: true, properties: [prop('realized', 'bool')] },
  { name: 'pci-device', parent: 'device', abstract: true, hotpluggable: true, properties: [prop('rombar', 'int32', '-1')] },
  { name: 'virtio-pci', parent: 'pci-device', abstract: true, hotpluggable: true, properties: [prop('vectors', 'uint32', '4294967295'), prop('disable-legacy', 'OnOffAuto', 'auto')] },
  // The proxy re-exports its backend's properties (qdev_alias_all_properties): iommu_platform, free-page-hint.
  { name: 'virtio-balloon-pci', parent: 'virtio-pci', hotpluggable: true, userCreatable: true,
    properties: [prop('virtio-backend', 'child<virtio-balloon-device>'), prop('iommu_platform', 'bool', 'false'), prop('free-page-hint', 'bool', 'false')] },
  { name: 'virtio-device', parent: 'device', abstract: true, hotpluggable: true, properties: [prop('iommu_platform', 'bool', 'false')] },
  { name: 'virtio-balloon-device', parent: 'virtio-device', hotpluggable: true, userCreatable: false, properties: [prop('free-page-hint', 'bool', 'false')] },
  { name: 'virtio-rng-pci-nt', parent: 'pci-device', hotpluggable: true, userCreatable: true },
  { name: 'lpc', parent: 'pci-device', interfaces: ['hotplug-handler', 'nmi'], hotpluggable: true, userCreatable: false, properties: [prop('noreboot', 'bool', 'false')] },
  { name: 'VGA', parent: 'pci-device', hotpluggable: false, userCreatable: true, properties: [prop('vgamem_mb', 'uint32', '16')] },
  { name: 'pmdev', parent: 'device', interfaces: ['nmi'], hotpluggable: false, userCreatable: false, properties: [prop('x', 'uint8', '0')] },
  { name: 'migration', parent: 'device', hotpluggable: true, userCreatable: false, properties: [prop('zero-page-detection', 'ZeroPageDetection', 'multifd'), prop('legacy-x', 'str')] },
  { name: 'accel', parent: 'object', abstract: true },
  { name: 'tcg-accel', parent: 'accel', properties: [prop('tb-size', 'uint64', '0')] },
  { name: 'memory-backend', parent: 'object', abstract: true, interfaces: ['user-creatable'], properties: [prop('prealloc', 'bool', 'false'), prop('size', 'size')] },
  { name: 'memory-backend-ram', parent: 'memory-backend' },
  { name: 'gpu-mod', parent: 'pci-device', module: true, hotpluggable: true, userCreatable: true },
  { name: 'isa-fdc', parent: 'device', hotpluggable: true, properties: [prop('dma', 'uint32', '2')] },
  { name: 'floppy', parent: 'device', hotpluggable: true, properties: [prop('unit', 'uint32', '0')] },
  { name: 'nic-x', parent: 'pci-device', hotpluggable: true, userCreatable: true,
    properties: [{ name: 'netdev', type: 'str', description: 'ID of a netdev to use as a backend' }] },
];
const layout = (id: string, objects: Array<[string | null, string, boolean?]>) =>
  ({ id, objects: objects.map(([path, type, transient]) => ({ path, type, ...(transient ? { transient: true } : {}) })) });
const nd: Array<[string | null, string, boolean?]> = [
  [null, 'virtio-balloon-pci', true],
  [null, 'migration'],
  ['/objects/pc.ram', 'memory-backend-ram'],
  ['/machine/unattached/device[0]', 'lpc'],
  ['/machine/unattached/device[1]', 'pmdev'],
  ['/machine/unattached/device[2]', 'isa-fdc'],
];
const df: Array<[string | null, string, boolean?]> = [
  [null, 'virtio-balloon-pci', true],
  [null, 'migration'],
  ['/objects/pc.ram', 'memory-backend-ram'],
  ['/machine/unattached/device[0]', 'lpc'],
  ['/machine/unattached/device[1]', 'VGA'],
  ['/machine/unattached/device[2]', 'pmdev'],
  ['/machine/unattached/device[3]', 'isa-fdc'],
  ['/machine/unattached/device[4]', 'floppy'],
];
const machines = {
  arch: 'x86_64',
  groups: [{ name: 'compat-1.0', entries: [
    { driver: 'virtio-pci', property: 'vectors', value: '0' },
    { driver: 'virtio-pci', property: 'disable-legacy', value: 'off', optional: true },
    { driver: 'migration', property: 'zero-page-detection', value: 'legacy' },
    { driver: 'memory-backend', property: 'prealloc', value: 'on' },
    { driver: 'virtio-balloon-pci', property: 'vectors', value: '2' },
  ] }],
  machines: [
    { name: 'pc-t-2.0', type: 'pc-t-2.0-machine', alias: 't', compat: [], board: { defaults: 'df', nodefaults: 'nd' } },
    { name: 'pc-t-1.0', type: 'pc-t-1.0-machine', inherits: 'pc-t-2.0', deprecated: true, compat: [{ group: 'compat-1.0' }], board: { defaults: 'df', nodefaults: 'nd' } },
  ],
};
const defs = loadDefinitions({
  dir: 'fixture',
  files: new Map([
    ['machines.json', JSON.stringify(machines)],
    ['types.json', JSON.stringify({ arch: 'x86_64', types })],
    ['boards.json', JSON.stringify({ arch: 'x86_64', layouts: [layout('df', df), layout('nd', nd)] })],
    ['accel-compat.json', JSON.stringify({ accelerators: [] })],
  ]),
});

const run = (machine: string, opts: Omit<ResolveRequest, 'machine'> = {}): ResolveResult => resolve(defs, { machine, model: 'qdev', nodefaults: true, ...opts });
const g = (...args: string[]) => args.map((arg) => ({ kind: 'global' as const, arg }));
const value = (r: ResolveResult, type: string, p: string, pathOrIndex: string | number = 0) => {
  const objs = r.objects.filter((o) => o.type === type);
  const o = typeof pathOrIndex === 'number' ? objs[pathOrIndex] : objs.find((x) => x.path === pathOrIndex);
  return o?.properties.find((x) => x.name === p);
};

describe('resolve: compat slots and globals', () => {
  it('applies machine compat by type ancestry, the last entry winning', () => {
    const r = run('pc-t-1.0', { options: [{ kind: 'device', arg: 'virtio-balloon-pci,id=vb' }] });
    const v = value(r, 'virtio-balloon-pci', 'vectors', '/machine/peripheral/vb')!;
    expect(v.value).toBe(2n);
    expect(v.source).toEqual({ kind: 'machine-compat', machine: 'pc-t-1.0', index: 4, group: 'compat-1.0' });
    expect(v.trace.map((s) => `${s.entry}=${s.text}:${s.status}`)).toEqual(['virtio-pci.vectors=0:overridden', 'virtio-balloon-pci.vectors=2:applied']);
  });

  it('leaves newer machines at the type default', () => {
    const r = run('t', { options: [{ kind: 'device', arg: 'virtio-balloon-pci' }] });
    expect(value(r, 'virtio-balloon-pci', 'vectors', '/machine/peripheral-anon/device[0]')).toMatchObject({ value: 4294967295n, source: { kind: 'default' } });
  });

  it('applies -global after compat and the -device option last', () => {
    const r = run('pc-t-1.0', { options: [...g('virtio-pci.vectors=5'), { kind: 'device', arg: 'virtio-balloon-pci,id=vb,vectors=7' }] });
    const v = value(r, 'virtio-balloon-pci', 'vectors', '/machine/peripheral/vb')!;
    expect(v.value).toBe(7n);
    expect(v.trace.map((s) => s.source.kind)).toEqual(['machine-compat', 'machine-compat', 'global', 'option']);
  });

  it('matches interfaces', () => {
    const r = run('t', { options: g('hotplug-handler.noreboot=on') });
    expect(value(r, 'lpc', 'noreboot')?.value).toBe(true);
  });

  it('refuses an ambiguous interface cast: `interface` reaches only classes with exactly one interface', () => {
    // qom/object.c object_class_dynamic_cast: found > 1 → NULL. Verified: -global interface.q=1 on pc is unused.
    const r = run('t', { options: g('interface.x=7') });
    expect(r.outcome).toBe('started');
    expect(value(r, 'pmdev', 'x')?.value).toBe(7n);
    expect(value(r, 'lpc', 'noreboot')?.source.kind).toBe('default');
    expect(run('t', { options: g('nmi.x=7') }).error).toBe("can't apply global nmi.x=7: Property 'lpc.x' not found");
  });

  it('gives memory backends compat but not -global (qdev)', () => {
    const r = run('pc-t-1.0', { options: g('memory-backend-ram.prealloc=off') });
    expect(value(r, 'memory-backend-ram', 'prealloc')).toMatchObject({ value: true, source: { kind: 'machine-compat' } });
    expect(r.warnings).toEqual(["Machine type 'pc-t-1.0' is deprecated: machines more than 3 years old are subject to deletion after 6 years", 'global memory-backend-ram.prealloc has invalid class name']);
  });

  it('skips optional entries on objects lacking the property', () => {
    const r = run('pc-t-1.0', { options: [{ kind: 'device', arg: 'virtio-rng-pci-nt' }] });
    expect(r.outcome).toBe('started');
    expect(value(r, 'virtio-balloon-pci', 'disable-legacy')?.value).toBe('off');
  });

  it('stops at the first failing global, naming the concrete type, on the first object created', () => {
    const r = run('t', { options: g('device.zzz=1') });
    expect(r.outcome).toBe('refused');
    expect(r.error).toBe("can't apply global device.zzz=1: Property 'virtio-balloon-pci.zzz' not found");
  });

  it('prefixes errors on -device objects with the option, children first', () => {
    const r = run('t', { options: [...g('virtio-device.iommu_platform=maybe'), { kind: 'device', arg: 'virtio-balloon-pci,id=b0' }] });
    expect(r.error).toBe("-device virtio-balloon-pci,id=b0: can't apply global virtio-device.iommu_platform=maybe: Parameter 'iommu_platform' expects 'on' or 'off'");
  });

  it('refuses bad values with QEMU\'s parse error, and does not mark a later fix', () => {
    const r = run('t', { options: g('migration.zero-page-detection=bogus', 'migration.zero-page-detection=none') });
    expect(r.error).toBe("can't apply global migration.zero-page-detection=bogus: Parameter 'zero-page-detection' does not accept value 'bogus'");
  });

  it('reports a -global syntax error before anything else', () => {
    const r = run('pc-t-1.0', { options: g('lpc=true') });
    expect(r).toMatchObject({ outcome: 'refused', error: "-global lpc=true: Invalid parameter 'lpc'", warnings: [] });
  });
});

describe('resolve: the unused-global check', () => {
  it('warns for non-hotpluggable classes and unknown names, silent for hotpluggable ones', () => {
    const r = run('t', { options: g('VGA.vgamem_mb=32', 'nosuch.p=v', 'virtio-rng-pci-nt.zzz=1', 'pmdev.x=1', 'user-creatable.q=1') });
    expect(r.error).toBeNull();
    expect(r.warnings).toEqual(['global VGA.vgamem_mb=32 not used', 'global nosuch.p has invalid class name', 'global user-creatable.q has invalid class name']);
  });

  it('counts a module type as unknown until a -device loads it', () => {
    expect(run('t', { options: g('gpu-mod.x=1') }).warnings).toEqual(['global gpu-mod.x has invalid class name']);
    const r = run('t', { options: [...g('gpu-mod.x=1'), { kind: 'device', arg: 'gpu-mod' }] });
    expect(r.error).toBe("-device gpu-mod: can't apply global gpu-mod.x=1: Property 'gpu-mod.x' not found");
  });
});

describe('resolve: default devices', () => {
  it('removes the default VGA when a -global names its driver, closing up device[N]', () => {
    const r = run('t', { nodefaults: false, options: g('VGA.vgamem_mb=32') });
    expect(r.objects.some((o) => o.type === 'VGA')).toBe(false);
    expect(r.objects.find((o) => o.type === 'pmdev')?.path).toBe('/machine/unattached/device[1]');
    expect(r.warnings).toEqual(['global VGA.vgamem_mb=32 not used']);
  });

  it('removes only the instances the -nodefaults layout lacks, matching by type and count, not path', () => {
    // pc: isa-fdc is on the board with -nodefaults too (at another device[N]); -global isa-fdc.* removes only the floppy drive.
    const r = run('t', { nodefaults: false, options: g('isa-fdc.dma=3') });
    expect(r.objects.filter((o) => o.origin === 'board' && o.path?.startsWith('/machine/unattached')).map((o) => `${o.path} ${o.type}`)).toEqual([
      '/machine/unattached/device[0] lpc', '/machine/unattached/device[1] VGA', '/machine/unattached/device[2] pmdev', '/machine/unattached/device[3] isa-fdc',
    ]);
    expect(value(r, 'isa-fdc', 'dma', '/machine/unattached/device[3]')?.value).toBe(3n);
  });

  it('keeps it otherwise', () => {
    const r = run('t', { nodefaults: false, options: g('pci-device.rombar=0') });
    expect(value(r, 'VGA', 'rombar', '/machine/unattached/device[1]')?.value).toBe(0n);
  });
});

describe('resolve: -device', () => {
  it('rejects unknown, abstract and non-creatable types with QEMU\'s words', () => {
    expect(run('t', { options: [{ kind: 'device', arg: 'nosuch' }] }).error).toBe("-device nosuch: 'nosuch' is not a valid device model name");
    expect(run('t', { options: [{ kind: 'device', arg: 'virtio-pci' }] }).error).toBe("-device virtio-pci: Parameter 'driver' expects a non-abstract device type");
    expect(run('t', { options: [{ kind: 'device', arg: 'migration' }] }).error).toBe("-device migration: Parameter 'driver' expects a pluggable device type");
    expect(run('t', { options: [{ kind: 'device', arg: 'virtio-balloon-pci,zzz=1' }] }).error).toBe("-device virtio-balloon-pci,zzz=1: Property 'virtio-balloon-pci.zzz' not found");
  });

  it('warns "nic … has no peer" only without the default network (-nodefaults)', () => {
    // net_check_clients() runs only when default_net is off (system/vl.c).
    const opts = [{ kind: 'device' as const, arg: 'nic-x' }, { kind: 'device' as const, arg: 'nic-x,id=n1' }];
    expect(run('t', { nodefaults: true, options: opts }).warnings).toEqual(['nic nic-x.0 has no peer', 'nic n1 has no peer']);
    expect(run('t', { nodefaults: false, options: opts }).warnings).toEqual([]);
  });

  it('a proxy\'s alias properties write through to the child (qdev_alias_all_properties)', () => {
    // Verified: -M pc-i440fx-2.9 -global virtio-scsi-pci.virtqueue_size=256 -device virtio-scsi-pci reads 256 on …/virtio-backend.
    const r = run('t', { options: [...g('virtio-balloon-device.free-page-hint=off', 'virtio-balloon-pci.free-page-hint=on'), { kind: 'device', arg: 'virtio-balloon-pci,id=vb' }] });
    const child = value(r, 'virtio-balloon-device', 'free-page-hint', '/machine/peripheral/vb/virtio-backend')!;
    expect(child.value).toBe(true);
    expect(child.trace.map((s) => `${s.entry}=${s.text}:${s.status}`)).toEqual(['virtio-balloon-device.free-page-hint=off:overridden', 'virtio-balloon-pci.free-page-hint=on:applied']);
    const r2 = run('t', { options: [{ kind: 'device', arg: 'virtio-balloon-pci,id=vb,iommu_platform=on' }] });
    expect(value(r2, 'virtio-balloon-device', 'iommu_platform', '/machine/peripheral/vb/virtio-backend')?.value).toBe(true);
  });

  it('creates the proxy\'s children, which take globals too', () => {
    const r = run('t', { options: [...g('virtio-device.iommu_platform=on'), { kind: 'device', arg: 'virtio-balloon-pci,id=vb' }] });
    expect(value(r, 'virtio-balloon-device', 'iommu_platform', '/machine/peripheral/vb/virtio-backend')?.value).toBe(true);
  });
});

describe('resolve: --model object-compat (the RFC)', () => {
  it('migration is no longer a device: device.* globals miss it, and its legacy-* properties go', () => {
    const q = run('t', { options: g('device.realized=off'), model: 'qdev' });
    expect(value(q, 'migration', 'realized')?.value).toBe(false);
    const o = run('t', { options: g('device.realized=off'), model: 'object-compat' });
    expect(value(o, 'migration', 'realized')).toBeUndefined();
    expect(value(o, 'migration', 'legacy-x')).toBeUndefined();
    expect(value(q, 'migration', 'legacy-x')).toBeDefined();
  });

  it('a global on a backend class is "not used" instead of an invalid class name', () => {
    const r = run('t', { options: g('memory-backend-ram.prealloc=on', 'tcg-accel.tb-size=1'), model: 'object-compat' });
    expect(r.warnings).toEqual(['global memory-backend-ram.prealloc=on not used', 'global tcg-accel.tb-size=1 not used']);
  });

  it('migration still takes -global, with the same fatal error', () => {
    for (const model of ['qdev', 'object-compat'] as const) {
      expect(run('t', { options: g('migration.x=y'), model }).error).toBe("can't apply global migration.x=y: Property 'migration.x' not found");
    }
  });
});

describe('resolve: names', () => {
  it('accepts aliases and names without pc-, and suggests close matches', () => {
    expect(run('t-1.0').machine).toBe('pc-t-1.0');
    expect(() => run('pc-t-1.1')).toThrow(/unknown machine 'pc-t-1.1'; did you mean 'pc-t-1.0'/);
  });
});

describe('resolve: -object', () => {
  const o = (arg: string) => ({ kind: 'object' as const, arg });

  it('refuses unknown keys and QAPI type errors while parsing, before the deprecation warning', () => {
    // object_option_parse() visits ObjectOptions at once (verified: QEMU prints no deprecation warning first).
    expect(run('pc-t-1.0', { options: [o('memory-backend-ram,id=m0,size=1M,zzz=1')] }))
      .toMatchObject({ outcome: 'refused', warnings: [], error: "-object memory-backend-ram,id=m0,size=1M,zzz=1: Invalid parameter 'zzz'" });
    expect(run('pc-t-1.0', { options: [o('memory-backend-ram,id=m0,prealloc=maybe')] }))
      .toMatchObject({ outcome: 'refused', warnings: [], error: "-object memory-backend-ram,id=m0,prealloc=maybe: Parameter 'prealloc' expects 'on' or 'off'" });
  });

  it('a parse-time -object error comes before a later option\'s errors', () => {
    const r = run('t', { options: [o('memory-backend-ram,id=m0,zzz=1'), ...g('lpc=true')] });
    expect(r.error).toBe("-object memory-backend-ram,id=m0,zzz=1: Invalid parameter 'zzz'");
  });
});
