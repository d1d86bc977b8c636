/** The CLI's manners (issue #12): a bare call, --version, "did you mean" wherever a name is unknown. */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { runCli } from '../support/cli.js';

describe('the CLI\'s manners', () => {
  it('a bare qom-compat prints the usage on stderr and exits 2', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Usage: qom-compat \[options\] \[command\]/);
    expect(r.stderr).toContain('abi-check');
  });

  it('--version names the tool\'s version and the QEMU version of the embedded definitions', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = await runCli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`qom-compat ${pkg.version}, definitions: QEMU 10.0.2 (x86_64)\n`);
    }
  });

  it('show: a machine written without pc- gets close matches too', async () => {
    const r = await runCli(['show', 'q35-9.9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("qom-compat: unknown machine 'q35-9.9'; did you mean 'pc-q35-9.0', 'pc-q35-9.1', 'pc-q35-9.2'?\n");
  });

  it('explain: an unknown type or property is exit 2 with "did you mean"', async () => {
    const p = await runCli(['explain', '-M', 'q35', 'virtio-net-pci.vector']);
    expect(p.code).toBe(2);
    expect(p.stderr).toContain("unknown property 'virtio-net-pci.vector'; did you mean 'virtio-net-pci.vectors'?");
    const t = await runCli(['explain', '-M', 'q35', 'vitrio-net-pci.vectors']);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain("unknown type 'vitrio-net-pci'; did you mean 'virtio-net-pci'");
  });

  it('explain: a property only subtypes have, and a -device alias, are answered', async () => {
    expect((await runCli(['explain', '-M', 'q35', 'virtio-pci.disable-legacy'])).code).toBe(0);
    const alias = await runCli(['explain', '-M', 'q35', '-device', 'virtio-net', 'virtio-net.vectors']);
    expect(alias.code).toBe(0);
    expect(alias.stdout).toContain('virtio-net-pci');
  });
});

describe('check with no path', () => {
  it('checks ./machines of the current directory when there is one, else the embedded definitions', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { checkPaths } = await import('../../src/commands/check.js');
    const repo = mkdtempSync(join(tmpdir(), 'qom-compat-repo-'));
    try {
      mkdirSync(join(repo, 'machines', 'x86_64'), { recursive: true });
      writeFileSync(join(repo, 'machines', 'x86_64', 'machines.json'), '{ "arch": "x86_64", "machines": [ { "name": "pc-q35-1.0", "type": "pc-q35-1.0-machine", "inherits": "pc-q35-9.9", "compat": [] } ] }\n');
      const local = await checkPaths([], { cwd: repo });
      expect(local.filesChecked).toBe(1);
      expect(local.findings.some((f) => f.rule === 'machine-inherits-unknown' && /pc-q35-9\.9/.test(f.message))).toBe(true);
      const elsewhere = await checkPaths([], { cwd: tmpdir() });
      expect(elsewhere.filesChecked).toBeGreaterThan(1);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});

describe('colour', () => {
  it('--color=always|never wins, then FORCE_COLOR (even piped), then NO_COLOR, then the terminal', async () => {
    const { colorLevel } = await import('../../src/cli/main.js');
    expect(colorLevel('always', { NO_COLOR: '1' }, false)).toBe(1);
    expect(colorLevel('never', { FORCE_COLOR: '1' }, true)).toBe(0);
    expect(colorLevel(undefined, { FORCE_COLOR: '1' }, false)).toBe(1);
    expect(colorLevel(undefined, { FORCE_COLOR: '' }, false)).toBe(1);
    expect(colorLevel(undefined, { FORCE_COLOR: '0' }, true)).toBe(0);
    expect(colorLevel(undefined, { NO_COLOR: '1' }, true)).toBe(0);
    expect(colorLevel(undefined, { NO_COLOR: '' }, true)).toBe(1);
    expect(colorLevel('auto', {}, false)).toBe(0);
  });

  it('takes --color anywhere before --, for every command, and refuses a bad value (exit 2)', async () => {
    const { takeColorOption } = await import('../../src/cli/main.js');
    expect(takeColorOption(['resolve', '--color', '-M', 'q35'])).toEqual({ argv: ['resolve', '-M', 'q35'], color: 'always' });
    expect(takeColorOption(['list', '--no-color'])).toEqual({ argv: ['list'], color: 'never' });
    expect(takeColorOption(['resolve', '--', '--color'])).toEqual({ argv: ['resolve', '--', '--color'], color: undefined });
    const colored = await runCli(['list', '--color=always']);
    expect(colored.stdout).toContain('\u001b[1mMACHINE');
    const bad = await runCli(['list', '--color=blue']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("qom-compat: --color: expected 'always', 'never' or 'auto'\n");
  });
});
