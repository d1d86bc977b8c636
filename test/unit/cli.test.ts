/** The command line as users type it, on the embedded data: exit codes and messages. */
import { describe, expect, it } from '@jest/globals';
import { splitQemuArgv, tableLocation } from '../../src/cli/argv.js';
import { embeddedOptionTable } from '../support/option-table.js';
import { runCli } from '../support/cli.js';
import fc from 'fast-check';

describe('QEMU command line in argv', () => {
  const table = embeddedOptionTable();

  it('keeps our options for commander and every QEMU option with its argument for the QEMU line', () => {
    expect(splitQemuArgv('resolve', ['-M', 'q35', '--format', 'json', '-global', '--format', '-nodefaults', '--all', '-m', '4096'], table, 0))
      .toEqual({ own: ['resolve', '--format', 'json', '--all'], qemu: ['-M', 'q35', '-global', '--format', '-nodefaults', '-m', '4096'] });
    expect(splitQemuArgv('resolve', ['--format=json', '-name', '--all', '--', '--all'], table, 0))
      .toEqual({ own: ['resolve', '--format=json'], qemu: ['-name', '--all', '--all'] });
  });

  it("takes explain's target from the first bare word, but not the program or VAR=value words", () => {
    expect(splitQemuArgv('explain', ['LC_ALL=C', '/usr/bin/qemu-system-x86_64', '-M', 'q35', 'virtio-pci.vectors', 'disk.img'], table, 1))
      .toEqual({ own: ['explain', 'virtio-pci.vectors'], qemu: ['LC_ALL=C', '/usr/bin/qemu-system-x86_64', '-M', 'q35', 'disk.img'] });
  });

  it('finds --defs/--arch before the option table is loaded', () => {
    expect(tableLocation(['-name', 'x', '--defs', 'd', '--arch=a'])).toEqual({ dir: 'd', arch: 'a' });
    expect(tableLocation(['--', '--defs', 'd'])).toEqual({});
  });

  it('property: every word lands on one side (a `--` separator on neither), QEMU words in order', () => {
    const token = fc.constantFrom('-M', '-m', '-nodefaults', '-S', '--format', '--all', 'x', '-zzz', '--', 'json', 'q35');
    fc.assert(fc.property(fc.array(token, { maxLength: 14 }), (argv) => {
      const { own, qemu } = splitQemuArgv('resolve', argv, table, 0);
      const placed = own.length - 1 + qemu.length;
      expect(argv.includes('--') ? [argv.length, argv.length - 1] : [argv.length]).toContain(placed);
      // The QEMU words are a subsequence of argv.
      let at = 0;
      for (const w of qemu) { at = (argv as string[]).indexOf(w, at) + 1; expect(at).toBeGreaterThan(0); }
    }));
  });
});

describe('qom-compat CLI', () => {
  it('list --format json lists every machine with its flattened compat list', async () => {
    const r = await runCli(['list', '--format', 'json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Array<{ name: string; alias: string | null; isDefault: boolean; compatProps: unknown[] }>;
    expect(list.length).toBe(65);
    expect(list.find((m) => m.alias === 'q35')?.name).toBe('pc-q35-10.0');
    expect(list.filter((m) => m.isDefault).map((m) => m.name)).toEqual(['pc-i440fx-10.0']);
    expect(list.find((m) => m.name === 'pc-q35-2.4')?.compatProps.length).toBe(238);
  });

  it('show accepts q35-9.1 and prints the chain', async () => {
    const r = await runCli(['show', 'q35-9.1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('chain: pc-q35-9.1 → pc-q35-9.2 → pc-q35-10.0');
  });

  it('unknown machines exit 2 with close matches', async () => {
    const r = await runCli(['show', 'pc-q35-9.7']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("qom-compat: unknown machine 'pc-q35-9.7'; did you mean 'pc-q35-9.0', 'pc-q35-9.1', 'pc-q35-9.2'?\n");
  });

  it('resolve: the migration global error, exit 1', async () => {
    const r = await runCli(['resolve', '-M', 'q35-9.1', '-global', 'migration.x=y']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("can't apply global migration.x=y: Property 'migration.x' not found");
  });

  it('resolve: a valid migration global shows on the migration object with its source', async () => {
    const r = await runCli(['resolve', '-M', 'q35-9.1', '-global', 'migration.zero-page-detection=none', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { objects: Array<{ type: string; path: string | null; properties: Record<string, { value: unknown; source: unknown }> }> };
    const mig = doc.objects.find((o) => o.type === 'migration')!;
    expect(mig.path).toBeNull();
    expect(mig.properties['zero-page-detection']).toEqual({ value: 'none', source: { kind: 'global', index: 1, text: 'migration.zero-page-detection=none' } });
  });

  it('usage errors exit 2', async () => {
    expect((await runCli(['resolve', '--format', 'yaml'])).code).toBe(2);
    expect((await runCli(['nosuch'])).code).toBe(2);
    expect((await runCli(['explain', '-M', 'q35', 'noprop'])).code).toBe(2);
  });

  it('help exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('resolve');
  });

  it('bad definitions: file, line, column; exit 2; no stack trace', async () => {
    const r = await runCli(['list', '--defs', 'test/fixtures/defs-malformed']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^qom-compat: test\/fixtures\/defs-malformed\/machines\.json:3:\d+: malformed JSON/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
