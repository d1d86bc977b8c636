/**
 * The realize-time checks resolve models (src/resolve/realize.ts), each with
 * QEMU 10.0.2's message, on hand-made objects. The same messages are
 * compared with the real binary in test/live/realize.live.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { TypeModel } from '../../src/model/types.js';
import { realizeCheck } from '../../src/resolve/realize.js';
import type { ResolvedObject, ResolvedProperty, ValueSource } from '../../src/resolve/result.js';

const types = new TypeModel([
  { name: 'object', parent: null, abstract: true },
  { name: 'device', parent: 'object', abstract: true },
  { name: 'ioapic', parent: 'device' },
  { name: 'cpu', parent: 'device', abstract: true },
  { name: 'x86_64-cpu', parent: 'cpu', abstract: true },
  { name: 'qemu64-x86_64-cpu', parent: 'x86_64-cpu' },
  { name: 'virtio-net-device', parent: 'device' },
  { name: 'pci-device', parent: 'device', abstract: true },
  { name: 'e1000', parent: 'pci-device' },
  { name: 'sev-common', parent: 'object', abstract: true },
  { name: 'sev-guest', parent: 'sev-common' },
]);

const option: ValueSource = { kind: 'option', option: '-device x' };
const dflt: ValueSource = { kind: 'default' };
const p = (name: string, value: bigint | string, source: ValueSource = option): ResolvedProperty =>
  ({ name, type: 'uint32', value, source, default: null, trace: [] });
const obj = (type: string, ...properties: ResolvedProperty[]): ResolvedObject =>
  ({ path: '/x', type, transient: false, origin: 'device', properties });

describe('realize checks', () => {
  it('ioapic: version 0x11 or 0x20', () => {
    expect(realizeCheck(obj('ioapic', p('version', 0x30n)), types)).toBe('IOAPIC only supports version 0x11 or 0x20 (default: 0x20).');
    expect(realizeCheck(obj('ioapic', p('version', 0n)), types)).toBe('IOAPIC only supports version 0x11 or 0x20 (default: 0x20).');
    expect(realizeCheck(obj('ioapic', p('version', 0x11n)), types)).toBeNull();
    expect(realizeCheck(obj('ioapic', p('version', 0x20n)), types)).toBeNull();
  });

  it('x86 CPU: phys-bits within TCG\'s 32..52, then guest-phys-bits within 32..phys-bits', () => {
    const cpu = (...ps: ResolvedProperty[]) => obj('qemu64-x86_64-cpu', ...ps);
    expect(realizeCheck(cpu(p('phys-bits', 20n)), types)).toBe('phys-bits should be between 32 and 52  (but is 20)');
    expect(realizeCheck(cpu(p('phys-bits', 53n)), types)).toBe('phys-bits should be between 32 and 52  (but is 53)');
    expect(realizeCheck(cpu(p('phys-bits', 0n, dflt)), types)).toBeNull();
    // The bound is what phys-bits realizes to (40 under TCG) unless phys-bits is given.
    const shown40: ResolvedProperty = { ...p('phys-bits', 40n, { kind: 'board' }), configured: { value: 0n, source: dflt } };
    expect(realizeCheck(cpu(shown40, p('guest-phys-bits', 20n)), types)).toBe('guest-phys-bits should be between 32 and 40  (but is 20)');
    expect(realizeCheck(cpu(shown40, p('guest-phys-bits', 41n)), types)).toBe('guest-phys-bits should be between 32 and 40  (but is 41)');
    expect(realizeCheck(cpu(shown40, p('guest-phys-bits', 33n)), types)).toBeNull();
    expect(realizeCheck(cpu(shown40, p('guest-phys-bits', 0n)), types)).toBeNull();
    expect(realizeCheck(cpu(p('phys-bits', 52n), p('guest-phys-bits', 45n)), types)).toBeNull();
    expect(realizeCheck(cpu(shown40, p('guest-phys-bits', 4294967295n, dflt)), types)).toBeNull();
  });

  it('virtio-net: queue sizes are powers of two, rx 256..1024, tx 256..256 without a vhost-user peer', () => {
    const net = (...ps: ResolvedProperty[]) => obj('virtio-net-device', ...ps);
    expect(realizeCheck(net(p('rx_queue_size', 100n)), types)).toBe('Invalid rx_queue_size (= 100), must be a power of 2 between 256 and 1024.');
    expect(realizeCheck(net(p('rx_queue_size', 2048n)), types)).toBe('Invalid rx_queue_size (= 2048), must be a power of 2 between 256 and 1024.');
    expect(realizeCheck(net(p('rx_queue_size', 0n)), types)).toBe('Invalid rx_queue_size (= 0), must be a power of 2 between 256 and 1024.');
    expect(realizeCheck(net(p('rx_queue_size', 512n), p('tx_queue_size', 256n)), types)).toBeNull();
    expect(realizeCheck(net(p('tx_queue_size', 512n), p('netdev', '', dflt)), types)).toBe('Invalid tx_queue_size (= 512), must be a power of 2 between 256 and 256');
    expect(realizeCheck(net(p('tx_queue_size', 100n)), types)).toBe('Invalid tx_queue_size (= 100), must be a power of 2 between 256 and 256');
  });

  it('PCI: a romsize given must be a power of two', () => {
    expect(realizeCheck(obj('e1000', p('romsize', 3000n)), types)).toBe('ROM size 3000 is not a power of two');
    expect(realizeCheck(obj('e1000', p('romsize', 0n)), types)).toBe('ROM size 0 is not a power of two');
    expect(realizeCheck(obj('e1000', p('romsize', 4096n)), types)).toBeNull();
    expect(realizeCheck(obj('e1000', p('romsize', 4294967295n, dflt)), types)).toBeNull();
  });

  it('sev-guest: reduced-phys-bits must be given', () => {
    expect(realizeCheck(obj('sev-guest', p('reduced-phys-bits', 0n, dflt)), types)).toBe("Parameter 'reduced-phys-bits' is missing");
    expect(realizeCheck(obj('sev-guest', p('reduced-phys-bits', 1n)), types)).toBeNull();
  });
});
