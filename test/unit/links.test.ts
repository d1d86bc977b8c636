/**
 * A link property set by an id shows the path QEMU shows back
 * (object_resolve_path: an id is a partial path; an -object is /objects/ID).
 */
import { describe, expect, it } from '@jest/globals';
import { loadDefinitionsFromDisk } from '../../src/load/fs.js';
import { resolve } from '../../src/resolve/resolve.js';

const defs = await loadDefinitionsFromDisk();
const value = (r: ReturnType<typeof resolve>, path: string, name: string) =>
  r.objects.find((o) => o.path === path)?.properties.find((p) => p.name === name)?.value;

describe('link values', () => {
  it('an -object named by its id is /objects/ID, on the proxy and its virtio backend', () => {
    const r = resolve(defs, {
      machine: 'pc-q35-10.0', nodefaults: true,
      options: [{ kind: 'object', arg: 'rng-random,id=objrng0,filename=/dev/urandom' }, { kind: 'device', arg: 'virtio-rng-pci,rng=objrng0,id=rng0' }],
    });
    expect(r.error).toBeNull();
    expect(value(r, '/machine/peripheral/rng0', 'rng')).toBe('/objects/objrng0');
    expect(value(r, '/machine/peripheral/rng0/virtio-backend', 'rng')).toBe('/objects/objrng0');
  });

  it('an absolute path stays as given', () => {
    const r = resolve(defs, {
      machine: 'pc-q35-10.0', nodefaults: true,
      options: [{ kind: 'object', arg: 'rng-random,id=objrng0,filename=/dev/urandom' }, { kind: 'device', arg: 'virtio-rng-pci,rng=/objects/objrng0,id=rng0' }],
    });
    expect(value(r, '/machine/peripheral/rng0', 'rng')).toBe('/objects/objrng0');
  });
});
