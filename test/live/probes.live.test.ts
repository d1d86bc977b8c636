/**
 * The probes against the real binary: their answers, and predictions made
 * from those answers checked by running QEMU again.
 */
import { beforeAll, expect, it } from '@jest/globals';
import { probeBoard, probeDeviceClasses, probeInstanceDefaults, type BoardObject, type ProbeContext } from '../../src/import/probes.js';
import { ancestry, typeCatalogue, type TypeCatalogue } from '../../src/import/probe-qemu.js';
import { runQemu } from '../../src/qemu/qmp.js';
import { describeLive, QEMU_BINARY } from '../support/qemu.js';

const ctx: ProbeContext = { binary: QEMU_BINARY, progress: () => {}, concurrency: 2 };

const types = (objs: BoardObject[]) => objs.map((o) => o.type);
const transientTypes = (objs: BoardObject[]) => new Set(objs.filter((o) => o.transient).map((o) => o.type));
const firstCreated = (objs: BoardObject[]) => objs[0];

/** The error QEMU gives for a failing global on `driver`: names the concrete type of the first object it reaches. */
async function firstHit(args: string[], driver: string): Promise<string | null> {
  const r = await runQemu(QEMU_BINARY, [...args, '-global', `driver=${driver},property=zzz,value=1`]);
  return /Property '(.+)\.zzz' not found/.exec(r.stderr)?.[1] ?? null;
}

describeLive('probeBoard', () => {
  let q35: BoardObject[];
  let q35Defaults: BoardObject[];
  let pc: BoardObject[];
  let cat: TypeCatalogue;
  beforeAll(async () => {
    cat = await typeCatalogue(ctx);
    [q35, q35Defaults, pc] = await Promise.all([probeBoard(ctx, 'q35', true), probeBoard(ctx, 'q35', false), probeBoard(ctx, 'pc', true)]);
    // ~200 QEMU launches: about a minute on 2 idle cores, several on a loaded machine.
  }, 600_000);

  it('q35 -nodefaults: the composition tree, the pflash pair first, migration and pc.ram', () => {
    expect(q35).toContainEqual({ path: '/machine/q35/mch', type: 'mch' });
    expect(firstCreated(q35)).toEqual({ path: null, type: 'cfi.pflash01', transient: true });
    expect(q35.filter((o) => o.type === 'cfi.pflash01')).toHaveLength(2);
    expect(q35).toContainEqual({ path: null, type: 'migration' });
    expect(q35).toContainEqual({ path: '/objects/pc.ram', type: 'memory-backend-ram', positionInferred: true });
    expect(types(q35).indexOf('migration')).toBeLessThan(types(q35).indexOf('qemu64-x86_64-cpu'));
  });

  it('q35: the 27 NIC model probes are transient, each virtio-net-pci* with its inner virtio-net-device', () => {
    const nicProbes = q35.filter((o) => o.transient && o.lowerBound && o.type !== 'virtio-net-device');
    expect(nicProbes).toHaveLength(27);
    expect(types(nicProbes)).toEqual(expect.arrayContaining(['e1000', 'e1000e', 'rtl8139', 'virtio-net-pci', 'virtio-net-pci-transitional', 'vmxnet3']));
    expect(q35.filter((o) => o.type === 'virtio-net-device')).toHaveLength(3);
    expect(q35.every((o) => o.transient ? o.path === null : o.path !== null || o.type === 'migration')).toBe(true);
  });

  it('q35 with defaults: default devices in the tree, the default e1000e after its temporary probe', () => {
    expect(types(q35Defaults)).toEqual(expect.arrayContaining(['VGA', 'isa-serial', 'isa-parallel', 'ide-cd']));
    const e1000e = q35Defaults.filter((o) => o.type === 'e1000e');
    expect(e1000e.map((o) => o.transient ?? false)).toEqual([true, false]);
    expect(e1000e[1]!.path).toMatch(/^\/machine\/unattached\/device\[\d+\]$/);
  });

  it('pc has isa-fdc even with -nodefaults; isapc and none probe no NIC models', async () => {
    expect(types(pc)).toContain('isa-fdc');
    expect(types(pc)).not.toContain('floppy');
    const [isapc, none] = await Promise.all([probeBoard(ctx, 'isapc', true), probeBoard(ctx, 'none', true)]);
    for (const b of [isapc, none]) expect(transientTypes(b).has('e1000')).toBe(false);
    expect(none).toEqual([{ path: null, type: 'migration' }]);
  });

  it('predicts which object a failing global on an abstract driver hits first', async () => {
    const cases: Array<[string[], BoardObject[]]> = [[['-M', 'q35', '-smp', '1', '-nodefaults'], q35], [['-M', 'q35', '-smp', '1'], q35Defaults]];
    for (const [machineArgs, layout] of cases) {
      const drivers = [...new Set(layout.flatMap((o) => ancestry(cat, o.type).slice(1)))].filter((d) => cat.abstract.has(d) && cat.devices.has(d)).sort();
      expect(drivers.length).toBeGreaterThan(5);
      for (const d of drivers) {
        const predicted = layout.find((o) => ancestry(cat, o.type).includes(d))!.type;
        expect(`${d} -> ${await firstHit(machineArgs, d)}`).toBe(`${d} -> ${predicted}`);
      }
    }
  });
});

describeLive('probeDeviceClasses', () => {
  it('finds non-hotpluggable classes and module types', async () => {
    const cat = await typeCatalogue(ctx);
    const r = await probeDeviceClasses(ctx, [...cat.devices].sort());
    expect(r.notHotpluggable).toEqual(expect.arrayContaining(['VGA', 'PIIX4_PM', 'intel-iommu', 'x86-iommu']));
    expect(r.notHotpluggable).not.toContain('virtio-balloon-pci');
    expect(r.notHotpluggable).not.toContain('e1000');
    expect(r.moduleTypes).toEqual(expect.arrayContaining(['virtio-gpu-pci', 'qxl-vga', 'usb-host']));
    expect(r.moduleTypes).not.toContain('VGA');
    // qxl-vga's flag only shows once its module is loaded
    expect(r.notHotpluggable).toContain('qxl-vga');
  });

  it('agrees with the unused-global check on a board', async () => {
    const r = await runQemu(QEMU_BINARY, ['-M', 'q35', '-nodefaults', '-global', 'intel-iommu.aw-bits=48', '-global', 'virtio-balloon-pci.zzz=1', '-global', 'virtio-gpu-pci.max_outputs=2']);
    expect(r.stderr).toContain('global intel-iommu.aw-bits=48 not used');
    expect(r.stderr).not.toContain('virtio-balloon-pci');
    expect(r.stderr).toContain('global virtio-gpu-pci.max_outputs has invalid class name');
  });
});

describeLive('probeInstanceDefaults', () => {
  it('reads fresh memory backends and expands CPU models, omitting what expansion may change', async () => {
    const r = await probeInstanceDefaults(ctx, [
      { name: 'memory-backend-ram', parent: 'memory-backend', abstract: false, properties: ['prealloc', 'share', 'size', 'type', 'policy'] },
      { name: 'qemu64-x86_64-cpu', parent: 'x86_64-cpu', abstract: false, properties: ['sse2', 'popcnt', 'kvmclock', 'realized', 'level'] },
      { name: 'memory-backend', parent: 'object', abstract: true, properties: ['prealloc'] },
    ]);
    expect(Object.fromEntries(r.get('memory-backend-ram')!)).toEqual({ prealloc: 'false', share: 'false', policy: 'default' });
    const cpu = r.get('qemu64-x86_64-cpu')!;
    expect(cpu.get('sse2')).toBe('true');
    expect(cpu.get('popcnt')).toBe('false');
    expect(cpu.has('level')).toBe(false);
    expect(r.has('memory-backend')).toBe(false);
  });
});
