/** import against the real binary: a --machines that matches nothing fails at once (exit 2), writing nothing. */
import { expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { describeLive, QEMU_BINARY } from '../support/qemu.js';

describeLive('import: --machines that matches nothing', () => {
  it('exits 2 after asking QEMU for its machines, before any probe, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qom-compat-nomatch-'));
    try {
      const started = Date.now();
      const r = await runCli(['import', '--qemu', QEMU_BINARY, '--out', join(dir, 'out'), '--machines', '^nomatch$']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/qom-compat: --machines matches none of the binary's \d+ machines/);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(existsSync(join(dir, 'out'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
