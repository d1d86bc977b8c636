/**
 * Seeded random command lines for the differential suite (-global, -device,
 * -object on every machine family). The generator only builds command lines;
 * QEMU itself is the oracle. Every category below is drawn at least once, the
 * rest are drawn at random; `count` is QOM_COMPAT_DIFF_COUNT when set.
 *
 * Scenarios stay away from what resolve deliberately does not model: realize
 * failures of arbitrary devices (only devices that realize with no backend are
 * used, and "good" values are the type default or a value some machine's
 * compat list uses), bus placement (PCI devices only on pc/q35), and -accel.
 */
import type { Definitions } from '../../src/load/loader.js';
import type { QomProperty } from '../../src/model/types.js';
import type { CommandLineOption } from '../../src/resolve/resolve.js';
import type { Scenario } from './differential.js';

export const DEFAULT_SEED = 0x51c0de;

import { mulberry32 as rng } from './prng.js';


/** PCI devices that realize on pc and q35 without any backend. */
const PCI_DEVICES = [
  'virtio-balloon-pci', 'virtio-rng-pci', 'e1000', 'e1000e', 'virtio-net-pci', 'rtl8139',
  'virtio-serial-pci', 'virtio-scsi-pci', 'qemu-xhci', 'i6300esb', 'pvpanic-pci', 'edu', 'pci-testdev',
  'bochs-display', 'lsi53c895a', 'megasas', 'usb-ehci', 'virtio-keyboard-pci', 'sdhci-pci', 'intel-hda',
];
const Q35_ONLY_DEVICES = ['pcie-root-port'];
/** Devices whose realize refuses a second instance. */
const SINGLETONS = ['virtio-balloon-pci', 'pvpanic-pci', 'i6300esb'];
/** -device aliases (qdev_get_device_class): they create the aliased type; -global does not know them. */
const ALIAS_DEVICES = ['virtio-net', 'virtio-balloon', 'virtio-rng', 'virtio-serial', 'virtio-scsi', 'virtio-keyboard', 'e1000-82540em', 'lsi', 'ahci'];
const NICS = ['e1000', 'e1000e', 'virtio-net-pci', 'rtl8139', 'i82559er', 'pcnet', 'vmxnet3', 'ne2k_pci', 'tulip'];

const BAD_VALUES: Record<string, readonly string[]> = {
  bool: ['maybe', 'ON', '1', '', 'True'],
  uint8: ['256', '-1', 'abc', '0x', '1k'],
  uint16: ['65536', 'abc', '-2'],
  uint32: ['4294967296', '-5', 'x', '7 '],
  uint64: ['18446744073709551616', '1.5', 'abc'],
  int32: ['2147483648', '1_000', 'abc'],
  int: ['abc', '1G'],
  size: ['abc', '-1', '1.5', '16E', '1kB', ''],
  OnOffAuto: ['yes', 'AUTO', 'true'],
  enum: ['bogus', 'SLEW', ''],
};

/** Abstract and interface drivers whose globals reach many objects. */
const WIDE_DRIVERS = ['device', 'pci-device', 'sys-bus-device', 'isa-device', 'hotplug-handler', 'conventional-pci-device',
  'pci-express-device', 'x86_64-cpu', 'virtio-pci', 'virtio-device', 'object'];
const INVALID_CLASS_DRIVERS = ['nosuch', 'virtio-net', 'E1000', 'e1000-82540em', 'memory-backend-ram', 'memory-backend', 'tcg-accel',
  'user-creatable', 'cxl-device', 'interface', 'pc-q35-10.0-machine', 'virtio-vga', 'qxl', 'usb-host'];
const NOT_HOTPLUGGABLE = ['intel-iommu', 'amd-iommu', 'PIIX4_PM', 'vmcoreinfo', 'vmgenid', 'pxb', 'ich9-usb-ehci1', 'virtio-iommu-pci',
  'cirrus-vga', 'vmware-svga', 'ramfb', 'piix3-ide', 'x86-iommu', 'i440FX'];
const HOTPLUGGABLE_UNUSED = ['virtio-balloon-pci', 'virtio-rng-pci', 'pcie-root-port', 'qemu-xhci', 'usb-tablet', 'scsi-hd', 'ne2k_isa', 'pc-dimm'];
const GLOBAL_PARSE = [
  'ICH9-LPC=true', 'ICH9-LPC.noreboot', '.noreboot=1', 'ICH9-LPC.=1', '=x', 'driver=ICH9-LPC,property=noreboot',
  '', 'driver=ICH9-LPC,property=noreboot,value=on,foo=bar', 'driver=qemu64-x86_64-cpu,property=model-id,value=a,b',
  'driver=qemu64-x86_64-cpu,property=model-id,value', 'id=1x,driver=a,property=b,value=c', 'driver=ICH9-LPC,noproperty,value=on',
  `${'x'.repeat(64)}.p=1`,
];
const GLOBAL_PARSE_OK = [
  'driver=ICH9-LPC,property=noreboot,value=on,value=off', 'driver=ICH9-LPC,driver=nosuch,property=noreboot,value=on',
  'driver=ICH9-LPC,property=noreboot,value=on,', 'cfi.pflash01.secure=on', 'driver=qemu64-x86_64-cpu,property=model-id,value=a,,b',
  'qemu64-x86_64-cpu.model-id=a,b=c', 'qemu64-x86_64-cpu.model-id==x', 'qemu64-x86_64-cpu.model-id=',
  'ICH9-LPC.noreboot=on,', 'qemu64-x86_64-cpu.model-id.x=y', 'id=g1,driver=hpet,property=msi,value=on',
];
const DEFAULT_REMOVAL = ['VGA.vgamem_mb=32', 'isa-serial.index=0', 'ide-cd.ver=1', 'isa-parallel.index=0', 'isa-fdc.dma=2',
  'floppy.drive-type=144', 'ide-hd.ver=1', 'cirrus-vga.vgamem_mb=8', 'VGA.vgamem_mb=abc', 'ide-cd.zzz=1'];
const OBJECTS = [
  'memory-backend-ram,id=m0,size=1M', 'memory-backend-ram,id=m0,size=64k,prealloc=on', 'memory-backend-ram,id=m0,size=abc',
  'memory-backend-ram,id=m0,size=1M,zzz=1', 'memory-backend-ram,size=1M', 'memory-backend-ram,id=m0,size=0',
  'memory-backend-ram,id=m0,size=1M,prealloc=maybe', 'memory-backend-ram,id=1m,size=1M', 'nosuch-object,id=x',
  'memory-backend,id=m0,size=1M', 'memory-backend-ram,id=m0,size=1M,share=on',
];

/**
 * Properties left out of value scenarios because realize or board code checks them against other
 * settings, which resolve does not model:
 *  - q35-pcihost MCFG: any -global (even its default) makes q35 board code abort
 *    (memory_region_del_subregion assertion);
 *  - ICH9-LPC x-smi-cpu-hotunplug: realize refuses it without x-smi-cpu-hotplug ("cpu hot-unplug requires cpu hot-plug"),
 *    which old machines' compat turns off.
 */
const REALIZE_CHECKED = new Set(['MCFG', 'x-smi-cpu-hotunplug']);

export const CATEGORIES = [
  'global-value-bad', 'global-value-good', 'global-unknown-property', 'global-wide-driver', 'global-invalid-class',
  'global-not-used', 'global-hotpluggable-unused', 'default-removal', 'module', 'transient', 'device-ok',
  'device-bad-driver', 'device-prop-error', 'device-global', 'nic-no-peer', 'global-parse', 'object',
] as const;
export type Category = (typeof CATEGORIES)[number];

export interface GeneratorOptions { seed?: number; count?: number; /** Only machines whose name matches. */ machines?: RegExp }

export function generateScenarios(defs: Definitions, opts: GeneratorOptions = {}): Scenario[] {
  const random = rng(opts.seed ?? DEFAULT_SEED);
  const count = opts.count ?? 200;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const chance = (p: number) => random() < p;
  const types = defs.types;

  const machines = defs.machines.all().map((m) => m.name).filter((m) => !opts.machines || opts.machines.test(m)).sort();
  const pcLike = machines.filter((m) => /^pc-(q35|i440fx)-/.test(m));
  const withBoard = machines.filter((m) => defs.machines.boardLayout(m, true));
  const anyMachine = () => pick(chance(0.15) ? machines : pcLike);
  const isQ35 = (m: string) => m.startsWith('pc-q35-');

  /** Compat values used anywhere, per driver.property (good values that some machine really sets). */
  const compatValues = new Map<string, Set<string>>();
  for (const m of machines) {
    for (const e of defs.machines.compatProps(m)) {
      const k = `${e.driver}.${e.property}`;
      if (!compatValues.has(k)) compatValues.set(k, new Set());
      compatValues.get(k)!.add(e.value);
    }
  }

  const kindOf = (p: QomProperty): string | null => {
    if (['bool', 'uint8', 'uint16', 'uint32', 'uint64', 'int32', 'size', 'OnOffAuto'].includes(p.type)) return p.type;
    if (p.choices && p.choices.length && /^[A-Z]/.test(p.type)) return 'enum';
    return null;
  };
  /** qdev properties (class default known) of a scalar kind, settable by -global and -device. */
  const settable = (type: string): QomProperty[] => [...types.properties(type).values()]
    .filter((p) => p.defaultFrom === 'qmp' && p.default !== null && kindOf(p) !== null && !p.name.startsWith('legacy-') && !p.name.includes('['))
    .filter((p) => !REALIZE_CHECKED.has(p.name))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const goodValue = (type: string, p: QomProperty): string => {
    const fromCompat = types.ancestry(type).flatMap((a) => [...(compatValues.get(`${a}.${p.name}`) ?? [])]);
    return fromCompat.length && chance(0.6) ? pick(fromCompat) : p.default!;
  };
  const badValue = (p: QomProperty): string => pick(BAD_VALUES[kindOf(p)!] ?? BAD_VALUES.enum!);

  const boardTypes = (m: string, nodefaults: boolean): string[] => {
    const l = defs.machines.boardLayout(m, nodefaults);
    return [...new Set((l?.objects ?? []).filter((o) => o.path && !o.transient).map((o) => o.type))].sort();
  };
  const devicesFor = (m: string) => (isQ35(m) ? [...PCI_DEVICES, ...Q35_ONLY_DEVICES] : PCI_DEVICES);
  const dev = (m: string, driver: string, extra = ''): string => {
    const id = chance(0.5) ? `,id=d${Math.floor(random() * 100)}` : '';
    return `${driver}${id}${extra}`;
  };
  const g = (arg: string): CommandLineOption => ({ kind: 'global', arg });
  const d = (arg: string): CommandLineOption => ({ kind: 'device', arg });

  const make = (category: Category): Scenario => {
    switch (category) {
      case 'global-value-bad':
      case 'global-value-good': {
        let m = pick(withBoard);
        const nodefaults = chance(0.8);
        // `none` and x-remote have no board device with a settable property.
        if (!boardTypes(m, nodefaults).some((t) => settable(t).length > 0)) m = pick(pcLike);
        const candidates = boardTypes(m, nodefaults).filter((t) => settable(t).length > 0);
        const t = pick(candidates);
        const p = pick(settable(t));
        const driver = chance(0.25) ? pick(types.ancestry(t).filter((a) => types.property(a, p.name))) : t;
        const v = category === 'global-value-bad' ? badValue(p) : goodValue(t, p);
        const arg = driver.includes('.') ? `driver=${driver},property=${p.name},value=${v.replace(/,/g, ',,')}` : `${driver}.${p.name}=${v}`;
        return { category, machine: m, nodefaults, options: [g(arg)] };
      }
      case 'global-unknown-property': {
        let m = pick(withBoard);
        if (boardTypes(m, true).length === 0) m = pick(pcLike);
        const t = pick(boardTypes(m, true));
        const arg = t.includes('.') ? `driver=${t},property=zzz,value=1` : `${t}.zzz=1`;
        return { category, machine: m, nodefaults: true, options: [g(arg)] };
      }
      case 'global-wide-driver':
        return { category, machine: anyMachine(), nodefaults: chance(0.7), options: [g(`${pick(WIDE_DRIVERS)}.zzz=1`)] };
      case 'global-invalid-class':
        return { category, machine: anyMachine(), nodefaults: true, options: [g(`${pick(INVALID_CLASS_DRIVERS)}.p=v`), ...(chance(0.3) ? [g(`${pick(INVALID_CLASS_DRIVERS)}.q=1`)] : [])] };
      case 'global-not-used':
        return { category, machine: anyMachine(), nodefaults: true, options: [g(`${pick(NOT_HOTPLUGGABLE)}.x=1`), ...(chance(0.3) ? [g('virtio-balloon-pci.zzz=1')] : [])] };
      case 'global-hotpluggable-unused':
        return { category, machine: anyMachine(), nodefaults: true, options: [g(`${pick(HOTPLUGGABLE_UNUSED)}.zzz=1`)] };
      case 'default-removal':
        return { category, machine: pick(pcLike), nodefaults: false, options: [g(pick(DEFAULT_REMOVAL)), ...(chance(0.3) ? [g(pick(DEFAULT_REMOVAL))] : [])] };
      case 'module': {
        const m = pick(pcLike);
        const opts = [g(pick(['virtio-gpu-pci.max_outputs=2', 'virtio-gpu-device.max_outputs=2', 'virtio-vga.max_outputs=2', 'virtio-gpu-pci.zzz=1']))];
        if (chance(0.6)) opts.push(d(dev(m, 'virtio-gpu-pci')));
        return { category, machine: m, nodefaults: true, options: opts };
      }
      case 'transient': {
        const m = anyMachine();
        const arg = pick([
          'e1000.mac=zz', 'e1000.mac=52:54:00:12:34:56', 'vmxnet3.zzz=1', 'rtl8139.mac=zz', 'virtio-net-device.mq=maybe',
          'driver=cfi.pflash01,property=secure,value=on', 'driver=cfi.pflash01,property=nosuch,value=on',
          'driver=cfi.pflash01,property=secure,value=maybe', 'isa-pcspk.zzz=1', 'e1000e.disable_vnet_hdr=maybe',
        ]);
        return { category, machine: m, nodefaults: chance(0.7), options: [g(arg)] };
      }
      case 'device-ok': {
        const m = pick(pcLike);
        const opts = [d(dev(m, pick(chance(0.2) ? ALIAS_DEVICES : devicesFor(m))))];
        // A second device of a kind that allows several (realize refuses a second balloon: "Only one balloon device is supported").
        if (chance(0.4)) opts.push(d(dev(m, pick(devicesFor(m).filter((t) => !SINGLETONS.includes(t))))));
        if (chance(0.2)) opts.unshift(g(`${pick(['virtio-net', 'virtio-net-pci', 'virtio-balloon', 'e1000', 'e1000-82540em'])}.${pick(['mq', 'vectors', 'zzz'])}=1`));
        return { category, machine: m, nodefaults: chance(0.8), options: opts };
      }
      case 'device-bad-driver': {
        const m = pick(pcLike);
        return { category, machine: m, nodefaults: true, options: [d(pick(['nosuch', 'virtio-pci', 'pci-device', 'migration', 'memory-backend-ram', 'hotplug-handler', 'device', 'mch', 'ICH9-LPC', 'cfi.pflash01']))] };
      }
      case 'device-prop-error': {
        const m = pick(pcLike);
        const t = pick(devicesFor(m));
        const props = settable(t);
        const extra = props.length && chance(0.7) ? (() => { const p = pick(props); return `,${p.name}=${badValue(p).replace(/,/g, ',,')}`; })() : ',zzz=1';
        return { category, machine: m, nodefaults: true, options: [d(dev(m, t, extra))] };
      }
      case 'device-global': {
        const m = pick(pcLike);
        const t = pick(devicesFor(m));
        const props = settable(t);
        const p = pick(props);
        const driver = chance(0.3) ? pick(types.ancestry(t).filter((a) => types.property(a, p.name))) : t;
        const v = chance(0.5) ? badValue(p) : goodValue(t, p);
        const opts = [g(`${driver}.${p.name}=${v}`), d(dev(m, t))];
        if (chance(0.3)) { const q = pick(props); opts[1] = d(dev(m, t, `,${q.name}=${goodValue(t, q).replace(/,/g, ',,')}`)); }
        return { category, machine: m, nodefaults: chance(0.8), options: chance(0.2) ? [opts[1]!, opts[0]!] : opts };
      }
      case 'nic-no-peer': {
        const m = pick(pcLike);
        const opts = [d(dev(m, pick(NICS)))];
        if (chance(0.5)) opts.push(d(dev(m, pick(NICS))));
        return { category, machine: m, nodefaults: chance(0.8), options: opts };
      }
      case 'global-parse':
        return { category, machine: pick(pcLike.filter(isQ35)), nodefaults: true, options: [g(chance(0.6) ? pick(GLOBAL_PARSE) : pick(GLOBAL_PARSE_OK))] };
      case 'object':
        return { category, machine: anyMachine(), nodefaults: true, options: [{ kind: 'object', arg: pick(OBJECTS) }] };
    }
  };

  const out: Scenario[] = [];
  for (const c of CATEGORIES) out.push(make(c));
  // Deprecated machines: at least one scenario on one (the warning comes first).
  const deprecated = machines.filter((m) => defs.machines.get(m)!.deprecated);
  if (deprecated.length && (!opts.machines || deprecated.some((m) => opts.machines!.test(m)))) out.push({ category: 'deprecated', machine: pick(deprecated), nodefaults: true, options: [g('hpet.msi=on')] });
  while (out.length < count) out.push(make(pick(CATEGORIES)));
  return dedupeIds(out);
}

/** -device ids must be unique within one command line; renumber repeated ones. */
function dedupeIds(scenarios: Scenario[]): Scenario[] {
  for (const s of scenarios) {
    const seen = new Set<string>();
    s.options = s.options.map((o) => {
      if (o.kind !== 'device') return o;
      const m = /,id=([^,]+)/.exec(o.arg);
      if (!m) return o;
      let id = m[1]!;
      while (seen.has(id)) id += 'x';
      seen.add(id);
      return { ...o, arg: o.arg.replace(/,id=[^,]+/, `,id=${id}`) };
    });
  }
  return scenarios;
}
