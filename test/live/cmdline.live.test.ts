/**
 * Whole command lines as management stacks write them, against QEMU 10.0.2:
 * buses (`bus=` by name, the default bus of a device's bus type, buses that
 * -devices create, named after their ids or counters), JSON -device next to
 * QemuOpts ones, backends that device properties name (-blockdev), and
 * -readconfig. Each goes through the real binary and through the command-line
 * parser and resolve (test/support/differential.ts, `extra`); outcome,
 * messages and every value QEMU shows must agree.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDefinitionsFromDisk } from '../../src/load/fs.js';
import { lineSuite, type LineCase } from '../support/line-cases.js';

const defs = await loadDefinitionsFromDisk();
const dir = mkdtempSync(join(tmpdir(), 'qom-compat-cmdline-'));
const config = join(dir, 'bridges.cfg');
writeFileSync(config, '[device "pci.1"]\n  driver = "pci-bridge"\n  chassis_nr = "1"\n  bus = "pci.0"\n  addr = "0x1e"\n');

const null0 = ['-blockdev', '{"driver":"null-co","node-name":"d0","size":1048576}'];

const CASES: LineCase[] = [
  // bus= on a bus a -device creates: PCIe root port, PCI bridge (QemuOpts and JSON)
  { machine: 'pc-q35-10.0', line: ['-device', 'pcie-root-port,id=pci.1,chassis=1', '-device', 'e1000,bus=pci.1'] },
  { machine: 'pc-q35-10.0', line: ['-device', '{"driver":"pcie-root-port","port":16,"chassis":1,"id":"pci.1","bus":"pcie.0","multifunction":true,"addr":"0x2"}',
    '-device', '{"driver":"pcie-root-port","port":17,"chassis":2,"id":"pci.2","bus":"pcie.0","addr":"0x2.0x1"}',
    '-device', '{"driver":"virtio-net-pci","id":"net0","bus":"pci.2","addr":"0x0"}', '-device', '{"driver":"virtio-balloon-pci","id":"balloon0","bus":"pci.1","addr":"0x0"}'] },
  { machine: 'pc-i440fx-10.0', line: ['-device', 'pci-bridge,id=pci.1,chassis_nr=1,bus=pci.0,addr=0x3', '-device', 'e1000,bus=pci.1,addr=0x1', '-device', 'rtl8139,bus=pci.1'] },
  { machine: 'pc-i440fx-10.0', line: ['-device', 'pci-bridge,id=br'] },
  // bus errors
  { machine: 'pc-i440fx-10.0', line: ['-device', 'e1000,bus=pci.9'] },
  { machine: 'pc-q35-10.0', line: ['-device', 'e1000,bus=ide.0'] },
  { machine: 'pc-q35-10.0', line: ['-device', 'usb-tablet'] },
  { machine: 'pc-q35-10.0', line: ['-device', 'ich9-ahci,id=sata0', '-device', 'ide-hd,bus=sata0.7'] },
  // IDE serial numbers count every IDE bus created before (the board's, then the controllers' in order)
  { machine: 'pc-q35-10.0', nodefaults: false, line: [...null0, '-device', 'ich9-ahci,id=sata1', '-device', 'ide-hd,bus=sata1.3,drive=d0', '-device', 'ide-cd,bus=ide.4'] },
  { machine: 'pc-i440fx-10.0', nodefaults: false, line: [...null0, '-device', 'ich9-ahci,id=s', '-device', 'piix3-ide,id=p', '-device', 'ide-hd,bus=p.1,drive=d0', '-device', 'ide-cd,bus=s.2'] },
  // IDE units: the slave after a master, a unit beyond the bus's, a unit in use
  { machine: 'pc-i440fx-10.0', nodefaults: false, line: [...null0, '-device', 'ide-hd,bus=ide.0,drive=d0', '-device', 'ide-cd,bus=ide.0'] },
  { machine: 'pc-i440fx-10.0', line: ['-device', 'ide-cd,bus=ide.0,unit=2'] },
  { machine: 'pc-q35-10.0', line: ['-device', 'ide-cd,bus=ide.2', '-device', 'ide-cd,bus=ide.2'] },
  { machine: 'pc-i440fx-10.0', line: ['-device', 'ide-cd,bus=ide.1,unit=1', '-device', 'ide-cd,bus=ide.1,unit=1'] },
  { machine: 'pc-i440fx-10.0', nodefaults: false, line: ['-device', 'ide-cd,bus=ide.1'] },
  // default buses, newest controller first; buses of devices without an id
  { machine: 'pc-q35-10.0', line: ['-device', 'qemu-xhci,id=usb', '-device', 'usb-tablet,id=input0,bus=usb.0,port=1'] },
  { machine: 'pc-q35-10.0', line: ['-device', 'qemu-xhci,id=usb1', '-device', 'qemu-xhci,id=usb2', '-device', 'usb-tablet,id=t'] },
  { machine: 'pc-q35-10.0', line: ['-device', 'pcie-root-port,chassis=3', '-device', 'e1000,bus=pcie.0'] },
  // backends named by device properties
  { machine: 'pc-q35-10.0', line: [...null0, '-device', 'virtio-scsi-pci,id=scsi0', '-device', '{"driver":"scsi-hd","bus":"scsi0.0","channel":0,"scsi-id":0,"lun":0,"drive":"d0","id":"scsi0-0-0-0"}'] },
  { machine: 'pc-i440fx-10.0', line: [...null0, '-device', '{"driver":"ide-hd","bus":"ide.0","unit":0,"drive":"d0","id":"ide0-0-0"}'] },
  { machine: 'pc-q35-10.0', line: ['-device', 'virtio-blk-pci,drive=nothere'] },
  // -drive if=none is only a block backend that a -device names
  { machine: 'pc-q35-10.0', line: ['-drive', 'if=none,id=drive-virtio-disk0,driver=null-co,size=1048576', '-device', 'virtio-blk-pci,drive=drive-virtio-disk0,id=virtio-disk0'] },
  // the network: -netdev switches the default NIC off; peers and net_check_clients' warnings
  { machine: 'pc-q35-10.0', nodefaults: false, line: ['-netdev', 'user,id=n0', '-device', 'e1000e,netdev=n0,id=net0'] },
  { machine: 'pc-i440fx-10.0', nodefaults: false, line: ['-netdev', '{"type":"user","id":"hostnet0"}', '-netdev', 'user,id=spare'] },
  { machine: 'pc-q35-10.0', line: ['-netdev', 'user,id=n0', '-device', 'virtio-net-pci', '-device', 'virtio-net-pci,netdev=n0'] },
  // -machine memory-backend=: the machine's RAM is that -object, and it creates no pc.ram of its own
  { machine: 'pc-q35-10.0', line: ['-machine', 'pc-q35-10.0,usb=off,dump-guest-core=off,memory-backend=pc.ram', '-object', '{"qom-type":"memory-backend-ram","id":"pc.ram","size":134217728}'] },
  { machine: 'pc-i440fx-10.0', line: ['-machine', 'pc-i440fx-10.0,memory-backend=nope'] },
  // sugar options: properties registered for objects created later
  { machine: 'pc-q35-10.0', nodefaults: false, line: ['-rtc', 'base=utc,driftfix=slew'] },
  { machine: 'pc-q35-10.0', line: ['-rtc', 'driftfix=fast'] },
  { machine: 'pc-q35-10.0', line: ['-mem-prealloc', '-object', 'memory-backend-ram,id=m0,size=1M'] },
  { machine: 'pc-i440fx-10.0', line: ['-win2k-hack', '-device', 'ide-cd,bus=ide.0'] },
  // -set on an earlier QemuOpts -device (a JSON one is not QemuOpts), and its errors
  { machine: 'pc-i440fx-10.0', line: ['-device', 'e1000,id=n', '-set', 'device.n.mac=52:54:00:00:00:09'] },
  { machine: 'pc-i440fx-10.0', line: ['-device', 'e1000,id=n', '-set', 'device.n.bogus=1'] },
  { machine: 'pc-i440fx-10.0', line: ['-device', '{"driver":"e1000","id":"j"}', '-set', 'device.j.mac=52:54:00:00:00:01'] },
  { machine: 'pc-i440fx-10.0', line: ['-set', 'object.a.b=c'] },
  // -boot: the machine's boot property (no object shows it), machine_set_boot's and fw_cfg's refusals
  { machine: 'pc-q35-10.0', line: ['-boot', 'menu=on,strict=on,order=dc,splash-time=3000,reboot-timeout=1000'] },
  { machine: 'pc-i440fx-10.0', line: ['-boot', 'cd', '-machine', 'pc-i440fx-10.0,boot.strict=on'] },
  { machine: 'pc-q35-10.0', line: ['-boot', 'order=cc'] },
  { machine: 'pc-q35-10.0', line: ['-boot', 'once=z'] },
  { machine: 'pc-q35-10.0', line: ['-boot', 'foo=1'] },
  { machine: 'pc-q35-10.0', line: ['-boot', 'menu=maybe'] },
  { machine: 'pc-q35-10.0', line: ['-boot', 'menu=on,splash-time=70000'] },
  { machine: 'pc-q35-10.0', line: ['-boot', 'reboot-timeout=-2'] },
  { machine: 'microvm', line: ['-boot', 'reboot-timeout=-1'] },
  // QemuOpts -devices are created before JSON ones
  { machine: 'pc-i440fx-10.0', line: ['-device', '{"driver":"e1000","id":"j"}', '-device', 'e1000,id=o'] },
  // -readconfig: its device at the option's place
  { machine: 'pc-i440fx-10.0', line: ['-readconfig', config, '-device', 'e1000,bus=pci.1,addr=0x2'] },
];

lineSuite(defs, {
  title: 'whole command lines agree with QEMU 10.0.2',
  test: 'buses, JSON devices, backends, -readconfig',
  category: 'cmdline', label: 'command lines', cases: CASES, atLeast: { refused: 5, started: 10 }, timeoutMs: 300_000,
});
