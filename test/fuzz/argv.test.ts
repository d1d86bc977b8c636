/**
 * Fuzz: hostile command lines through the real CLI entry (main(), in-process)
 * for every command that takes one: -global/-device/-object/-M/-machine/
 * -accel/-set/-readconfig in every syntax the CLI accepts (QemuOpts with `,,`,
 * keyval, JSON with deep nesting, huge numbers, lone surrogates, NUL,
 * `__proto__`), whole argv, and --args-file contents. Every run keeps the
 * invariants of test/support/fuzz.ts.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { atom, deepJson, expectNoPollution, expectWellBehaved, fuzzParams, HOSTILE_ATOMS, LONG_RUN, jsonDevice, jsonText, optsString } from '../support/fuzz.js';

const dir = mkdtempSync(join(tmpdir(), 'qom-compat-fuzz-argv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * One in-process run under the invariants; JSON output is asked for half the
 * time, right after the command (at the end it could be a QEMU option's argument).
 */
async function wellBehaved(args: string[], json: boolean): Promise<void> {
  const argv = json ? [args[0]!, '--format', 'json', ...args.slice(1)] : args;
  const started = Date.now();
  const r = await runCli(argv);
  expectWellBehaved({ ...r, ms: Date.now() - started }, { json, maxMs: 20_000, input: argv });
  expectNoPollution(argv);
}

/** An option of the QEMU line with a hostile argument in the syntax that option takes. */
const qemuOption: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(fc.constantFrom('-global', '--global'), fc.oneof(
    fc.tuple(atom, atom, atom).map(([d, p, v]) => `${d}.${p}=${v}`),
    optsString,
    fc.tuple(atom, atom, atom).map(([d, p, v]) => `driver=${d},property=${p},value=${v.replaceAll(',', ',,')}`),
  )),
  fc.tuple(fc.constantFrom('-device', '-object'), fc.oneof(optsString, jsonDevice, jsonText, fc.constantFrom(deepJson(50_000, 'array'), deepJson(20_000, 'object'), deepJson(5000, 'mixed')))),
  fc.tuple(fc.constantFrom('-M', '-machine', '--machine'), fc.oneof(atom, optsString, fc.constantFrom('q35,accel=kvm:tcg', 'type=q35,usb=off,smm.x=1', 'pc,memory-backend=mem0', '__proto__,__proto__=1'))),
  fc.tuple(fc.constantFrom('-accel', '--accel'), fc.oneof(atom, optsString, fc.constantFrom('tcg,thread=multi', 'kvm,kernel-irqchip=split', 'tcg,tb-size=1e400'))),
  fc.tuple(fc.constant('-set'), fc.oneof(optsString, fc.tuple(atom, atom, atom, atom).map(([g, i, p, v]) => `${g}.${i}.${p}=${v}`), fc.constantFrom('device.__proto__.polluted=1', 'device.dev0.constructor=1'))),
  fc.tuple(fc.constantFrom('-cpu', '-smp', '-m', '-rtc', '-name', '-nic', '-netdev', '-drive', '-blockdev', '-chardev', '-numa', '-boot', '-usbdevice'), fc.oneof(atom, optsString, jsonText)),
  fc.tuple(fc.constantFrom('-nodefaults', '-S', '-enable-kvm', '-no-hpet', '-mem-prealloc', '-win2k-hack', '-usb', '-readconfig', '-foo', '--', '-')),
);

/** Options that give the hostile one something to refer to (an id to -set, a bus to name). */
const context: fc.Arbitrary<string[]> = fc.constantFrom(
  [], ['-nodefaults'], ['-device', 'virtio-net-pci,id=dev0'], ['-device', 'pcie-root-port,id=pci.1,chassis=1'], ['-object', 'memory-backend-ram,id=mem0,size=1M'],
);

const qemuLine: fc.Arbitrary<string[]> = fc.tuple(
  fc.option(fc.constantFrom('-M', '-machine'), { nil: undefined }), fc.constantFrom('q35', 'pc', 'q35-9.1', 'pc-i440fx-2.6', 'microvm'),
  context, fc.array(qemuOption, { minLength: 1, maxLength: 4 }),
).map(([m, name, ctx, opts]) => [...(m ? [m, name] : []), ...ctx, ...opts.flat()]);

describe('fuzz: hostile QEMU command lines', () => {
  it('resolve', async () => {
    await fc.assert(fc.asyncProperty(qemuLine, fc.boolean(), async (line, json) => wellBehaved(['resolve', ...line], json)), fuzzParams(40));
  });

  it('explain', async () => {
    const target = fc.oneof(fc.tuple(atom, atom).map(([d, p]) => `${d}.${p}`), atom, fc.constantFrom('virtio-pci.vectors', '__proto__.__proto__', 'constructor.prototype', '.', 'a.'));
    await fc.assert(fc.asyncProperty(target, qemuLine, fc.boolean(), async (t, line, json) => wellBehaved(['explain', t, ...line], json)), fuzzParams(20));
  });

  it('diff', async () => {
    const machine = fc.oneof(fc.constantFrom('q35-8.2', 'q35-9.1', 'pc', 'pc-i440fx-2.6'), atom);
    await fc.assert(fc.asyncProperty(machine, machine, qemuLine, fc.boolean(), async (a, b, line, json) => wellBehaved(['diff', a, b, ...line], json)), fuzzParams(12));
  });

  it('show, list and compare', async () => {
    const machine = fc.oneof(fc.constantFrom('q35', 'pc-q35-9.1', 'q35-9.9'), atom);
    const cmd = fc.oneof(
      fc.tuple(machine).map(([m]) => ['show', m]),
      fc.constant<string[]>(['list']),
      fc.tuple(fc.array(machine, { minLength: 1, maxLength: 3 }), fc.option(atom, { nil: undefined }))
        .map(([ms, glob]) => ['compare', ...ms, ...(glob !== undefined ? ['--driver', glob] : [])]),
    );
    await fc.assert(fc.asyncProperty(cmd, fc.boolean(), async (args, json) => {
      // compare's formats are table|csv|json|markdown.
      await wellBehaved(args, json);
    }), fuzzParams(30));
  });

  it('whole argv: any words in any order, ours and QEMU options mixed', async () => {
    const word = fc.oneof(
      fc.constantFrom('resolve', 'explain', 'diff', 'show', 'list', 'compare', 'check', 'import', '--format', 'json', 'text', '--all', '--defs', '--arch',
        '--model', 'qdev', 'object-compat', '--args-file', '--color', '--no-color', '--color=sometimes', '--help', '-h', '--version', '--', '-M', '-device', '-global'),
      atom,
    );
    await fc.assert(fc.asyncProperty(fc.array(word, { maxLength: 8 }), async (argv) => {
      // `check` with no path reads ./machines or the embedded data; `import` needs --qemu: both stay cheap here.
      const started = Date.now();
      const r = await runCli(argv);
      expectWellBehaved({ ...r, ms: Date.now() - started }, { codes: [0, 1, 2, 3], maxMs: 20_000, input: argv });
      expectNoPollution(argv);
    }), fuzzParams(40));
  });
});

describe('fuzz: --args-file and -readconfig contents', () => {
  /** Shell text: quotes, escapes, continuations, comments, unterminated quotes, NUL. */
  const shellText = fc.array(fc.oneof(
    atom.map((w) => `'${w.replaceAll("'", "'\\''")}'`),
    atom.map((w) => `"${w.replace(/["\\$`]/g, '\\$&')}"`),
    atom,
    fc.constantFrom(' ', '\t', '\n', '\\\n', '\\', '"', "'", '"unterminated', "'unterminated", '$(id)', '`id`', '#comment\n', '\\\r\n', 'A=1', '/usr/bin/qemu-system-x86_64',
      '/usr/bin/qemu-system-aarch64', '-M q35', '-device', '-global', '\u0000', '\ufeff'),
  ), { maxLength: 20 }).map((parts) => parts.join(' '));

  it('resolve/explain/diff --args-file FILE', async () => {
    let n = 0;
    await fc.assert(fc.asyncProperty(shellText, fc.constantFrom('resolve', 'explain', 'diff'), fc.boolean(), async (text, command, json) => {
      const file = join(dir, `args-${n++}`);
      writeFileSync(file, text);
      const positional = command === 'explain' ? ['virtio-pci.vectors'] : command === 'diff' ? ['q35-8.2', 'q35-9.1'] : [];
      await wellBehaved([command, ...positional, '--args-file', file], json);
    }), fuzzParams(30));
  });

  it('resolve -readconfig FILE', async () => {
    const section = fc.tuple(fc.constantFrom('device', 'global', 'machine', 'object', 'memory', '__proto__', 'drive', 'chardev', 'x'), fc.option(atom, { nil: undefined }),
      fc.array(fc.tuple(atom, atom), { maxLength: 4 }))
      .map(([g, id, kv]) => `[${g}${id !== undefined ? ` "${id}"` : ''}]\n${kv.map(([k, v]) => `  ${k} = "${v}"`).join('\n')}\n`);
    const text = fc.oneof(fc.array(section, { maxLength: 4 }).map((s) => s.join('\n')), fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('[device', '[device "x"]\n  driver = "unterminated', '\ufeff[machine]\n type = "q35"\n'));
    let n = 0;
    await fc.assert(fc.asyncProperty(text, fc.boolean(), async (content, json) => {
      const file = join(dir, `cfg-${n++}`);
      writeFileSync(file, content);
      await wellBehaved(['resolve', '-M', 'q35', '-readconfig', file], json);
    }), fuzzParams(30));
  });

  // Found by hand while writing these: both were read until memory ran out.
  it.each([
    [['resolve', '-M', 'q35', '-readconfig', '/dev/zero'], 'qom-compat: -readconfig /dev/zero: larger than 16 MiB: not a QEMU config file\n'],
    [['resolve', '--args-file', '/dev/zero'], 'qom-compat: --args-file /dev/zero: larger than 16 MiB: not a command line\n'],
  ])('%j ends with exit 2', async (argv, message) => {
    const started = Date.now();
    const r = await runCli(argv);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr: message });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('every hostile atom alone as a -device, -global, -object, -M, -set and -accel argument', async () => {
    const options = ['-device', '-global', '-object', '-M', '-set', '-accel'];
    // Deep JSON overflowed the JSON parser's stack (fixed: QEMU's nesting limit, qemu-json.ts).
    const deep = [deepJson(20_000, 'object'), deepJson(50_000, 'array'), deepJson(5000, 'mixed'), `{"driver":"e1000","x":${'['.repeat(1024)}${']'.repeat(1024)}}`];
    for (const d of deep) for (const opt of ['-device', '-object', '-blockdev', '-netdev']) await wellBehaved(['resolve', opt, d], true);
    // Each atom under one option in CI (rotating), under all six in the longer run.
    for (const [i, a] of HOSTILE_ATOMS.entries()) {
      const some = LONG_RUN ? options : [options[i % 6]!];
      for (const opt of some) await wellBehaved(['resolve', opt, a], true);
    }
  });
});
