/**
 * pc-dimm on the PC boards: slot, address and size as pc_memory_pre_plug,
 * pc_dimm_pre_plug and memory_device_pre_plug give them, and their refusals.
 * Every expected value and message is what qemu-system-x86_64 10.0.2 shows
 * (qom-get, stderr) for the same line.
 */
import { describe, expect, it } from '@jest/globals';
import { loadDefinitionsFromDisk } from '../../src/load/fs.js';
import { resolve, type CommandLineOption } from '../../src/resolve/resolve.js';
import type { MemoryKeys } from '../../src/resolve/memory.js';

const defs = await loadDefinitionsFromDisk();

const obj = (arg: string): CommandLineOption => ({ kind: 'object', arg });
const dev = (arg: string): CommandLineOption => ({ kind: 'device', arg });

function run(machine: string, memory: MemoryKeys, options: CommandLineOption[], machineProps: Array<[string, string]> = []) {
  return resolve(defs, { machine, nodefaults: true, memory, options, machineProps });
}

function dimms(r: ReturnType<typeof run>) {
  expect(r.error).toBeNull();
  return Object.fromEntries(r.objects.filter((o) => o.type === 'pc-dimm').map((o) => {
    const v = (n: string) => o.properties.find((p) => p.name === n)!;
    for (const n of ['slot', 'addr', 'size']) expect(v(n).configuredOnly).toBeUndefined();
    return [o.path, ['slot', 'addr', 'size', 'node', 'memdev', 'realized', 'hotplugged', 'hotpluggable', 'parent_bus'].map((n) => v(n).value)];
  }));
}

const G = 1024n ** 3n;
const M = 1024n ** 2n;

describe('pc-dimm placement', () => {
  it('q35: first free slot and address, a slot given, a memfd backend', () => {
    const r = run('pc-q35-10.0', { size: '1G', slots: '4', 'max-size': '8G' }, [
      obj('memory-backend-ram,id=m0,size=512M'), obj('memory-backend-ram,id=m1,size=1G'), obj('memory-backend-memfd,id=m2,size=64M'),
      dev('pc-dimm,id=d0,memdev=m0'), dev('pc-dimm,id=d1,memdev=m1,slot=3'), dev('pc-dimm,memdev=m2'),
    ]);
    expect(dimms(r)).toEqual({
      '/machine/peripheral/d0': [0n, 4n * G, 512n * M, 0n, '/objects/m0', true, false, true, ''],
      '/machine/peripheral/d1': [3n, 4n * G + 512n * M, G, 0n, '/objects/m1', true, false, true, ''],
      '/machine/peripheral-anon/device[0]': [1n, 5905580032n, 64n * M, 0n, '/objects/m2', true, false, true, ''],
    });
  });

  it('i440fx with RAM above 4 GiB: the region starts after it; an address given, then the first gap', () => {
    const r = run('pc-i440fx-10.0', { size: '4G', slots: '2', 'max-size': '8G' }, [
      obj('memory-backend-ram,id=m0,size=512M'), obj('memory-backend-ram,id=m1,size=256M'),
      dev('pc-dimm,id=d0,memdev=m0,addr=0x180000000'), dev('pc-dimm,id=d1,memdev=m1'),
    ]);
    expect(dimms(r)).toEqual({
      '/machine/peripheral/d0': [0n, 6442450944n, 512n * M, 0n, '/objects/m0', true, false, true, ''],
      '/machine/peripheral/d1': [1n, 5368709120n, 256n * M, 0n, '/objects/m1', true, false, true, ''],
    });
  });
});

describe('pc-dimm refusals, in QEMU\'s words', () => {
  const m0 = obj('memory-backend-ram,id=m0,size=512M');
  const m1 = obj('memory-backend-ram,id=m1,size=256M');
  it.each([
    ['no slots', 'pc-q35-10.0', { size: '1G', 'max-size': '2G' }, [m0, dev('pc-dimm,memdev=m0')], [],
      "-device pc-dimm,memdev=m0: no slots where allocated, please specify the 'slots' option"],
    ['a busy backend', 'pc-q35-10.0', { size: '1G', slots: '2', 'max-size': '2G' }, [m0, dev('pc-dimm,memdev=m0'), dev('pc-dimm,memdev=m0')], [],
      "-device pc-dimm,memdev=m0: can't use already busy memdev: m0"],
    ['not enough space', 'pc-q35-10.0', { size: '1G', slots: '2', 'max-size': '2G' }, [obj('memory-backend-ram,id=m0,size=2G'), dev('pc-dimm,memdev=m0')], [],
      '-device pc-dimm,memdev=m0: not enough space, currently 0x0 in use of total space for memory devices 0x40000000'],
    ['q35 acpi=off', 'pc-q35-10.0', { size: '1G', slots: '2', 'max-size': '2G' }, [m0, dev('pc-dimm,memdev=m0')], [['acpi', 'off']],
      '-device pc-dimm,memdev=m0: memory hotplug is not enabled: missing acpi device or acpi disabled'],
    ['i440fx acpi=off', 'pc-i440fx-10.0', { size: '1G', slots: '2', 'max-size': '2G' }, [m0, dev('pc-dimm,memdev=m0')], [['acpi', 'off']],
      '-device pc-dimm,memdev=m0: memory hotplug is not enabled: missing acpi device or acpi disabled'],
    ['a busy slot', 'pc-q35-10.0', { size: '1G', slots: '2', 'max-size': '2G' }, [m0, m1, dev('pc-dimm,memdev=m0,slot=1'), dev('pc-dimm,memdev=m1,slot=1')], [],
      '-device pc-dimm,memdev=m1,slot=1: slot 1 is busy'],
    ['a slot out of range', 'pc-q35-10.0', { size: '1G', slots: '2', 'max-size': '2G' }, [m0, dev('pc-dimm,memdev=m0,slot=5')], [],
      '-device pc-dimm,memdev=m0,slot=5: invalid slot number 5, valid range is [0-1]'],
    ['an unaligned address', 'pc-q35-10.0', { size: '1G', slots: '2', 'max-size': '2G' }, [m0, dev('pc-dimm,memdev=m0,addr=0x100001000')], [],
      '-device pc-dimm,memdev=m0,addr=0x100001000: address must be aligned to 0x200000 bytes'],
    ['an address taken', 'pc-q35-10.0', { size: '1G', slots: '2', 'max-size': '2G' }, [m0, m1, dev('pc-dimm,id=a,memdev=m0'), dev('pc-dimm,memdev=m1,addr=0x100200000')], [],
      "-device pc-dimm,memdev=m1,addr=0x100200000: address range conflicts with memory device id='a'"],
    ['an address outside the region', 'pc-q35-10.0', { size: '1G', slots: '2', 'max-size': '2G' }, [m0, dev('pc-dimm,memdev=m0,addr=0x400000000')], [],
      "-device pc-dimm,memdev=m0,addr=0x400000000: can't add memory device [0x400000000:0x20000000], usable range for memory devices [0x100000000:0xc0000000]"],
    ['a size not of the alignment', 'pc-q35-10.0', { size: '1G', slots: '2', 'max-size': '2G' }, [obj('memory-backend-ram,id=m0,size=3M'), dev('pc-dimm,memdev=m0')], [],
      '-device pc-dimm,memdev=m0: backend memory size must be multiple of 0x200000'],
    ['no free slot', 'pc-q35-10.0', { size: '1G', slots: '1', 'max-size': '2G' }, [m0, m1, dev('pc-dimm,memdev=m0'), dev('pc-dimm,memdev=m1')], [],
      '-device pc-dimm,memdev=m1: no free slots available'],
    ['no memdev', 'pc-q35-10.0', { size: '1G', slots: '1', 'max-size': '2G' }, [dev('pc-dimm')], [],
      "-device pc-dimm: 'memdev' property must be set"],
  ] as Array<[string, string, MemoryKeys, CommandLineOption[], Array<[string, string]>, string]>)('%s', (_, machine, memory, options, props, message) => {
    const r = run(machine, memory, options, props);
    expect(r.outcome).toBe('refused');
    expect(r.error).toBe(message);
  });
});
