/**
 * "Sugar" options: legacy options QEMU turns into properties of the objects
 * created later (object_register_sugar_prop), in the order it registers them:
 * -win2k-hack where it stands in the second option pass, then -mem-prealloc
 * (qemu_process_sugar_options), then -rtc driftfix (configure_rtc), then the
 * legacy -machine keys (qemu_apply_legacy_machine_options). Pure.
 */
import { qemuOptsPairs } from '../resolve/options.js';

/** One sugar property, as object_register_sugar_prop() gets it. */
export interface SugarProp {
  readonly driver: string;
  readonly property: string;
  readonly value: string;
  /** Skipped quietly on objects without the property. */
  readonly optional: boolean;
  /** The option it comes from, as written. */
  readonly option: string;
}

/** -rtc (QemuOpts, keys base, clock, driftfix; later keys win): its sugar, or QEMU's error. */
export function rtcSugar(args: readonly string[]): { sugar: SugarProp[] } | { error: string } {
  const last = (key: string) => args.flatMap((a) => qemuOptsPairs(a, 'base')).filter(([k]) => k === key).pop()?.[1];
  const option = `-rtc ${args[args.length - 1] ?? ''}`;
  const clock = last('clock');
  if (clock !== undefined && !['host', 'rt', 'vm'].includes(clock)) return { error: `invalid option value '${clock}'` };
  const driftfix = last('driftfix');
  if (driftfix === undefined || driftfix === 'none') return { sugar: [] };
  if (driftfix !== 'slew') return { error: `invalid option value '${driftfix}'` };
  return { sugar: [{ driver: 'mc146818rtc', property: 'lost_tick_policy', value: 'slew', optional: false, option }] };
}

/** -mem-prealloc: every memory backend preallocates, with one thread per CPU when -smp names the count. */
export function memPreallocSugar(cpus: string | undefined): SugarProp[] {
  const option = '-mem-prealloc';
  return [
    ...(cpus !== undefined ? [{ driver: 'memory-backend', property: 'prealloc-threads', value: cpus, optional: false, option }] : []),
    { driver: 'memory-backend', property: 'prealloc', value: 'on', optional: false, option },
  ];
}

export const WIN2K_HACK: SugarProp = { driver: 'ide-device', property: 'win2k-install-hack', value: 'true', optional: true, option: '-win2k-hack' };

/** Legacy -machine keys that are accelerator properties (not the machine's). */
export function legacyMachineSugar(key: string, value: string): SugarProp[] {
  const option = `-machine ${key}=${value}`;
  switch (key) {
    case 'igd-passthru': return [{ driver: 'xen-accel', property: 'igd-passthru', value, optional: false, option }];
    case 'kvm-shadow-mem': return [{ driver: 'kvm-accel', property: 'kvm-shadow-mem', value, optional: false, option }];
    case 'kernel-irqchip': return [
      { driver: 'kvm-accel', property: 'kernel-irqchip', value, optional: false, option },
      { driver: 'whpx-accel', property: 'kernel-irqchip', value, optional: false, option },
    ];
    default: return [];
  }
}
