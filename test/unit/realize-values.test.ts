/**
 * Values realize computes from outside the device, as qom-get shows them on
 * qemu-system-x86_64 10.0.2: virtio-blk and virtio-scsi PCI devices size
 * their queues from the vCPUs ("auto" num-queues becomes one per vCPU and
 * unspecified vectors follow, virtio_pci_optimal_num_queues; -smp 6 here,
 * pc-q35-5.1's compat sets one queue), and scsi-hd takes its device_id from
 * the serial or the -drive.
 */
import { describe, expect, it } from '@jest/globals';
import { loadDefinitionsFromDisk } from '../../src/load/fs.js';
import { resolve } from '../../src/resolve/resolve.js';
import { emptyBackends } from '../../src/parse/backends.js';

const defs = await loadDefinitionsFromDisk();

function queues(machine: string, blk: string, scsi: string) {
  const r = resolve(defs, {
    machine, nodefaults: true, smp: [['cpus', '6']],
    backends: { ...emptyBackends(), drives: ['d0'] },
    options: [{ kind: 'device', arg: `virtio-blk-pci,drive=d0,id=vb${blk}` }, { kind: 'device', arg: `virtio-scsi-pci,id=vs${scsi}` }],
  });
  expect(r.error).toBeNull();
  const get = (path: string, name: string) => r.objects.find((o) => o.path === path)?.properties.find((p) => p.name === name);
  const shown = (path: string, name: string) => {
    const p = get(path, name)!;
    expect(p.configuredOnly).toBeUndefined();
    return Number(p.value);
  };
  return [
    shown('/machine/peripheral/vb', 'num-queues'), shown('/machine/peripheral/vb/virtio-backend', 'num-queues'), shown('/machine/peripheral/vb', 'vectors'),
    shown('/machine/peripheral/vs', 'num_queues'), shown('/machine/peripheral/vs/virtio-backend', 'num_queues'), shown('/machine/peripheral/vs', 'vectors'),
  ];
}

describe('virtio queues and vectors from -smp', () => {
  it.each([
    ['pc-q35-10.0', '', '', [6, 6, 7, 6, 6, 9]],
    ['pc-q35-10.0', ',num-queues=3', ',num_queues=3', [3, 3, 4, 3, 3, 6]],
    ['pc-q35-10.0', ',num-queues=3,vectors=9', ',num_queues=3,vectors=9', [3, 3, 9, 3, 3, 9]],
    ['pc-q35-5.1', '', '', [1, 1, 2, 1, 1, 4]],
    ['pc-q35-5.1', ',num-queues=3', ',num_queues=3', [3, 3, 4, 3, 3, 6]],
  ])('%s%s', (machine, blk, scsi, expected) => {
    expect(queues(machine, blk, scsi)).toEqual(expected);
  });
});

/** scsi_realize: an unset device_id is the serial, else the -drive's id (qom-get on 10.0.2). */
describe('scsi-hd device_id from the serial or the -drive', () => {
  it.each([
    ['-blockdev node (anonymous BlockBackend)', { drives: ['n0'], blockBackends: [] }, 'drive=n0', ''],
    ['-drive id', { drives: ['dr0'], blockBackends: ['dr0'] }, 'drive=dr0', 'dr0'],
    ['serial', { drives: ['dr0'], blockBackends: ['dr0'] }, 'drive=dr0,serial=SER1', 'SER1'],
    ['device_id given', { drives: ['dr0'], blockBackends: ['dr0'] }, 'drive=dr0,device_id=X', 'X'],
  ])('%s', (_, drives, props, expected) => {
    const r = resolve(defs, {
      machine: 'pc-q35-10.0', nodefaults: true, backends: { ...emptyBackends(), ...drives },
      options: [{ kind: 'device', arg: 'virtio-scsi-pci,id=vs' }, { kind: 'device', arg: `scsi-hd,id=sd,${props}` }],
    });
    expect(r.error).toBeNull();
    expect(r.objects.find((o) => o.path === '/machine/peripheral/sd')?.properties.find((p) => p.name === 'device_id')?.value).toBe(expected);
  });
});
