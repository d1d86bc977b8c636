/**
 * Differential tests: the value and option parsers against the real QEMU.
 * Each case runs `qemu-system-x86_64 -M q35 -nodefaults … -global D.P=V` and
 * compares exit status and stderr with the prediction; accepted values are read
 * back (qom-get or query-migrate-parameters) from properties realize leaves alone.
 */
import { describe, expect, it } from '@jest/globals';
import { describeLive, QEMU_BINARY } from './../support/qemu.js';
import { QemuExitedError, QmpSession, runQemu, type QemuRunResult } from '../../src/qemu/qmp.js';
import type { ExactJson } from '../../src/qemu/json-exact.js';
import { parseGlobalValue, type PropertyInfo, type ValueContext, type QomValue } from '../../src/resolve/values.js';
import { parseGlobal, parseDevice, parseObject, type OptionResult } from '../../src/resolve/options.js';
import { mulberry32 } from '../support/prng.js';

const Q35 = ['-M', 'q35', '-nodefaults'];
const PROG = 'qemu-system-x86_64: ';

type Read = { path: string } | { migrate: string };
interface Case {
  driver: string; owner: string; prop: PropertyInfo; value: string;
  args?: string[]; loc?: string; ctx?: ValueContext; read?: Read; longForm?: boolean;
  /** Values that realize replaces, so reading back says nothing about the parser. */
  replacedByRealize?: (v: QomValue) => boolean;
  /** The value parses, but realize refuses it with this message (outside the parser's scope). */
  realize?: string;
}

const CPU = '/machine/unattached/device[0]';
const LPC = '/machine/unattached/device[2]';
const VMPORT = '/machine/unattached/device[9]';

// Properties of q35 board devices (types and descriptions as QMP reports them).
const T = {
  noreboot: { driver: 'ICH9-LPC', owner: 'ICH9-LPC', prop: { name: 'noreboot', type: 'bool', description: 'on/off' }, read: { path: LPC } },
  popcnt: { driver: 'qemu64-x86_64-cpu', owner: 'qemu64-x86_64-cpu', prop: { name: 'popcnt', type: 'bool' }, read: { path: CPU } },
  coresharing: { driver: 'qemu64-x86_64-cpu', owner: 'qemu64-x86_64-cpu', prop: { name: 'hv-no-nonarch-coresharing', type: 'OnOffAuto', description: 'on/off/auto' }, read: { path: CPU } },
  vmxType: { driver: 'vmport', owner: 'vmport', prop: { name: 'vmware-vmx-type', type: 'uint8' }, read: { path: VMPORT } },
  vmxVersion: { driver: 'vmport', owner: 'vmport', prop: { name: 'vmware-vmx-version', type: 'uint32' }, read: { path: VMPORT } },
  timers: { driver: 'hpet', owner: 'hpet', prop: { name: 'timers', type: 'uint8' } },
  hpetIntcap: { driver: 'hpet', owner: 'hpet', prop: { name: 'hpet-intcap', type: 'uint32' } },
  tseg: { driver: 'mch', owner: 'mch', prop: { name: 'extended-tseg-mbytes', type: 'uint16' } },
  hvMinor: { driver: 'qemu64-x86_64-cpu', owner: 'qemu64-x86_64-cpu', prop: { name: 'hv-version-id-minor', type: 'uint16' }, read: { path: CPU } },
  // x86 CPU realize puts a default microcode revision in place of 0
  ucodeRev: { driver: 'qemu64-x86_64-cpu', owner: 'qemu64-x86_64-cpu', prop: { name: 'ucode-rev', type: 'uint64' }, read: { path: CPU }, replacedByRealize: (v: QomValue) => v === 0n },
  rombar: { driver: 'ICH9-LPC', owner: 'ICH9-LPC', prop: { name: 'rombar', type: 'int32' }, read: { path: LPC } },
  baseYear: { driver: 'mc146818rtc', owner: 'mc146818rtc', prop: { name: 'base_year', type: 'int32' } },
  tscFreq: { driver: 'qemu64-x86_64-cpu', owner: 'qemu64-x86_64-cpu', prop: { name: 'tsc-frequency', type: 'int' } },
  stepping: { driver: 'qemu64-x86_64-cpu', owner: 'qemu64-x86_64-cpu', prop: { name: 'stepping', type: 'int' }, read: { path: CPU } },
  family: { driver: 'qemu64-x86_64-cpu', owner: 'qemu64-x86_64-cpu', prop: { name: 'family', type: 'int' }, read: { path: CPU } },
  model: { driver: 'qemu64-x86_64-cpu', owner: 'qemu64-x86_64-cpu', prop: { name: 'model', type: 'int' }, read: { path: CPU } },
  vendor: { driver: 'qemu64-x86_64-cpu', owner: 'qemu64-x86_64-cpu', prop: { name: 'vendor', type: 'string' } },
  modelId: { driver: 'qemu64-x86_64-cpu', owner: 'qemu64-x86_64-cpu', prop: { name: 'model-id', type: 'string' }, read: { path: CPU } },
  switchover: { driver: 'migration', owner: 'migration', prop: { name: 'avail-switchover-bandwidth', type: 'size' }, read: { migrate: 'avail-switchover-bandwidth' } },
  hole64: { driver: 'q35-pcihost', owner: 'q35-pcihost', prop: { name: 'pci-hole64-size', type: 'size' } },
  bounce: { driver: 'ICH9-LPC', owner: 'ICH9-LPC', prop: { name: 'x-max-bounce-buffer-size', type: 'size', description: 'Maximum buffer size allocated for bounce buffers used for mapped access to indirect DMA memory' }, read: { path: LPC } },
  ltp: { driver: 'mc146818rtc', owner: 'mc146818rtc', prop: { name: 'lost_tick_policy', type: 'LostTickPolicy', description: 'Policy for handling lost ticks (discard/delay/slew)' }, read: { path: `${LPC}/rtc` } },
  mfc: { driver: 'migration', owner: 'migration', prop: { name: 'multifd-compression', type: 'MultiFDCompression', description: 'multifd_compression values (none/zlib/zstd/qpl/uadk/qatzip)' }, read: { migrate: 'multifd-compression' } },
  migMode: { driver: 'migration', owner: 'migration', prop: { name: 'mode', type: 'MigMode', description: 'Migration mode (normal/cpr-reboot)' }, read: { migrate: 'mode' } },
  zpd: { driver: 'migration', owner: 'migration', prop: { name: 'zero-page-detection', type: 'ZeroPageDetection', description: 'Zero page detection (none/legacy/multifd)' }, read: { migrate: 'zero-page-detection' } },
  xSpeed: { driver: 'pcie-root-port', owner: 'pcie-root-port', prop: { name: 'x-speed', type: 'PCIELinkSpeed', description: '2_5/5/8/16/32/64' }, args: ['-device', 'pcie-root-port,id=rp'], loc: '-device pcie-root-port,id=rp: ', read: { path: '/machine/peripheral/rp' } },
  xWidth: { driver: 'pcie-root-port', owner: 'pcie-root-port', prop: { name: 'x-width', type: 'PCIELinkWidth', description: '1/2/4/8/12/16/32' }, args: ['-device', 'pcie-root-port,id=rp'], loc: '-device pcie-root-port,id=rp: ', read: { path: '/machine/peripheral/rp' } },
  ioReserve: { driver: 'pcie-root-port', owner: 'pcie-root-port', prop: { name: 'io-reserve', type: 'size' }, args: ['-device', 'pcie-root-port,id=rp'], loc: '-device pcie-root-port,id=rp: ', read: { path: '/machine/peripheral/rp' } },
  mac: { driver: 'e1000', owner: 'e1000', prop: { name: 'mac', type: 'str', description: 'Ethernet 6-byte MAC Address, example: 52:54:00:12:34:56' } },
  netdev: { driver: 'e1000', owner: 'e1000', prop: { name: 'netdev', type: 'str', description: 'ID of a netdev to use as a backend' } },
  chardev: { driver: 'isa-serial', owner: 'serial', prop: { name: 'chardev', type: 'str', description: 'ID of a chardev to use as a backend' }, args: ['-device', 'isa-serial'], loc: '-device isa-serial: ' },
  drive: { driver: 'cfi.pflash01', owner: 'cfi.pflash01', prop: { name: 'drive', type: 'str', description: 'Node name or ID of a block device to use as a backend' }, longForm: true },
  audiodev: { driver: 'isa-pcspk', owner: 'isa-pcspk', prop: { name: 'audiodev', type: 'str', description: 'ID of an audiodev to use as a backend' } },
  pit: { driver: 'isa-pcspk', owner: 'isa-pcspk', prop: { name: 'pit', type: 'link<pit-common>' }, ctx: { linkExists: () => false } },
  addr: { driver: 'ICH9-LPC', owner: 'ICH9-LPC', prop: { name: 'addr', type: 'str', description: 'Slot and optional function number, example: 06.0 or 06' } },
  busnr: { driver: 'ICH9-LPC', owner: 'ICH9-LPC', prop: { name: 'busnr', type: 'busnr' } },
  rtcChild: { driver: 'ICH9-LPC', owner: 'ICH9-LPC', prop: { name: 'rtc', type: 'child<mc146818rtc>' } },
  guid: { driver: 'vmgenid', owner: 'vmgenid', prop: { name: 'guid', type: 'str', description: 'UUID (aka GUID) or "auto" for random value (default)' }, args: ['-device', 'vmgenid,id=g'], loc: '-device vmgenid,id=g: ', read: { path: '/machine/peripheral/g' } },
} satisfies Record<string, Omit<Case, 'value'>>;

const on = (t: Omit<Case, 'value'>, values: string[]): Case[] => values.map((value) => ({ ...t, value }));

const FIXED: Case[] = [
  ...on(T.noreboot, ['on', 'yes', 'true', 'y', 'off', 'no', 'false', 'n', 'ON', 'True', '1', '0', '', 'on,', 'on,foo']),
  ...on(T.popcnt, ['on', 'off', '1']),
  ...on(T.coresharing, ['on', 'off', 'auto', 'yes', 'AUTO', 'true', '']),
  ...on(T.vmxType, ['0x10', '010', '+5', '  7', '255', '256', '-1', 'abc', '', '0x', '1e1', '1k', '7 ', '08', '0xg', '0X1F']),
  ...on(T.timers, ['256', 'abc', '-1']),
  ...on(T.hpetIntcap, ['4294967296', '-4294967295']),
  ...on(T.tseg, ['65536', 'x']),
  ...on(T.hvMinor, ['65535', '65536', '0x7fff', '-65535']),
  ...on(T.vmxVersion, ['4294967295', '4294967296', '0xffffffff', '037777777777', '-4294967295']),
  ...on(T.ucodeRev, ['-1', '-18446744073709551615', '18446744073709551615', '18446744073709551616', '-18446744073709551616', '1.5', '0x', '0xffffffffffffffff', ' \t+0x10']),
  ...on(T.rombar, ['010', '-0x10', '0x7fffffff', ' +3', '1_000', '2147483648', '-2147483648', '-2147483649', '9223372036854775808']),
  ...on(T.baseYear, ['2147483648', 'x']),
  ...on(T.tscFreq, ['-1', '1G', 'x', '9223372036854775808']),
  ...on(T.stepping, ['15', '0xf', '16', '-1', 'x']),
  ...on(T.family, ['270', '271']),
  ...on(T.model, ['255', '256', '0377']),
  ...on(T.vendor, ['abc', 'GenuineIntel1']),
  ...on(T.modelId, ['a,b=c', '', '=x', 'hello world']),
  ...on(T.switchover, ['0', '1k', '1K', '1b', '2M', '1G', '1T', '1P', '1E', '1.5k', '0x1000', '0x1b', '010', '1.', '1.0', '1.k', '.5k',
    ' .5k', '+5k', ' 7', '1.99999999999999999999k', '15.9999999999999999E', '18446744073709551615', '1.5e',
    '1.5', '0x10k', '1kB', '1KiB', '1e3', 'abc', '', '0x', '0x1.5', '7 ', '0b101', 'inf.5', 'nan.5', '1.5b', '.k', '.', '-.5k',
    '-0x10', '18446744073709551616k', '16Ex', '-1', '-0', '-.5', '16E', '18446744073709551616', '0x10000000000000000', '-.0',
    `1.${'0'.repeat(400)}1`, `1.${'0'.repeat(400)}1k`, '0.1k', '1.1M', '3.14159G', '0.00000000001E']),
  ...on(T.hole64, ['-1', '1.5']),
  ...on(T.bounce, ['4G', '4294967295', '0x100000000', '-1', '1.5', '4095.99999k']),
  ...on(T.ltp, ['discard', 'slew', 'SLEW', '']),
  { ...T.ltp, value: 'delay', realize: 'Invalid lost tick policy.' },
  ...on(T.mfc, ['none', 'zlib', 'zstd', 'qpl', 'uadk', 'qatzip', 'ZLIB', '']),
  ...on(T.migMode, ['normal', 'cpr-reboot', 'cpr-transfer', 'x']),
  ...on(T.zpd, ['none', 'legacy', 'multifd', 'Legacy']),
  ...on(T.xSpeed, ['2_5', '64', '2.5', '128', '0', 'x']),
  ...on(T.xWidth, ['1', '12', '3', '64', 'x1']),
  ...on(T.ioReserve, ['-1', '1.5', '4k']),
  ...on(T.mac, ['zz', '', '52:54:00:12:34:5G', '52-54-00:12:34:56', '52:54:00:12:34:56:', '52:54:00:12:34']),
  ...on(T.netdev, ['', 'nosuch']),
  ...on(T.chardev, ['', 'nosuch']),
  ...on(T.drive, ['', 'nosuch', 'a,b']),
  ...on(T.audiodev, ['', 'nosuch']),
  ...on(T.pit, ['', 'nosuch', '/machine']),
  ...on(T.addr, ['1f.0', 'zz', '']),
  ...on(T.busnr, ['1']),
  ...on(T.rtcChild, ['x']),
  ...on(T.guid, ['zz', '324E6EAF-D1D1-4BF6-BF41-B9BB6C91FB87', '324e6eaf-d1d1-4bf6-bf41-b9bb6c91fb8']),
];

const prng = mulberry32;

function randomCases(seed: number, count: number): Case[] {
  const rnd = prng(seed);
  const pick = <X>(xs: readonly X[]): X => xs[Math.floor(rnd() * xs.length)]!;
  const digits = (alphabet: string, max: number) =>
    Array.from({ length: 1 + Math.floor(rnd() * max) }, () => pick([...alphabet])).join('');
  const integer = () => pick(['', '', '', ' ', '\t']) + pick(['', '', '+', '-']) + pick([
    () => digits('0123456789', 21), () => digits('0123456789', 3), () => `0x${digits('0123456789abcdefABCDEF', 17)}`,
    () => `0${digits('01234567', 22)}`, () => pick(['0', '00', '0x', '08']),
  ])() + pick(['', '', '', '', 'k', ' ', 'x', '.5', 'e']);
  const size = () => pick(['', '', '', ' ']) + pick(['', '', '', '-', '+']) + pick([
    () => digits('0123456789', 20), () => digits('0123456789', 4), () => `${digits('0123456789', 3)}.${digits('0123456789', 6)}`,
    () => `.${digits('0123456789', 3)}`, () => `0x${digits('0123456789abcdef', 17)}`,
  ])() + pick(['', '', 'b', 'B', 'k', 'K', 'm', 'M', 'g', 'G', 't', 'T', 'p', 'P', 'e', 'E', 'x', ' ', 'kB']);
  const bool = () => pick(['on', 'off', 'yes', 'no', 'true', 'false', 'y', 'n', 'On', 'YES', '1', '0', '', 't', 'of']);
  const targets: Array<[Omit<Case, 'value'>, () => string]> = [
    [T.vmxType, integer], [T.vmxVersion, integer], [T.hvMinor, integer], [T.ucodeRev, integer], [T.rombar, integer],
    [T.stepping, integer], [T.switchover, size], [T.switchover, size], [T.bounce, size], [T.noreboot, bool],
  ];
  return Array.from({ length: count }, () => {
    const [t, gen] = pick(targets);
    return { ...t, value: gen() };
  });
}

const globalArg = (c: Case): string => c.longForm
  ? `driver=${c.driver},property=${c.prop.name},value=${c.value.replace(/,/g, ',,')}`
  : `${c.driver}.${c.prop.name}=${c.value}`;

interface Observed { run: QemuRunResult; read?: ExactJson }

async function observe(c: Case, predicted: QomValue | undefined): Promise<Observed> {
  const args = [...Q35, ...(c.args ?? []), '-global', globalArg(c)];
  if (predicted === undefined || !c.read) return { run: await runQemu(QEMU_BINARY, args) };
  let session: QmpSession | undefined;
  try {
    session = await QmpSession.start(QEMU_BINARY, args);
    const read = 'path' in c.read
      ? await session.execute('qom-get', { path: c.read.path, property: c.prop.name })
      : ((await session.execute('query-migrate-parameters')) as { [k: string]: ExactJson })[c.read.migrate]!;
    return { run: await session.quit(), read };
  } catch (e) {
    session?.kill();
    if (e instanceof QemuExitedError) return { run: e.result };
    throw e;
  }
}

/** Runs `fn` over `items` with at most `limit` running at once. */
async function pool<X, Y>(items: X[], limit: number, fn: (x: X) => Promise<Y>): Promise<Y[]> {
  const out: Y[] = new Array(items.length);
  let next = 0;
  const worker = async () => { while (next < items.length) { const i = next++; out[i] = await fn(items[i]!); } };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

const normalise = (v: ExactJson | undefined, like: QomValue): unknown =>
  typeof like === 'bigint' && typeof v === 'number' ? BigInt(v) : v;

describeLive('parseGlobalValue agrees with QEMU 10.0.2 (-global on q35)', () => {
  const cases = [...FIXED, ...randomCases(20251125, 120)];

  it(`has enough cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
  });

  it('predicts exit status, stderr and the value read back', async () => {
    const results = await pool(cases, 8, async (c) => {
      const predicted = parseGlobalValue(c.prop, c.value, c.owner, c.ctx);
      const label = `-global ${JSON.stringify(globalArg(c))}`;
      if (c.realize !== undefined) {
        const run = (await observe(c, undefined)).run;
        return { label, expected: { ok: true, code: 1, stderr: `${PROG}${c.loc ?? ''}${c.realize}\n` }, actual: { ok: predicted.ok, code: run.code, stderr: run.stderr } };
      }
      const seen = await observe(c, predicted.ok ? predicted.value : undefined);
      if (!predicted.ok && predicted.abort) {
        return { label, expected: { signal: 'SIGABRT', stderr: `${PROG}${predicted.reason}\n` }, actual: { signal: seen.run.signal, stderr: seen.run.stderr } };
      }
      if (!predicted.ok) {
        const stderr = `${PROG}${c.loc ?? ''}can't apply global ${c.driver}.${c.prop.name}=${c.value}: ${predicted.reason}\n`;
        return { label, expected: { code: 1, stderr }, actual: { code: seen.run.code, stderr: seen.run.stderr } };
      }
      const expected: Record<string, unknown> = { code: 0, stderr: '' };
      const actual: Record<string, unknown> = { code: seen.run.code, stderr: seen.run.stderr };
      if (c.read && !c.replacedByRealize?.(predicted.value)) { expected.value = predicted.value; actual.value = normalise(seen.read, predicted.value); }
      return { label, expected, actual };
    });
    const mismatches = results.filter((r) => !isDeepStrictEqualish(r.expected, r.actual));
    expect(mismatches).toEqual([]);
    // Every kind of outcome was exercised.
    expect(results.filter((r) => 'value' in r.expected).length).toBeGreaterThan(60);
    expect(results.filter((r) => r.expected.code === 1).length).toBeGreaterThan(100);
  });
});

function isDeepStrictEqualish(a: unknown, b: unknown): boolean {
  return JSON.stringify(a, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)) === JSON.stringify(b, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
}

// ---------------------------------------------------------------------------------------------
// Option strings

const stderrOf = (r: OptionResult<unknown>): string =>
  (r.ok ? r.warnings : r.messages).map((m) => `${PROG}${m}\n`).join('');

const GLOBALS = [
  'ICH9-LPC.noreboot=true', 'ICH9-LPC=true', 'ICH9-LPC.noreboot', '.noreboot=1', 'ICH9-LPC.=1', '=x', '',
  'driver=ICH9-LPC,property=noreboot', 'driver=ICH9-LPC,property=noreboot,value=on,foo=bar',
  'driver=ICH9-LPC,property=noreboot,value', 'driver=ICH9-LPC,property=noreboot,novalue',
  'driver=ICH9-LPC,property=noreboot,value=on,value=off', 'driver=ICH9-LPC,property=noreboot,value=on,',
  'id,driver=ICH9-LPC,property=noreboot,value=on', 'id=1x,driver=ICH9-LPC,property=noreboot,value=on',
  'id=a,id=1b,driver=ICH9-LPC,property=noreboot,value=on', 'id=,driver=ICH9-LPC,property=noreboot,value=on',
  'driver=ICH9-LPC,property=noreboot,value=on,id=a,,b', `${'A'.repeat(64)}.noreboot=on`, 'a,b,driver=x', 'nodelay,driver=x',
  'driver=x,property=y,value=z,=w', 'driver=qemu64-x86_64-cpu,property=model-id,value=a,,b',
  'driver=qemu64-x86_64-cpu,property=model-id,value=a,b', 'qemu64-x86_64-cpu.model-id=a,b=c', 'help',
];
const DEVICES = [
  '', 'id=a', 'virtio-balloon-pci,id=1a', 'virtio-balloon-pci,id=a,,b', 'virtio-balloon-pci,multifunction',
  'virtio-balloon-pci,id=a,id=b', 'driver=virtio-balloon-pci', 'virtio-balloon-pci,vectors=1,',
];
const OBJECTS = [
  'memory-backend-ram,size=1M', 'memory-backend-ram,id=1m,size=1M', 'memory-backend-ram,id=m,,x,size=1M', '', 'id=m',
  'memory-backend-ram,id=m,size=1M,share', 'memory-backend-ram,id=m,size=1M,id=n',
];

describeLive('option parsers agree with QEMU 10.0.2', () => {
  const runs: Array<[string, string, OptionResult<unknown>]> = [
    ...GLOBALS.map((a): [string, string, OptionResult<unknown>] => ['-global', a, parseGlobal(a)]),
    ...DEVICES.map((a): [string, string, OptionResult<unknown>] => ['-device', a, parseDevice(a)]),
    ...OBJECTS.map((a): [string, string, OptionResult<unknown>] => ['-object', a, parseObject(a)]),
  ];

  it('predicts stderr and the exit status of parse errors', async () => {
    const results = await pool(runs, 8, async ([opt, arg, predicted]) => {
      const run = await runQemu(QEMU_BINARY, [...Q35, opt, arg]);
      const code = predicted.ok ? 0 : 1;
      // A successful parse may still fail later for other reasons; only compare what the parser decides.
      if (predicted.ok && run.code !== 0) return { arg, expected: 'parse ok', actual: run.stderr };
      return { arg, expected: { code, stderr: stderrOf(predicted) }, actual: { code: run.code, stderr: run.stderr } };
    });
    const mismatches = results.filter((r) => !isDeepStrictEqualish(r.expected, r.actual));
    expect(mismatches).toEqual([]);
  });

  it('reports duplicate ids across options', async () => {
    const a = 'id=a,driver=ICH9-LPC,property=noreboot,value=on';
    const run = await runQemu(QEMU_BINARY, [...Q35, '-global', a, '-global', a]);
    const { parseGlobals } = await import('../../src/resolve/options.js');
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 1, stderr: stderrOf(parseGlobals([a, a])) });
  });
});

describe('live test tables', () => {
  it('cover every value kind', () => {
    const types = new Set(FIXED.map((c) => c.prop.type));
    for (const t of ['bool', 'OnOffAuto', 'uint8', 'uint16', 'uint32', 'uint64', 'int32', 'int', 'size', 'str', 'string',
      'LostTickPolicy', 'MultiFDCompression', 'MigMode', 'PCIELinkSpeed', 'PCIELinkWidth', 'link<pit-common>', 'busnr']) {
      expect(types).toContain(t);
    }
  });
});
