/**
 * The rewriting of corpus command lines for a host without their resources
 * (test/support/host-resources.ts): each rule keeps the ids QOM links name and
 * records what it changed; lines that need host hardware are not startable.
 */
import { describe, expect, it } from '@jest/globals';
import { joinOpts, splitOpts, substituteHostResources, type HostView } from '../support/host-resources.js';
import { embeddedOptionTable } from '../support/option-table.js';

const table = embeddedOptionTable();
const host: HostView = { exists: (p) => p === '/usr/share/OVMF/OVMF_CODE.fd' || p === '/dev/hwrng', kvm: true };
const run = (...args: string[]) => substituteHostResources(['/usr/bin/qemu-system-x86_64', ...args], table, host, 'libvirt/x.args');

describe('QemuOpts text', () => {
  it('splits on single commas and keeps ,, as a comma', () => {
    expect(splitOpts('socket,id=a,,b,path=/x')).toEqual([['socket', undefined], ['id', 'a,b'], ['path', '/x']]);
    expect(joinOpts(splitOpts('socket,id=a,,b,path=/x'))).toBe('socket,id=a,,b,path=/x');
  });
});

describe('substituteHostResources', () => {
  it('leaves a line without host resources as it is, and records nothing', () => {
    const r = run('-machine', 'pc-q35-9.1,usb=off', '-accel', 'tcg', '-device', 'virtio-balloon-pci,id=b');
    expect(r).toEqual({ args: ['-machine', 'pc-q35-9.1,usb=off', '-accel', 'tcg', '-device', 'virtio-balloon-pci,id=b'], substitutions: [], startable: true, kvm: false });
  });

  it('blockdev: a missing file becomes null-co with the node-name; an image format over it becomes raw; a file that exists stays', () => {
    const r = run('-blockdev', '{"driver":"file","filename":"/var/lib/libvirt/images/a.qcow2","node-name":"s","read-only":false,"discard":"unmap"}',
      '-blockdev', '{"node-name":"f","read-only":false,"driver":"qcow2","file":"s","backing":null}',
      '-blockdev', 'driver=file,filename=/usr/share/OVMF/OVMF_CODE.fd,node-name=c,read-only=on');
    expect(r.args).toEqual(['-blockdev', '{"driver":"null-co","node-name":"s","read-only":false,"discard":"unmap"}',
      '-blockdev', '{"driver":"raw","node-name":"f","read-only":false,"file":"s"}',
      '-blockdev', 'driver=file,filename=/usr/share/OVMF/OVMF_CODE.fd,node-name=c,read-only=on']);
    expect(r.substitutions.map((s) => s.option)).toEqual(['blockdev', 'blockdev']);
  });

  it('blockdev behind pflash or a floppy gets a size the device accepts', () => {
    const r = run('-machine', 'pc,pflash1=v', '-blockdev', '{"driver":"file","filename":"/var/nvram/VARS.fd","node-name":"vs"}',
      '-blockdev', '{"driver":"raw","file":"vs","node-name":"v"}',
      '-drive', 'file=/f.img,if=none,id=fd0', '-device', '{"driver":"floppy","drive":"fd0"}');
    expect(r.args[3]).toBe('{"driver":"null-co","node-name":"vs","size":131072}');
    expect(r.args[7]).toBe('if=none,id=fd0,driver=null-co,size=1474560');
  });

  it('-drive keeps interface, media and id; chardevs, netdevs and audio keep their ids', () => {
    const r = run('-drive', 'file=/x.qcow2,format=qcow2,if=none,id=d,,1,media=disk,aio=native',
      '-chardev', 'socket,id=charmonitor,fd=30,server=on,wait=off', '-chardev', 'pty,id=s0,mux=on,logfile=/var/log/x',
      '-netdev', '{"type":"tap","fd":"32","vhost":true,"vhostfd":"34","id":"hostnet0"}', '-netdev', 'bridge,id=n1,br=virbr0',
      '-audiodev', '{"id":"audio1","driver":"pa","server":"/run/pulse"}', '-chardev', 'ringbuf,id=rb');
    expect(r.args).toEqual(['-drive', 'if=none,id=d,,1,media=disk,driver=null-co',
      '-chardev', 'null,id=charmonitor', '-chardev', 'null,id=s0,mux=on',
      '-netdev', '{"type":"user","id":"hostnet0"}', '-netdev', 'user,id=n1',
      '-audiodev', '{"id":"audio1","driver":"none"}', '-chardev', 'ringbuf,id=rb']);
  });

  it('objects: the libvirt master key as data, hugepages as /dev/shm, host NUMA binding and TLS credentials dropped', () => {
    const r = run('-object', '{"qom-type":"secret","id":"masterKey0","format":"raw","file":"/var/lib/libvirt/qemu/k.aes"}',
      '-object', '{"qom-type":"memory-backend-file","id":"ram-node0","mem-path":"/dev/hugepages2M/libvirt/qemu","prealloc":true,"size":1073741824,"host-nodes":[0,1,2,3],"policy":"bind"}',
      '-object', 'memory-backend-memfd,id=m,hugetlb=on,hugetlbsize=2097152,size=1G',
      '-object', '{"qom-type":"tls-creds-x509","id":"t","dir":"/etc/pki/qemu","endpoint":"client"}',
      '-object', '{"qom-type":"rng-random","id":"r","filename":"/dev/hwrng"}');
    expect(r.args).toEqual([
      '-object', '{"qom-type":"secret","id":"masterKey0","format":"base64","data":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}',
      '-object', '{"qom-type":"memory-backend-file","id":"ram-node0","mem-path":"/dev/shm","prealloc":true,"size":1073741824}',
      '-object', 'memory-backend-memfd,id=m,size=1G',
      '-object', '{"qom-type":"rng-random","id":"r","filename":"/dev/hwrng"}']);
    expect(r.substitutions.find((s) => s.to === null)?.from).toContain('tls-creds-x509');
  });

  it('drops what the harness or this host cannot have; -append goes with its -kernel', () => {
    const r = run('-daemonize', '-pidfile', '/run/x.pid', '-add-fd', 'set=0,fd=3', '-msg', 'timestamp=on', '-kernel', '/boot/vmlinuz', '-append', 'console=ttyS0',
      '-vnc', 'unix:/var/run/x.vnc', '-display', 'gtk', '-serial', 'stdio', '-serial', 'chardev:c');
    expect(r.args).toEqual(['-vnc', 'none', '-display', 'none', '-serial', 'null', '-serial', 'chardev:c']);
    expect(r.substitutions.map((s) => s.option)).toEqual(['daemonize', 'pidfile', 'add-fd', 'msg', 'kernel', 'vnc', 'display', 'serial', 'append']);
  });

  it('Proxmox VE: -id and the +pveN machine suffix go (the upstream binary has neither)', () => {
    const r = run('-id', '8006', '-machine', 'type=pc-q35-9.2+pve1', '-enable-kvm');
    expect(r.args).toEqual(['-machine', 'type=pc-q35-9.2', '-enable-kvm']);
    expect(r.kvm).toBe(true);
  });

  it('a line that needs host hardware is not startable, with the reason', () => {
    expect(run('-device', '{"driver":"vfio-pci","host":"0000:06:12.5","id":"hostdev0"}')).toMatchObject({ startable: false, skip: '-device vfio-pci needs a host device or backend process' });
    expect(run('-tpmdev', 'passthrough,id=tpm0,path=/dev/tpm0')).toMatchObject({ startable: false });
    expect(run('-object', 'sev-guest,id=sev0,cbitpos=47,reduced-phys-bits=1')).toMatchObject({ startable: false });
    expect(run('-readconfig', '/usr/share/qemu-server/pve-q35-4.0.cfg').skip).toMatch(/host's file/);
  });

  it('keyval -blockdev stays keyval (its values are strings); a chardev logs nowhere; thread-context loses the host NUMA nodes', () => {
    const r = run('-blockdev', 'driver=qcow2,node-name=d,cache.direct=off,file.driver=file,file.filename=/x.qcow2',
      '-chardev', 'null,id=c,logfile=/var/log/x.log,logappend=on', '-object', 'thread-context,id=tc,node-affinity=0-3');
    expect(r.args).toEqual(['-blockdev', 'driver=raw,node-name=d,cache.direct=off,file.driver=null-co', '-chardev', 'null,id=c', '-object', 'thread-context,id=tc']);
  });

  it('-nographic without -serial gets -serial null (stdio is the harness\'s QMP); a sound device without -audiodev gets -audio driver=none', () => {
    expect(run('-nographic', '-device', 'intel-hda').args).toEqual(['-nographic', '-device', 'intel-hda', '-serial', 'null', '-audio', 'driver=none']);
    expect(run('-nographic', '-nodefaults').args).toEqual(['-nographic', '-nodefaults']);
  });

  it('a program named …kvm with no accelerator on the line runs as qemu-system-x86_64 (TCG), and the record says so', () => {
    const r = substituteHostResources(['/usr/bin/kvm', '-id', '100', '-m', '512'], table, host, 'proxmox/x.conf.cmd');
    expect(r).toMatchObject({ args: ['-m', '512'], kvm: false });
    expect(r.substitutions.map((s) => [s.option, s.to])).toEqual([['id', null], ['accel', 'tcg']]);
    expect(substituteHostResources(['/usr/bin/kvm', '-accel', 'tcg'], table, host, 'x').substitutions).toEqual([]);
  });

  it('a line QEMU refuses in its first pass runs as it is', () => {
    expect(run('-no-acpi', '-chardev', 'socket,id=c,fd=3')).toMatchObject({ args: ['-no-acpi', '-chardev', 'socket,id=c,fd=3'], startable: true });
  });
});
