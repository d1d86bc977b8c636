/** The command line as users type it, on the embedded data: exit codes and messages. */
import { describe, expect, it } from '@jest/globals';
import { rewriteQemuStyleArgv, orderedQemuOptions } from '../../src/cli/argv.js';
import { runCli } from '../support/cli.js';
import fc from 'fast-check';

describe('QEMU-style options', () => {
  it('rewrites single-dash QEMU options but never their values', () => {
    expect(rewriteQemuStyleArgv(['resolve', '-M', 'q35', '-global', '-device', '-device', 'x', '-nodefaults', '--', '-global']))
      .toEqual(['resolve', '-M', 'q35', '--global', '-device', '--device', 'x', '--nodefaults', '--', '-global']);
    expect(rewriteQemuStyleArgv(['-machine', 'pc', '--format', '-global'])).toEqual(['--machine', 'pc', '--format', '-global']);
  });

  it('keeps -global/-device/-object in command-line order', () => {
    const argv = rewriteQemuStyleArgv(['resolve', '-device', 'a', '-global', 'b.c=d', '--object', 'o,id=x', '-M', '-global']);
    expect(orderedQemuOptions(argv)).toEqual([
      { kind: 'device', arg: 'a' }, { kind: 'global', arg: 'b.c=d' }, { kind: 'object', arg: 'o,id=x' },
    ]);
  });

  it('property: only QEMU options gain a dash, and the value after a rewritten option is kept', () => {
    const valueTaking = ['-global', '-device', '-object', '-machine', '-accel', '-cpu'];
    const token = fc.constantFrom(...valueTaking, '-M', '-nodefaults', '--format', 'x', '-zzz', '--');
    fc.assert(fc.property(fc.array(token, { maxLength: 14 }), (argv) => {
      const out = rewriteQemuStyleArgv(argv);
      expect(out.length).toBe(argv.length);
      for (let i = 0; i < argv.length; i++) {
        expect([argv[i], `-${argv[i]}`]).toContain(out[i]);
        if (out[i] !== argv[i]) expect(argv[i]!.startsWith('--')).toBe(false);
        // A value-taking option that was rewritten consumed the next token verbatim.
        if (i > 0 && valueTaking.includes(argv[i - 1]!) && out[i - 1] === `-${argv[i - 1]}`) expect(out[i]).toBe(argv[i]);
      }
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
