import { describe, expect, it } from '@jest/globals';
import { deriveMachines, verifyReconstruction } from '../../src/import/derive-machines.js';
import type { QmpMachine } from '../../src/import/qmp-introspect.js';
import { MachineModel } from '../../src/model/machines.js';

const e = (driver: string, property: string, value: string) => ({ driver, property, value });
const m = (name: string, compatProps: QmpMachine['compatProps'], extra: Partial<QmpMachine> = {}): QmpMachine =>
  ({ name, alias: null, isDefault: false, deprecated: false, defaultCpuType: null, defaultRamId: 'pc.ram', cpuMax: null, compatProps, compatReported: true, ...extra });

const base = [e('virtio-iommu-pci', 'aw-bits', '39')];
const v92 = [e('a', 'x', '1'), e('b', 'y', 'off')];
const v91 = [e('c', 'z', '2')];
const machines = [
  m('pc-q35-10.0', base, { alias: 'q35' }),
  m('pc-q35-9.2', [...base, ...v92]),
  m('pc-q35-9.1', [...base, ...v92, ...v91]),
  m('pc-i440fx-10.0', [], { isDefault: true, alias: 'pc' }),
  m('pc-i440fx-9.2', v92),
  m('pc-i440fx-9.1', [...v92, ...v91]),
  m('pc-q35-4.0.1', [...base, ...v92, ...v91, e('d', 'w', '3')]),
  m('pc-q35-4.0', [...base, ...v92, ...v91, e('d', 'w', '3')]),
  m('pc-i440fx-4.0', [...v92, ...v91, e('d', 'w', '3')]),
  m('none', []),
];
const typeNames = new Set(machines.map((x) => `${x.name}-machine`));
const opts = { arch: 'x86_64', qemuVersion: '10.0.2', optional: new Set(['c\u0000z']), typeNames };

describe('deriving versioned machine definitions', () => {
  const file = deriveMachines(machines, opts);
  const byName = new Map(file.machines.map((x) => [x.name, x]));

  it('each version inherits from the next newer one of its family and stores only what it appends', () => {
    expect(byName.get('pc-q35-9.1')).toMatchObject({ inherits: 'pc-q35-9.2', compat: [{ group: 'compat-9.1' }] });
    expect(byName.get('pc-q35-10.0')).toMatchObject({ inherits: null, compat: [{ driver: 'virtio-iommu-pci', property: 'aw-bits', value: '39' }] });
    expect(byName.get('pc-q35-4.0')).toMatchObject({ inherits: 'pc-q35-4.0.1', compat: [] });
    expect(byName.get('none')).toMatchObject({ inherits: null, compat: [] });
  });

  it('identical appended lists become one group, named after the shared version', () => {
    expect(file.groups!.map((g) => g.name)).toEqual(['compat-9.2', 'compat-9.1', 'compat-4.0']);
    expect(file.groups!.find((g) => g.name === 'compat-4.0')!.comment).toBe('appended by pc-i440fx-4.0, pc-q35-4.0.1');
    expect(file.groups!.find((g) => g.name === 'compat-9.1')!.entries).toEqual([{ driver: 'c', property: 'z', value: '2', optional: true }]);
  });

  it('reconstructs every list exactly', () => {
    const model = new MachineModel(file);
    for (const x of machines) expect(model.compatProps(x.name).map(({ driver, property, value }) => ({ driver, property, value }))).toEqual(x.compatProps);
  });

  it('refuses a definition that does not reproduce QEMU\'s list', () => {
    const broken = structuredClone(file);
    broken.groups![0]!.entries.reverse();
    expect(() => verifyReconstruction(broken, machines)).toThrow(/pc-q35-9.2: reconstructed compat list differs from QEMU's at index 1/);
  });

  it('a version whose newer sibling is not a prefix stands alone', () => {
    const odd = deriveMachines([m('x-2.0', [e('a', 'b', '1')]), m('x-1.0', [e('q', 'r', 's')])], { ...opts, typeNames: new Set(['x-2.0-machine', 'x-1.0-machine']) });
    expect(odd.machines.find((x) => x.name === 'x-1.0')).toMatchObject({ inherits: null, compat: [{ driver: 'q' }] });
  });
});
