/**
 * What QEMU shows on a `-cpu MODEL` CPU: the model's own record (taken
 * under TCG, import --cpu-models), and under KVM that record carried over to
 * KVM. Pure: no I/O.
 */
import type { LoneRecord, ObservedRecord } from '../model/boards.js';
import type { TypeModel } from '../model/types.js';

/** CPU models that are the host's CPU under a hardware accelerator (target/i386: host, and max = host under KVM). */
export const HOST_CPU_MODELS = ['host', 'max'];

/** Under a hardware accelerator, a host/max CPU shows the host's values for every property: a record saying so. */
export function hostCpuRecord(types: TypeModel, cpuType: string, accel: string): ObservedRecord | undefined {
  if (accel === 'tcg' || !HOST_CPU_MODELS.some((m) => cpuType.startsWith(`${m}-`))) return undefined;
  return { values: {}, instanceProperties: {}, volatile: [], hostDerived: [...types.properties(cpuType).keys()], accelDefaults: [] };
}

/**
 * A named CPU model under KVM, from what QEMU showed for it under TCG and
 * for the board's own CPU under KVM. The two accelerators differ for a model
 * in three ways, none of them the model's:
 * - TCG clears at realize the features it cannot emulate
 *   (x86_cpu_filter_features: "TCG doesn't support requested feature", the
 *   record's warnings); a
 *   host whose KVM has them keeps what the model asks for, the answer given
 *   for a host that has them (a feature this host lacks is in QEMU's
 *   unavailable-features);
 * - kvm_cpu_instance_init applies kvm_default_props (kvmclock, kvm-pv-eoi,
 *   x2apic on, svm off, …) at instance init: the board CPU's record names them
 *   (accelDefaults) with their values;
 * - the CPUID words, TSC frequency, microcode revision and vendor come from
 *   the host (hostDerived in the board CPU's record).
 * Without a TCG record of the model there is nothing to carry over.
 */
export function kvmModelRecord(
  tcg: LoneRecord | undefined, boardCpu: ObservedRecord | undefined, isFeature: (name: string) => boolean,
): ObservedRecord | undefined {
  const own = tcg?.objects.get('');
  if (!own || !boardCpu) return undefined;
  const filtered = tcgFiltered(tcg!.warnings ?? []);
  // A feature the board CPU's record calls the host's is one this host's KVM lacked at import: the model asks for it.
  const hostDerived = new Set([...boardCpu.hostDerived.filter((name) => !isFeature(name)), ...HOST_CPU_WORDS]);
  const values: Record<string, ObservedRecord['values'][string]> = {};
  for (const [name, v] of Object.entries(own.values)) {
    if (hostDerived.has(name) || boardCpu.accelDefaults.includes(name)) continue;
    if (v === false && filtered.has(name.replace(/_/g, '-'))) continue; // filtered by TCG, not by a host that has it
    values[name] = v;
  }
  for (const name of boardCpu.accelDefaults) {
    const v = boardCpu.values[name];
    if (v !== undefined) values[name] = v;
  }
  return {
    values, instanceProperties: { ...own.instanceProperties, ...boardCpu.instanceProperties },
    volatile: [...new Set([...own.volatile, ...boardCpu.volatile])],
    hostDerived: [...hostDerived].sort(),
    accelDefaults: boardCpu.accelDefaults,
    ...(own.configured ? { configured: own.configured } : {}),
  };
}

/**
 * The features TCG cleared at realize, as its warnings name them
 * (`TCG doesn't support requested feature: CPUID.07H:EBX.hle [bit 4]`), in
 * their dashed spelling.
 */
function tcgFiltered(warnings: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const w of warnings) {
    const m = /^TCG doesn't support requested feature: CPUID\.[0-9A-F]+H:[A-Z]+\.(\S+) \[bit \d+\]$/.exec(w);
    if (m) out.add(m[1]!.replace(/_/g, '-'));
  }
  return out;
}

/** What a CPU under KVM takes from the host whatever its model (target/i386/kvm: CPUID, TSC, microcode, vendor). */
const HOST_CPU_WORDS = ['feature-words', 'filtered-features', 'tsc-frequency', 'ucode-rev', 'unavailable-features', 'vendor'];
