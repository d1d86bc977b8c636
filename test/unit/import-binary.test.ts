/** `import` refuses binaries it cannot trust, with a clear message and exit 3. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'qom-compat-bin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeBinary(name: string, versionLine: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\necho '${versionLine}'\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('import: the QEMU binary', () => {
  it('missing', async () => {
    const r = await runCli(['import', '--qemu', join(dir, 'nope'), '--out', dir]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`qom-compat: QEMU binary not found: ${join(dir, 'nope')}\n`);
  });

  it('not a QEMU', async () => {
    const bin = fakeBinary('not-qemu', 'GNU bash, version 5.2');
    const r = await runCli(['import', '--qemu', bin, '--out', dir]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('is not a QEMU system emulator');
  });

  it('older than 7.0', async () => {
    const bin = fakeBinary('old-qemu', 'QEMU emulator version 6.2.0 (Debian 1:6.2+dfsg-2ubuntu6)');
    const r = await runCli(['import', '--qemu', bin, '--out', dir]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('is QEMU 6.2.0; import needs 7.0 or newer');
  });

  it('says it is QEMU but does not speak QMP: exit 3 with what it printed, no stack trace', async () => {
    const bin = fakeBinary('mute-qemu', 'QEMU emulator version 9.0.2 (Debian 1:9.0.2+ds-1)');
    const r = await runCli(['import', '--qemu', bin, '--out', dir]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/mute-qemu exited with status 0 before answering QMP: QEMU emulator version 9\.0\.2/);
    expect(r.stderr).not.toContain('    at ');
  });
});
