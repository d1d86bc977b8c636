/**
 * `resolve -accel kvm` against QEMU 10.0.2 under KVM: the boards the import
 * probed under KVM (kvm-ioapic, kvm-i8259, kvm-pit, kvmclock, kvm-apic) and
 * the CPU's KVM defaults, every property of every object, through the
 * differential harness (test/support/differential.ts). What QEMU takes from
 * the host (the TSC frequency, features the host's KVM lacks and the warning
 * about them) resolve gives as configured and marks configuredOnly; those are
 * counted apart with QEMU's reason, and nothing else may differ.
 *
 * Needs /dev/kvm: skipped without it only outside CI (CI=true makes a missing
 * /dev/kvm a failure). QOM_COMPAT_KVM_ALL=1 compares every machine type (65 ×
 * with and without -nodefaults) instead of the sample; QOM_COMPAT_KVM_DEVICES=N adds every Nth
 * device type alone (see below).
 */
import { accessSync, constants } from 'node:fs';
import { afterAll, describe, expect, it } from '@jest/globals';
import { loadDefinitionsFromDisk } from '../../src/load/fs.js';
import { differential, mapLimit, report, summarize, type Comparison, type Scenario } from '../support/differential.js';
import type { CommandLineOption } from '../../src/resolve/resolve.js';
import { HAVE_QEMU, QEMU_BINARY } from '../support/qemu.js';

function kvmUsable(): boolean {
  try { accessSync('/dev/kvm', constants.R_OK | constants.W_OK); return true; } catch { return false; }
}
const HAVE_KVM = HAVE_QEMU && kvmUsable();
if (!HAVE_KVM && process.env.CI === 'true') throw new Error('kvm live test: /dev/kvm (and QEMU) must be usable in CI');
const describeKvm = HAVE_KVM ? describe : describe.skip;

// QOM_COMPAT_KVM_DEFS=DIR checks a fresh import (e.g. import --machines …) instead of the embedded definitions.
const defs = await loadDefinitionsFromDisk(process.env.QOM_COMPAT_KVM_DEFS ? { dir: process.env.QOM_COMPAT_KVM_DEFS } : {});
const g = (arg: string): CommandLineOption => ({ kind: 'global', arg });
const d = (arg: string): CommandLineOption => ({ kind: 'device', arg });

/** The newest version of a family and three older ones spread over its history. */
function sample(family: RegExp): string[] {
  const names = defs.machines.all().map((m) => m.name).filter((n) => family.test(n));
  const byVersion = [...names].sort((a, b) => version(b) - version(a));
  const pick = [0, Math.floor(byVersion.length / 3), Math.floor((2 * byVersion.length) / 3), byVersion.length - 1];
  return [...new Set(pick.map((i) => byVersion[i]!))];
}
function version(name: string): number {
  const m = /-(\d+)\.(\d+)$/.exec(name);
  return m ? Number(m[1]) * 100 + Number(m[2]) : 0;
}

const machines = process.env.QOM_COMPAT_KVM_ALL === '1'
  ? defs.machines.all().map((m) => m.name).filter((n) => n !== 'none')
  : [...sample(/^pc-q35-/), ...sample(/^pc-i440fx-/), 'microvm', 'isapc'];
/** With QOM_COMPAT_KVM_DEFS (a partial import), only the machines it probed under KVM. */
const probed = (s: { machine: string }) => !process.env.QOM_COMPAT_KVM_DEFS || defs.machines.hasAccelBoard(s.machine, 'kvm');
const boards: Scenario[] = machines.flatMap((machine) => [true, false].map((nodefaults): Scenario => ({
  category: 'kvm-board', machine, nodefaults, options: [], accel: 'kvm',
}))).filter(probed);
const lines: Scenario[] = [
  { machine: 'pc-q35-10.0', nodefaults: true, options: [d('virtio-net-pci'), d('e1000')] },
  { machine: 'pc-q35-10.0', nodefaults: true, options: [g('kvm-pit.lost_tick_policy=delay')] },
  { machine: 'pc-i440fx-10.0', nodefaults: false, options: [g('kvm-pit.lost_tick_policy=discard'), d('virtio-balloon-pci')] },
  { machine: 'pc-q35-10.0', nodefaults: true, options: [], cpu: 'qemu64,x2apic=off,kvmclock=off' },
  { machine: 'pc-q35-10.0', nodefaults: true, options: [g('qemu64-x86_64-cpu.x2apic=off')] },
  { machine: 'pc-i440fx-10.0', nodefaults: true, options: [], cpu: 'qemu64,kvmclock=off' },
  // -machine settings that change the board, probed under KVM too (boards.json variants.kvm)
  { machine: 'pc-q35-10.0', nodefaults: false, options: [], extra: ['-machine', 'pc-q35-10.0,usb=off,vmport=off,hpet=off,acpi=on'] },
  { machine: 'pc-i440fx-10.0', nodefaults: true, options: [], extra: ['-machine', 'pc-i440fx-10.0,acpi=off'] },
  // Named models under KVM: their TCG record carried over (src/resolve/cpu-records.ts kvmModelRecord).
  { machine: 'pc-q35-10.0', nodefaults: true, options: [], cpu: 'Haswell' },
  { machine: 'pc-q35-10.0', nodefaults: true, options: [], cpu: 'EPYC,svm=on,x2apic=off' },
  { machine: 'pc-i440fx-10.0', nodefaults: true, options: [], cpu: 'kvm64,+lahf_lm' },
  { machine: 'pc-q35-8.2', nodefaults: true, options: [], cpu: 'Skylake-Server-v4' },
  { machine: 'pc-q35-9.2', nodefaults: false, options: [g('kvm-ioapic.version=0x11'), d('virtio-blk-pci,drive=d0')],
    extra: ['-blockdev', 'driver=null-co,node-name=d0,size=1048576'] },
  { machine: 'pc-q35-10.0', nodefaults: true, options: [g('kvm-ioapic.version=0x30')] },
  // CPU topology and guest RAM on the KVM board (kvm-apic, no vapic): CPUs, IDs, the RAM split, hotplug NUMA
  { machine: 'pc-q35-10.0', nodefaults: true, options: [], extra: ['-smp', '4,sockets=2,cores=2', '-m', '4G,slots=2,maxmem=8G'] },
  { machine: 'pc-i440fx-10.0', nodefaults: false, options: [], extra: ['-smp', '3', '-m', '5G'] },
  { machine: 'pc-q35-10.0', nodefaults: true, options: [], extra: ['-smp', '4,threads=2', '-m', '1G,slots=1,maxmem=1100G'] },
].map((s): Scenario => ({ category: 'kvm-line', accel: 'kvm', ...s })).filter(probed);

/**
 * QOM_COMPAT_KVM_DEVICES=N: also every Nth user-creatable device type with a lone record on q35 (taken
 * under TCG), created alone under KVM: a measurement of whether lone -device records need a KVM copy.
 */
const deviceStep = Number(process.env.QOM_COMPAT_KVM_DEVICES ?? 0);
const devices: Scenario[] = deviceStep > 0
  ? [...defs.devices.keys()].map((k) => k.split('\u0000')).filter(([option, , host]) => option === 'device' && host === 'q35-pcihost')
    .filter(([, type]) => !defs.devices.get(`device\u0000${type}\u0000q35-pcihost`)?.refused)
    .filter((_, i) => i % deviceStep === 0)
    .map(([, type]): Scenario => ({ category: 'kvm-device', machine: 'pc-q35-10.0', nodefaults: true, options: [d(type!)], accel: 'kvm' }))
  : [];

const results: Comparison[] = [];
afterAll(() => {
  if (!results.length) return;
  const s = summarize(results);
  process.stdout.write(`\n-accel kvm vs QEMU under KVM: ${s.scenarios} command lines, ${s.agree} agree; ${s.values} values compared, `
    + `${s.valuesAgree} equal, ${s.configuredOnly} host-derived or configured-only, ${s.documented} documented\n`);
});

describeKvm('-accel kvm agrees with QEMU 10.0.2 under KVM', () => {
  it('boards and command lines: outcome, messages and every value QEMU shows', async () => {
    const scenarios = [...boards, ...lines, ...devices];
    results.push(...await mapLimit(scenarios, 2, (s) => differential(QEMU_BINARY, defs, s)));
    // The answer is the KVM board's, not TCG's: QEMU's KVM devices are in it, and the TCG ones are not.
    const q35 = results.find((r) => r.scenario.machine === 'pc-q35-10.0' && !r.scenario.nodefaults && r.scenario.category === 'kvm-board')!;
    const types = new Set(q35.resolved.objects.map((o) => o.type));
    for (const t of ['kvm-ioapic', 'kvm-i8259', 'kvm-pit', 'kvmclock', 'kvm-apic']) expect(types).toContain(t);
    for (const t of ['ioapic', 'isa-i8259', 'isa-pit', 'apic']) expect(types).not.toContain(t);
    expect(q35.resolved.assumptions?.join('\n')).toMatch(/probed under KVM/);
    // Each difference resolve gives as configured is one QEMU takes from the host or one a -global changes after configuration.
    for (const r of results) for (const c of r.configuredOnly) expect(c.reason).toMatch(/from the host|after configuration/);
    expect(results.filter((r) => r.observed.started).length).toBeGreaterThan(boards.length);
    expect(report(results)).toBe('');
  }, 300_000);
});
