/**
 * `diff FROM TO [line]` against QEMU 10.0.2: the same command line started
 * under each machine type, every property of every object read back with
 * qom-get (and the migration object's parameters), and the differences QEMU
 * shows compared with the ones `diff` lists: the same objects, the same
 * properties, the same values on each side.
 */
import { expect, it } from '@jest/globals';
import { diffResults } from '../../src/compare/vm-diff.js';
import { migrationField } from '../../src/import/observe-boards.js';
import { loadDefinitionsFromDisk } from '../../src/load/fs.js';
import { resolve } from '../../src/resolve/resolve.js';
import { shownText } from '../../src/resolve/shown.js';
import { expectations, formatJson, mapLimit, runQemu, type QemuObservation, type Scenario } from '../support/differential.js';
import { describeLive, QEMU_BINARY } from '../support/qemu.js';
import { toRequest } from '../../src/commands/qemu-line.js';
import { parseQemuCommandLine } from '../../src/parse/command-line.js';
import { embeddedOptionTable } from '../support/option-table.js';

const defs = await loadDefinitionsFromDisk();
const null0 = ['-blockdev', '{"driver":"null-co","node-name":"d0","size":1048576}'];

const CASES: Array<{ from: string; to: string; nodefaults: boolean; line: string[] }> = [
  { from: 'pc-q35-8.2', to: 'pc-q35-9.1', nodefaults: false, line: ['-device', 'virtio-net-pci'] },
  { from: 'pc-q35-8.2', to: 'pc-q35-9.1', nodefaults: true, line: ['-device', 'virtio-net-pci'] },
  { from: 'pc-i440fx-7.2', to: 'pc-i440fx-10.0', nodefaults: false, line: [] },
  { from: 'pc-q35-5.2', to: 'pc-q35-6.0', nodefaults: true, line: [...null0, '-device', 'virtio-blk-pci,drive=d0', '-device', 'qemu-xhci', '-device', 'usb-tablet'] },
  { from: 'pc-q35-2.12', to: 'pc-q35-3.1', nodefaults: true, line: ['-device', 'e1000e', '-device', 'virtio-balloon-pci'] },
  { from: 'pc-i440fx-4.2', to: 'pc-i440fx-5.0', nodefaults: true, line: ['-device', 'virtio-scsi-pci', '-device', 'virtio-serial-pci'] },
  { from: 'pc-q35-9.0', to: 'pc-q35-9.2', nodefaults: true, line: ['-object', 'memory-backend-ram,id=m0,size=4M', '-device', 'virtio-gpu-pci'] },
  { from: 'pc-q35-6.2', to: 'pc-q35-7.0', nodefaults: false, line: ['-device', 'pcie-root-port,id=rp1,chassis=1', '-device', 'virtio-net-pci,bus=rp1'] },
];

/** "path.prop" → value text on each side, for every property whose value differs. */
type Differences = Map<string, [string, string]>;

function qemuDifferences(a: QemuObservation, b: QemuObservation): { props: Differences; objects: string[] } {
  const props: Differences = new Map();
  const objects: string[] = [];
  for (const path of new Set([...a.objects.keys(), ...b.objects.keys()])) {
    const x = a.objects.get(path);
    const y = b.objects.get(path);
    if (!x || !y) { objects.push(path); continue; }
    for (const name of new Set([...x.keys(), ...y.keys()])) {
      const v = x.get(name);
      const w = y.get(name);
      const t1 = v ? (v.ok ? formatJson(v.value) : `error`) : '<absent>';
      const t2 = w ? (w.ok ? formatJson(w.value) : `error`) : '<absent>';
      if (t1 !== t2) props.set(`${path}.${name}`, [t1, t2]);
    }
  }
  return { props, objects: objects.sort() };
}

describeLive('diff agrees with QEMU 10.0.2', () => {
  it('lists exactly the changes QEMU makes between two machine types', async () => {
    const table = embeddedOptionTable();
    const failures: string[] = [];
    let compared = 0;
    await mapLimit(CASES, 2, async (c) => {
      const words = [...(c.nodefaults ? ['-nodefaults'] : []), ...c.line];
      const parsed = parseQemuCommandLine(words, table);
      if (!parsed.ok) throw new Error(parsed.error);
      const request = toRequest(parsed.line, 'qdev', c.from);
      const ra = resolve(defs, { ...request, machine: c.from });
      const rb = resolve(defs, { ...request, machine: c.to });
      const ours = diffResults(ra, rb);
      const paths = [...new Set([...expectations(ra, defs.types), ...expectations(rb, defs.types)].flatMap((o) => (o.path ? [o.path] : [])))];
      const scenario = (machine: string): Scenario => ({ machine, nodefaults: c.nodefaults, options: [], extra: c.line });
      const [qa, qb] = await Promise.all([runQemu(QEMU_BINARY, scenario(c.from), paths, defs.types), runQemu(QEMU_BINARY, scenario(c.to), paths, defs.types)]);
      const label = `${c.from} → ${c.to} ${words.join(' ')}`;
      if (!qa.started || !qb.started) { failures.push(`${label}: QEMU did not start: ${qa.error ?? qb.error}`); return; }
      const theirs = qemuDifferences(qa, qb);
      const mine: Differences = new Map();
      const text = (v: unknown) => (v === null || v === undefined ? '<absent>' : shownText(v as never));
      for (const p of ours.properties) {
        if (p.path === null) {
          // Outside the tree only the migration object is readable, through its parameters and capabilities.
          if (p.type !== 'migration') continue;
          if (!migrationField(p.property, qa.migration!) || !migrationField(p.property, qb.migration!)) continue;
          mine.set(`migration.${p.property}`, [text(p.from?.value), text(p.to?.value)]);
          continue;
        }
        mine.set(`${p.path}.${p.property}`, [text(p.from?.value), text(p.to?.value)]);
      }
      const migration = ra.objects.find((o) => o.path === null && o.type === 'migration');
      for (const p of migration?.properties ?? []) {
        const x = migrationField(p.name, qa.migration!);
        const y = migrationField(p.name, qb.migration!);
        if (x && y && formatJson(x.value) !== formatJson(y.value)) theirs.props.set(`migration.${p.name}`, [formatJson(x.value), formatJson(y.value)]);
      }
      // Values QEMU computes when read (the RTC's date, from the host clock) differ between any two runs.
      const volatile = new Set([ra, rb].flatMap((r) => r.objects.flatMap((o) => o.properties.filter((p) => p.volatile).map((p) => `${o.path}.${p.name}`))));
      for (const [k, v] of theirs.props) {
        if (volatile.has(k)) continue;
        compared++;
        const m = mine.get(k);
        if (!m) failures.push(`${label}: QEMU changes ${k} ${v[0]} → ${v[1]}; diff does not list it`);
        else if (m[0] !== v[0] || m[1] !== v[1]) failures.push(`${label}: ${k}: diff says ${m[0]} → ${m[1]}, QEMU shows ${v[0]} → ${v[1]}`);
      }
      for (const [k, m] of mine) if (!theirs.props.has(k)) failures.push(`${label}: diff lists ${k} ${m[0]} → ${m[1]}; QEMU shows no change`);
      const ourObjects = ours.objects.flatMap((o) => (o.path ? [o.path] : [])).sort();
      if (JSON.stringify(ourObjects) !== JSON.stringify(theirs.objects.filter((p) => paths.includes(p)))) failures.push(`${label}: objects: diff ${ourObjects.join(' ')}; QEMU ${theirs.objects.join(' ')}`);
    });
    process.stdout.write(`diff vs QEMU: ${CASES.length} configurations, ${compared} changes QEMU shows\n`);
    expect(failures).toEqual([]);
  }, 600_000);
});
