/**
 * `compare --all --raw` against compare-machine-types.py's semantics computed
 * from the real binary's QMP answers (test/support/peer-table.ts): the same
 * rows in the same order, the same machines in the same order, and every
 * cell equal to the peer's, except cells `compare` marks as differing, whose
 * recorded peer value must then be what the peer really shows. Under TCG
 * (no KVM here) the peer cannot expand the KVM-only `host` CPU model: those
 * cells are counted apart.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { buildCompatTable, type CompatTable } from '../../src/compare/compat-table.js';
import { loadDefinitionsFromDisk } from '../../src/load/fs.js';
import { compatModel } from '../../src/resolve/compat-model.js';
import { QmpSession } from '../../src/qemu/qmp.js';
import { describeLive, QEMU_BINARY } from '../support/qemu.js';
import { peerTable, type PeerTable } from '../support/peer-table.js';

describeLive('compare agrees with compare-machine-types.py on QEMU 10.0.2', () => {
  let peer: PeerTable;
  let ours: CompatTable;
  let qmp: QmpSession;

  beforeAll(async () => {
    qmp = await QmpSession.start(QEMU_BINARY, ['-machine', 'none', '-nodefaults']);
    peer = await peerTable(qmp);
    const defs = await loadDefinitionsFromDisk();
    ours = buildCompatTable([{ label: 'embedded', defs, model: compatModel('qdev', defs.types) }], { raw: true });
  }, 300_000);
  afterAll(async () => { await qmp?.quit(); });

  it('has the same machines and rows, in the same order', () => {
    expect(ours.columns.map((c) => c.machine)).toEqual(peer.machines);
    expect(ours.rows.map((r) => `${r.driver}.${r.property}`)).toEqual(peer.rows.map((r) => `${r.driver}.${r.property}`));
  });

  it("agrees cell for cell, except the documented differences", async () => {
    const tally = new Map<string, number>();
    const wrong: string[] = [];
    let cells = 0;
    ours.rows.forEach((row, r) => {
      row.cells.forEach((cell, m) => {
        cells++;
        const theirs = peer.rows[r]!.cells[m]!;
        const where = `${row.driver}.${row.property} @ ${peer.machines[m]}`;
        let cls: string;
        if (theirs.startsWith('QMP error')) cls = 'peer cannot expand (KVM-only CPU model)';
        else if (cell.peer) cls = cell.peer.value === theirs ? `documented: ${cell.peer.reason}` : 'WRONG';
        else cls = cell.value === theirs ? 'same' : 'WRONG';
        if (cls === 'WRONG') wrong.push(`${where}: ours ${JSON.stringify(cell.value)}${cell.peer ? ` (peer predicted ${JSON.stringify(cell.peer.value)})` : ''}, peer ${JSON.stringify(theirs)}`);
        tally.set(cls, (tally.get(cls) ?? 0) + 1);
      });
    });
    process.stdout.write(`compare vs peer: ${cells} cells; ${[...tally].map(([k, n]) => `${k}: ${n}`).join('; ')}\n`);
    if (process.env.QOM_COMPAT_DUMP) (await import("node:fs")).writeFileSync(process.env.QOM_COMPAT_DUMP, wrong.join("\n") + "\n");
    expect(wrong.slice(0, 40)).toEqual([]);
    expect(wrong.length).toBe(0);
  });
});
