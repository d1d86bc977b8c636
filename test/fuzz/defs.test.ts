/**
 * Fuzz: hostile definition files through the real CLI entry, for `check` and
 * for `--defs` on list/show/resolve/explain: truncated, deeply nested, huge,
 * wrong types, BOM, NUL, duplicate keys, `__proto__`/`constructor`/`prototype`
 * as names and values, cycles in machine chains and type parents, very long
 * chains. Every run keeps the invariants (test/support/fuzz.ts), and no input
 * reaches Object.prototype.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { atom, deepJson, expectNoPollution, expectWellBehaved, fuzzParams, jsonText, LONG_RUN, PROTO_NAMES } from '../support/fuzz.js';
import { EMBEDDED_MACHINES_DIR } from '../../src/load/paths.js';
import { EXIT } from '../../src/errors.js';

const root = mkdtempSync(join(tmpdir(), 'qom-compat-fuzz-defs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const FILES = ['machines.json', 'types.json', 'boards.json', 'accel-compat.json'] as const;
type FileName = (typeof FILES)[number];
const SMALL_BASE = join(process.cwd(), 'test', 'fixtures', 'check', 'base');
const EMBEDDED = join(EMBEDDED_MACHINES_DIR, 'x86_64');

let dirs = 0;
/** A definition set: `base`'s files with `replace` written over them (text as is). */
function defsDir(base: string, replace: Partial<Record<FileName, string>>): string {
  const dir = join(root, `set-${dirs++}`, 'x86_64');
  mkdirSync(dir, { recursive: true });
  for (const f of FILES) {
    if (replace[f] !== undefined) writeFileSync(join(dir, f), replace[f]);
    else copyFileSync(join(base, f), join(dir, f));
  }
  copyFileSync(join(EMBEDDED, 'options.json'), join(dir, 'options.json'));
  return dir;
}

/** The commands that read a definition set, each under the invariants. */
async function everyCommand(dir: string, label: unknown, machine = 'q35'): Promise<void> {
  const runs: Array<[string[], boolean]> = [
    [['check', '--no-cache', '--format', 'json', dir], true],
    [['list', '--format', 'json', '--defs', dir], true],
    [['show', machine, '--defs', dir], false],
    [['resolve', '--format', 'json', '--defs', dir, '-M', machine, '-device', 'virtio-net-pci'], true],
    [['explain', '--defs', dir, 'virtio-pci.vectors', '-M', machine], false],
  ];
  for (const [argv, json] of runs) {
    const started = Date.now();
    const r = await runCli(argv);
    // A damaged set may leave the machine without a board layout: resolve and explain say so with their own exit code.
    const codes = argv[0] === 'resolve' || argv[0] === 'explain' ? [0, 1, 2, EXIT.noBoard] : [0, 1, 2];
    expectWellBehaved({ ...r, ms: Date.now() - started }, { json, codes, maxMs: 30_000, input: { label, argv } });
    expectNoPollution({ label, argv });
  }
}

const embedded = (f: FileName): Record<string, unknown> => JSON.parse(readFileSync(join(EMBEDDED, f), 'utf8')) as Record<string, unknown>;
type MachineDef = { name: string; inherits: string | null; alias?: string | null; type: string; compat: unknown[]; board?: { defaults: string; nodefaults: string } };
type TypeDef = { name: string; parent?: string | null; interfaces?: string[]; properties?: Array<{ name: string }> };

/** The embedded machines.json with `edit` applied to its machines. */
function machinesWith(edit: (ms: MachineDef[], file: Record<string, unknown>) => void): string {
  const file = embedded('machines.json');
  edit(file.machines as MachineDef[], file);
  return JSON.stringify(file);
}
function typesWith(edit: (ts: TypeDef[]) => void): string {
  const file = embedded('types.json');
  edit(file.types as TypeDef[]);
  return JSON.stringify(file);
}
const byName = <T extends { name: string }>(xs: T[], name: string): T => xs.find((x) => x.name === name)!;

/** A chain of `n` machine versions below pc-q35-10.0, each inheriting from the previous one. */
function longMachineChain(n: number, withCompat: boolean): string {
  return machinesWith((ms) => {
    let last = 'pc-q35-10.0';
    for (let i = 0; i < n; i++) {
      const name = `pc-q35-0.${i}`;
      ms.push({ name, type: `${name}-machine`, alias: null, inherits: last, compat: withCompat ? [{ driver: 'virtio-pci', property: 'vectors', value: String(i) }] : [] });
      last = name;
    }
  });
}

/** A parent chain of `n` types below virtio-net-pci. */
function longTypeChain(n: number): string {
  return typesWith((ts) => {
    let last = 'virtio-net-pci';
    for (let i = 0; i < n; i++) { ts.push({ name: `fz-${i}`, parent: last, properties: [] }); last = `fz-${i}`; }
  });
}

/** Structural hostility the schema lets through: what the model must survive. */
const STRUCTURAL: ReadonlyArray<readonly [string, () => Partial<Record<FileName, string>>]> = [
  ['machine inherits itself', () => ({ 'machines.json': machinesWith((ms) => { byName(ms, 'pc-q35-10.0').inherits = 'pc-q35-10.0'; }) })],
  ['two machines inherit each other', () => ({ 'machines.json': machinesWith((ms) => { byName(ms, 'pc-q35-10.0').inherits = 'pc-q35-9.2'; }) })],
  ['a cycle away from the machine asked for', () => ({ 'machines.json': machinesWith((ms) => { byName(ms, 'pc-i440fx-2.6').inherits = 'pc-i440fx-2.7'; byName(ms, 'pc-i440fx-2.7').inherits = 'pc-i440fx-2.6'; }) })],
  ['machine inherits an unknown machine', () => ({ 'machines.json': machinesWith((ms) => { byName(ms, 'pc-q35-10.0').inherits = 'pc-q35-99.0'; }) })],
  ['machine inherits __proto__', () => ({ 'machines.json': machinesWith((ms) => { byName(ms, 'pc-q35-10.0').inherits = '__proto__'; }) })],
  ['machines named __proto__, constructor, prototype', () => ({ 'machines.json': machinesWith((ms) => {
    byName(ms, 'pc-q35-9.0').name = '__proto__'; byName(ms, 'pc-q35-8.2').name = 'constructor'; byName(ms, 'pc-q35-10.0').alias = 'prototype';
    byName(ms, 'pc-q35-9.2').inherits = 'constructor';
  }) })],
  ['compat entries on __proto__.__proto__ and constructor.prototype', () => ({ 'machines.json': machinesWith((ms) => {
    byName(ms, 'pc-q35-10.0').compat.push({ driver: '__proto__', property: '__proto__', value: 'polluted' }, { driver: 'constructor', property: 'prototype', value: '{}' },
      { driver: 'virtio-pci', property: '__proto__', value: '1', optional: true });
  }) })],
  ['groups named __proto__ and constructor', () => ({ 'machines.json': machinesWith((ms, file) => {
    (file.groups as Array<{ name: string }>)[0]!.name = '__proto__'; byName(ms, 'pc-q35-10.0').compat.push({ group: '__proto__' }, { group: 'constructor' });
  }) })],
  ['board layout ids __proto__ and constructor', () => {
    const boards = embedded('boards.json');
    (boards.layouts as Array<{ id: string }>)[0]!.id = '__proto__';
    return {
      'boards.json': JSON.stringify(boards),
      'machines.json': machinesWith((ms) => { byName(ms, 'pc-q35-10.0').board = { defaults: '__proto__', nodefaults: 'constructor' }; }),
    };
  }],
  ['type parents in a cycle', () => ({ 'types.json': typesWith((ts) => { byName(ts, 'device').parent = 'pci-device'; }) })],
  ['a type its own parent', () => ({ 'types.json': typesWith((ts) => { byName(ts, 'virtio-pci').parent = 'virtio-pci'; }) })],
  ['interfaces in a cycle', () => ({ 'types.json': typesWith((ts) => { byName(ts, 'virtio-net-pci').interfaces = ['virtio-net-pci']; byName(ts, 'pci-device').interfaces = ['device', 'pci-device']; }) })],
  ['types named __proto__, constructor, prototype', () => ({ 'types.json': typesWith((ts) => {
    ts.push({ name: '__proto__', parent: 'constructor', properties: [{ name: '__proto__' }] } as TypeDef, { name: 'constructor', parent: 'prototype', properties: [] }, { name: 'prototype', parent: 'device', properties: [{ name: 'constructor' }] });
    byName(ts, 'virtio-net-pci').parent = '__proto__';
  }) })],
  ['a machine chain of 1000 versions (5000 in the longer run), with compat entries', () => ({ 'machines.json': longMachineChain(LONG_RUN ? 5000 : 1000, true) })],
  ['a type chain of 2000 parents (30 000 in the longer run)', () => ({ 'types.json': longTypeChain(LONG_RUN ? 30_000 : 2000) })],
];

describe('fuzz: hostile definition sets', () => {
  it.each(STRUCTURAL.map(([label, make]) => [label, make] as const))('%s', async (label, make) => {
    await everyCommand(defsDir(EMBEDDED, make()), label);
  }, 120_000);
});

describe('defs: regressions found while fuzzing', () => {
  // `list` built every machine's flattened compat list to print its length: 5.6 s and 780 MB for a
  // 3000-version chain (minutes and out of memory for 10 000); it now counts. And Math.max(...widths)
  // over 130 000 machines overflowed the stack (an internal error).
  it('list (text) of 130 000 machines, and of a 3000-version chain: exit 0, counts equal to the lists', async () => {
    const many = defsDir(EMBEDDED, { 'machines.json': machinesWith((ms) => {
      for (let i = 0; i < 130_000; i++) ms.push({ name: `zz-${i}`, type: `zz-${i}-machine`, alias: null, inherits: null, compat: [] });
    }) });
    const r = await runCli(['list', '--defs', many]);
    expectWellBehaved(r, { input: 'list of 130 000 machines' });
    expect(r.code).toBe(0);

    const chain = defsDir(EMBEDDED, { 'machines.json': longMachineChain(3000, true) });
    const started = Date.now();
    expect((await runCli(['list', '--defs', chain])).code).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    // Its JSON would list 4.5 million flattened entries, past V8's longest string: a message, not a
    // crash (building them takes seconds and a gigabyte: in the longer run only).
    if (LONG_RUN) {
      const tooLarge = await runCli(['list', '--format', 'json', '--defs', chain]);
      expectWellBehaved(tooLarge, { input: 'list --format json of a 3000-version chain' });
      expect(tooLarge.stderr).toMatch(/^qom-compat: the JSON output would be larger than this tool can write/);
    }

    // The counts the table shows are the lengths of the lists JSON gives.
    const shorter = defsDir(EMBEDDED, { 'machines.json': longMachineChain(300, true) });
    const text = await runCli(['list', '--defs', shorter]);
    const json = JSON.parse((await runCli(['list', '--format', 'json', '--defs', shorter])).stdout) as Array<{ name: string; compatProps: unknown[] }>;
    const counts = new Map(text.stdout.split('\n').slice(1).filter(Boolean).map((l) => l.split(/\s+/)).map((w) => [w[0]!, Number(w.find((x, k) => k > 0 && /^\d+$/.test(x)))]));
    for (const m of json) expect([m.name, counts.get(m.name)]).toEqual([m.name, m.compatProps.length]);
  }, 120_000);
});

/** Text-level damage any file may suffer. */
const TEXT_DAMAGE: ReadonlyArray<readonly [string, (text: string) => string]> = [
  ['empty', () => ''],
  ['truncated in the middle', (t) => t.slice(0, Math.floor(t.length / 2))],
  ['truncated by one byte', (t) => t.slice(0, t.trimEnd().length - 1)],
  ['a byte order mark', (t) => `\ufeff${t}`],
  ['a NUL byte', (t) => `${t.slice(0, 20)}\u0000${t.slice(20)}`],
  ['lone surrogates in strings', (t) => t.replace(/"name": "/g, '"name": "\\ud800')],
  ['every key twice', (t) => t.replace(/"([a-zA-Z$]+)": ([^,{}[\]]+),/g, '"$1": $2, "$1": $2,')],
  ['100 000 nested arrays', () => deepJson(100_000, 'array')],
  ['50 000 nested objects', () => deepJson(50_000, 'object')],
  ['top level an array', (t) => `[${t}]`],
  ['top level a string', () => '"machines"'],
  ['top level null', () => 'null'],
  ['a 4 MB string value', (t) => t.replace(/"arch": "x86_64"/, `"arch": "${'x'.repeat(4_000_000)}"`)],
  ['numbers past every limit', (t) => t.replace(/"value": "[^"]*"/g, '"value": 1e400').replace(/"deprecated": false/g, '"deprecated": 18446744073709551616')],
  ['__proto__ as the top-level key', (t) => t.replace('{', '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}},')],
];

describe('fuzz: damaged definition files', () => {
  it.each(FILES.flatMap((f) => TEXT_DAMAGE.map(([label, damage]) => [f, label, damage] as const)))('%s: %s', async (file, label, damage) => {
    await everyCommand(defsDir(SMALL_BASE, { [file]: damage(readFileSync(join(SMALL_BASE, file), 'utf8')) }), { file, label }, 'pc-q35-9.1');
  }, 60_000);
});

/** A JSON path to every value of a document. */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof value !== 'object' || value === null) return [prefix];
  const keys: Array<string | number> = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((k) => paths((value as Record<string | number, unknown>)[k], [...prefix, k]))];
}

/**
 * The document's text with the value at `path` replaced by `replacement`
 * (JSON text, possibly with `__proto__` keys, which JSON.stringify of an
 * object could not write), or its key renamed.
 */
function edit(doc: unknown, path: Array<string | number>, change: { value: string } | { key: string }): string {
  const MARK = '"\u0001fuzz-mark\u0001"';
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  if (path.length === 0) return 'value' in change ? change.value : JSON.stringify(doc);
  let parent = copy;
  for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if ('value' in change) {
    parent[last] = '\u0001fuzz-mark\u0001';
    return JSON.stringify(copy).replace(MARK, () => change.value);
  }
  if (Array.isArray(parent)) return JSON.stringify(copy);
  const value = parent[last];
  delete parent[last];
  parent['\u0001fuzz-key\u0001'] = value;
  return JSON.stringify(copy).replace('"\u0001fuzz-key\u0001"', () => JSON.stringify(change.key));
}

describe('fuzz: mutated definition files', () => {
  it.each(FILES)('%s: one value replaced by hostile JSON, or one key renamed', async (file) => {
    const doc = JSON.parse(readFileSync(join(SMALL_BASE, file), 'utf8')) as unknown;
    const all = paths(doc);
    const change = fc.oneof(
      jsonText.map((value) => ({ value })),
      atom.map((s) => ({ value: JSON.stringify(s) })),
      fc.constantFrom(...PROTO_NAMES).map((s) => ({ value: JSON.stringify(s) })),
      fc.constantFrom(...PROTO_NAMES, 'name', 'inherits', 'parent', 'extra').map((key) => ({ key })),
    );
    await fc.assert(fc.asyncProperty(fc.nat(all.length - 1), change, async (i, c) => {
      const text = edit(doc, all[i]!, c);
      await everyCommand(defsDir(SMALL_BASE, { [file]: text }), { file, path: all[i], change: c }, 'pc-q35-9.1');
    }), fuzzParams(10));
  }, 120_000);
});
