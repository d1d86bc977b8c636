import { describe, expect, it } from '@jest/globals';
import {
  parseGlobalValue, parseDeviceValue, parseObjectValue, formatValue, qemuStrtosz, strtoull, strtoll,
  choicesFromDescription, enumChoices, parsePciDevfn, ALTERNATE_ASSERTION, type PropertyInfo, type ValueResult,
} from '../src/resolve/values.js';

const SIZE_SYNTAX = (p: string) => `Parameter '${p}' expects a non-negative number below 2^64\n`
  + 'Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\nand exabytes, respectively.';

const P = (name: string, type: string, description?: string): PropertyInfo =>
  (description === undefined ? { name, type } : { name, type, description });
const ok = (value: boolean | bigint | string): ValueResult => ({ ok: true, value });
const bad = (reason: string): ValueResult => ({ ok: false, reason });

describe('C integer parsing', () => {
  it.each([
    ['0x10', 16n], ['010', 8n], ['+5', 5n], ['  7', 7n], ['\t\n9', 9n], ['-1', (1n << 64n) - 1n],
    ['-18446744073709551615', 1n], ['18446744073709551615', (1n << 64n) - 1n], ['0X1f', 31n],
  ])('strtoull(%j) = %s', (text, value) => {
    expect(strtoull(text)).toEqual({ ok: true, value, end: text.length });
  });
  it('stops at the first invalid digit, and 0x without hex digits converts only the 0', () => {
    expect(strtoull('08')).toEqual({ ok: true, value: 0n, end: 1 });
    expect(strtoull('0x')).toEqual({ ok: true, value: 0n, end: 1 });
    expect(strtoull('0xg')).toEqual({ ok: true, value: 0n, end: 1 });
    expect(strtoull('abc').ok).toBe(false);
    expect(strtoull('18446744073709551616')).toEqual({ ok: false, error: 'ERANGE', end: 20 });
    expect(strtoull('-18446744073709551616')).toMatchObject({ ok: false, error: 'ERANGE' });
  });
  it('strtoll ranges', () => {
    expect(strtoll('-0x10')).toEqual({ ok: true, value: -16n, end: 5 });
    expect(strtoll('9223372036854775807')).toMatchObject({ ok: true, value: (1n << 63n) - 1n });
    expect(strtoll('-9223372036854775808')).toMatchObject({ ok: true, value: -(1n << 63n) });
    expect(strtoll('9223372036854775808')).toMatchObject({ ok: false, error: 'ERANGE' });
  });
});

describe('qemu_strtosz', () => {
  it.each([
    ['0', 0n], ['1k', 1024n], ['1K', 1024n], ['1b', 1n], ['1B', 1n], ['2M', 2n << 20n], ['1G', 1n << 30n],
    ['1T', 1n << 40n], ['1P', 1n << 50n], ['1E', 1n << 60n], ['1.5k', 1536n], ['0x1000', 4096n], ['0x1b', 27n],
    ['010', 10n], ['1.', 1n], ['1.0', 1n], ['1.k', 1024n], ['.5k', 512n], [' .5k', 512n], ['+5k', 5120n], [' 7', 7n],
    ['1.99999999999999999999k', 2048n], ['15.9999999999999999E', (1n << 64n) - 128n],
    ['18446744073709551615', (1n << 64n) - 1n], ['1.5e', 3n << 59n],
  ])('%j = %s', (text, value) => {
    expect(qemuStrtosz(text)).toEqual({ ok: true, value });
  });
  it.each([
    ['1.5', 'EINVAL'], ['0x10k', 'EINVAL'], ['1kB', 'EINVAL'], ['1KiB', 'EINVAL'], ['1e3', 'EINVAL'], ['abc', 'EINVAL'],
    ['', 'EINVAL'], ['0x', 'EINVAL'], ['0x1.5', 'EINVAL'], ['7 ', 'EINVAL'], ['0b101', 'EINVAL'], ['inf.5', 'EINVAL'],
    ['1.5b', 'EINVAL'], ['.k', 'EINVAL'], ['.', 'EINVAL'], ['-.5k', 'EINVAL'], ['-0x10', 'EINVAL'],
    ['18446744073709551616k', 'EINVAL'], ['16Ex', 'EINVAL'],
    ['-1', 'ERANGE'], ['-0', 'ERANGE'], ['-.5', 'ERANGE'], ['16E', 'ERANGE'], ['18446744073709551616', 'ERANGE'],
    ['0x10000000000000000', 'ERANGE'], ['-.0', 'ERANGE'],
  ])('%j fails with %s', (text, error) => {
    expect(qemuStrtosz(text)).toEqual({ ok: false, error });
  });
  it('keeps a fraction too small for a double non-zero', () => {
    expect(qemuStrtosz(`1.${'0'.repeat(400)}1`)).toEqual({ ok: false, error: 'EINVAL' });
    expect(qemuStrtosz(`1.${'0'.repeat(400)}1k`)).toEqual({ ok: true, value: 1024n });
  });
});

describe('parseGlobalValue (string input visitor)', () => {
  const noreboot = P('noreboot', 'bool', 'on/off');
  it.each(['on', 'yes', 'true', 'y'])('bool %s is true', (t) => expect(parseGlobalValue(noreboot, t, 'ICH9-LPC')).toEqual(ok(true)));
  it.each(['off', 'no', 'false', 'n'])('bool %s is false', (t) => expect(parseGlobalValue(noreboot, t, 'ICH9-LPC')).toEqual(ok(false)));
  it.each(['ON', 'True', '1', '0', '', 'on,'])('bool %j is refused', (t) =>
    expect(parseGlobalValue(noreboot, t, 'ICH9-LPC')).toEqual(bad("Parameter 'noreboot' expects 'on' or 'off'")));

  it('OnOffAuto', () => {
    const p = P('disable-legacy', 'OnOffAuto', 'on/off/auto');
    expect(parseGlobalValue(p, 'auto', 'virtio-balloon-pci')).toEqual(ok('auto'));
    for (const t of ['yes', 'AUTO', 'true', '']) {
      expect(parseGlobalValue(p, t, 'virtio-balloon-pci')).toEqual(bad(`Parameter 'disable-legacy' does not accept value '${t}'`));
    }
  });

  it('QAPI enums use the members compiled into this build, not the description', () => {
    const mfc = P('multifd-compression', 'MultiFDCompression', 'multifd_compression values (none/zlib/zstd/qpl/uadk/qatzip)');
    expect(parseGlobalValue(mfc, 'zstd', 'migration')).toEqual(ok('zstd'));
    expect(parseGlobalValue(mfc, 'qpl', 'migration')).toEqual(bad("Parameter 'multifd-compression' does not accept value 'qpl'"));
    const mode = P('mode', 'MigMode', 'Migration mode (normal/cpr-reboot)');
    expect(parseGlobalValue(mode, 'cpr-transfer', 'migration')).toEqual(ok('cpr-transfer'));
    const ltp = P('lost_tick_policy', 'LostTickPolicy', 'Policy for handling lost ticks (discard/delay/slew)');
    expect(parseGlobalValue(ltp, 'SLEW', 'mc146818rtc')).toEqual(bad("Parameter 'lost_tick_policy' does not accept value 'SLEW'"));
    const speed = P('x-speed', 'PCIELinkSpeed', '2_5/5/8/16/32/64');
    expect(parseGlobalValue(speed, '2_5', 'pcie-root-port')).toEqual(ok('2_5'));
    for (const t of ['2.5', '128', '0', 'x']) expect(parseGlobalValue(speed, t, 'pcie-root-port').ok).toBe(false);
    const width = P('x-width', 'PCIELinkWidth', '1/2/4/8/12/16/32');
    for (const t of ['3', '64', 'x1']) expect(parseGlobalValue(width, t, 'pcie-root-port')).toEqual(bad(`Parameter 'x-width' does not accept value '${t}'`));
  });
  it('explicit choices win; an enum whose members are unknown accepts anything', () => {
    expect(parseGlobalValue({ name: 'e', type: 'Foo', choices: ['a'] }, 'b', 'x')).toEqual(bad("Parameter 'e' does not accept value 'b'"));
    expect(parseGlobalValue(P('gl-mode', 'DisplayGLMode'), 'anything', 'dbus-display')).toEqual(ok('anything'));
    expect(parseGlobalValue(P('e', 'NewEnum', 'Endian mode, big/little/unspecified'), 'middle', 'x'))
      .toEqual(bad("Parameter 'e' does not accept value 'middle'"));
  });
  it('derives choices from descriptions', () => {
    expect(choicesFromDescription('on/off/auto')).toEqual(['on', 'off', 'auto']);
    expect(choicesFromDescription('Policy for handling lost ticks (discard/delay/slew)')).toEqual(['discard', 'delay', 'slew']);
    expect(choicesFromDescription('Endian mode, big/little/unspecified')).toEqual(['big', 'little', 'unspecified']);
    expect(choicesFromDescription('Preallocate memory')).toBeUndefined();
    expect(enumChoices(P('m', 'MultiFDCompression', 'x (none/zlib/zstd/qpl)'))).toEqual(['none', 'zlib', 'zstd']);
  });

  it.each([
    ['uint8', 'timers', '0x10', ok(16n)], ['uint8', 'timers', '010', ok(8n)], ['uint8', 'timers', ' +5', ok(5n)],
    ['uint8', 'timers', '255', ok(255n)], ['uint8', 'timers', '256', bad("Parameter 'timers' expects uint8_t")],
    ['uint8', 'timers', '-1', bad("Parameter 'timers' expects uint8_t")],
    ['uint8', 'timers', 'abc', bad("Parameter 'timers' expects uint64")], ['uint8', 'timers', '', bad("Parameter 'timers' expects uint64")],
    ['uint8', 'timers', '0x', bad("Parameter 'timers' expects uint64")], ['uint8', 'timers', '1e1', bad("Parameter 'timers' expects uint64")],
    ['uint8', 'timers', '1k', bad("Parameter 'timers' expects uint64")], ['uint8', 'timers', '7 ', bad("Parameter 'timers' expects uint64")],
    ['uint16', 'extended-tseg-mbytes', '65536', bad("Parameter 'extended-tseg-mbytes' expects uint16_t")],
    ['uint32', 'hpet-intcap', '4294967296', bad("Parameter 'hpet-intcap' expects uint32_t")],
    ['uint32', 'hpet-intcap', '0xffffffff', ok(0xffffffffn)],
    ['uint64', 'ucode-rev', '-1', ok((1n << 64n) - 1n)], ['uint64', 'ucode-rev', '-18446744073709551615', ok(1n)],
    ['uint64', 'ucode-rev', '18446744073709551616', bad("Parameter 'ucode-rev' expects uint64")],
    ['uint64', 'ucode-rev', '1.5', bad("Parameter 'ucode-rev' expects uint64")],
    ['int32', 'rombar', '010', ok(8n)], ['int32', 'rombar', '-0x10', ok(-16n)], ['int32', 'rombar', ' +3', ok(3n)],
    ['int32', 'rombar', '0x7fffffff', ok(0x7fffffffn)], ['int32', 'rombar', '1_000', bad("Parameter 'rombar' expects int64")],
    ['int32', 'base_year', '2147483648', bad("Parameter 'base_year' expects int32_t")],
    ['int8', 'i8', '-129', bad("Parameter 'i8' expects int8_t")], ['int8', 'i8', '-128', ok(-128n)],
    ['int16', 'i16', '32768', bad("Parameter 'i16' expects int16_t")],
    ['int64', 'i64', '9223372036854775808', bad("Parameter 'i64' expects int64")],
    ['int', 'phandle-start', '1G', bad("Parameter 'phandle-start' expects int64")],
  ])('%s %s=%j', (type, name, text, expected) => {
    expect(parseGlobalValue(P(name, type), text, 'owner')).toEqual(expected);
  });

  it('size: both error forms, hint lines included', () => {
    const p = P('io-reserve', 'size');
    expect(parseGlobalValue(p, '64k', 'pcie-root-port')).toEqual(ok(65536n));
    expect(parseGlobalValue(p, '1.5', 'pcie-root-port')).toEqual(bad(SIZE_SYNTAX('io-reserve')));
    expect(parseGlobalValue(p, '-1', 'pcie-root-port')).toEqual(bad("Value '-1' is out of range for parameter 'io-reserve'"));
    expect(parseGlobalValue(p, '16E', 'pcie-root-port')).toEqual(bad("Value '16E' is out of range for parameter 'io-reserve'"));
  });
  it('32-bit size (DEFINE_PROP_SIZE32) has its own unquoted maximum message', () => {
    const p = P('x-max-bounce-buffer-size', 'size', 'Maximum buffer size allocated for bounce buffers used for mapped access to indirect DMA memory');
    expect(parseGlobalValue(p, '4G', 'ICH9-LPC'))
      .toEqual(bad('Property ICH9-LPC.x-max-bounce-buffer-size doesn\'t take value 4294967296 (maximum: 4294967295)'));
    expect(parseGlobalValue(p, '4294967295', 'ICH9-LPC')).toEqual(ok(4294967295n));
    expect(parseGlobalValue(p, '-1', 'ICH9-LPC')).toEqual(bad("Value '-1' is out of range for parameter 'x-max-bounce-buffer-size'"));
    expect(parseGlobalValue(P('discard_granularity', 'size'), '8G', 'scsi-hd').ok).toBe(false);
  });
  it('block sizes must be powers of two in range', () => {
    const p = P('logical_block_size', 'size', 'A power of two between 512 B and 2 MiB');
    expect(parseGlobalValue(p, '4k', 'ide-hd')).toEqual(ok(4096n));
    expect(parseGlobalValue(p, '0', 'ide-hd')).toEqual(ok(0n));
    expect(parseGlobalValue(p, '1000', 'ide-hd')).toEqual(bad('parameter logical_block_size must be a power of 2 between 512 and 2097152'));
  });

  it('str takes anything', () => {
    expect(parseGlobalValue(P('model-id', 'string'), 'a,b=c', 'qemu64-x86_64-cpu')).toEqual(ok('a,b=c'));
    expect(parseGlobalValue(P('romfile', 'str'), '', 'ICH9-LPC')).toEqual(ok(''));
  });
  it('mac', () => {
    const mac = P('mac', 'str', 'Ethernet 6-byte MAC Address, example: 52:54:00:12:34:56');
    expect(parseGlobalValue(mac, '52-54-00:12:34:AB', 'e1000')).toEqual(ok('52:54:00:12:34:ab'));
    for (const t of ['zz', '', '52:54:00:12:34:5G', '52:54:00:12:34:56:', '52:54:00:12:34']) {
      expect(parseGlobalValue(mac, t, 'e1000')).toEqual(bad(`Property 'e1000.mac' doesn't take value '${t}'`));
    }
  });
  it('backend lookups', () => {
    const netdev = P('netdev', 'str', 'ID of a netdev to use as a backend');
    expect(parseGlobalValue(netdev, 'nosuch', 'e1000')).toEqual(bad("Property 'e1000.netdev' can't find value 'nosuch'"));
    expect(parseGlobalValue(netdev, '', 'e1000')).toEqual(bad("Property 'e1000.netdev' can't find value ''"));
    expect(parseGlobalValue(netdev, 'n0', 'e1000', { netdevs: ['n0'] })).toEqual(ok('n0'));
    const chardev = P('chardev', 'str', 'ID of a chardev to use as a backend');
    expect(parseGlobalValue(chardev, '', 'serial')).toEqual(ok(''));
    expect(parseGlobalValue(chardev, 'nosuch', 'serial')).toEqual(bad("Property 'serial.chardev' can't find value 'nosuch'"));
    const drive = P('drive', 'str', 'Node name or ID of a block device to use as a backend');
    expect(parseGlobalValue(drive, '', 'cfi.pflash01')).toEqual(ok(''));
    expect(parseGlobalValue(drive, 'd0', 'cfi.pflash01')).toEqual(bad("Property 'cfi.pflash01.drive' can't find value 'd0'"));
    expect(parseGlobalValue(drive, 'd0', 'cfi.pflash01', { drives: new Set(['d0']) })).toEqual(ok('d0'));
    const audiodev = P('audiodev', 'str', 'ID of an audiodev to use as a backend');
    expect(parseGlobalValue(audiodev, '', 'isa-pcspk')).toEqual(bad("audiodev '' not found"));
    const tpm = P('tpmdev', 'str', 'ID of a tpm to use as a backend');
    expect(parseGlobalValue(tpm, 't', 'tpm-crb')).toEqual(bad("Property 'tpm-crb.tpmdev' can't find value 't'"));
  });
  it('PCI addr through the string visitor aborts', () => {
    const addr = P('addr', 'str', 'Slot and optional function number, example: 06.0 or 06');
    expect(parseGlobalValue(addr, '1f.0', 'ICH9-LPC')).toEqual({ ok: false, reason: ALTERNATE_ASSERTION, abort: true });
  });
  it('links resolve only with a resolver', () => {
    const pit = P('pit', 'link<pit-common>');
    expect(parseGlobalValue(pit, '', 'isa-pcspk', { linkExists: () => false })).toEqual(ok(''));
    expect(parseGlobalValue(pit, 'nosuch', 'isa-pcspk', { linkExists: () => false })).toEqual(bad("Device 'nosuch' not found"));
    expect(parseGlobalValue(pit, 'nosuch', 'isa-pcspk')).toEqual(ok('nosuch'));
  });
  it('getter-only properties are not writable', () => {
    expect(parseGlobalValue(P('busnr', 'busnr'), '1', 'ICH9-LPC')).toEqual(bad("Property 'ICH9-LPC.busnr' is not writable"));
    expect(parseGlobalValue(P('rtc', 'child<mc146818rtc>'), 'x', 'ICH9-LPC')).toEqual(bad("Property 'ICH9-LPC.rtc' is not writable"));
  });
  it('uuid', () => {
    const p = P('guid', 'str', 'UUID (aka GUID) or "auto" for random value (default)');
    expect(parseGlobalValue(p, 'auto', 'vmgenid')).toEqual(ok('auto'));
    expect(parseGlobalValue(p, '324E6EAF-D1D1-4BF6-BF41-B9BB6C91FB87', 'vmgenid')).toEqual(ok('324e6eaf-d1d1-4bf6-bf41-b9bb6c91fb87'));
    expect(parseGlobalValue(p, 'zz', 'vmgenid')).toEqual(bad("Property 'vmgenid.guid' doesn't take value 'zz'"));
  });
  it('x86 CPU setters', () => {
    const cpu = 'qemu64-x86_64-cpu';
    expect(parseGlobalValue(P('stepping', 'int'), '16', cpu)).toEqual(bad("parameter 'stepping' can be at most 15"));
    expect(parseGlobalValue(P('stepping', 'int'), '-1', cpu)).toEqual(bad("parameter 'stepping' can be at most 15"));
    expect(parseGlobalValue(P('stepping', 'int'), 'x', cpu)).toEqual(bad("Parameter 'stepping' expects uint64"));
    expect(parseGlobalValue(P('family', 'int'), '271', cpu)).toEqual(bad("parameter 'family' can be at most 270"));
    expect(parseGlobalValue(P('model', 'int'), '0xff', cpu)).toEqual(ok(255n));
    expect(parseGlobalValue(P('tsc-frequency', 'int'), '-1', cpu)).toEqual(bad("parameter 'tsc-frequency' can be at most 9223372036854775807"));
    expect(parseGlobalValue(P('tsc-frequency', 'int'), '1G', cpu)).toEqual(bad("Parameter 'tsc-frequency' expects int64"));
    expect(parseGlobalValue(P('vendor', 'string'), 'abc', cpu)).toEqual(bad("value of property 'vendor' must consist of exactly 12 characters"));
    expect(parseGlobalValue(P('vendor', 'string'), 'GenuineIntel', cpu)).toEqual(ok('GenuineIntel'));
  });
  it('unmodelled types pass through', () => {
    expect(parseGlobalValue(P('unavailable-features', 'strList'), 'x', 'qemu64-x86_64-cpu')).toEqual(ok('x'));
    expect(parseGlobalValue(P('guest-stats', 'guest statistics'), 'x', 'virtio-balloon-pci')).toEqual(ok('x'));
  });
});

describe('parseDeviceValue (keyval visitor)', () => {
  it.each([
    [P('vectors', 'uint32'), 'abc', bad("Parameter 'vectors' expects integer")],
    [P('vectors', 'uint32'), '', bad("Parameter 'vectors' expects integer")],
    [P('vectors', 'uint32'), '-5', bad("Parameter 'vectors' expects uint32_t")],
    [P('vectors', 'uint32'), '4294967296', bad("Parameter 'vectors' expects uint32_t")],
    [P('rombar', 'int32'), 'abc', bad("Parameter 'rombar' expects integer")],
    [P('rombar', 'int32'), '2147483648', bad("Parameter 'rombar' expects int32_t")],
    [P('io-reserve', 'size'), '-1', bad("Parameter 'io-reserve' expects size")],
    [P('io-reserve', 'size'), '1.5', bad("Parameter 'io-reserve' expects size")],
    [P('io-reserve', 'size'), '16E', bad("Parameter 'io-reserve' expects size")],
    [P('multifunction', 'bool', 'on/off'), 'ON', bad("Parameter 'multifunction' expects 'on' or 'off'")],
    [P('disable-legacy', 'OnOffAuto', 'on/off/auto'), 'yes', bad("Parameter 'disable-legacy' does not accept value 'yes'")],
    [P('x-max-bounce-buffer-size', 'size'), '4G', bad("Property virtio-balloon-pci.x-max-bounce-buffer-size doesn't take value 4294967296 (maximum: 4294967295)")],
  ])('%j = %j', (prop, text, expected) => {
    expect(parseDeviceValue(prop, text, 'virtio-balloon-pci')).toEqual(expected);
  });
  it('PCI addr is parsed like sscanf("%x.%x")', () => {
    const addr = P('addr', 'str', 'Slot and optional function number, example: 06.0 or 06');
    for (const t of ['zz', '1f.8', '-1', '', '20', '1f.0x']) {
      expect(parseDeviceValue(addr, t, 'virtio-balloon-pci')).toEqual(bad(`Property 'virtio-balloon-pci.addr' doesn't take value '${t}'`));
    }
    expect(parseDeviceValue(addr, ' 5. 1', 'virtio-balloon-pci')).toEqual(ok(' 5. 1'));
    expect(parsePciDevfn('1f.7')).toBe(0xff);
    expect(parsePciDevfn('0x1f')).toBe(0xf8);
    expect(parsePciDevfn('100000001f')).toBe(0xf8); // %x stores modulo 2^32
  });
});

describe('parseObjectValue (opts visitor)', () => {
  it.each([
    [P('size', 'int', 'Size of the memory region (ex: 500M)'), 'abc', bad("Parameter 'size' expects a size value")],
    [P('size', 'int', 'Size of the memory region (ex: 500M)'), '16E', bad("Parameter 'size' expects a size value")],
    [P('size', 'int', 'Size of the memory region (ex: 500M)'), '1M', ok(1n << 20n)],
    [P('prealloc', 'bool', 'Preallocate memory'), 'maybe', bad("Parameter 'prealloc' expects 'on' or 'off'")],
    [P('prealloc-threads', 'int'), '-1', bad("Parameter 'prealloc-threads' expects a uint64 value")],
    [P('prealloc-threads', 'int'), '4294967296', bad("Parameter 'prealloc-threads' expects uint32_t")],
    [P('policy', 'HostMemPolicy', 'Set the NUMA policy'), 'x', bad("Parameter 'policy' does not accept value 'x'")],
    [P('policy', 'HostMemPolicy', 'Set the NUMA policy'), 'bind', ok('bind')],
  ])('%j = %j', (prop, text, expected) => {
    expect(parseObjectValue(prop, text, 'memory-backend-ram')).toEqual(expected);
  });
  it('setter checks are printed without the option location', () => {
    expect(parseObjectValue(P('size', 'int'), '0', 'memory-backend-ram'))
      .toEqual({ ok: false, reason: "property 'size' of memory-backend-ram doesn't take value '0'", bare: true });
    expect(parseObjectValue(P('prealloc-threads', 'int'), '0', 'memory-backend-ram'))
      .toEqual({ ok: false, reason: "property 'prealloc-threads' of memory-backend-ram doesn't take value '0'", bare: true });
  });
  it('int64 values', () => {
    expect(parseObjectValue(P('n', 'int64'), 'x', 'o')).toEqual(bad("Parameter 'n' expects an int64 value"));
  });
});

describe('formatValue', () => {
  it('formats like qom-get JSON', () => {
    expect(formatValue(true)).toBe('true');
    expect(formatValue(false)).toBe('false');
    expect(formatValue(18446744073709551615n)).toBe('18446744073709551615');
    expect(formatValue('16')).toBe('16');
  });
});
