/**
 * The committed data is what the real QEMU reports: `list --format json`
 * equals query-machines for every machine, the type model has every type
 * qom-list-types reports with the same parents, and a fresh import (board
 * probes limited to a few machines and device records to a few types, to keep
 * CI short) reproduces the files, what QEMU shows on those included.
 */
import { beforeAll, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listMachines } from '../../src/commands/list.js';
import { importDefinitions } from '../../src/import/importer.js';
import { listTypes, queryMachines, type QmpMachine, type QmpType } from '../../src/import/qmp-introspect.js';
import { loadDefinitionsFromDisk, EMBEDDED_MACHINES_DIR } from '../../src/load/fs.js';
import { QmpSession } from '../../src/qemu/qmp.js';
import { describeLive, QEMU_BINARY } from '../support/qemu.js';

/** Board probes: the lone -device records are taken on the first two (the q35 and pc aliases). */
const PROBED = ['pc-q35-10.0', 'pc-i440fx-10.0', 'pc-i440fx-2.4', 'isapc'];
/** Device types whose lone -device records are re-read (all 436 would take minutes). */
const DEVICES = ['e1000', 'virtio-net-pci', 'isa-serial', 'VGA', 'pcie-root-port'];

describeLive('committed x86_64 data against the real QEMU', () => {
  let machines: QmpMachine[];
  let types: QmpType[];
  beforeAll(async () => {
    const qmp = await QmpSession.start(QEMU_BINARY, ['-M', 'none', '-nodefaults']);
    machines = await queryMachines(qmp);
    types = await listTypes(qmp);
    await qmp.quit();
  });

  it('list --format json equals query-machines for every machine', async () => {
    const listed = listMachines(await loadDefinitionsFromDisk());
    expect(listed.length).toBe(machines.length);
    const byName = new Map(listed.map((m) => [m.name, m]));
    for (const m of machines) {
      const l = byName.get(m.name);
      expect(l).toBeDefined();
      expect({ name: l!.name, alias: l!.alias, isDefault: l!.isDefault, deprecated: l!.deprecated })
        .toEqual({ name: m.name, alias: m.alias, isDefault: m.isDefault, deprecated: m.deprecated });
      expect(l!.compatProps.map(({ driver, property, value }) => ({ driver, property, value }))).toEqual(m.compatProps);
    }
  });

  it('the type model has every QOM type with the same parent and abstract flag', async () => {
    const defs = await loadDefinitionsFromDisk();
    expect(defs.types.size).toBe(types.length);
    for (const t of types) {
      expect({ name: t.name, parent: defs.types.get(t.name)?.parent, abstract: defs.types.get(t.name)?.abstract }).toEqual(t);
    }
  });

  it('a fresh import reproduces the committed files', async () => {
    const out = mkdtempSync(join(tmpdir(), 'qom-compat-import-'));
    try {
      const filter = (n: string) => PROBED.includes(n);
      await importDefinitions({ binary: QEMU_BINARY, outRoot: out, machineFilter: filter, deviceFilter: (t) => DEVICES.includes(t), progress: () => {} });
      const read = (root: string, f: string) => JSON.parse(readFileSync(join(root, 'x86_64', f), 'utf8'));
      expect(read(out, 'types.json')).toEqual(read(EMBEDDED_MACHINES_DIR, 'types.json'));
      const fresh = read(out, 'machines.json');
      const committed = read(EMBEDDED_MACHINES_DIR, 'machines.json');
      const withoutBoards = (f: { machines: Array<Record<string, unknown>> }) => ({ ...f, machines: f.machines.map(({ board: _b, ...m }) => m) });
      expect(withoutBoards(fresh)).toEqual(withoutBoards(committed));
      const freshDefs = await loadDefinitionsFromDisk({ root: out });
      const committedDefs = await loadDefinitionsFromDisk();
      for (const name of PROBED) {
        for (const nodefaults of [true, false]) {
          expect(freshDefs.machines.boardLayout(name, nodefaults)?.objects).toEqual(committedDefs.machines.boardLayout(name, nodefaults)?.objects);
          // Under KVM (probed where /dev/kvm works): the same objects in the same order. Their CPU records name the
          // features the importing host's KVM lacked (hostDerived), which depend on the host, so only the layout is compared.
          if (freshDefs.machines.hasAccelBoard(name, 'kvm')) {
            const shape = (d: typeof freshDefs) => d.machines.boardLayout(name, nodefaults, 'kvm')?.objects.map((o) => `${o.path} ${o.type}`);
            expect(shape(freshDefs)).toEqual(shape(committedDefs));
          }
        }
      }
      // What a lone -device shows, per PCI host bridge (record ids depend on what else was read; contents must not).
      const deviceKeys = [...committedDefs.devices.keys()].filter((k) => DEVICES.includes(k.split('\u0000')[1]!));
      expect(deviceKeys.length).toBeGreaterThanOrEqual(DEVICES.length);
      expect([...freshDefs.devices.keys()].sort()).toEqual(deviceKeys.sort());
      for (const k of deviceKeys) expect([k, freshDefs.devices.get(k)]).toEqual([k, committedDefs.devices.get(k)]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 600_000);
});
