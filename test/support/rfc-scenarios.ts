/**
 * Seeded scenarios for what the OBJECT_COMPAT RFC changes (issue #11), run on
 * the released QEMU 10.0.2 build and on the RFC build (tools/qemu-rfc), and
 * replayed from fixtures (test/support/recorded-qemu.ts):
 *  - memory backends (-object memory-backend-ram/-file/-memfd) on machines with and without
 *    the x-use-canonical-path-for-ramblock-id compat entry, and -global on memory-backend-*;
 *  - the accelerator (-accel tcg,<props>) and -global on tcg-accel/accel;
 *  - confidential-guest objects (sev-guest, sev-snp-guest) on machines ≤ 9.0 (legacy-vm-type
 *    compat) and newer;
 *  - the migration object: compat on old machines, -global migration.* (good, bad, unknown),
 *    wide drivers on -M none, `-device migration`;
 *  - unused-global warnings for non-devices and for object-compat itself;
 *  - device compat followed by -global (the order the RFC needs post_init to give);
 *  - the two side effects of the backported post_init-order prerequisite (CPU `vme` under TCG,
 *    pcie-root-port x-speed/x-width), which are build differences, not the RFC's.
 * Deterministic: the same seed gives the same list (no duplicates), every category at its count.
 */
import type { Definitions } from '../../src/load/loader.js';
import type { CommandLineOption } from '../../src/resolve/resolve.js';
import type { Scenario } from './differential.js';
import { mulberry32 } from './prng.js';

export const RFC_SEED = 0x0bc0_2025;

/** Scenarios per category (each build runs all of them). */
export const RFC_CATEGORY_COUNTS = {
  'memory-backend': 70,
  'memory-backend-global': 30,
  'accel': 24,
  'accel-global': 16,
  'confidential-guest': 40,
  'migration-compat': 30,
  'migration-global': 36,
  'migration-device': 8,
  'unused-global-nondevice': 40,
  'device-compat-global': 24,
  'build-cpu-vme': 10,
  'build-pcie-root-port': 12,
  /** PINNED below: the checks of tools/qemu-rfc/README.md and the wide-driver cases random draws may miss. */
  'pinned': 16,
} as const;
export type RfcCategory = keyof typeof RFC_CATEGORY_COUNTS;
export const RFC_CATEGORIES = Object.keys(RFC_CATEGORY_COUNTS) as RfcCategory[];
/** Categories whose disagreements come from the prerequisite backport (ADAPTATIONS.md), not from the RFC. */
export const BUILD_DIFFERENCE_CATEGORIES: readonly RfcCategory[] = ['build-cpu-vme', 'build-pcie-root-port'];

/** Fixed scenarios, each where the RFC (or the build) should show: [machine, cpu, options]. */
const PINNED: ReadonlyArray<[string, string | undefined, string[]]> = [
  ['none', undefined, ['-global', 'device.send-configuration=off']],
  ['none', undefined, ['-global', 'object-compat.send-configuration=off']],
  ['none', undefined, ['-global', 'device.zero-page-detection=legacy']],
  ['none', undefined, ['-global', 'object-compat.zzz=1']],
  ['none', undefined, ['-global', 'migration.hotpluggable=off']],
  ['none', undefined, ['-global', 'memory-backend-ram.x-foo=1']],
  ['pc-q35-8.2', undefined, ['-object', 'sev-guest,id=sev0,cbitpos=47,reduced-phys-bits=1']],
  ['pc-q35-10.0', undefined, ['-object', 'sev-guest,id=sev0,cbitpos=47,reduced-phys-bits=1']],
  ['pc-q35-8.2', undefined, ['-object', 'sev-snp-guest,id=snp0,cbitpos=47,reduced-phys-bits=1']],
  ['pc-q35-9.2', undefined, ['-global', 'migration.send-configuration=off']],
  ['pc-q35-8.2', undefined, ['-global', 'migration.zero-page-detection=none']],
  ['pc-q35-3.1', undefined, ['-object', 'memory-backend-memfd,id=m0,size=1M']],
  ['pc-q35-4.0.1', undefined, ['-object', 'memory-backend-memfd,id=m0,size=1M']],
  ['pc-q35-10.0', 'qemu64,vme=on', []],
  ['pc-q35-9.2', undefined, ['-device', 'virtio-balloon-pci', '-global', 'virtio-balloon-pci.vectors=3']],
  ['pc-q35-3.1', undefined, ['-object', 'memory-backend-file,id=m0,size=8M,mem-path=/dev/shm,x-use-canonical-path-for-ramblock-id=off']],
];

const g = (arg: string): CommandLineOption => ({ kind: 'global', arg });
const o = (arg: string): CommandLineOption => ({ kind: 'object', arg });
const d = (arg: string): CommandLineOption => ({ kind: 'device', arg });

const SIZES = ['1M', '64k', '2M', '4M'];
const BACKEND_PROPS: Record<string, readonly string[]> = {
  common: ['share=on', 'share=off', 'prealloc=on', 'merge=off', 'dump=off', 'reserve=off', 'x-use-canonical-path-for-ramblock-id=on',
    'x-use-canonical-path-for-ramblock-id=off', 'prealloc-threads=2', 'policy=default'],
  'memory-backend-file': ['discard-data=on', 'align=4096', 'readonly=off', 'pmem=off', 'rom=auto'],
  'memory-backend-memfd': ['seal=off', 'hugetlb=off'],
  'memory-backend-ram': [],
};
const BACKEND_BAD = ['size=abc', 'prealloc=maybe', 'zzz=1', 'share=2', 'x-use-canonical-path-for-ramblock-id=maybe', 'policy=bogus'];
const BACKEND_GLOBALS = ['prealloc=on', 'share=on', 'x-use-canonical-path-for-ramblock-id=on', 'x-use-canonical-path-for-ramblock-id=off',
  'merge=off', 'zzz=1', 'size=abc', 'seal=off', 'dump=maybe'];
const ACCEL_PROPS = ['tb-size=64', 'tb-size=1', 'thread=single', 'thread=multi', 'one-insn-per-tb=on', 'one-insn-per-tb=off', 'split-wx=off'];
const ACCEL_BAD = ['zzz=1', 'tb-size=abc', 'thread=bogus', 'one-insn-per-tb=maybe'];
const ACCEL_GLOBALS = ['tcg-accel.tb-size=1', 'tcg-accel.thread=single', 'tcg-accel.zzz=1', 'accel.x=1', 'kvm-accel.kernel-irqchip=off',
  'tcg-accel.one-insn-per-tb=maybe', 'qtest-accel.x=1'];
const SEV = 'sev-guest,id=sev0,cbitpos=47,reduced-phys-bits=1';
const SNP = 'sev-snp-guest,id=snp0,cbitpos=47,reduced-phys-bits=1';
const SEV_EXTRA = ['', '', ',legacy-vm-type=on', ',legacy-vm-type=off', ',legacy-vm-type=auto', ',policy=5', ',handle=0', ',kernel-hashes=on',
  ',legacy-vm-type=maybe', ',zzz=1'];
const SNP_EXTRA = ['', '', ',policy=0x30000', ',author-key-enabled=on', ',vcek-disabled=on', ',kernel-hashes=on', ',zzz=1'];
const CGS_GLOBALS = ['sev-guest.legacy-vm-type=on', 'sev-guest.legacy-vm-type=off', 'sev-snp-guest.policy=1', 'sev-common.cbitpos=51',
  'confidential-guest-support.x=1', 'x86-confidential-guest.x=1'];
const MIGRATION_GOOD = ['send-configuration=off', 'send-configuration=on', 'send-section-footer=off', 'store-global-state=off',
  'zero-page-detection=none', 'zero-page-detection=legacy', 'zero-page-detection=multifd', 'send-switchover-start=off', 'send-switchover-start=on',
  'x-preempt-pre-7-2=true', 'x-preempt-pre-7-2=false', 'multifd-channels=4', 'announce-rounds=7', 'x-max-bandwidth=1000000',
  'multifd-flush-after-each-section=on', 'multifd-clean-tls-termination=false', 'x-xbzrle=on', 'xbzrle-cache-size=1M', 'max-cpu-throttle=50',
  'multifd-compression=zlib', 'x-checkpoint-delay=100'];
const MIGRATION_BAD = ['multifd-channels=abc', 'zero-page-detection=bogus', 'send-configuration=maybe', 'x-nosuch=1', 'announce-rounds=-1',
  'max-cpu-throttle=256', 'hotpluggable=off', 'hotpluggable=on', 'multifd-compression=bogus'];
const NONDEVICE_GLOBALS = [
  'memory-backend-ram.prealloc=on', 'memory-backend-file.share=on', 'memory-backend-memfd.seal=off', 'memory-backend.prealloc=on',
  'memory-backend-shm.share=on', 'tcg-accel.tb-size=1', 'accel.x=1', 'kvm-accel.kernel-irqchip=off', 'sev-guest.legacy-vm-type=on',
  'sev-snp-guest.policy=1', 'confidential-guest-support.x=1', 'x86-confidential-guest.x=1', 'sev-common.cbitpos=47', 'object-compat.x=1',
  'device.zzz=1', 'nosuch.p=v', 'user-creatable.x=1', 'thread-context.x=1', 'iothread.poll-max-ns=1', 'rng-random.filename=/dev/null',
  'object.zzz=1', 'migration.zzz=1', 'x86_64-cpu.zzz=1', 'interface.x=1',
];

export interface RfcGeneratorOptions { seed?: number; counts?: Partial<Record<RfcCategory, number>> }

export function generateRfcScenarios(defs: Definitions, opts: RfcGeneratorOptions = {}): Scenario[] {
  const random = mulberry32(opts.seed ?? RFC_SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const chance = (p: number) => random() < p;
  const some = <T>(xs: readonly T[], max: number): T[] => {
    const n = 1 + Math.floor(random() * max);
    const out: T[] = [];
    for (let i = 0; i < n; i++) { const x = pick(xs); if (!out.includes(x)) out.push(x); }
    return out;
  };
  const machines = defs.machines.all().map((m) => m.name).sort();
  const pcLike = machines.filter((m) => /^pc-(q35|i440fx)-/.test(m));
  const version = (m: string): number => {
    const v = /-(\d+)\.(\d+)/.exec(m);
    return v ? Number(v[1]) * 100 + Number(v[2]) : 9999;
  };
  const upTo = (max: number) => pcLike.filter((m) => version(m) <= max);
  const from = (min: number) => pcLike.filter((m) => version(m) >= min);
  const q35 = pcLike.filter((m) => m.startsWith('pc-q35-'));
  const nd = () => chance(0.9);
  let pinned = 0;

  const make = (category: RfcCategory): Scenario => {
    const base = { category };
    switch (category) {
      case 'pinned': {
        const [machine, cpu, words] = PINNED[pinned++ % PINNED.length]!;
        const options: CommandLineOption[] = [];
        for (let i = 0; i < words.length; i += 2) options.push({ kind: words[i]!.slice(1) as 'global' | 'object' | 'device', arg: words[i + 1]! });
        return { ...base, machine, nodefaults: true, options, ...(cpu ? { cpu } : {}) };
      }
      case 'memory-backend': {
        // Half on machines whose compat sets x-use-canonical-path-for-ramblock-id (≤ 3.1).
        const machine = chance(0.5) ? pick(upTo(301)) : pick(chance(0.1) ? ['none', ...from(400)] : from(400));
        const type = pick(['memory-backend-ram', 'memory-backend-file', 'memory-backend-memfd']);
        let arg = `${type},id=m0,size=${pick(SIZES)}${type === 'memory-backend-file' ? ',mem-path=/dev/shm' : ''}`;
        for (const p of chance(0.7) ? some([...BACKEND_PROPS.common!, ...BACKEND_PROPS[type]!], 2) : []) arg += `,${p}`;
        if (chance(0.1)) arg += `,${pick(BACKEND_BAD)}`;
        const options = [o(arg)];
        if (chance(0.25)) options.push(o(`memory-backend-${pick(['ram', 'memfd'])},id=m1,size=1M`));
        return { ...base, machine, nodefaults: nd(), options };
      }
      case 'memory-backend-global': {
        const machine = pick(chance(0.5) ? upTo(301) : [...from(400), 'none']);
        const type = pick(['memory-backend-ram', 'memory-backend-file', 'memory-backend-memfd', 'memory-backend']);
        const globals = some(BACKEND_GLOBALS, 2).map((p) => g(`${type}.${p}`));
        const options = [...globals];
        if (chance(0.7)) {
          const ot = type === 'memory-backend' ? pick(['memory-backend-ram', 'memory-backend-memfd']) : type;
          options.splice(chance(0.5) ? 0 : options.length, 0, o(`${ot},id=m0,size=1M${ot === 'memory-backend-file' ? ',mem-path=/dev/shm' : ''}`));
        }
        return { ...base, machine, nodefaults: true, options };
      }
      case 'accel': {
        const machine = pick(chance(0.15) ? ['none', 'microvm', 'isapc'] : pcLike);
        let accel = 'tcg';
        for (const p of some(ACCEL_PROPS, 2)) accel += `,${p}`;
        if (chance(0.25)) accel += `,${pick(ACCEL_BAD)}`;
        const options = chance(0.3) ? [g(pick(ACCEL_GLOBALS))] : [];
        return { ...base, machine, nodefaults: true, options, extra: ['-accel', accel] };
      }
      case 'accel-global': {
        const machine = pick(chance(0.3) ? ['none'] : pcLike);
        return { ...base, machine, nodefaults: true, options: some(ACCEL_GLOBALS, 2).map(g) };
      }
      case 'confidential-guest': {
        const machine = chance(0.55) ? pick(upTo(900)) : pick(from(901));
        const options: CommandLineOption[] = [];
        const kind = pick(['sev', 'sev', 'snp', 'both']);
        if (kind !== 'snp') options.push(o(SEV + pick(SEV_EXTRA)));
        if (kind !== 'sev') options.push(o(SNP + pick(SNP_EXTRA)));
        if (chance(0.3)) options.splice(chance(0.5) ? 0 : options.length, 0, g(pick(CGS_GLOBALS)));
        return { ...base, machine, nodefaults: nd(), options };
      }
      case 'migration-compat': {
        // Each machine's migration compat values (read through query-migrate-*), sometimes with a -global over it.
        const machine = pick(pcLike);
        const options = chance(0.4) ? [g(`migration.${pick(MIGRATION_GOOD)}`)] : [];
        return { ...base, machine, nodefaults: true, options };
      }
      case 'migration-global': {
        const machine = pick(chance(0.3) ? ['none'] : pcLike);
        if (chance(0.2)) {
          // Wide drivers that match migration only while it is a device (released) or any object-compat (RFC).
          const driver = pick(['device', 'object-compat', 'object']);
          return { ...base, machine: 'none', nodefaults: true, options: [g(`${driver}.${pick([...MIGRATION_GOOD, 'zzz=1'])}`)] };
        }
        const options = some([...MIGRATION_GOOD, ...MIGRATION_GOOD, ...MIGRATION_BAD], 3).map((p) => g(`migration.${p}`));
        return { ...base, machine, nodefaults: true, options };
      }
      case 'migration-device': {
        const machine = pick(['none', ...pcLike]);
        return { ...base, machine, nodefaults: true, options: [d(pick(['migration', 'migration,id=mig', 'migration,send-configuration=off', 'driver=migration']))] };
      }
      case 'unused-global-nondevice': {
        const machine = chance(0.55) ? 'none' : pick(pcLike);
        return { ...base, machine, nodefaults: true, options: some(NONDEVICE_GLOBALS, 3).map(g) };
      }
      case 'device-compat-global': {
        // A device whose machine compat sets a property, and a -global that sets it back: compat, then the global.
        for (;;) {
          const machine = pick(pcLike);
          const cands = deviceCompat(defs, machine);
          if (!cands.length) continue;
          const c = pick(cands);
          const options = [d(c.device), g(`${chance(0.3) ? c.driver : c.device}.${c.property}=${c.other}`)];
          return { ...base, machine, nodefaults: true, options: chance(0.5) ? options.reverse() : options };
        }
      }
      case 'build-cpu-vme': {
        const machine = pick(pcLike);
        if (chance(0.5)) return { ...base, machine, nodefaults: true, cpu: pick(['qemu64,vme=on', 'qemu64,+vme', 'qemu64,vme=off']), options: [] };
        return { ...base, machine, nodefaults: true, options: [g(pick(['qemu64-x86_64-cpu.vme=on', 'x86_64-cpu.vme=on', 'qemu64-x86_64-cpu.vme=off']))] };
      }
      case 'build-pcie-root-port': {
        const machine = pick(q35);
        const dev = pick(['pcie-root-port,id=rp1', 'pcie-root-port,id=rp1,x-speed=8', 'pcie-root-port,id=rp1,x-width=4', 'ioh3420,id=rp1']);
        const options = [d(dev)];
        if (chance(0.5)) options.unshift(g(pick(['pcie-root-port.x-speed=5', 'pcie-root-port.x-width=2', 'pcie-root-port-base.x-speed=16'])));
        return { ...base, machine, nodefaults: true, options };
      }
    }
  };

  const out: Scenario[] = [];
  const seen = new Set<string>();
  const counts = { ...RFC_CATEGORY_COUNTS, ...opts.counts };
  for (const c of RFC_CATEGORIES) {
    let n = 0;
    for (let tries = 0; n < counts[c] && tries < counts[c] * 50; tries++) {
      const s = make(c);
      const key = JSON.stringify([s.machine, s.nodefaults, s.cpu, s.options, s.extra]);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ...s, name: `${c} #${n}` });
      n++;
    }
  }
  return out;
}

/** PCI devices that realize alone on pc and q35, and their machine compat entries (with a value to set back). */
const COMPAT_DEVICES = ['virtio-balloon-pci', 'virtio-net-pci', 'virtio-rng-pci', 'virtio-scsi-pci', 'virtio-serial-pci', 'e1000', 'e1000e',
  'qemu-xhci', 'virtio-keyboard-pci', 'rtl8139', 'usb-ehci', 'intel-hda'];

function deviceCompat(defs: Definitions, machine: string): Array<{ device: string; driver: string; property: string; other: string }> {
  const out: Array<{ device: string; driver: string; property: string; other: string }> = [];
  const types = defs.types;
  for (const e of defs.machines.compatProps(machine)) {
    if (!types.has(e.driver)) continue;
    for (const device of COMPAT_DEVICES) {
      if (!types.isA(device, e.driver)) continue;
      const p = types.property(device, e.property);
      if (!p || p.default === null || p.defaultFrom !== 'qmp') continue;
      let other: string | null = null;
      if (p.type === 'bool') other = ['on', 'true'].includes(e.value) ? 'off' : 'on';
      else if (p.default !== e.value && /^[\w.-]+$/.test(p.default)) other = p.default;
      if (other !== null) out.push({ device, driver: e.driver, property: e.property, other });
    }
  }
  return out.sort((a, b) => JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
}
