/** Taking a QEMU command line apart: shell words, the option table's argv scan, keyval, and the resulting request. */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseQemuCommandLine } from '../../src/parse/command-line.js';
import { parseKeyval } from '../../src/parse/keyval.js';
import { scanQemuArgv, splitInvocation } from '../../src/parse/qemu-argv.js';
import { ShellSyntaxError, splitShellWords } from '../../src/parse/shell-words.js';
import { parseConfigFile } from '../../src/parse/readconfig.js';
import { embeddedOptionTable } from '../support/option-table.js';

const table = embeddedOptionTable();

describe('shell words', () => {
  it('splits a libvirt-style log line: continuations, quotes, JSON', () => {
    const text = `LC_ALL=C \\\nPATH=/bin \\\n/usr/bin/qemu-system-x86_64 \\\n-name guest=vm1,debug-threads=on \\\n-device '{"driver":"virtio-net-pci","id":"net0"}' \\\n-msg timestamp=on\n`;
    expect(splitShellWords(text)).toEqual(['LC_ALL=C', 'PATH=/bin', '/usr/bin/qemu-system-x86_64', '-name', 'guest=vm1,debug-threads=on',
      '-device', '{"driver":"virtio-net-pci","id":"net0"}', '-msg', 'timestamp=on']);
  });

  it('handles double quotes, escapes, empty words and comments', () => {
    expect(splitShellWords(`a "b \\"c\\" \\$d" '' e\\ f # comment\ng`)).toEqual(['a', 'b "c" $d', '', 'e f', 'g']);
    expect(splitShellWords(`"x\\\ny"`)).toEqual(['xy']);
  });

  it('reports an unterminated quote with its line and column', () => {
    expect(() => splitShellWords(`-name x \\\n -device 'abc`)).toThrow(ShellSyntaxError);
    try { splitShellWords(`-name x \\\n -device 'abc`); } catch (e) { expect((e as ShellSyntaxError).message).toBe("2:10: unterminated single quote"); }
  });

  it('property: words without special characters round-trip through single quotes', () => {
    fc.assert(fc.property(fc.array(fc.string().filter((s) => !s.includes("'"))), (words) => {
      expect(splitShellWords(words.map((w) => `'${w}'`).join(' \\\n  '))).toEqual(words);
    }));
  });
});

describe('argv scan with the option table', () => {
  it('takes arguments as QEMU does, whatever they look like', () => {
    const r = scanQemuArgv(['-name', '-S', '--nodefaults', 'disk.img', '-m', '1G'], table);
    expect(r.error).toBeUndefined();
    expect(r.options.map((o) => o.text)).toEqual(['-name -S', '--nodefaults', 'disk.img', '-m 1G']);
    expect(r.options[2]).toMatchObject({ name: 'hda', image: true });
  });

  it("reports QEMU's first-pass errors", () => {
    expect(scanQemuArgv(['-S', '-foo', '-m'], table).error).toBe('-foo: invalid option');
    expect(scanQemuArgv(['-S', '-m'], table).error).toBe('-m: requires an argument');
    expect(scanQemuArgv(['-'], table).error).toBe('-: invalid option');
  });

  it('takes the environment and program off a pasted line', () => {
    expect(splitInvocation(['A=1', 'B=2', '/usr/bin/qemu-system-x86_64', '-S'])).toEqual({ env: ['A=1', 'B=2'], program: '/usr/bin/qemu-system-x86_64', args: ['-S'] });
    expect(splitInvocation(['qemu-kvm', '-S'])).toEqual({ env: [], program: 'qemu-kvm', args: ['-S'] });
    expect(splitInvocation(['disk.img'])).toEqual({ env: [], args: ['disk.img'] });
  });
});

describe('keyval (-machine)', () => {
  it('parses the implied type, escapes and dotted keys; later keys win', () => {
    expect(parseKeyval('q35,usb=off,x=a,,b,smp-cache.0.cache=l1d,usb=on', 'type'))
      .toEqual({ ok: true, help: false, pairs: [['type', 'q35'], ['x', 'a,b'], ['smp-cache.0.cache', 'l1d'], ['usb', 'on']] });
    expect(parseKeyval('type=pc,accel=kvm:tcg', 'type')).toEqual({ ok: true, help: false, pairs: [['type', 'pc'], ['accel', 'kvm:tcg']] });
    expect(parseKeyval('help', 'type')).toEqual({ ok: true, help: true, pairs: [] });
  });

  it("words errors as QEMU's keyval.c", () => {
    expect(parseKeyval('q35,foo', 'type')).toEqual({ ok: false, error: "Expected '=' after parameter 'foo'" });
    expect(parseKeyval('q35,1a=2', 'type')).toEqual({ ok: false, error: "Invalid parameter '1a'" });
    expect(parseKeyval('q35,a..b=2', 'type')).toEqual({ ok: false, error: "Invalid parameter 'a..b'" });
  });
});

describe('command line → what resolve applies and what it lists', () => {
  const parse = (words: string[]) => {
    const r = parseQemuCommandLine(words, table);
    if (!r.ok) throw new Error(r.error);
    return r.line;
  };

  it('collects the machine, accelerator, CPU and ordered options, and lists the rest by effect', () => {
    const line = parse(['qemu-system-x86_64', '-name', 'vm', '-machine', 'pc-q35-9.1,usb=off,accel=tcg', '-m', '4096', '-cpu', 'qemu64',
      '-device', 'e1000', '-global', 'e1000.mac=52:54:00:00:00:01', '-chardev', 'null,id=c', '-nodefaults']);
    expect(line).toMatchObject({ program: 'qemu-system-x86_64', machine: 'pc-q35-9.1', machineProps: [['usb', 'off']], accel: 'tcg', cpu: 'qemu64', nodefaults: true, accelConflict: false });
    expect(line.options).toEqual([{ kind: 'device', arg: 'e1000' }, { kind: 'global', arg: 'e1000.mac=52:54:00:00:00:01' }]);
    expect(line.listed.map((o) => [o.text, o.effect])).toEqual([['-name vm', 'no-property'], ['-chardev null,id=c', 'backend']]);
    expect(line.memory).toEqual({ size: '4096' });
  });

  it('merges every -m into one memory list, and words its parse errors as qemu_opts_parse_noisily', () => {
    expect(parse(['-m', '2G', '-m', 'maxmem=4G,slots=1']).memory).toEqual({ size: '2G', maxmem: '4G', slots: '1' });
    expect(parse(['-m', 'foo']).options).toEqual([{ kind: 'fatal', arg: "-m foo: Parameter 'size' expects a non-negative number below 2^64\nOptional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\nand exabytes, respectively." }]);
    expect(parse(['-m', '-1']).options).toEqual([{ kind: 'fatal', arg: "-m -1: Value '-1' is out of range for parameter 'size'" }]);
    expect(parse(['-m', '4G,foo=1']).options).toEqual([{ kind: 'fatal', arg: "-m 4G,foo=1: Invalid parameter 'foo'" }]);
    expect(parse(['-m', '1G,slots=x']).options).toEqual([{ kind: 'fatal', arg: "-m 1G,slots=x: Parameter 'slots' expects a number" }]);
    expect(parse(['-smp', '2', '-smp', 'maxcpus=4,cores=4']).smp).toEqual([['cpus', '2'], ['maxcpus', '4'], ['cores', '4']]);
    expect(parse(['-smp', 'a=1,=2']).options).toEqual([{ kind: 'fatal', arg: "-smp a=1,=2: Invalid parameter ''" }]);
    expect(parse(['-m', '1G,slots=99999999999999999999']).options).toEqual([{ kind: 'fatal', arg: "-m 1G,slots=99999999999999999999: Value '99999999999999999999' is too large for parameter 'slots'" }]);
  });

  it('keeps parse-time errors in order and sees the -accel / -machine accel= conflict', () => {
    const line = parse(['-global', 'a.b=c', '-prom-env', 'x', '-M', 'q35,foo', '-enable-kvm', '-accel', 'tcg']);
    expect(line.options).toEqual([{ kind: 'global', arg: 'a.b=c' }, { kind: 'fatal', arg: '-prom-env x: Option not supported for this target' },
      { kind: 'fatal', arg: "-M q35,foo: Expected '=' after parameter 'foo'" }]);
    expect(line.accelConflict).toBe(true);
  });
});

describe('-readconfig and downstream dialects', () => {
  it('parses a QEMU config file into its sections', () => {
    expect(parseConfigFile('# bridges\n[device "pci.1"]\n  driver = "pci-bridge"\n  chassis_nr = "1"\n[machine]\n  usb = "off"\n', 'f.cfg')).toEqual({
      ok: true, sections: [{ group: 'device', id: 'pci.1', pairs: [['driver', 'pci-bridge'], ['chassis_nr', '1']] }, { group: 'machine', pairs: [['usb', 'off']] }],
    });
    expect(parseConfigFile('driver = "x"\n', 'f.cfg')).toEqual({ ok: false, error: 'f.cfg:1: no group defined' });
    expect(parseConfigFile('[device "a"]\nnonsense\n', 'f.cfg')).toEqual({ ok: false, error: 'f.cfg:2: parse error' });
  });

  it('puts a readable file\'s devices where -readconfig stands, and assumes an unreadable one', () => {
    const files = { readFile: (p: string) => (p === 'here.cfg' ? '[device "pci.1"]\n  driver = "pci-bridge"\n  chassis_nr = "1"\n' : undefined) };
    const r = parseQemuCommandLine(['-device', 'e1000', '-readconfig', 'here.cfg', '-readconfig', 'gone.cfg'], table, files);
    expect(r.ok && r.line.options).toEqual([{ kind: 'device', arg: 'e1000' }, { kind: 'device', arg: 'driver=pci-bridge,chassis_nr=1,id=pci.1' }]);
    expect(r.ok && r.line.unknownBusesAssumed).toBe(true);
    expect(r.ok && r.line.assumptions[0]).toMatch(/^-readconfig gone.cfg: the file cannot be read here/);
  });

  it('takes a Proxmox VE line: -id is the VM id, a +pveN machine is answered for its upstream type', () => {
    const r = parseQemuCommandLine(['/usr/bin/kvm', '-id', '8006', '-machine', 'type=pc-i440fx-8.1+pve0', '-S'], table);
    expect(r.ok && r.line).toMatchObject({ dialect: 'Proxmox VE', machine: 'pc-i440fx-8.1' });
    expect(r.ok && r.line.listed.map((o) => [o.text, o.effect])).toEqual([['-id 8006', 'no-property'], ['-S', 'no-property']]);
    // Without -id, upstream QEMU's verdict on the option stands.
    expect(parseQemuCommandLine(['-S', '-idx'], table)).toEqual({ ok: false, error: '-idx: invalid option' });
  });
});

describe('sugar options', () => {
  const sugarOf = (words: string[]) => {
    const r = parseQemuCommandLine(words, table);
    if (!r.ok) throw new Error(r.error);
    return r.line;
  };

  it('registers them in QEMU\'s order: -win2k-hack, -mem-prealloc, -rtc, then the legacy -machine keys', () => {
    const line = sugarOf(['-machine', 'q35,kernel_irqchip=split', '-rtc', 'driftfix=slew', '-mem-prealloc', '-smp', '4', '-win2k-hack']);
    expect(line.sugar.map((p) => `${p.driver}.${p.property}=${p.value}`)).toEqual([
      'ide-device.win2k-install-hack=true', 'memory-backend.prealloc-threads=4', 'memory-backend.prealloc=on',
      'mc146818rtc.lost_tick_policy=slew', 'kvm-accel.kernel-irqchip=split', 'whpx-accel.kernel-irqchip=split',
    ]);
  });

  it("words configure_rtc's errors as QEMU does", () => {
    expect(sugarOf(['-rtc', 'driftfix=fast']).options).toEqual([{ kind: 'fatal', arg: "invalid option value 'fast'" }]);
    expect(sugarOf(['-rtc', 'base=utc,driftfix=none']).sugar).toEqual([]);
  });
});

describe('-set', () => {
  it('adds a property to an earlier QemuOpts -device with that id, and words QEMU\'s errors', () => {
    const ok = parseQemuCommandLine(['-device', 'e1000,id=n', '-set', 'device.n.mac=52:54:00:00:00:09'], table);
    expect(ok.ok && ok.line.options).toEqual([{ kind: 'device', arg: 'e1000,id=n', set: [['mac', '52:54:00:00:00:09']] }]);
    const fatal = (words: string[]) => { const r = parseQemuCommandLine(words, table); return r.ok ? r.line.options.filter((o) => o.kind === 'fatal') : r.error; };
    expect(fatal(['-set', 'foo'])).toEqual([{ kind: 'fatal', arg: '-set foo: can\'t parse: "foo"' }]);
    expect(fatal(['-set', 'object.a.b=c'])).toEqual([{ kind: 'fatal', arg: '-set object.a.b=c: -set is not supported with object' }]);
    expect(fatal(['-device', '{"driver":"e1000","id":"j"}', '-set', 'device.j.mac=x'])).toEqual([{ kind: 'fatal', arg: '-set device.j.mac=x: there is no device "j" defined' }]);
  });
});
