/**
 * Guest RAM arithmetic (src/resolve/memory.ts) on the cases QEMU's own
 * comments give (hw/i386/pc_piix.c) and the ones test/live/memory.live.test.ts
 * checks against the binary, so a regression shows without QEMU.
 */
import { describe, expect, it } from '@jest/globals';
import { boardMemoryLayout, machineMemory, memoryClassFlags, type BoardFamily, type MemoryConfig } from '../../src/resolve/memory.js';
import { memoryProperty } from '../../src/parse/memory-option.js';

const G = 1n << 30n;
const M = 1n << 20n;
const qemu64 = { longMode: true, amd: true, physBits: 40 };

function config(keys: Parameters<typeof machineMemory>[0]): MemoryConfig {
  const r = machineMemory(keys, 128n * M);
  if (!r.ok) throw new Error(r.error);
  return r.config;
}

function layout(family: BoardFamily, machineName: string, cfg: MemoryConfig, maxRamBelow4g = 0n, hole64 = family === 'q35' ? 32n * G : 2n * G) {
  return boardMemoryLayout({ family, machineName, config: cfg, maxRamBelow4g, cpu: qemu64, host: { pciHole64Size: hole64, pciHole64Fix: true } });
}

describe('machine_set_mem', () => {
  it('takes the default without a size, aligns to 8 KiB, and refuses what QEMU refuses', () => {
    expect(config({})).toEqual({ ramSize: 128n * M, maxramSize: 128n * M, slots: 0n, custom: false });
    expect(config({ size: '1k' }).ramSize).toBe(8192n);
    expect(machineMemory({ size: '4G', slots: '2' }, 128n * M)).toEqual({ ok: false, error: 'slots specified but no max-size' });
    expect(machineMemory({ size: '4G', 'max-size': '2G' }, 128n * M)).toEqual({ ok: false,
      error: 'invalid value of maxmem: maximum memory size (0x80000000) must be at least the initial memory size (0x100000000)' });
    expect(machineMemory({ size: '4G', slots: '2', 'max-size': '4G' }, 128n * M)).toEqual({ ok: false,
      error: 'invalid value of maxmem: memory slots were specified but maximum memory size (0x100000000) is equal to the initial memory size (0x100000000)' });
    expect(machineMemory({ size: '0x100M' }, 128n * M)).toEqual({ ok: false, error: "Parameter 'memory.size' expects size" });
  });

  it('builds the dictionary as parse_memory_options does: MiB without a suffix, 0 as no size', () => {
    expect(memoryProperty({ size: '4096' })).toEqual({ size: '4096M' });
    expect(memoryProperty({ size: '4G', slots: '2', maxmem: '8G' })).toEqual({ size: '4G', slots: '2', 'max-size': '8G' });
    expect(memoryProperty({ size: '0' })).toEqual({});
  });
});

describe('board RAM layout', () => {
  it('splits as pc_piix.c documents: 3.5G low on old rules, 3G gigabyte-aligned, max-ram-below-4g', () => {
    expect(layout('i440fx', 'pc-i440fx-10.0', config({ size: '4G' }))).toMatchObject({ belowRam: 3n * G, aboveRam: 1n * G });
    expect(layout('isapc', 'isapc', config({ size: '3G' }))).toMatchObject({ belowRam: 3n * G, aboveRam: 0n });
    expect(layout('i440fx', 'pc-i440fx-10.0', config({ size: '4G' }), 2n * G)).toMatchObject({ belowRam: 2n * G, aboveRam: 2n * G });
    expect(layout('i440fx', 'pc-i440fx-10.0', config({ size: '3968M' }), 4n * G)).toMatchObject({ belowRam: 3968n * M, aboveRam: 0n });
  });

  it('splits q35 at 2G once RAM reaches 2.75G, and places the 64-bit hole after RAM and hotplug space', () => {
    const l = layout('q35', 'pc-q35-10.0', config({ size: '4G', slots: '4', 'max-size': '16G' }));
    expect(l.host).toEqual({ 'below-4g-mem-size': 2n * G, 'above-4g-mem-size': 2n * G, 'pci-hole-start': 2n * G,
      'pci-hole64-start': 23622320128n, 'pci-hole64-end': 57982058496n });
    expect(l.numaNode).toBe(true);
    expect(layout('q35', 'pc-q35-10.0', config({ size: '2815M' })).belowRam).toBe(2815n * M);
  });

  it('warns where QEMU warns about a split that is not 1 GiB aligned', () => {
    expect(layout('q35', 'pc-q35-10.0', config({ size: '6G' }), 1536n * M).warnings).toEqual([
      'There is possibly poor performance as the ram size  (0x180000000) is more then twice the size of max-ram-below-4g (1610612736) and max-ram-below-4g is not a multiple of 1G.']);
  });

  it("refuses in pc_memory_init's order", () => {
    expect(layout('q35', 'pc-q35-10.0', config({ size: '1G', slots: '1', 'max-size': '1100G' })).error)
      .toBe('Address space limit 0xffffffffff < 0x21affffffff phys-bits too low (40)');
    expect(layout('q35', 'pc-q35-10.0', config({ size: '4G', slots: '300', 'max-size': '8G' })).error).toBe('unsupported amount of memory slots: 300');
    expect(layout('q35', 'pc-q35-10.0', config({ size: '1G', 'max-size': '2049M' })).error).toBeUndefined();
    expect(boardMemoryLayout({ family: 'isapc', machineName: 'isapc', config: config({ size: '4G' }), maxRamBelow4g: 0n, cpu: { longMode: false, amd: false, physBits: 32 } }).error)
      .toBe('Address space limit 0xffffffff < 0x11fffffff phys-bits too low (32)');
    expect(boardMemoryLayout({ family: 'isapc', machineName: 'isapc', config: config({ size: '1G', slots: '1', 'max-size': '2G' }), maxRamBelow4g: 0n, cpu: { longMode: false, amd: false, physBits: 32 } }).error)
      .toBe(`"-memory 'slots|maxmem'" is not supported by: isapc`);
  });

  it('takes the class flags of each machine version', () => {
    expect(memoryClassFlags('i440fx', 'pc-i440fx-2.4')).toMatchObject({ brokenReservedEnd: true, autoNumaWithMemhp: false, enforceAmd1tbHole: false });
    expect(memoryClassFlags('q35', 'pc-q35-7.1')).toMatchObject({ brokenReservedEnd: false, enforceAmd1tbHole: true, broken32bitMemAddrCheck: true });
    expect(memoryClassFlags('q35', 'pc-q35-10.0')).toMatchObject({ broken32bitMemAddrCheck: false, autoNumaWithMemdev: true });
    expect(memoryClassFlags('microvm', 'microvm')).toMatchObject({ autoNumaWithMemhp: false, autoNumaWithMemdev: false });
  });
});
