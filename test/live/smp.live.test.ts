/**
 * CPU topology (-smp, -machine smp.*) against QEMU 10.0.2: the board's CPUs
 * (and the device numbers after them), their APIC and topology IDs, their
 * local APICs, CPUID HT/CmpLegacy with more than one thread per package,
 * memory backends' prealloc-threads, the AMD hyperthreading warning, and
 * machine_parse_smp_config's messages, on each board family and on versions
 * that prefer sockets. Every value QEMU shows on every object is compared.
 */
import { loadDefinitionsFromDisk } from '../../src/load/fs.js';
import { lineSuite, type LineCase } from '../support/line-cases.js';

const defs = await loadDefinitionsFromDisk();

const CASES: LineCase[] = [
  { machine: 'pc-q35-10.0', line: ['-smp', '4'] },
  { machine: 'pc-q35-10.0', nodefaults: false, line: ['-smp', '2,sockets=2,cores=1,threads=1'] },
  { machine: 'pc-q35-10.0', line: ['-smp', '16,sockets=2,dies=1,clusters=1,cores=4,threads=2'] },
  { machine: 'pc-q35-10.0', line: ['-smp', '6,sockets=1,dies=1,clusters=1,cores=2,threads=3'] },
  { machine: 'pc-q35-10.0', line: ['-smp', '2,maxcpus=6,sockets=6,cores=1,threads=1'] },
  { machine: 'pc-q35-10.0', line: ['-smp', '8,sockets=2,dies=2,cores=2'] },
  { machine: 'pc-q35-10.0', line: ['-smp', '4,modules=2'] },
  { machine: 'pc-q35-10.0', line: ['-smp', '1,maxcpus=4,cores=4'] },
  { machine: 'pc-q35-10.0', line: ['-smp', 'cpus=3', '-smp', 'maxcpus=4'] },
  { machine: 'pc-q35-10.0', line: ['-machine', 'pc-q35-10.0,smp.cpus=2'] },
  { machine: 'pc-i440fx-10.0', nodefaults: false, line: ['-smp', '4'] },
  { machine: 'pc-i440fx-6.1', line: ['-smp', '4'] },
  { machine: 'pc-q35-6.2', line: ['-smp', '4,threads=2'] },
  { machine: 'pc-q35-5.0', line: ['-smp', '3'] },
  { machine: 'microvm', line: ['-smp', '2'] },
  // with guest RAM: NUMA node 0 on every CPU; memory backends' prealloc-threads
  { machine: 'pc-q35-10.0', line: ['-smp', '2', '-m', '1G,slots=1,maxmem=2G'] },
  { machine: 'pc-q35-10.0', line: ['-smp', '3', '-object', 'memory-backend-ram,id=m0,size=1M'] },
  { machine: 'pc-q35-10.0', line: ['-smp', '2', '-mem-prealloc', '-object', 'memory-backend-ram,id=m0,size=1M'] },
  // refusals
  { machine: 'pc-q35-10.0', line: ['-smp', 'foo'] },
  { machine: 'pc-q35-10.0', line: ['-smp', '0'] },
  { machine: 'pc-q35-10.0', line: ['-smp', '4,sockets=3'] },
  { machine: 'pc-q35-10.0', line: ['-smp', '2,maxcpus=1'] },
  { machine: 'pc-q35-10.0', line: ['-smp', '4,clusters=2'] },
  { machine: 'pc-q35-10.0', line: ['-smp', '4,books=2'] },
  { machine: 'pc-q35-10.0', line: ['-smp', '4,bogus=1'] },
  { machine: 'pc-q35-10.0', line: ['-smp', '2,threads=x'] },
  { machine: 'pc-q35-10.0', line: ['-smp', '-1'] },
  { machine: 'pc-i440fx-10.0', line: ['-smp', '256'] },
  { machine: 'pc-q35-5.0', line: ['-smp', '300'] },
  { machine: 'isapc', line: ['-smp', '2'] },
  { machine: 'microvm', line: ['-smp', '4,dies=2'] },
];

lineSuite(defs, {
  title: 'CPU topology agrees with QEMU 10.0.2',
  test: '-smp and smp.*: CPUs, their IDs and CPUID bits, messages',
  category: 'smp', label: '-smp', cases: CASES, atLeast: { refused: 10, started: 15 }, timeoutMs: 400_000,
});
