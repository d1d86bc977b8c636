/**
 * -machine settings that change the board (acpi=off, hpet=off, vmport=off, alone and together,
 * probed at import: boards.json "variants"), against QEMU 10.0.2: outcome, messages and every
 * value QEMU shows on every object, on the newest and older machine types, with and without
 * -nodefaults, as libvirt and Proxmox VE write them. The same under KVM is in kvm.live.test.ts.
 */
import { loadDefinitionsFromDisk } from '../../src/load/fs.js';
import { lineSuite, type LineCase } from '../support/line-cases.js';

const defs = await loadDefinitionsFromDisk();

const CASES: LineCase[] = [
  // libvirt without <acpi/>: pc_init1 creates no PIIX4_PM, no SMBus EEPROMs; PCI hotplug on pci.0 goes with it
  { machine: 'pc-i440fx-10.0', line: ['-machine', 'pc,usb=off,dump-guest-core=off,acpi=off', '-device', 'virtio-balloon-pci,id=balloon0'] },
  { machine: 'pc-i440fx-10.0', nodefaults: false, line: ['-machine', 'pc-i440fx-10.0,acpi=off'] },
  { machine: 'pc-i440fx-2.4', line: ['-machine', 'pc-i440fx-2.4,acpi=off'] },
  { machine: 'pc-q35-10.0', line: ['-machine', 'q35,acpi=off'] },
  // virt-manager's q35 domain: <vmport state='off'/> and <timer name='hpet' present='no'/>
  { machine: 'pc-q35-9.1', nodefaults: false, line: ['-machine', 'pc-q35-9.1,usb=off,vmport=off,smm=on,dump-guest-core=off,hpet=off,acpi=on'] },
  { machine: 'pc-q35-5.2', line: ['-machine', 'pc-q35-5.2,hpet=off', '-device', 'e1000e,id=net0'] },
  { machine: 'pc-i440fx-7.2', nodefaults: false, line: ['-machine', 'pc-i440fx-7.2,vmport=off'] },
  { machine: 'pc-i440fx-10.0', line: ['-machine', 'pc,hpet=no,acpi=off,vmport=off'] },
  // the last occurrence wins; the default value is the plain board
  { machine: 'pc-i440fx-10.0', line: ['-machine', 'pc,hpet=off', '-machine', 'hpet=on'] },
  { machine: 'pc-q35-10.0', line: ['-machine', 'q35,acpi=on,vmport=on'] },
  // a setting QEMU refuses (OnOffAuto takes on/off/auto only)
  { machine: 'pc-i440fx-10.0', line: ['-machine', 'pc,vmport=no'] },
];

lineSuite(defs, {
  title: '-machine settings that change the board agree with QEMU 10.0.2',
  test: 'acpi=off, hpet=off, vmport=off, alone and together',
  category: 'board-variant', label: 'board settings', cases: CASES, atLeast: { refused: 1, started: 10 }, timeoutMs: 300_000,
});
