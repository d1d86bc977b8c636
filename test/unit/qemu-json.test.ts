/**
 * QEMU's JSON on the command line: values, and the error wording QEMU 10.0.2
 * printed for each of these `-device` arguments (measured with the binary).
 */
import { describe, expect, it } from '@jest/globals';
import { parseQemuJson } from '../../src/parse/qemu-json.js';
import { runCli } from '../support/cli.js';

describe('QEMU JSON', () => {
  it('keeps integers exact and accepts single quotes', () => {
    expect(parseQemuJson(`{'a': 18446744073709551615, "b": -1, "c": 1.5, "d": [true, null], "e": "\\u00e9"}`)).toEqual({
      ok: true,
      value: { kind: 'object', entries: [['a', { int: 18446744073709551615n }], ['b', { int: -1n }], ['c', { float: 1.5 }], ['d', [true, null]], ['e', 'é']] },
    });
  });

  it.each([
    ['{', 'JSON parse error, premature EOI'],
    ['{"driver"', 'JSON parse error, premature EOI'],
    ['{"driver":"e1000",}', 'JSON parse error, expecting value'],
    ['{"driver":"e1000"} x', 'Expecting at most one JSON value'],
    ['{"driver":"e1000"}}', 'Expecting at most one JSON value'],
    ['{driver:"e1000"}', "JSON parse error, invalid keyword 'driver'"],
    ['{"driver" "e1000"}', 'JSON parse error, missing : in object pair'],
    ['{"driver":"e1000" "id":"x"}', 'JSON parse error, expected separator in dict'],
    ['{"mac":"a","mac":"b"}', 'JSON parse error, duplicate key'],
    ['{"a":"\\x"}', 'JSON parse error, invalid escape sequence in string'],
    ['{"a":01}', "JSON parse error, stray '01'"],
    ['{"a":-}', "JSON parse error, stray '-}'"],
    ['{"a":tru}', "JSON parse error, invalid keyword 'tru'"],
  ])('%s → %s', (text, error) => {
    expect(parseQemuJson(text)).toEqual({ ok: false, error });
  });

  // Found by test/fuzz/argv.test.ts: `-device '{"a":{"a":…}}'` 20 000 deep overflowed the recursive parser's
  // stack (an internal error, exit 70). QEMU refuses more than 1024 open braces and brackets before parsing
  // (json-streamer.c MAX_NESTING); its message, measured with the binary at 1025 and 20 000.
  it.each([
    ['1024 open at once are fine', `{"driver":"e1000","x":${'['.repeat(1023)}${']'.repeat(1023)}}`, true],
    ['1025 are not', `{"driver":"e1000","x":${'['.repeat(1024)}${']'.repeat(1024)}}`, false],
    ['20 000 nested objects', `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`, false],
    ['200 000 open brackets, unterminated', '['.repeat(200_000), false],
    ['a deep second value is the second value', `{} ${'['.repeat(2000)}`, 'second'],
  ] as const)('nesting: %s', (_label, text, ok) => {
    const r = parseQemuJson(text);
    if (ok === true) expect(r.ok).toBe(true);
    else expect(r).toEqual({ ok: false, error: ok === 'second' ? 'Expecting at most one JSON value' : 'JSON nesting depth limit exceeded' });
  });
});

describe('JSON -device and -object in resolve', () => {
  const run = (...args: string[]) => runCli(['resolve', '-M', 'pc', '-nodefaults', ...args, '--format', 'json']);

  it('takes typed values: an integer addr is the devfn, booleans are booleans', async () => {
    const r = await run('-device', '{"driver":"virtio-balloon-pci","addr":"0x5","free-page-reporting":true,"vectors":3}');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { objects: Array<{ type: string; properties: Record<string, { value: unknown }> }> };
    const dev = doc.objects.find((o) => o.type === 'virtio-balloon-pci')!;
    expect(dev.properties['addr']!.value).toBe(0x28); // qom-get shows the devfn
    expect(dev.properties['free-page-reporting']!.value).toBe(true);
    expect(dev.properties['vectors']!.value).toBe(3);
  });

  it.each([
    ['{"driver":"virtio-balloon-pci","vectors":"3"}', "Parameter 'vectors' expects uint64"],
    ['{"driver":"virtio-balloon-pci","vectors":5000000000}', "Parameter 'vectors' expects uint32_t"],
    ['{"driver":"virtio-balloon-pci","free-page-reporting":"on"}', "Invalid parameter type for 'free-page-reporting', expected: boolean"],
    ['{"driver":"virtio-balloon-pci","addr":300}', "Parameter 'addr' expects a value between -1 and 255"],
    ['{"driver":"virtio-balloon-pci","addr":true}', "Invalid parameter type for 'addr', expected int or str"],
    ['{"id":"n"}', "Parameter 'driver' is missing"],
  ])('-device %s: %s', async (arg, message) => {
    const r = await run('-device', arg);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toBe(`-device ${arg}: ${message}`);
  });

  it.each([
    ['{"qom-type":"memory-backend-ram","id":"m","size":1048576,"bogus":1}', "Parameter 'bogus' is unexpected"],
    ['{"qom-type":"memory-backend-ram","id":1,"size":1}', "Invalid parameter type for 'id', expected: string"],
    ['{"qom-type":"nonexist","id":"m"}', "Parameter 'qom-type' does not accept value 'nonexist'"],
    ['{"qom-type":"iothread","id":"io","poll-max-ns":"5"}', "Invalid parameter type for 'poll-max-ns', expected: integer"],
    ['{"qom-type":"memory-backend-ram","id":"m","size":"1M"}', "Parameter 'size' expects uint64"],
  ])('-object %s: %s', async (arg, message) => {
    const r = await run('-object', arg);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toBe(`-object ${arg}: ${message}`);
  });
});
