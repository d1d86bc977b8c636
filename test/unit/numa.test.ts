/**
 * -numa as the parser takes it (parse/numa.ts): the node and dist forms
 * resolve models, the others left to the "not modelled" list. Values and
 * messages are compared with QEMU in test/live/memory.live.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { parseNuma } from '../../src/parse/numa.js';
import { numaCompleteError, numaCoversCpus, numaOptionError } from '../../src/resolve/numa.js';

describe('parseNuma', () => {
  it('takes nodes with nodeid, repeated cpus ranges and memdev; dist sets nothing', () => {
    const c = parseNuma(['node,nodeid=0,cpus=0-1,cpus=4,memdev=r0', 'node,cpus=2-3,memdev=r1', 'dist,src=0,dst=1,val=20']);
    expect(c).toEqual({ nodes: [
      { text: '-numa node,nodeid=0,cpus=0-1,cpus=4,memdev=r0', nodeid: 0, cpus: [0, 1, 4], memdev: 'r0' },
      { text: '-numa node,cpus=2-3,memdev=r1', nodeid: 1, cpus: [2, 3], memdev: 'r1' },
    ] });
  });

  it.each([
    ['node,mem=1G'], ['node,nodeid=0,initiator=0,memdev=r'], ['cpu,node-id=0,socket-id=0'], ['hmat-lb,initiator=0,target=0'],
    ['node,nodeid=x'], ['node,cpus=3-1'], ['node,nodeid=0', 'node,nodeid=0'], ['dist,src=0,dst=1,val=20,extra=1'],
  ])('leaves %s to the not-modelled list', (...args) => {
    expect(parseNuma(args)).toBeUndefined();
  });
});

describe('QEMU\'s checks of the nodes', () => {
  const c = parseNuma(['node,nodeid=0,cpus=0-1,memdev=a', 'node,nodeid=2,cpus=2-3,memdev=b'])!;
  it('parse_numa_node and numa_complete_configuration, in their order', () => {
    expect(numaOptionError(c, 2, () => true)).toBe('-numa node,nodeid=2,cpus=2-3,memdev=b: CPU index (2) should be smaller than maxcpus (2)');
    expect(numaOptionError(c, 4, (id) => id === 'a')).toBe('-numa node,nodeid=2,cpus=2-3,memdev=b: memdev=b is ambiguous');
    expect(numaCompleteError(c, 512n << 20n, () => 256n << 20n, false)).toBe('numa: Node ID missing: 1');
    const ok = parseNuma(['node,cpus=0-1,memdev=a', 'node,cpus=2-3,memdev=b'])!;
    expect(numaCompleteError(ok, 512n << 20n, () => 128n << 20n, false)).toBe('total memory for NUMA nodes (0x10000000) should equal RAM size (0x20000000)');
    expect(numaCompleteError(ok, 512n << 20n, () => 256n << 20n, true)).toBe("'-machine memory-backend' and '-numa memdev' properties are mutually exclusive");
    expect(numaCompleteError(ok, 512n << 20n, () => 256n << 20n, false)).toBeUndefined();
    expect([numaCoversCpus(ok, 4), numaCoversCpus(ok, 5)]).toEqual([true, false]);
  });
});
