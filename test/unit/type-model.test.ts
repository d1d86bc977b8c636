/**
 * The type model's shortcuts agree with its plain definitions: castTargets
 * with isA, hasProperty and typedDeclaration with property(), on the
 * committed x86_64 types and on hand-made corner cases (default-only
 * redeclarations, a parent cycle, a broken interface chain).
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TypeDef } from '../../src/load/schema.js';
import { EMBEDDED_MACHINES_DIR } from '../../src/load/paths.js';
import { TypeModel } from '../../src/model/types.js';
import { MemoryTextStore } from '../../src/model/text-store.js';

const committed = (JSON.parse(readFileSync(join(EMBEDDED_MACHINES_DIR, 'x86_64', 'types.json'), 'utf8')) as { types: TypeDef[] }).types;

const corner: TypeDef[] = [
  { name: 'object', parent: null, abstract: true },
  { name: 'interface', parent: null, abstract: true },
  { name: 'iface-a', parent: 'interface', abstract: true },
  { name: 'iface-b', parent: 'iface-a', abstract: true },
  { name: 'iface-orphan', parent: 'missing', abstract: true },
  { name: 'base', parent: 'object', abstract: true, interfaces: ['iface-a', 'iface-orphan'], properties: [{ name: 'x', type: 'uint32', default: '1', description: 'x' }] },
  { name: 'mid', parent: 'base', interfaces: ['iface-b'], defaults: { x: '2' } },
  { name: 'leaf', parent: 'mid', properties: [{ name: 'x', default: '3' }, { name: 'y', type: 'bool', default: 'false' }] },
  { name: 'twin', parent: 'base', interfaces: ['iface-a', 'iface-b'] },
  { name: 'loop-a', parent: 'loop-b', properties: [{ name: 'z', type: 'str' }] },
  { name: 'loop-b', parent: 'loop-a', defaults: { z: 'v' } },
];

describe.each([['committed x86_64 types', committed], ['corner cases', corner]])('%s', (_, defs) => {
  it('castTargets lists exactly the names isA accepts', () => {
    const model = new TypeModel(defs);
    const plain = new TypeModel(defs);
    for (const t of model.names()) {
      const candidates = new Set([...plain.ancestry(t), ...plain.classInterfaces(t).flatMap((i) => [...plain.ancestry(i)])]);
      expect([t, [...model.castTargets(t)].sort()]).toEqual([t, [...candidates].filter((c) => plain.isA(t, c)).sort()]);
    }
  });

  it('hasProperty and typedDeclaration agree with property()', () => {
    const model = new TypeModel(defs);
    const plain = new TypeModel(defs);
    const props = new Set(defs.flatMap((d) => [...(d.properties ?? []).map((p) => p.name), ...Object.keys(d.defaults ?? {})]));
    // Every property on the corner cases; on the committed types, those of a few families.
    const sample = defs === corner ? [...props] : ['x-pcie-ext-tag', 'vectors', 'mpx', 'sse4_1', 'aw-bits', 'migrate-clk', 'nonexistent'];
    for (const t of model.names()) {
      for (const p of sample) {
        const full = plain.property(t, p);
        expect([t, p, model.hasProperty(t, p)]).toEqual([t, p, full !== undefined]);
        const typed = model.typedDeclaration(t, p);
        expect([t, p, typed?.type, typed?.description, typed?.choices]).toEqual([t, p, full?.type || undefined, full?.type ? full.description : undefined, full?.type ? full.choices : undefined]);
      }
    }
  });
});

describe.each([['committed x86_64 types', committed], ['corner cases', corner]])('%s kept as text (the start-up snapshot\'s compact model)', (_, defs) => {
  it('answers as the plain model does', () => {
    const plain = new TypeModel(defs);
    const compact = new TypeModel(defs, { store: new MemoryTextStore() });
    const derived = compact.derive({ reparent: new Map([['mid', 'object']]) });
    const plainDerived = plain.derive({ reparent: new Map([['mid', 'object']]) });
    for (const t of plain.names()) {
      expect([t, compact.isAbstract(t), [...compact.ancestry(t)], [...compact.classInterfaces(t)], compact.declaresAny(t)])
        .toEqual([t, plain.isAbstract(t), [...plain.ancestry(t)], [...plain.classInterfaces(t)], plain.declaresAny(t)]);
      expect([t, [...compact.properties(t).values()]]).toEqual([t, [...plain.properties(t).values()]]);
      expect([t, [...derived.properties(t).values()]]).toEqual([t, [...plainDerived.properties(t).values()]]);
      expect([t, compact.get(t)]).toEqual([t, plain.get(t)]);
      for (const p of ['family', 'model-id', 'vmx', 'x']) expect([t, p, compact.expandedValue(t, p)]).toEqual([t, p, plain.expandedValue(t, p)]);
    }
    for (const alias of ['virtio-net', 'virtio-blk', 'e1000-82540em', 'nonexistent']) expect(compact.deviceType(alias)).toBe(plain.deviceType(alias));
  });
});
