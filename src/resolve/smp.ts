/**
 * CPU topology: the machine's `smp` property (-smp, `-machine smp.*`) as
 * machine_parse_smp_config takes it (hw/core/machine-smp.c), and the x86
 * APIC IDs and topology IDs of each CPU (include/hw/i386/topology.h). Pure.
 *
 * SMPConfiguration's members are QAPI `int`; machine_parse_smp_config keeps
 * them in `unsigned` (32-bit) variables, so arithmetic here is modulo 2^32
 * and messages print with %u or, where QEMU uses %d, as signed.
 */
import { parseKeyvalInt64 } from './values.js';

/** The members of SMPConfiguration, in the QAPI schema's order (the visitor's). */
const MEMBERS = ['cpus', 'drawers', 'books', 'sockets', 'dies', 'clusters', 'modules', 'cores', 'threads', 'maxcpus'] as const;
type Member = typeof MEMBERS[number];

export interface SmpTopology {
  cpus: number;
  maxcpus: number;
  sockets: number;
  dies: number;
  modules: number;
  cores: number;
  threads: number;
}

/** What the machine class says of topology (mc->smp_props, mc->max_cpus). */
export interface SmpClass {
  name: string;
  /** query-machines cpu-max; null when the definitions do not record it. */
  maxCpus: number | null;
  preferSockets: boolean;
  diesSupported: boolean;
  modulesSupported: boolean;
}

export type SmpResult = { ok: true; topology: SmpTopology } | { ok: false; error: string };

const U32 = 2 ** 32;
const u32 = (v: bigint) => Number(BigInt.asUintN(32, v));
const mul = (...xs: number[]) => xs.reduce((a, b) => Number(BigInt.asUintN(32, BigInt(a) * BigInt(b))), 1);
/** C unsigned division; a zero divisor (a product that wrapped to 0) would trap in QEMU: 0 here. */
const div = (a: number, b: number) => (b === 0 ? 0 : Math.floor(a / b));
const signed = (v: number) => (v >= U32 / 2 ? v - U32 : v);

/** The keys of the `smp` dictionary as written, last one winning. */
export type SmpKeys = ReadonlyMap<string, string>;

export function machineSmp(keys: SmpKeys, cls: SmpClass): SmpResult {
  // The QObject input visitor: members in schema order, then keys it did not visit.
  const given = new Map<Member, bigint>();
  for (const m of MEMBERS) {
    const text = keys.get(m);
    if (text === undefined) continue;
    const r = parseKeyvalInt64(`smp.${m}`, text);
    if (!r.ok) return { ok: false, error: r.reason };
    given.set(m, r.value);
  }
  for (const k of keys.keys()) {
    if (!(MEMBERS as readonly string[]).includes(k)) return { ok: false, error: `Parameter 'smp.${k}' is unexpected` };
  }
  if ([...given.values()].some((v) => v === 0n)) {
    return { ok: false, error: 'Invalid CPU topology: CPU topology parameters must be greater than zero' };
  }
  const v = (m: Member) => (given.has(m) ? u32(given.get(m)!) : 0);
  const unsupported: Array<[Member, boolean]> = [['modules', cls.modulesSupported], ['clusters', false], ['dies', cls.diesSupported], ['books', false], ['drawers', false]];
  for (const [m, ok] of unsupported) {
    if (!ok && given.has(m) && given.get(m)! > 1n) return { ok: false, error: `${m} > 1 not supported by this machine's CPU topology` };
  }
  let cpus = v('cpus');
  let maxcpus = v('maxcpus');
  let sockets = v('sockets');
  let cores = v('cores');
  let threads = v('threads');
  const modules = v('modules') || 1;
  const dies = v('dies') || 1;
  // clusters, books and drawers are 1 on x86 (not supported, checked above).
  if (cpus === 0 && maxcpus === 0) {
    sockets ||= 1; cores ||= 1; threads ||= 1;
  } else {
    maxcpus ||= cpus;
    if (cls.preferSockets) {
      // Before 6.2 an omitted count is taken from sockets first.
      if (sockets === 0) { cores ||= 1; threads ||= 1; sockets = div(maxcpus, mul(dies, modules, cores, threads)); }
      else if (cores === 0) { threads ||= 1; cores = div(maxcpus, mul(sockets, dies, modules, threads)); }
    } else if (cores === 0) { sockets ||= 1; threads ||= 1; cores = div(maxcpus, mul(sockets, dies, modules, threads)); }
    else if (sockets === 0) { threads ||= 1; sockets = div(maxcpus, mul(dies, modules, cores, threads)); }
    if (threads === 0) threads = div(maxcpus, mul(sockets, dies, modules, cores));
  }
  const total = mul(sockets, dies, modules, cores, threads);
  maxcpus ||= total;
  cpus ||= maxcpus;
  const t: SmpTopology = { cpus, maxcpus, sockets, dies, modules, cores, threads };
  const hierarchy = hierarchyText(t, cls);
  if (total !== maxcpus) {
    return { ok: false, error: `Invalid CPU topology: product of the hierarchy must match maxcpus: ${hierarchy} != maxcpus (${maxcpus})` };
  }
  if (maxcpus < cpus) {
    return { ok: false, error: `Invalid CPU topology: maxcpus must be equal to or greater than smp: ${hierarchy} == maxcpus (${maxcpus}) < smp_cpus (${cpus})` };
  }
  if (cls.maxCpus !== null && maxcpus > cls.maxCpus) {
    return { ok: false, error: `Invalid SMP CPUs ${signed(maxcpus)}. The max CPUs supported by machine '${cls.name}' is ${cls.maxCpus}` };
  }
  return { ok: true, topology: t };
}

/** cpu_hierarchy_to_string: the levels the machine supports, largest first. */
function hierarchyText(t: SmpTopology, cls: SmpClass): string {
  return [`sockets (${t.sockets})`, ...(cls.diesSupported ? [`dies (${t.dies})`] : []), ...(cls.modulesSupported ? [`modules (${t.modules})`] : []),
    `cores (${t.cores})`, `threads (${t.threads})`].join(' * ');
}

/** apicid_bitwidth_for_count: bits for `count` IDs. */
function width(count: number): number {
  return count > 1 ? Math.ceil(Math.log2(count)) : 0;
}

export interface CpuTopologyIds { apicId: number; socketId: number; dieId: number; moduleId: number; coreId: number; threadId: number }

/** x86_apicid_from_cpu_idx and the IDs pc_cpu_pre_plug derives back from it. */
export function cpuTopologyIds(t: SmpTopology, index: number): CpuTopologyIds {
  const threadId = index % t.threads;
  const coreId = Math.floor(index / t.threads) % t.cores;
  const moduleId = Math.floor(index / (t.cores * t.threads)) % t.modules;
  const dieId = Math.floor(index / (t.modules * t.cores * t.threads)) % t.dies;
  const socketId = Math.floor(index / (t.dies * t.modules * t.cores * t.threads));
  const coreOffset = width(t.threads);
  const moduleOffset = coreOffset + width(t.cores);
  const dieOffset = moduleOffset + width(t.modules);
  const pkgOffset = dieOffset + width(t.dies);
  const apicId = socketId * 2 ** pkgOffset + dieId * 2 ** dieOffset + moduleId * 2 ** moduleOffset + coreId * 2 ** coreOffset + threadId;
  return { apicId, socketId, dieId, moduleId, coreId, threadId };
}

/** x86_threads_per_pkg: above 1, realize sets CPUID HT (and, off Intel, CmpLegacy) on every CPU. */
export function threadsPerPackage(t: SmpTopology): number {
  return t.threads * t.cores * t.modules * t.dies;
}
