/** The qdev bus tree (src/resolve/buses.ts): qbus_find_recursive's order and qbus_init's names, on a hand-made tree. */
import { describe, expect, it } from '@jest/globals';
import { TypeModel } from '../../src/model/types.js';
import { BusTree, SYSBUS_PATH } from '../../src/resolve/buses.js';

const types = new TypeModel([
  { name: 'object', parent: null, abstract: true },
  { name: 'bus', parent: 'object', abstract: true },
  { name: 'System', parent: 'bus' },
  { name: 'PCI', parent: 'bus' },
  { name: 'PCIE', parent: 'PCI' },
  { name: 'usb-bus', parent: 'bus' },
]);

/** A q35-like board: pcie.0 on the host bridge, two root ports with their buses. */
function board(): BusTree {
  const t = new BusTree(types);
  t.plug('/machine/q35', SYSBUS_PATH);
  t.addBus({ path: '/machine/q35', type: 'q35-pcihost', fromDevice: false }, 'pcie.0', 'PCIE', '/machine/q35/pcie.0');
  return t;
}

describe('bus tree', () => {
  it('finds a bus by name and by type, a bus before the buses below it', () => {
    const t = board();
    t.plug('/machine/peripheral/pci.1', '/machine/q35/pcie.0');
    t.addBus({ path: '/machine/peripheral/pci.1', type: 'pcie-root-port', fromDevice: true }, 'pci.1', 'PCIE', '/machine/peripheral/pci.1/pci.1');
    expect(t.find('pci.1', undefined)?.path).toBe('/machine/peripheral/pci.1/pci.1');
    expect(t.find(undefined, 'PCI')?.path).toBe('/machine/q35/pcie.0');
    expect(t.find('pci.9', undefined)).toBeUndefined();
    expect(t.find(undefined, 'usb-bus')).toBeUndefined();
  });

  it('searches the devices on a bus newest first, as QEMU inserts them at the head', () => {
    const t = board();
    for (const id of ['usb1', 'usb2']) {
      t.plug(`/machine/peripheral/${id}`, '/machine/q35/pcie.0');
      t.addBus({ path: `/machine/peripheral/${id}`, type: 'qemu-xhci', fromDevice: true }, `${id}.0`, 'usb-bus', `/machine/peripheral/${id}/${id}.0`);
    }
    expect(t.find(undefined, 'usb-bus')?.name).toBe('usb2.0');
  });

  it('names buses of devices without an id with the per-type counter, from where the record says it starts', () => {
    const t = board();
    // q35 names pcie.0 itself: an anonymous root port's bus is pcie.0 too (QEMU 10.0.2).
    expect(t.takeAutomaticName('PCIE', 'pcie.0')).toBe('pcie.0');
    expect(t.takeAutomaticName('PCIE', 'pcie.0')).toBe('pcie.1');
    expect(t.takeAutomaticName('usb-bus', 'usb-bus.0')).toBe('usb-bus.0');
  });
});
