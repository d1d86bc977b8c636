/**
 * A partial import (`import --machines '^pc-q35-'`) says what it covers, and a
 * machine it left without a board layout is reported, never answered with an
 * empty object list: resolve refuses it (exit 4), show says so, check finds it.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { EMBEDDED_MACHINES_DIR } from '../../src/load/fs.js';
import { importSummary } from '../../src/commands/import.js';
import { withCoverage } from '../../src/import/importer.js';
import { runCli } from '../support/cli.js';

const root = mkdtempSync(join(tmpdir(), 'qc-partial-'));
const dir = join(root, 'x86_64');
cpSync(join(EMBEDDED_MACHINES_DIR, 'x86_64'), dir, { recursive: true });
const COVERED = '^pc-q35-';
{
  // What `import --machines '^pc-q35-'` writes: every machine, boards only for the q35 ones, and the coverage.
  const machines = JSON.parse(readFileSync(join(dir, 'machines.json'), 'utf8')) as { machines: Array<{ name: string; board?: unknown }> };
  for (const m of machines.machines) if (!new RegExp(COVERED).test(m.name)) delete m.board;
  writeFileSync(join(dir, 'machines.json'), JSON.stringify(machines));
  const boards = JSON.parse(readFileSync(join(dir, 'boards.json'), 'utf8')) as Parameters<typeof withCoverage>[0];
  writeFileSync(join(dir, 'boards.json'), JSON.stringify(withCoverage(boards, { machines: COVERED })));
}
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a machine a partial import left without a board', () => {
  it('resolve refuses it with a clear message and exit 4', async () => {
    const r = await runCli(['resolve', '--defs', dir, '-M', 'pc-i440fx-9.2']);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`qom-compat: machine 'pc-i440fx-9.2' has no board layout: the definitions come from a partial import (--machines '${COVERED}'), `
      + 'which did not probe pc-i440fx-9.2\'s board; import again with a --machines that matches it\n');
  });

  it('resolve still answers for the machines it covers', async () => {
    const r = await runCli(['resolve', '--defs', dir, '-M', 'pc-q35-9.2', '--format', 'json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { objects: unknown[] }).objects.length).toBeGreaterThan(20);
  });

  it('show says it has no board layout', async () => {
    const r = await runCli(['show', '--defs', dir, 'pc-i440fx-9.2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`no board layout: the definitions come from a partial import (--machines '${COVERED}')`);
    expect(r.stdout).toContain('resolve refuses this machine (exit 4)');
    const json = JSON.parse((await runCli(['show', '--defs', dir, 'pc-i440fx-9.2', '--format', 'json'])).stdout) as { board: unknown; noBoard: string };
    expect(json.board).toBeNull();
    expect(json.noBoard).toMatch(/partial import/);
  });

  it('check finds every machine without a board (a warning: --strict fails on it)', async () => {
    const r = await runCli(['check', dir, '--format', 'json', '--no-cache']);
    const findings = (JSON.parse(r.stdout) as Array<{ rule: string; message: string }>).filter((f) => f.rule === 'board-layout-missing');
    const machines = JSON.parse(readFileSync(join(dir, 'machines.json'), 'utf8')) as { machines: Array<{ name: string; board?: unknown }> };
    expect(findings.length).toBe(machines.machines.filter((m) => !m.board).length);
    expect(findings.map((f) => f.message)).toContain(`machine "pc-i440fx-9.2" has no board layout: this set comes from a partial import (--machines '${COVERED}'); resolve refuses it`);
    expect((await runCli(['check', dir, '--strict', '--no-cache'])).code).toBe(1);
  });
});

describe('the import summary', () => {
  const result = { arch: 'x86_64', version: '10.0.2', dir: 'out/x86_64', machines: 65, types: 849, layouts: 40, boards: 31, kvmBoards: 31, seconds: 12.5 };
  it('says what a partial import covers and what it leaves out', () => {
    expect(importSummary({ ...result, coverage: { machines: COVERED, devices: '^virtio-' } })).toBe(
      'wrote out/x86_64: 65 machines, 849 types, 40 board layouts (boards of 31 machines, 31 also under KVM; QEMU 10.0.2, 12.5 s)\n'
      + `partial import: --machines '${COVERED}' probed the boards of 31 of the 65 machines; resolve refuses the other 34 (no board layout, exit 4)\n`
      + "partial import: --devices '^virtio-': only those types have lone -device/-object records");
  });
  it('says nothing of coverage for a full import, and when KVM was not probed', () => {
    expect(importSummary({ ...result, boards: 65, kvmBoards: 0 })).toBe(
      'wrote out/x86_64: 65 machines, 849 types, 40 board layouts (boards of 65 machines, none under KVM; QEMU 10.0.2, 12.5 s)');
  });
  it('writes the coverage into boards.json in the schema\'s key order', () => {
    const b = withCoverage({ arch: 'x86_64', layouts: [], accelerators: { kvm: {} } }, { machines: COVERED });
    expect(Object.keys(b)).toEqual(['arch', 'layouts', 'coverage', 'accelerators']);
    expect(b.coverage).toEqual({ machines: COVERED });
  });
});
