/**
 * Every property of every object has a value, or says why QEMU shows none
 * (issue #8): objects outside the QOM tree (the accelerator, the migration
 * object, the NIC model probes QEMU finalizes during start-up) and properties
 * whose qom-get fails. The values QEMU shows are tested against QEMU itself
 * in test/live and test/corpus.
 */
import { describe, expect, it } from '@jest/globals';
import { loadDefinitionsFromDisk } from '../../src/load/fs.js';
import { resolve } from '../../src/resolve/resolve.js';
import type { ResolveResult } from '../../src/resolve/result.js';

const defs = await loadDefinitionsFromDisk();
const props = (r: ResolveResult, pred: (o: ResolveResult['objects'][number]) => boolean) =>
  r.objects.filter(pred).map((o) => Object.fromEntries(o.properties.map((p) => [p.name, p])));

describe('values QEMU does not show', () => {
  const machines = ['pc-q35-10.0', 'pc-i440fx-10.0', 'pc-q35-9.1', 'microvm', 'isapc', 'none'];
  it.each(machines.flatMap((m) => [[m, false], [m, true]] as const))('%s (nodefaults %s): no null without a reason', (machine, nodefaults) => {
    const r = resolve(defs, { machine, nodefaults });
    expect(r.error).toBeNull();
    const unexplained = r.objects.flatMap((o) => o.properties
      .filter((p) => p.value === null && !p.volatile && !p.notShown && !p.configuredOnly)
      .map((p) => `${o.path ?? `(${o.type})`}.${p.name}`));
    expect(unexplained).toEqual([]);
  });

  it('a device QEMU never realizes holds what qdev\'s getters give it', () => {
    const r = resolve(defs, { machine: 'pc-q35-10.0' });
    const probes = props(r, (o) => o.transient && o.type === 'e1000');
    expect(probes).toHaveLength(1);
    const [e1000] = probes;
    expect([e1000!.realized!.value, e1000!.hotplugged!.value, e1000!.hotpluggable!.value, e1000!.parent_bus!.value]).toEqual([false, false, true, '']);
    expect(e1000!.mac!.value).toBeNull();
    expect(e1000!.mac!.notShown).toMatch(/finalizes it before anything can read it/);
    const [migration] = props(r, (o) => o.type === 'migration');
    expect(migration!.realized!.value).toBe(false);
    expect(migration!.parent_bus!.value).toBe('');
  });

  it('the TCG accelerator: what tcg_accel_instance_init sets', () => {
    const [tcg] = props(resolve(defs, { machine: 'pc-q35-10.0' }), (o) => o.type === 'tcg-accel');
    expect(Object.fromEntries(['one-insn-per-tb', 'split-wx', 'tb-size', 'thread'].map((n) => [n, tcg![n]!.value])))
      .toEqual({ 'one-insn-per-tb': false, 'split-wx': false, 'tb-size': 0n, thread: 'multi' });
    expect(tcg!.thread!.source).toEqual({ kind: 'instance-init', type: 'tcg-accel', afterCompat: false });
    const [user] = props(resolve(defs, { machine: 'pc-q35-10.0', accel: 'tcg,thread=single,tb-size=64' }), (o) => o.type === 'tcg-accel');
    expect([user!.thread!.value, user!['tb-size']!.value]).toEqual(['single', 64n]);
  });

  it('a property whose qom-get fails on the board says so', () => {
    const [cpu] = props(resolve(defs, { machine: 'pc-q35-10.0' }), (o) => o.path === '/machine/unattached/device[0]');
    expect(cpu!['crash-information']!.value).toBeNull();
    expect(cpu!['crash-information']!.notShown).toMatch(/qom-get fails/);
    expect(cpu!.family!.notShown).toBeUndefined();
  });
});
