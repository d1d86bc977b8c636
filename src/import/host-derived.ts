/**
 * What a CPU shows under KVM that comes from the host it runs on, so that a
 * KVM board's record does not bake this machine's CPU into everyone's answer.
 *
 * Under KVM, x86_cpu_realizefn filters the model's features against what the
 * host's KVM supports (x86_cpu_filter_features: each missing one is turned
 * off, listed in `unavailable-features`/`filtered-features`, and warned about:
 * "host doesn't support requested feature"); kvm_arch_init_vcpu reads the
 * host's TSC frequency into `tsc-frequency`; `feature-words` is the CPUID the
 * guest gets after filtering. Those values differ from host to host. What does
 * not (kvm_default_props: kvmclock, x2apic, svm=off, …; the model's own
 * features on a host that has them) is portable and recorded as usual.
 */
import { QemuProbeError } from '../errors.js';
import type { ObservedObject } from './observe-boards.js';
import { launch } from './probe-qemu.js';
import { QmpError } from '../qemu/qmp.js';
import { toObservedValue } from '../resolve/shown.js';
import type { ProbeContext } from './probes.js';

/**
 * x86 CPU properties whose value is the host's under KVM, whatever the host: the CPUID after
 * filtering (target/i386/cpu.c), the TSC frequency (kvm/kvm.c kvm_arch_init_vcpu), the vendor
 * (host-cpu.c host_cpu_instance_init sets the host's for every model) and the microcode
 * revision, whose default x86_cpu_realizefn takes from the vendor.
 */
export const HOST_DERIVED_CPU_PROPERTIES: readonly string[] = ['feature-words', 'filtered-features', 'tsc-frequency', 'ucode-rev', 'unavailable-features', 'vendor'];

/**
 * The host-derived properties of a CPU that showed `values` under KVM (the features the host
 * lacked aside): the fixed ones, and phys-bits with host-phys-bits on (host_cpu_realizefn).
 */
export function hostDerivedNames(has: (name: string) => boolean, value: (name: string) => unknown): string[] {
  return [...HOST_DERIVED_CPU_PROPERTIES.filter(has), ...(value('host-phys-bits') === true && has('phys-bits') ? ['phys-bits'] : [])];
}

/** What of a board CPU's values under KVM is the host's, and what is KVM's default for the model. */
export interface KvmCpuValues {
  /** The host's values (not recorded). */
  hostDerived: string[];
  /**
   * Values that differ from the same CPU under TCG and are not the host's:
   * kvm_default_props (x86_cpu_load_model applies them at instance init when
   * KVM is on: kvmclock, x2apic, kvm-pv-eoi, svm=off, …), which compat
   * entries, -global and -cpu features set after them replace.
   */
  accelDefaults: string[];
}

/**
 * Sorts a board CPU's values under KVM: the fixed host-derived properties,
 * each feature the host lacked with its alias names (`pni` is also `sse3`;
 * the aliases are learned from the binary: under TCG, the properties that
 * change when those features are turned off), and KVM's defaults (what
 * differs from the same CPU under TCG, the rest being the host's).
 */
export async function kvmCpuValues(ctx: ProbeContext, machine: string, model: string, shown: ObservedObject): Promise<KvmCpuValues> {
  const host = new Set(hostDerivedNames((p) => shown.properties.has(p), (p) => shown.properties.get(p)?.value));
  const unavailable = shown.properties.get('unavailable-features')?.value;
  const missing = Array.isArray(unavailable) ? unavailable.filter((f): f is string => typeof f === 'string').sort() : [];
  const base = ['-M', machine, '-smp', '1', '-nodefaults'];
  const tcg = await cpuValues(ctx, [...base, '-cpu', model]);
  if (missing.length) {
    const off = await cpuValues(ctx, [...base, '-cpu', [model, ...missing.map((f) => `${f}=off`)].join(',')]);
    for (const [k, v] of tcg) if (JSON.stringify(off.get(k)) !== JSON.stringify(v)) host.add(k);
  }
  const accelDefaults = [...shown.properties].filter(([k, p]) => !host.has(k) && tcg.has(k) && JSON.stringify(tcg.get(k)) !== JSON.stringify(p.value))
    .map(([k]) => k);
  return { hostDerived: [...host].sort(), accelDefaults: accelDefaults.sort() };
}

const valueCache = new Map<string, Promise<Map<string, unknown>>>();

/** Every property of the (one) CPU QEMU started with `args` shows, under TCG (the probes' default). */
function cpuValues(ctx: ProbeContext, args: string[]): Promise<Map<string, unknown>> {
  const key = `${ctx.binary}\u0000${args.join(' ')}`;
  let p = valueCache.get(key);
  if (!p) {
    p = launch(ctx, args, async (qmp) => {
      const path = ((await qmp.execute('query-cpus-fast')) as Array<{ 'qom-path': string }>)[0]!['qom-path'];
      const out = new Map<string, unknown>();
      for (const prop of (await qmp.execute('qom-list', { path })) as Array<{ name: string; type: string }>) {
        if (prop.type.startsWith('child<') || prop.type.startsWith('link<')) continue;
        try {
          out.set(prop.name, toObservedValue(await qmp.execute('qom-get', { path, property: prop.name })));
        } catch (e) {
          if (!(e instanceof QmpError)) throw e;
        }
      }
      return out;
    }, (r) => { throw new QemuProbeError(`QEMU refused ${args.join(' ')}: ${r.stderr.trim()}`); });
    valueCache.set(key, p);
  }
  return p;
}
