/**
 * Guest RAM (-m, -machine memory.*, max-ram-below-4g, memory-backend=)
 * against QEMU 10.0.2: the RAM backend's size, the host bridge's split of
 * RAM below and above 4 GiB and its 64-bit PCI hole, the NUMA node memory
 * hotplug adds, and the messages of -m's parser, machine_set_mem and
 * pc_memory_init. Every value QEMU shows on every object is compared
 * (test/support/differential.ts), across the board families and machine
 * versions whose class flags differ (gigabyte alignment, reserved-end,
 * auto-NUMA, the 32-bit address check).
 */
import { loadDefinitionsFromDisk } from '../../src/load/fs.js';
import { lineSuite, type LineCase } from '../support/line-cases.js';

const defs = await loadDefinitionsFromDisk();

const CASES: LineCase[] = [
  // the split below/above 4 GiB on each family, below and above its thresholds
  { machine: 'pc-q35-10.0', line: ['-m', '4096'] },
  { machine: 'pc-q35-10.0', line: ['-m', 'size=2816M'] },
  { machine: 'pc-q35-10.0', line: ['-m', '2815M'] },
  { machine: 'pc-q35-10.0', line: ['-m', '8G'] },
  { machine: 'pc-q35-10.0', line: ['-m', '1.5G'] },
  { machine: 'pc-q35-10.0', line: ['-m', '100001k'] },
  { machine: 'pc-q35-10.0', line: ['-m', '0'] },
  { machine: 'pc-i440fx-10.0', line: ['-m', '4G'] },
  { machine: 'pc-i440fx-10.0', line: ['-m', '3584'] },
  { machine: 'pc-i440fx-10.0', line: ['-m', 'size=219136k'] },
  { machine: 'isapc', line: ['-m', '512M'] },
  { machine: 'microvm', line: ['-m', '4G'] },
  { machine: 'microvm', line: ['-m', '3G'] },
  // memory hotplug: the device-memory region pushes the 64-bit hole up; slots add NUMA node 0
  { machine: 'pc-q35-10.0', line: ['-m', '4G,slots=4,maxmem=16G'] },
  { machine: 'pc-q35-10.0', line: ['-m', '2G,maxmem=8G'] },
  { machine: 'pc-i440fx-10.0', line: ['-m', '2G,slots=10,maxmem=386044M'] },
  { machine: 'pc-q35-5.0', line: ['-m', '1G,maxmem=4G'] },
  { machine: 'pc-i440fx-2.10', line: ['-m', '1G,slots=2,maxmem=4G'] },
  { machine: 'pc-i440fx-2.4', line: ['-m', '4G,slots=2,maxmem=8G'] },
  { machine: 'pc-q35-2.4', line: ['-m', '1G,slots=1,maxmem=2G'] },
  // -machine max-ram-below-4g and memory.size, and -m over it
  { machine: 'pc-q35-10.0', line: ['-machine', 'pc-q35-10.0,max-ram-below-4g=1G', '-m', '4G'] },
  { machine: 'pc-q35-10.0', line: ['-machine', 'pc-q35-10.0,max-ram-below-4g=1536M', '-m', '6G'] },
  { machine: 'pc-i440fx-10.0', line: ['-machine', 'pc-i440fx-10.0,max-ram-below-4g=3968M', '-m', '4G'] },
  { machine: 'pc-q35-10.0', line: ['-machine', 'pc-q35-10.0,memory.size=2G'] },
  { machine: 'pc-q35-10.0', line: ['-machine', 'pc-q35-10.0,memory.size=2G', '-m', '3G'] },
  // the host bridge's own hole size, from -global
  { machine: 'pc-q35-10.0', line: ['-m', '5G', '-global', 'q35-pcihost.pci-hole64-size=64G'] },
  // memory-backend=: the backend's size is the machine's, or must match -m
  { machine: 'pc-q35-10.0', line: ['-machine', 'pc-q35-10.0,memory-backend=pc.ram', '-m', 'size=4194304k', '-object', '{"qom-type":"memory-backend-ram","id":"pc.ram","size":4294967296}'] },
  { machine: 'pc-q35-10.0', line: ['-machine', 'pc-q35-10.0,memory-backend=mem', '-object', 'memory-backend-ram,id=mem,size=6G'] },
  { machine: 'pc-q35-10.0', line: ['-machine', 'pc-q35-10.0,memory-backend=mem', '-m', '1G', '-object', 'memory-backend-ram,id=mem,size=2G'] },
  // refusals: -m's parser, machine_set_mem, pc_memory_init
  { machine: 'pc-q35-10.0', line: ['-m', 'foo'] },
  { machine: 'pc-q35-10.0', line: ['-m', '-1'] },
  { machine: 'pc-q35-10.0', line: ['-m', '4G,foo=1'] },
  { machine: 'pc-q35-10.0', line: ['-m', '1G,slots=x,maxmem=2G'] },
  { machine: 'pc-q35-10.0', line: ['-m', '0x100'] },
  { machine: 'pc-q35-10.0', line: ['-m', '4G,slots=2'] },
  { machine: 'pc-q35-10.0', line: ['-m', '4G,maxmem=2G'] },
  { machine: 'pc-q35-10.0', line: ['-m', '4G,slots=2,maxmem=4G'] },
  { machine: 'pc-q35-10.0', line: ['-m', '4G,slots=300,maxmem=8G'] },
  { machine: 'pc-q35-10.0', line: ['-m', '1G,slots=1,maxmem=1100G'] },
  { machine: 'pc-q35-7.0', line: ['-m', '1G,slots=1,maxmem=1100G'] },
  { machine: 'pc-q35-10.0', line: ['-m', '1G,maxmem=2049M'] },
  { machine: 'pc-q35-10.0', line: ['-machine', 'pc-q35-10.0,memory.size=lots'] },
  { machine: 'isapc', line: ['-m', '4G'] },
  { machine: 'isapc', line: ['-m', '1G,slots=1,maxmem=2G'] },
  { machine: 'pc-q35-10.0', line: ['-m', '2G', '-m', 'maxmem=4G,slots=1'] },
  // pc-dimm: slot, address and size as pc_memory_pre_plug gives them, and its refusals
  ...dimmCases(),
  // -numa nodes: each CPU's node, the machine's RAM as the nodes' memdevs, and parse_numa / numa_complete_configuration's refusals
  ...numaCases(),
];

function numaCases(): LineCase[] {
  const ram = (id: string, size: string) => ['-object', `memory-backend-ram,id=${id},size=${size}`];
  const two = ['-smp', '4', ...ram('r0', '256M'), '-numa', 'node,nodeid=0,cpus=0-1,memdev=r0', ...ram('r1', '256M'), '-numa', 'node,nodeid=1,cpus=2-3,memdev=r1'];
  return [
    { machine: 'pc-i440fx-10.0', line: ['-m', '512M', ...two, '-numa', 'dist,src=0,dst=1,val=20'] },
    { machine: 'pc-q35-10.0', line: ['-m', '512M', ...two] },
    { machine: 'pc-q35-10.0', line: ['-m', '512M', '-smp', '4,sockets=2,cores=2', ...ram('r0', '384M'), ...ram('r1', '128M'),
      '-numa', 'node,nodeid=0,cpus=0,cpus=2,memdev=r0', '-numa', 'node,nodeid=1,cpus=1,cpus=3,memdev=r1'] },
    { machine: 'pc-q35-10.0', line: ['-m', '512M,slots=2,maxmem=2G', ...two, ...ram('d', '128M'), '-device', 'pc-dimm,memdev=d,node=1'] },
    { machine: 'pc-i440fx-10.0', line: ['-m', '1G', ...two] },
    { machine: 'pc-i440fx-10.0', line: ['-m', '512M', '-smp', '4', ...ram('r0', '512M'), '-numa', 'node,nodeid=0,cpus=0-5,memdev=r0'] },
    { machine: 'pc-i440fx-10.0', line: ['-m', '512M', '-smp', '4', ...ram('r0', '512M'), '-numa', 'node,nodeid=1,cpus=0-3,memdev=r0'] },
    { machine: 'pc-i440fx-10.0', line: ['-m', '512M', '-smp', '4', '-numa', 'node,nodeid=0,cpus=0-3,memdev=nope'] },
    { machine: 'pc-i440fx-10.0', line: ['-machine', 'pc-i440fx-10.0,memory-backend=r0', '-m', '512M', ...ram('r0', '512M'), '-numa', 'node,memdev=r0'] },
  ];
}

function dimmCases(): LineCase[] {
  const ram = (id: string, size: string) => ['-object', `memory-backend-ram,id=${id},size=${size}`];
  const dimm = (props: string) => ['-device', `pc-dimm,${props}`];
  return [
    { machine: 'pc-q35-10.0', line: ['-m', '1G,slots=4,maxmem=8G', ...ram('m0', '512M'), ...ram('m1', '1G'), '-object', 'memory-backend-memfd,id=m2,size=64M',
      ...dimm('id=d0,memdev=m0'), ...dimm('id=d1,memdev=m1,slot=3'), ...dimm('memdev=m2')] },
    { machine: 'pc-i440fx-10.0', line: ['-m', '4G,slots=2,maxmem=8G', ...ram('m0', '512M'), ...ram('m1', '256M'), ...dimm('id=d0,memdev=m0,addr=0x180000000'), ...dimm('id=d1,memdev=m1')] },
    { machine: 'pc-q35-10.0', line: ['-m', '6G,slots=3,maxmem=12G', ...ram('m0', '1G'), ...ram('m1', '2G'), ...dimm('id=d0,memdev=m0,node=0'), ...dimm('id=d1,memdev=m1')] },
    { machine: 'pc-i440fx-2.10', line: ['-m', '1G,slots=2,maxmem=4G', ...ram('m0', '512M'), ...dimm('memdev=m0')] },
    { machine: 'pc-q35-10.0', line: ['-m', '1G,maxmem=2G', ...ram('m0', '512M'), ...dimm('memdev=m0')] },
    { machine: 'pc-q35-10.0', line: ['-m', '1G,slots=2,maxmem=2G', ...ram('m0', '512M'), ...dimm('memdev=m0'), ...dimm('memdev=m0')] },
    { machine: 'pc-q35-10.0', line: ['-m', '1G,slots=2,maxmem=2G', ...ram('m0', '2G'), ...dimm('memdev=m0')] },
    { machine: 'pc-q35-10.0', line: ['-machine', 'pc-q35-10.0,acpi=off', '-m', '1G,slots=2,maxmem=2G', ...ram('m0', '512M'), ...dimm('memdev=m0')] },
    { machine: 'pc-q35-10.0', line: ['-m', '1G,slots=2,maxmem=2G', ...ram('m0', '512M'), ...ram('m1', '256M'), ...dimm('id=a,memdev=m0'), ...dimm('memdev=m1,addr=0x100200000')] },
    { machine: 'pc-q35-10.0', line: ['-m', '1G,slots=2,maxmem=2G', ...ram('m0', '512M'), ...dimm('memdev=m0,addr=0x400000000')] },
    { machine: 'pc-q35-10.0', line: ['-m', '1G,slots=2,maxmem=2G', ...ram('m0', '3M'), ...dimm('memdev=m0')] },
    { machine: 'pc-q35-10.0', line: ['-m', '1G,slots=1,maxmem=2G', ...ram('m0', '256M'), ...ram('m1', '256M'), ...dimm('memdev=m0'), ...dimm('memdev=m1,slot=0')] },
    { machine: 'pc-q35-10.0', line: ['-m', '1G,slots=1,maxmem=2G', ...dimm('id=x')] },
  ];
}

lineSuite(defs, {
  title: 'guest RAM agrees with QEMU 10.0.2',
  test: '-m, memory.*, max-ram-below-4g, memory-backend=: values and messages',
  category: 'memory', label: '-m', cases: CASES, atLeast: { refused: 24, started: 33 }, timeoutMs: 400_000,
});
