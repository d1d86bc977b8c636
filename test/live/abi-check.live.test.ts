/**
 * `abi-check` QEMU 7.2 → 10.0.2 against both binaries: for a sample of
 * machine types, each finding on an object in the tree is read back with
 * qom-get on the old binary (QEMU 7.2, ../shared/tools/get-qemu-7.2.sh; path
 * in QOM_COMPAT_QEMU_72) and on the new one: a changed value must read as the
 * old value on 7.2 and the new on 10.0.2; a new property must be absent on
 * 7.2; a property gone must be absent on 10.0.2.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { abiCheck } from '../../src/compare/abi-check.js';
import type { PropertyDiff } from '../../src/compare/vm-diff.js';
import { EMBEDDED_MACHINES_DIR, loadDefinitionsFromDisk } from '../../src/load/fs.js';
import { QmpError, QmpSession } from '../../src/qemu/qmp.js';
import type { ExactJson } from '../../src/qemu/json-exact.js';
import { shownText } from '../../src/resolve/shown.js';
import { formatJson } from '../support/differential.js';
import { QEMU_BINARY } from '../support/qemu.js';

const QEMU_72 = process.env.QOM_COMPAT_QEMU_72 ?? join(process.cwd(), '..', 'qemu-7.2', 'qemu-system-x86_64');
const HAVE_72 = existsSync(QEMU_72) && existsSync(QEMU_BINARY);
if (!HAVE_72 && process.env.CI === 'true') throw new Error(`abi-check live test: ${QEMU_72} is missing in CI (../shared/tools/get-qemu-7.2.sh)`);
const describe72 = HAVE_72 ? describe : describe.skip;

const SAMPLE = ['pc-q35-7.2', 'pc-i440fx-7.2', 'pc-q35-5.0', 'pc-i440fx-2.12'];

type Read = Map<string, Map<string, ExactJson | undefined>>;

async function readAll(binary: string, machine: string, nodefaults: boolean, paths: readonly string[]): Promise<Read> {
  const qmp = await QmpSession.start(binary, ['-M', machine, ...(nodefaults ? ['-nodefaults'] : [])]);
  const out: Read = new Map();
  try {
    for (const path of new Set(paths)) {
      const props = new Map<string, ExactJson | undefined>();
      let listed: Array<{ name: string; type: string }>;
      try {
        listed = (await qmp.execute('qom-list', { path })) as Array<{ name: string; type: string }>;
      } catch (e) {
        if (e instanceof QmpError) { out.set(path, props); continue; }
        throw e;
      }
      for (const p of listed) {
        if (p.type.startsWith('child<')) continue;
        try { props.set(p.name, await qmp.execute('qom-get', { path, property: p.name })); } catch (e) { if (!(e instanceof QmpError)) throw e; props.set(p.name, undefined); }
      }
      out.set(path, props);
    }
  } finally {
    await qmp.quit();
  }
  return out;
}

describe72('abi-check agrees with QEMU 7.2 and QEMU 10.0.2', () => {
  it('every sampled finding on an object in the tree is what the two binaries show', async () => {
    const from = await loadDefinitionsFromDisk({ dir: join(EMBEDDED_MACHINES_DIR, 'qemu-7.2', 'x86_64') });
    const to = await loadDefinitionsFromDisk();
    const report = abiCheck({ defs: from, model: 'qdev' }, { defs: to, model: 'qdev' }, SAMPLE, [
      { label: '', request: { nodefaults: false } }, { label: '-nodefaults', request: { nodefaults: true } },
    ]);
    expect(report.machines).toEqual([...SAMPLE].sort());
    const failures: string[] = [];
    let checked = 0;
    for (const f of report.findings) {
      const inTree = (p: PropertyDiff) => p.path !== null && (p.fromPath === undefined || p.fromPath !== null);
      const items: Array<[PropertyDiff, 'changed' | 'new' | 'gone']> = [
        ...f.changed.filter(inTree).filter((p) => p.from!.value !== null && p.to!.value !== null).map((p) => [p, 'changed'] as [PropertyDiff, 'changed']),
        ...f.added.filter(inTree).map((p) => [p, 'new'] as [PropertyDiff, 'new']),
        ...f.gone.filter(inTree).map((p) => [p, 'gone'] as [PropertyDiff, 'gone']),
      ];
      if (items.length === 0) continue;
      const nodefaults = f.config === '-nodefaults';
      const old = await readAll(QEMU_72, f.machine, nodefaults, items.map(([p]) => p.fromPath ?? p.path!));
      const cur = await readAll(QEMU_BINARY, f.machine, nodefaults, items.map(([p]) => p.path!));
      for (const [p, kind] of items) {
        checked++;
        const was = old.get(p.fromPath ?? p.path!)?.get(p.property);
        const now = cur.get(p.path!)?.get(p.property);
        const where = `${f.machine} ${f.config} ${p.path}.${p.property} (${kind})`;
        const text = (v: ExactJson | undefined) => (v === undefined ? '<absent>' : formatJson(v));
        const expectOld = kind === 'new' ? '<absent>' : shownText(p.from!.value!);
        const expectNew = kind === 'gone' ? '<absent>' : shownText(p.to!.value!);
        if (text(was) !== expectOld || text(now) !== expectNew) failures.push(`${where}: abi-check ${expectOld} → ${expectNew}; QEMU 7.2 ${text(was)}, 10.0.2 ${text(now)}`);
      }
    }
    process.stdout.write(`abi-check vs QEMU 7.2 and 10.0.2: ${report.findings.length} machine configurations, ${checked} findings read back\n`);
    expect(checked).toBeGreaterThan(50);
    expect(failures).toEqual([]);
  }, 600_000);
});

