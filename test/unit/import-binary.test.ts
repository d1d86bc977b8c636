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

describe('import: interrupted', () => {
  it('SIGTERM stops the QEMU processes it started and exits 143, writing nothing', async () => {
    const { spawn } = await import('node:child_process');
    const { existsSync, readFileSync } = await import('node:fs');
    const pidFile = join(dir, 'fake.pid');
    const out = join(dir, 'out-interrupted');
    // A QEMU that greets, accepts qmp_capabilities, then never answers: the import waits on it.
    const fake = join(dir, 'hanging-qemu');
    writeFileSync(fake, `#!${process.execPath}
if (process.argv.includes('--version')) { console.log('QEMU emulator version 10.0.2'); process.exit(0); }
require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));
process.stdout.write('{"QMP": {"version": {}, "capabilities": []}}\\n');
process.stdin.on('data', (d) => { if (String(d).includes('qmp_capabilities')) process.stdout.write('{"return": {}}\\n'); });
setInterval(() => {}, 1000);
`);
    chmodSync(fake, 0o755);
    const bin = join(process.cwd(), 'bin', 'qom-compat');
    const cli = spawn(process.execPath, [bin, 'import', '--qemu', fake, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    cli.stderr.on('data', (c: Buffer) => { stderr += String(c); });
    for (let i = 0; i < 100 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 100));
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 300));
    cli.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => cli.on('close', (c) => r(c)));
    expect(code).toBe(143);
    expect(stderr).toContain('import interrupted (SIGTERM); stopped 1 QEMU process; nothing written');
    await new Promise((r) => setTimeout(r, 200));
    expect(() => process.kill(pid, 0)).toThrow();
    expect(existsSync(out)).toBe(false);
  }, 30_000);
});
