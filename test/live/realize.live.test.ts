/**
 * The realize-time checks resolve models, against QEMU 10.0.2: each command
 * line goes through the real binary and resolve (test/support/differential.ts),
 * and outcome, message, warnings and every value QEMU shows must agree. The
 * list is the one README's "Checks QEMU makes at realize" names; each check
 * has a failing and a passing line.
 */
import { afterAll, expect, it } from '@jest/globals';
import { loadDefinitionsFromDisk } from '../../src/load/fs.js';
import { differential, mapLimit, report, summarize } from '../support/differential.js';
import type { CommandLineOption } from '../../src/resolve/resolve.js';
import { describeLive, QEMU_BINARY } from '../support/qemu.js';

const defs = await loadDefinitionsFromDisk();
const g = (arg: string): CommandLineOption => ({ kind: 'global', arg });
const d = (arg: string): CommandLineOption => ({ kind: 'device', arg });
const o = (arg: string): CommandLineOption => ({ kind: 'object', arg });

const CASES: Array<{ machine?: string; nodefaults?: boolean; cpu?: string; options?: CommandLineOption[] }> = [
  // ioapic.version
  { options: [g('ioapic.version=0x30')] }, { options: [g('ioapic.version=0')] }, { options: [g('ioapic.version=0x11')] },
  { machine: 'pc-i440fx-10.0', options: [g('ioapic.version=0x20')] },
  // phys-bits and guest-phys-bits (-cpu features and -global)
  { cpu: 'qemu64,phys-bits=20' }, { cpu: 'qemu64,phys-bits=53' }, { cpu: 'qemu64,phys-bits=52,guest-phys-bits=45' },
  { cpu: 'qemu64,guest-phys-bits=31' }, { cpu: 'qemu64,guest-phys-bits=33' }, { cpu: 'qemu64,guest-phys-bits=0' },
  { options: [g('qemu64-x86_64-cpu.guest-phys-bits=60')] }, { options: [g('x86_64-cpu.guest-phys-bits=20')] },
  // virtio-net queue sizes
  { options: [d('virtio-net-pci,rx_queue_size=100')] }, { options: [d('virtio-net-pci,rx_queue_size=2048')] },
  { options: [d('virtio-net-pci,rx_queue_size=0')] }, { options: [d('virtio-net-pci,tx_queue_size=512')] },
  { options: [d('virtio-net-pci,tx_queue_size=100')] }, { options: [d('virtio-net-pci,rx_queue_size=512,tx_queue_size=256')] },
  { options: [g('virtio-net-device.rx_queue_size=100'), d('virtio-net-pci')] },
  { options: [g('virtio-net-pci.rx_queue_size=100')] },
  // PCI romsize
  { options: [d('e1000,romsize=3000')] }, { options: [d('e1000,romsize=0')] }, { options: [d('virtio-rng-pci,romsize=65536')] },
  // sev-guest parameters
  { options: [o('sev-guest,id=s0')] }, { options: [o('sev-guest,id=s0,cbitpos=47')] }, { options: [o('sev-snp-guest,id=s0,cbitpos=51')] },
  { options: [o('sev-guest,id=s0,reduced-phys-bits=1')] },
  // PCI addresses: taken slots and the first free one
  { options: [d('e1000,addr=0x1f')] }, { options: [d('e1000,id=a,addr=3'), d('e1000,addr=3')] },
  { machine: 'pc-i440fx-10.0', nodefaults: false, options: [d('e1000,addr=3')] },
  { machine: 'pc-i440fx-10.0', nodefaults: false, options: [d('virtio-net-pci'), d('e1000,addr=4'), d('rtl8139')] },
  { machine: 'pc-q35-10.0', nodefaults: false, options: [d('virtio-net-pci'), d('e1000,mac=52:54:00:12:34:58'), d('rtl8139')] },
  { machine: 'pc-i440fx-10.0', nodefaults: false, options: [g('VGA.vgamem_mb=8'), d('e1000')] },
  // -device of a CPU model, and of a type QEMU refuses alone
  { options: [d('Haswell-x86_64-cpu')] }, { cpu: 'Nehalem', options: [d('qemu64-x86_64-cpu')] },
  { options: [d('qemu64-x86_64-cpu')] }, { options: [d('virtio-blk-pci')] }, { options: [d('usb-tablet')] },
  { options: [d('isa-applesmc')] }, { options: [d('fw_cfg,id=x')] },
  // virtio-serial port numbers: the first free id (0 for the first console), and the refusals
  { options: [d('virtio-serial-pci,id=vs'), d('virtserialport'), d('virtconsole'), d('virtserialport,nr=5'), d('virtserialport'), d('virtconsole')] },
  { options: [d('virtio-serial-pci,id=vs'), d('virtserialport,nr=0'), d('virtconsole')] },
  { options: [d('virtio-serial-pci,id=a'), d('virtio-serial-pci,id=b'), d('virtserialport,bus=b.0'), d('virtserialport,bus=a.0,name=p'), d('virtconsole,bus=b.0')] },
  { options: [d('virtio-serial-pci,id=vs,max_ports=2'), d('virtserialport,nr=1'), d('virtserialport')] },
  { options: [d('virtio-serial-pci,id=vs'), d('virtserialport,name=a'), d('virtserialport,name=a')] },
  { options: [d('virtio-serial-pci,id=vs,max_ports=3'), d('virtserialport,nr=5')] },
  { options: [d('virtio-serial-pci,id=vs'), d('virtserialport,nr=2'), d('virtconsole,nr=2')] },
];

const results: Awaited<ReturnType<typeof differential>>[] = [];
afterAll(() => {
  if (!results.length) return;
  const s = summarize(results);
  process.stdout.write(`\nrealize checks vs QEMU: ${s.scenarios} command lines, ${s.agree} agree; ${s.values} values compared, ${s.valuesAgree} equal\n`);
});

describeLive('realize-time checks agree with QEMU 10.0.2', () => {
  it('every check, failing and passing, with every value QEMU shows', async () => {
    results.push(...await mapLimit(CASES, 2, (c) => differential(QEMU_BINARY, defs, {
      category: 'realize', machine: c.machine ?? 'pc-q35-10.0', nodefaults: c.nodefaults ?? true, options: c.options ?? [],
      ...(c.cpu !== undefined ? { cpu: c.cpu } : {}),
    })));
    // Both sides must be exercised: refusals and clean starts.
    expect(results.filter((r) => r.observed.error !== null).length).toBeGreaterThan(15);
    expect(results.filter((r) => r.observed.started).length).toBeGreaterThan(8);
    expect(report(results)).toBe('');
  }, 300_000);
});
