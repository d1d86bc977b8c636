/**
 * -numa as parse_numa (hw/core/numa.c) takes it, for the forms the tool
 * models: `node` with nodeid, cpus (repeatable, N or N-M) and memdev, and
 * `dist`, which sets no QOM property (only the guest's ACPI distance table).
 * Other forms (`node,mem=`, `cpu`, `hmat-lb`, `hmat-cache`, `initiator=`)
 * are not modelled: the parser lists them rather than half-apply them. Pure.
 */
import { qemuOptsPairs } from '../resolve/options.js';

export interface NumaNode {
  /** The option as written, for QEMU's messages (`-numa node,…: CPU index …`). */
  readonly text: string;
  readonly nodeid: number;
  readonly cpus: readonly number[];
  readonly memdev?: string;
}

export interface NumaConfig { readonly nodes: readonly NumaNode[] }

/** The -numa options of a line (their arguments, in order); undefined when one is of a form not modelled. */
export function parseNuma(args: readonly string[]): NumaConfig | undefined {
  const nodes: NumaNode[] = [];
  for (const arg of args) {
    const pairs = qemuOptsPairs(arg, 'type');
    const type = pairs.find(([k]) => k === 'type')?.[1];
    if (type === 'dist') {
      if (pairs.some(([k]) => !['type', 'src', 'dst', 'val'].includes(k))) return undefined;
      continue;
    }
    if (type !== 'node' || pairs.some(([k]) => !['type', 'nodeid', 'cpus', 'memdev'].includes(k))) return undefined;
    const id = pairs.filter(([k]) => k === 'nodeid').pop()?.[1];
    // parse_numa_node: without nodeid, the next node number.
    const nodeid = id === undefined ? nodes.length : decimal(id);
    if (nodeid === undefined || nodes.some((n) => n.nodeid === nodeid)) return undefined;
    const cpus: number[] = [];
    for (const [, range] of pairs.filter(([k]) => k === 'cpus')) {
      const m = /^(\d+)(?:-(\d+))?$/.exec(range);
      if (!m) return undefined;
      const first = Number(m[1]);
      const last = m[2] === undefined ? first : Number(m[2]);
      if (last < first || last - first > 4096) return undefined;
      for (let c = first; c <= last; c++) cpus.push(c);
    }
    const memdev = pairs.filter(([k]) => k === 'memdev').pop()?.[1];
    nodes.push({ text: `-numa ${arg}`, nodeid, cpus, ...(memdev !== undefined ? { memdev } : {}) });
  }
  return { nodes };
}

function decimal(text: string): number | undefined {
  return /^\d{1,4}$/.test(text) ? Number(text) : undefined;
}
