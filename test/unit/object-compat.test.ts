/**
 * `--model object-compat` differs from `--model qdev` exactly where the
 * OBJECT_COMPAT RFC says it should; one test per difference, on the embedded
 * QEMU 10.0.2 data.
 */
import { describe, expect, it } from '@jest/globals';
import { loadDefinitionsFromDisk } from '../../src/load/fs.js';
import { compatModel } from '../../src/resolve/compat-model.js';
import { resolve, type ResolveRequest } from '../../src/resolve/resolve.js';

const defs = await loadDefinitionsFromDisk();
const both = (req: ResolveRequest) => ({
  qdev: resolve(defs, { ...req, model: 'qdev' }),
  rfc: resolve(defs, { ...req, model: 'object-compat' }),
});
const prop = (r: ReturnType<typeof resolve>, type: string, name: string) =>
  r.objects.find((o) => o.type === type)?.properties.find((p) => p.name === name);
const sev = { kind: 'object' as const, arg: 'sev-guest,id=sev0,cbitpos=47,reduced-phys-bits=1' };

describe('--model object-compat against --model qdev', () => {
  it('sev-guest keeps the machine compat value (post_init) instead of instance_init\'s reset to auto', () => {
    const { qdev, rfc } = both({ machine: 'pc-q35-9.0', nodefaults: true, options: [sev] });
    expect(prop(qdev, 'sev-guest', 'legacy-vm-type')).toMatchObject({ value: 'auto', source: { kind: 'instance-init' } });
    expect(prop(rfc, 'sev-guest', 'legacy-vm-type')).toMatchObject({ value: 'on', source: { kind: 'machine-compat', machine: 'pc-q35-9.0' } });
    const newer = both({ machine: 'pc-q35-9.1', nodefaults: true, options: [sev] });
    expect(prop(newer.rfc, 'sev-guest', 'legacy-vm-type')?.source.kind).not.toBe('machine-compat');
  });

  it('every confidential-guest-support subclass takes compat, not only sev-guest', () => {
    const qdev = compatModel('qdev', defs.types);
    const rfc = compatModel('object-compat', defs.types);
    expect(qdev.compatSlots('sev-snp-guest', true)).toEqual([]);
    expect(rfc.compatSlots('sev-snp-guest', true)).toEqual([1, 2]);
    expect(qdev.compatSlots('sev-guest', true)).toEqual([1, 2]);
  });

  it('a -global aimed at a backend or an accelerator is "not used" instead of an invalid class name', () => {
    const opts = [{ kind: 'global' as const, arg: 'memory-backend-ram.prealloc=on' }, { kind: 'global' as const, arg: 'tcg-accel.tb-size=1' }];
    const { qdev, rfc } = both({ machine: 'q35', nodefaults: true, options: opts });
    expect(qdev.warnings).toEqual(['global memory-backend-ram.prealloc has invalid class name', 'global tcg-accel.tb-size has invalid class name']);
    expect(rfc.warnings).toEqual(['global memory-backend-ram.prealloc=on not used', 'global tcg-accel.tb-size=1 not used']);
    // Neither model applies -global to the backend itself.
    expect(prop(rfc, 'memory-backend-ram', 'prealloc')?.source.kind).not.toBe('global');
  });

  it('migration is no longer a device: device.* globals and -device see it differently', () => {
    const dev = { kind: 'global' as const, arg: 'device.zzz=1' };
    const { qdev, rfc } = both({ machine: 'none', nodefaults: true, options: [dev] });
    // Verified on QEMU 10.0.2: -M none has no other device, so migration is the one hit.
    expect(qdev.error).toBe("can't apply global device.zzz=1: Property 'migration.zzz' not found");
    expect(rfc.error).toBeNull();
    expect(rfc.warnings).toEqual([]);
    expect(prop(rfc, 'migration', 'hotpluggable')).toBeUndefined();
    const d = both({ machine: 'q35', nodefaults: true, options: [{ kind: 'device', arg: 'migration' }] });
    expect(d.qdev.error).toBe("-device migration: Parameter 'driver' expects a pluggable device type");
    expect(d.rfc.error).toBe("-device migration: 'migration' is not a valid device model name");
  });

  it('migration still takes -global in both, with the same fatal error', () => {
    const { qdev, rfc } = both({ machine: 'q35-9.1', options: [{ kind: 'global', arg: 'migration.x=y' }] });
    for (const r of [qdev, rfc]) {
      expect(r.outcome).toBe('refused');
      expect(r.error).toBe("can't apply global migration.x=y: Property 'migration.x' not found");
    }
    const ok = both({ machine: 'q35-9.1', options: [{ kind: 'global', arg: 'migration.zero-page-detection=none' }] });
    for (const r of [ok.qdev, ok.rfc]) expect(prop(r, 'migration', 'zero-page-detection')).toMatchObject({ value: 'none', source: { kind: 'global', index: 1 } });
  });

  it('everything else is the same: devices, backends and the accelerator get the same compat values', () => {
    for (const machine of ['pc-q35-2.4', 'pc-i440fx-5.2', 'pc-q35-9.1']) {
      const { qdev, rfc } = both({ machine, nodefaults: true });
      const values = (r: typeof qdev) => r.objects.filter((o) => o.type !== 'migration')
        .map((o) => [o.path, o.type, o.properties.map((p) => [p.name, String(p.value), p.source.kind])]);
      expect(values(rfc)).toEqual(values(qdev));
      expect(rfc.warnings).toEqual(qdev.warnings);
    }
  });
});
