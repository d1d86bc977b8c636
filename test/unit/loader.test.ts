import { describe, expect, it } from '@jest/globals';
import { DefinitionError } from '../../src/errors.js';
import { loadDefinitions, validateFile } from '../../src/load/loader.js';
import { MachinesFileSchema, TypesFileSchema } from '../../src/load/schema.js';

const machines = (over: Record<string, unknown> = {}) => JSON.stringify({
  arch: 'x86_64',
  groups: [{ name: 'compat-9.2', entries: [{ driver: 'virtio-pci', property: 'x', value: 'on' }] }],
  machines: [
    { name: 'pc-q35-10.0', type: 'pc-q35-10.0-machine', alias: 'q35', compat: [{ driver: 'virtio-iommu-pci', property: 'aw-bits', value: '39' }] },
    { name: 'pc-q35-9.2', type: 'pc-q35-9.2-machine', inherits: 'pc-q35-10.0', compat: [{ group: 'compat-9.2' }, { driver: 'd', property: 'p', value: 'v', optional: true }] },
  ],
  ...over,
}, null, 2);

const sources = (files: Record<string, string>) => ({
  dir: 'defs',
  files: new Map(Object.entries({
    'machines.json': machines(),
    'types.json': JSON.stringify({ arch: 'x86_64', types: [{ name: 'object', parent: null }] }),
    'boards.json': JSON.stringify({ arch: 'x86_64', layouts: [] }),
    'accel-compat.json': JSON.stringify({ accelerators: [] }),
    ...files,
  })),
});

function definitionError(fn: () => unknown): DefinitionError {
  try { fn(); } catch (e) { if (e instanceof DefinitionError) return e; throw e; }
  throw new Error('expected a DefinitionError');
}

describe('loader', () => {
  it('flattens a version chain: newer entries first, groups spliced in place', () => {
    const defs = loadDefinitions(sources({}));
    const list = defs.machines.compatProps('pc-q35-9.2');
    expect(list.map((e) => `${e.driver}.${e.property}=${e.value}`)).toEqual(['virtio-iommu-pci.aw-bits=39', 'virtio-pci.x=on', 'd.p=v']);
    expect(list[1]).toMatchObject({ addedBy: 'pc-q35-9.2', group: 'compat-9.2', index: 1, optional: false });
    expect(list[2]!.optional).toBe(true);
    expect(defs.machines.chain('pc-q35-9.2').map((m) => m.name)).toEqual(['pc-q35-9.2', 'pc-q35-10.0']);
  });

  it('finds machines by canonical name, alias and without pc-', () => {
    const defs = loadDefinitions(sources({}));
    expect(defs.machines.lookup('pc-q35-9.2')?.name).toBe('pc-q35-9.2');
    expect(defs.machines.lookup('q35')?.name).toBe('pc-q35-10.0');
    expect(defs.machines.lookup('q35-9.2')?.name).toBe('pc-q35-9.2');
    expect(defs.machines.lookup('q35-9.3')).toBeUndefined();
  });

  it('reports malformed JSON with file, line and column', () => {
    const e = definitionError(() => loadDefinitions(sources({ 'machines.json': '{\n  "arch": "x86_64",\n  "groups": [,]\n}' })));
    expect(e.rule).toBe('malformed-json');
    expect(e.location).toMatchObject({ file: 'defs/machines.json', line: 3, column: 14 });
    expect(e.message).toMatch(/^defs\/machines\.json:3:14: malformed JSON/);
  });

  it('reports schema violations with the JSON path and position of the value', () => {
    const text = machines().replace('"value": "39"', '"value": 39');
    const e = definitionError(() => validateFile(MachinesFileSchema, text, 'm.json'));
    expect(e.rule).toBe('schema');
    expect(e.location.jsonPath).toBe('$.machines[0].compat[0]');
    const line = text.split('\n').findIndex((l) => l.includes('"value": 39')) + 1;
    expect(e.location.line).toBeGreaterThan(0);
    expect(Math.abs(e.location.line! - line)).toBeLessThanOrEqual(4);
  });

  it('points at an unknown key itself', () => {
    const text = '{\n  "arch": "x86_64",\n  "groups": [],\n  "machines": [],\n  "extra": 1\n}';
    const e = definitionError(() => validateFile(MachinesFileSchema, text, 'm.json'));
    expect(e.location).toMatchObject({ line: 5, column: 3, jsonPath: '$.extra' });
  });

  it('keeps __proto__ and constructor keys away from prototypes', () => {
    const hostile = '{"arch":"x86_64","types":[{"name":"object","parent":null,"__proto__":{"polluted":true}}]}';
    const e = definitionError(() => validateFile(TypesFileSchema, hostile, 't.json'));
    expect(e.location.jsonPath).toBe('$.types[0].__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const named = '{"arch":"x86_64","types":[{"name":"__proto__","parent":null,"properties":[{"name":"constructor","type":"str","default":"x"}]}]}';
    const defs = loadDefinitions(sources({ 'types.json': named }));
    expect(defs.types.has('__proto__')).toBe(true);
    expect(defs.types.property('__proto__', 'constructor')?.default).toBe('x');
    expect(defs.types.has('toString')).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('drops a __proto__ key from a defaults record instead of trusting it', () => {
    const t = '{"arch":"x86_64","types":[{"name":"object","parent":null,"properties":[{"name":"p","type":"str"}]},' +
      '{"name":"child","parent":"object","defaults":{"p":"x","__proto__":"y"}}]}';
    const defs = loadDefinitions(sources({ 'types.json': t }));
    expect(defs.types.property('child', 'p')?.default).toBe('x');
    expect([...defs.types.properties('child').keys()]).toEqual(['p']);
    expect(({} as Record<string, unknown>).p).toBeUndefined();
  });

  it('rejects a chain that points at a missing version', () => {
    const text = machines({ machines: [{ name: 'a-1.0', type: 't', inherits: 'a-2.0', compat: [] }] });
    const e = definitionError(() => loadDefinitions(sources({ 'machines.json': text })));
    expect(e.detail).toBe('machine a-1.0 inherits from unknown machine a-2.0');
  });

  // Found by test/fuzz/defs.test.ts: a cycle (or a missing version) was thrown as a plain Error the
  // first time a command walked the chain, and `list` printed an internal error with a stack trace.
  it('rejects a cycle in the chains when loading, even one away from the machine asked for', () => {
    const text = machines({ machines: [
      { name: 'a-3.0', type: 't', inherits: null, compat: [] },
      { name: 'a-2.0', type: 't', inherits: 'a-1.0', compat: [] },
      { name: 'a-1.0', type: 't', inherits: 'a-2.0', compat: [] },
    ] });
    const e = definitionError(() => loadDefinitions(sources({ 'machines.json': text })));
    expect(e.detail).toBe('machine a-2.0: inheritance cycle through a-2.0');
    expect(e.exitCode).toBe(2);
  });

  it('rejects a reference to an unknown group', () => {
    const text = machines({ machines: [{ name: 'a-1.0', type: 't', compat: [{ group: 'nope' }] }] });
    const e = definitionError(() => loadDefinitions(sources({ 'machines.json': text })));
    expect(e.detail).toMatch(/unknown compat group nope/);
  });

  it('names a missing file', () => {
    const src = sources({});
    (src.files as Map<string, string>).delete('boards.json');
    expect(definitionError(() => loadDefinitions(src)).location.file).toBe('defs/boards.json');
  });
});
