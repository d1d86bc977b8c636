/**
 * Board layouts per accelerator (boards.json "accelerators"): the model's
 * look-up, its checks, and what resolve makes of a KVM board: its objects,
 * KVM's CPU defaults (replaced by what the command line configures) and the
 * host's values (given as configured, marked host-derived).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { buildDefinitions, type ValidatedFiles } from '../../src/load/build.js';
import { EMBEDDED_MACHINES_DIR, loadDefinitionsFromDisk } from '../../src/load/fs.js';
import { BoardModelError, linkBoards } from '../../src/model/boards.js';
import { MachineModel } from '../../src/model/machines.js';
import type { BoardsFile, MachinesFile } from '../../src/load/schema.js';
import { resolve } from '../../src/resolve/resolve.js';
import type { ResolveResult } from '../../src/resolve/result.js';
import { BASE_ARGS, baseArgs } from '../../src/qemu/qmp.js';

const machinesFile: MachinesFile = {
  arch: 'x86_64',
  machines: [
    { name: 'm-1.0', type: 'm-1.0-machine', inherits: null, compat: [], board: { defaults: 'tcg', nodefaults: 'tcg-nd' } },
    { name: 'm-0.9', type: 'm-0.9-machine', inherits: 'm-1.0', compat: [], board: { defaults: 'tcg', nodefaults: 'tcg-nd' } },
  ],
} as MachinesFile;
const boardsFile: BoardsFile = {
  arch: 'x86_64',
  layouts: [
    { id: 'tcg', objects: [{ path: '/machine/ioapic', type: 'ioapic' }] },
    { id: 'tcg-nd', objects: [] },
    { id: 'kvm', objects: [{ path: '/machine/ioapic', type: 'kvm-ioapic' }] },
  ],
  accelerators: { kvm: { 'm-1.0': { defaults: 'kvm', nodefaults: 'tcg-nd' } } },
};

describe('board layouts per accelerator', () => {
  const linked = linkBoards(boardsFile);
  const model = new MachineModel(machinesFile, linked.layouts, linked.accelBoards);

  it('TCG\'s layout is machines.json\'s; another accelerator\'s is boards.json\'s, where it was probed', () => {
    expect(model.boardLayout('m-1.0', false)?.objects.map((o) => o.type)).toEqual(['ioapic']);
    expect(model.boardLayout('m-1.0', false, 'kvm')?.objects.map((o) => o.type)).toEqual(['kvm-ioapic']);
    expect(model.boardLayout('m-1.0', true, 'kvm')?.id).toBe('tcg-nd');
    expect(model.hasAccelBoard('m-1.0', 'kvm')).toBe(true);
    expect(model.hasAccelBoard('m-0.9', 'kvm')).toBe(false);
    expect(model.boardLayout('m-0.9', false, 'kvm')).toBeUndefined();
  });

  it('a reference to a layout boards.json does not have is a definition error', () => {
    const bad: BoardsFile = { ...boardsFile, accelerators: { kvm: { 'm-1.0': { defaults: 'kvm', nodefaults: 'nope' } } } };
    expect(() => linkBoards(bad)).toThrow(new BoardModelError("accelerators.kvm.m-1.0 refers to board layout 'nope', which does not exist"));
  });

  it('a machine named __proto__ stays a key, not a prototype', () => {
    const odd = JSON.parse(`{"arch":"x86_64","layouts":[{"id":"kvm","objects":[]}],"accelerators":{"kvm":{"__proto__":{"defaults":"kvm","nodefaults":"kvm"}}}}`) as BoardsFile;
    const l = linkBoards(odd);
    expect(l.accelBoards.get('kvm')?.get('__proto__')).toEqual({ defaults: 'kvm', nodefaults: 'kvm' });
    expect(({} as Record<string, unknown>).defaults).toBeUndefined();
  });
});

describe('resolve -accel kvm on the embedded definitions', () => {
  const defsP = loadDefinitionsFromDisk();
  const cpuOf = (r: ResolveResult) => r.objects.find((o) => o.type === 'qemu64-x86_64-cpu')!;
  const prop = (r: ResolveResult, name: string) => cpuOf(r).properties.find((p) => p.name === name)!;

  it('answers with the board probed under KVM', async () => {
    const defs = await defsP;
    const r = resolve(defs, { machine: 'pc-q35-10.0', accel: 'kvm' });
    const types = new Set(r.objects.map((o) => o.type));
    for (const t of ['kvm-ioapic', 'kvm-i8259', 'kvm-pit', 'kvmclock', 'kvm-apic']) expect(types).toContain(t);
    expect(types).not.toContain('ioapic');
    expect(r.assumptions?.join('\n')).toMatch(/board as probed under KVM/);
    const tcg = resolve(defs, { machine: 'pc-q35-10.0' });
    expect(tcg.objects.some((o) => o.type === 'kvm-ioapic')).toBe(false);
  });

  it('KVM\'s CPU defaults show, and the command line replaces them (also with the value TCG has)', async () => {
    const defs = await defsP;
    const kvm = resolve(defs, { machine: 'pc-q35-10.0', accel: 'kvm', nodefaults: true });
    expect(prop(kvm, 'x2apic').value).toBe(true);
    expect(prop(kvm, 'x2apic').source).toEqual({ kind: 'instance-init', type: 'qemu64-x86_64-cpu', afterCompat: false });
    const off = resolve(defs, { machine: 'pc-q35-10.0', accel: 'kvm', nodefaults: true, cpu: 'qemu64,x2apic=off' });
    expect(prop(off, 'x2apic').value).toBe(false);
    expect(prop(off, 'x2apic').configuredOnly).toBeUndefined();
  });

  it('the host\'s values are given as configured and marked host-derived', async () => {
    const defs = await defsP;
    const r = resolve(defs, { machine: 'pc-q35-10.0', accel: 'kvm', nodefaults: true });
    const tsc = prop(r, 'tsc-frequency');
    expect(tsc.hostDerived).toBe(true);
    expect(tsc.configuredOnly).toMatch(/from the host it runs on/);
    expect(prop(resolve(defs, { machine: 'pc-q35-10.0', nodefaults: true }), 'tsc-frequency').hostDerived).toBeUndefined();
    const host = resolve(defs, { machine: 'pc-q35-10.0', accel: 'kvm', nodefaults: true, cpu: 'host' });
    const cpu = host.objects.find((o) => o.type === 'host-x86_64-cpu')!;
    expect(cpu.properties.filter((p) => !p.hostDerived).map((p) => p.name)).toEqual([]);
    expect(host.assumptions?.join('\n')).toMatch(/-cpu host: under KVM the CPU is the host's/);
  });

  it('another irqchip mode is said not to be the probed board', async () => {
    const defs = await defsP;
    for (const accel of ['kvm,kernel-irqchip=split']) {
      expect(resolve(defs, { machine: 'pc-q35-10.0', accel }).assumptions?.join('\n')).toMatch(/kernel-irqchip=split: the board was probed under KVM with the machine's default irqchip/);
    }
    const legacy = resolve(defs, { machine: 'pc-q35-10.0', accel: 'kvm', sugar: [{ driver: 'kvm-accel', property: 'kernel-irqchip', value: 'split', optional: false, option: '-machine kernel-irqchip=split' }] });
    expect(legacy.assumptions?.join('\n')).toMatch(/kernel-irqchip=split/);
    expect(resolve(defs, { machine: 'pc-q35-10.0', accel: 'kvm' }).assumptions?.join('\n')).not.toMatch(/kernel-irqchip/);
  });

  it('a machine without a KVM board gets TCG\'s, and the answer says so', () => {
    const read = (f: string) => JSON.parse(readFileSync(join(EMBEDDED_MACHINES_DIR, 'x86_64', f), 'utf8')) as never;
    const files: ValidatedFiles = { machines: read('machines.json'), types: read('types.json'), boards: read('boards.json'), accel: read('accel-compat.json') };
    const { accelerators: _kvm, ...tcgOnly } = files.boards;
    const defs = buildDefinitions('(test)', { ...files, boards: tcgOnly });
    const r = resolve(defs, { machine: 'pc-q35-10.0', accel: 'kvm' });
    expect(r.objects.some((o) => o.type === 'ioapic')).toBe(true);
    expect(r.assumptions?.join('\n')).toMatch(/the board layout and CPU defaults are TCG's \(the definitions have no board of pc-q35-10.0 probed under KVM\)/);
  });
});

describe('the probes\' QEMU arguments', () => {
  it('put -accel tcg first only when the line names no accelerator of its own', () => {
    expect(baseArgs(['-M', 'q35'])).toEqual(BASE_ARGS);
    for (const line of [['-accel', 'kvm'], ['-enable-kvm'], ['-machine', 'q35,accel=kvm:tcg'], ['-M', 'accel=kvm']]) {
      expect(baseArgs(line)).not.toContain('tcg');
      expect(baseArgs(line)).toEqual(expect.arrayContaining(['-display', 'none', '-S', '-qmp', 'stdio']));
    }
  });
});
