/**
 * The board's CPUs for a topology (smp.ts): x86_cpus_init creates smp.cpus
 * CPUs in /machine/unattached, the first one's realize creating the single
 * kvmvapic (apic_common_realize) right after it, so CPUs 2..N take the
 * device[N] numbers after that and every later board device moves up.
 * Each CPU gets its APIC ID and the topology IDs derived from it, its local
 * APIC the same ID, and, with more than one thread per package, realize's
 * CPUID HT and CmpLegacy bits (x86_cpu_expand_features). Board layouts were
 * recorded with one CPU; this rewrites the plan and its records. Pure.
 */
import type { ObservedRecord } from '../model/boards.js';
import type { TypeModel } from '../model/types.js';
import { relocateRecord } from '../model/boards.js';
import type { ObservedValue } from '../load/schema.js';
import { cpuTopologyIds, threadsPerPackage, type SmpTopology } from './smp.js';
import type { PlannedObject } from './tree.js';

const UNATTACHED = /^\/machine\/unattached\/device\[(\d+)\]/;
const unattachedIndex = (path: string | null): number | undefined => {
  const m = path ? UNATTACHED.exec(path) : null;
  return m ? Number(m[1]) : undefined;
};

/** CPUID leaf 1 EDX bit 28 (HTT) and leaf 0x80000001 ECX bit 1 (CmpLegacy). */
const HT_WORD = { eax: 1, register: 'EDX', bit: 1 << 28 };
const CMP_LEGACY_WORD = { eax: 0x80000001, register: 'ECX', bit: 1 << 1 };

/**
 * A CPU model's own vendor: its default, else what query-cpu-model-expansion
 * shows. Under KVM QEMU takes the host's vendor, which the tool does not know;
 * it answers for a host of the model's own.
 */
export function modelVendor(types: TypeModel, type: string): string | undefined {
  return types.property(type, 'vendor')?.default ?? types.expandedValue(type, 'vendor');
}

export interface BoardCpuTypes {
  isCpu(type: string): boolean;
  isApic(type: string): boolean;
  /** Whether the type has the property (an older QEMU's CPU has no module-id). */
  hasProperty(type: string, name: string): boolean;
  /** The CPU model's vendor string as realize sees it (its record, else its default). */
  vendor(cpu: PlannedObject): string | undefined;
}

export function withSmpCpus(board: readonly PlannedObject[], t: SmpTopology, types: BoardCpuTypes): PlannedObject[] {
  const first = board.findIndex((o) => types.isCpu(o.type) && unattachedIndex(o.path) !== undefined);
  if (first < 0) return [...board];
  const cpuPath = board[first]!.path!;
  const inGroup = (o: PlannedObject) => o.path === cpuPath || !!o.path?.startsWith(cpuPath + '/');
  const lastOfGroup = board.reduce((last, o, i) => (inGroup(o) ? i : last), first);
  const next = board[lastOfGroup + 1];
  const vapic = next?.type === 'kvmvapic' ? next : undefined;
  const insertAt = (unattachedIndex((vapic ?? board[first]!).path) ?? 0) + 1;
  const extra = t.cpus - 1;

  const move = (s: string): string => s.replace(UNATTACHED, (whole, n: string) =>
    (Number(n) >= insertAt ? `/machine/unattached/device[${Number(n) + extra}]` : whole));
  const moved = extra > 0 ? board.map((o) => movedObject(o, move)) : [...board];

  const ht = threadsPerPackage(t) > 1;
  const vendor = types.vendor(board[first]!);
  const cmpLegacy = ht && vendor !== 'GenuineIntel' && vendor !== 'CentaurHauls' && vendor !== '  Shanghai  ';
  const cpuGroup = (index: number, path: string): PlannedObject[] => moved.filter(inGroup).map((o) => {
    const to = path + o.path!.slice(cpuPath.length);
    const record = o.observed ? relocateRecord(o.observed.record, cpuPath, path) : undefined;
    const ids = cpuTopologyIds(t, index);
    const values: Record<string, ObservedValue> = {};
    if (types.isCpu(o.type)) {
      Object.assign(values, { 'apic-id': ids.apicId, 'socket-id': ids.socketId, 'die-id': ids.dieId, 'module-id': ids.moduleId, 'core-id': ids.coreId, 'thread-id': ids.threadId });
      if (ht) {
        values.ht = true;
        if (cmpLegacy) { values.cmp_legacy = true; values['cmp-legacy'] = true; }
        const words = record?.values['feature-words'];
        if (Array.isArray(words)) values['feature-words'] = withTopologyBits(words, cmpLegacy);
      }
    } else if (types.isApic(o.type)) {
      values.id = ids.apicId;
    }
    const own = Object.fromEntries(Object.entries(values).filter(([name]) => types.hasProperty(o.type, name)));
    return { ...o, path: to, observed: { type: o.observed?.type ?? o.type, record: withValues(record, own) } };
  });

  const out: PlannedObject[] = [];
  for (let i = 0; i < moved.length; i++) {
    const o = moved[i]!;
    if (inGroup(board[i]!)) {
      // The first CPU's group is emitted once, where its last object was, with CPU 0's IDs.
      if (i === lastOfGroup) out.push(...cpuGroup(0, cpuPath));
    } else {
      out.push(o);
    }
    const after = vapic ? board.indexOf(vapic) : lastOfGroup;
    if (i === after) {
      for (let n = 1; n <= extra; n++) out.push(...cpuGroup(n, `/machine/unattached/device[${insertAt + n - 1}]`));
    }
  }
  return out;
}

function movedObject(o: PlannedObject, move: (s: string) => string): PlannedObject {
  const rec = o.observed?.record;
  const observed = rec && o.observed && {
    type: o.observed.type,
    record: { ...rec, values: Object.fromEntries(Object.entries(rec.values).map(([k, v]) => [k, typeof v === 'string' ? move(v) : v])) },
  };
  return { ...o, ...(o.path ? { path: move(o.path) } : {}), ...(observed ? { observed } : {}) };
}

function withValues(record: ObservedRecord | undefined, values: Record<string, ObservedValue>): ObservedRecord {
  const base: ObservedRecord = record ?? { values: {}, instanceProperties: {}, volatile: [], hostDerived: [], accelDefaults: [] };
  return { ...base, values: { ...base.values, ...values } };
}

/** The CPU's feature words with the HTT (and CmpLegacy) bits realize sets for a multi-thread package. */
function withTopologyBits(words: readonly unknown[], cmpLegacy: boolean): ObservedValue {
  const bits = [HT_WORD, ...(cmpLegacy ? [CMP_LEGACY_WORD] : [])];
  return words.map((w) => {
    const word = w as { 'cpuid-input-eax'?: number; 'cpuid-register'?: string; features?: number };
    const hit = bits.find((b) => word['cpuid-input-eax'] === b.eax && word['cpuid-register'] === b.register);
    return hit && typeof word.features === 'number' ? { ...word, features: (word.features | hit.bit) >>> 0 } : w;
  }) as ObservedValue;
}
