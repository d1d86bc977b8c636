import { describe, expect, it } from '@jest/globals';
import { parseGlobal, parseGlobals, parseDevice, parseDevices, parseObject, parseObjects, idWellformed } from '../src/resolve/options.js';

const ID_HINT = "Identifiers consist of letters, digits, '-', '.', '_', starting with a letter.";
const fail = (...messages: string[]) => ({ ok: false, messages });

describe('parseGlobal: short form', () => {
  it.each([
    ['ICH9-LPC.noreboot=true', 'ICH9-LPC', 'noreboot', 'true'],
    ['cfi.pflash01.secure=on', 'cfi', 'pflash01.secure', 'on'],
    ['qemu64-x86_64-cpu.model-id.x=y', 'qemu64-x86_64-cpu', 'model-id.x', 'y'],
    ['qemu64-x86_64-cpu.model-id=a,b=c', 'qemu64-x86_64-cpu', 'model-id', 'a,b=c'],
    ['qemu64-x86_64-cpu.model-id==x', 'qemu64-x86_64-cpu', 'model-id', '=x'],
    ['qemu64-x86_64-cpu.model-id=', 'qemu64-x86_64-cpu', 'model-id', ''],
    ['ICH9-LPC.noreboot=on,', 'ICH9-LPC', 'noreboot', 'on,'],
    ['ICH9-LPC.noreboot=on,foo', 'ICH9-LPC', 'noreboot', 'on,foo'],
    [`${'A'.repeat(63)}.${'p'.repeat(63)}=v`, 'A'.repeat(63), 'p'.repeat(63), 'v'],
  ])('%s', (text, driver, property, value) => {
    expect(parseGlobal(text)).toEqual({ ok: true, value: { driver, property, value, text }, warnings: [] });
  });
});

describe('parseGlobal: long form', () => {
  it('accepts the three keys, ",," escapes and a trailing comma; the last repeat wins', () => {
    expect(parseGlobal('driver=qemu64-x86_64-cpu,property=model-id,value=a,,b')).toMatchObject({ ok: true, value: { value: 'a,b' } });
    expect(parseGlobal('driver=ICH9-LPC,property=noreboot,value=on,value=off')).toMatchObject({ ok: true, value: { value: 'off' } });
    expect(parseGlobal('driver=ICH9-LPC,driver=nosuch,property=noreboot,value=on')).toMatchObject({ ok: true, value: { driver: 'nosuch' } });
    expect(parseGlobal('driver=ICH9-LPC,,x,property=p,value=v')).toMatchObject({ ok: true, value: { driver: 'ICH9-LPC,x' } });
    expect(parseGlobal('driver=ICH9-LPC,property=noreboot,value=on,')).toMatchObject({ ok: true, warnings: [] });
    expect(parseGlobal('driver=x,property=y,value=z,,')).toMatchObject({ ok: true, value: { value: 'z,' } });
    expect(parseGlobal('id=a,driver=x,property=y,value=z')).toMatchObject({ ok: true, value: { id: 'a' } });
    expect(parseGlobal(`${'A'.repeat(64)}.p=v`.replace(/^/, 'driver=').replace('.p=v', ',property=p,value=v')))
      .toMatchObject({ ok: true, value: { driver: 'A'.repeat(64) } });
  });
  it('short-form booleans warn, with the "Please use" line', () => {
    const a = 'driver=ICH9-LPC,property=noreboot,value';
    expect(parseGlobal(a)).toEqual({
      ok: true, value: { driver: 'ICH9-LPC', property: 'noreboot', value: 'on', text: a },
      warnings: [`-global ${a}: warning: short-form boolean option 'value' deprecated\nPlease use value=on instead`],
    });
    const b = 'driver=ICH9-LPC,property=noreboot,novalue';
    expect(parseGlobal(b)).toMatchObject({ ok: true, value: { value: 'off' },
      warnings: [`-global ${b}: warning: short-form boolean option 'novalue' deprecated\nPlease use value=off instead`] });
    const c = 'id,driver=ICH9-LPC,property=noreboot,value=on';
    expect(parseGlobal(c)).toMatchObject({ ok: true, value: { id: 'on' } });
  });
  it.each([
    ['ICH9-LPC=true', ["-global ICH9-LPC=true: Invalid parameter 'ICH9-LPC'"]],
    ['ICH9-LPC.noreboot', [
      "-global ICH9-LPC.noreboot: warning: short-form boolean option 'ICH9-LPC.noreboot' deprecated\nPlease use ICH9-LPC.noreboot=on instead",
      "-global ICH9-LPC.noreboot: Invalid parameter 'ICH9-LPC.noreboot'"]],
    ['.noreboot=1', ["-global .noreboot=1: Invalid parameter '.noreboot'"]],
    ['ICH9-LPC.=1', ["-global ICH9-LPC.=1: Invalid parameter 'ICH9-LPC.'"]],
    ['=x', ["-global =x: Invalid parameter ''"]],
    ['', ["-global : options 'driver', 'property', and 'value' are required"]],
    ['driver=ICH9-LPC,property=noreboot', ["-global driver=ICH9-LPC,property=noreboot: options 'driver', 'property', and 'value' are required"]],
    ['driver=ICH9-LPC,property=noreboot,value=on,foo=bar', ["-global driver=ICH9-LPC,property=noreboot,value=on,foo=bar: Invalid parameter 'foo'"]],
    [`${'A'.repeat(64)}.noreboot=on`, [`-global ${'A'.repeat(64)}.noreboot=on: Invalid parameter '${'A'.repeat(64)}.noreboot'`]],
    ['id=1x,driver=a,property=b,value=c', [`-global id=1x,driver=a,property=b,value=c: Parameter 'id' expects an identifier\n${ID_HINT}`]],
    ['id=,driver=a,property=b,value=c', [`-global id=,driver=a,property=b,value=c: Parameter 'id' expects an identifier\n${ID_HINT}`]],
    ['a,b,driver=x', ["-global a,b,driver=x: warning: short-form boolean option 'a' deprecated\nPlease use a=on instead",
      "-global a,b,driver=x: Invalid parameter 'a'"]],
    ['nodelay,driver=x', ["-global nodelay,driver=x: warning: short-form boolean option 'nodelay' deprecated\nPlease use nodelay=on instead",
      "-global nodelay,driver=x: Invalid parameter 'delay'"]],
    ['driver=x,property=y,value=z,=w', ["-global driver=x,property=y,value=z,=w: Invalid parameter ''"]],
  ])('%j fails', (text, messages) => {
    expect(parseGlobal(text)).toEqual(fail(...messages));
  });
  it('the first id counts, and is checked before any option', () => {
    expect(parseGlobal('id=a,id=1b,driver=x,property=y,value=z')).toMatchObject({ ok: true, value: { id: 'a' } });
    expect(parseGlobal('nosuch=1,id=1b')).toEqual(fail(`-global nosuch=1,id=1b: Parameter 'id' expects an identifier\n${ID_HINT}`));
  });
  it('help asks QEMU to print the option help', () => {
    expect(parseGlobal('help')).toEqual({ ok: false, messages: [], help: true });
    expect(parseGlobal('driver=a,property=b,value=c,?')).toEqual({ ok: false, messages: [], help: true });
  });
});

describe('parseGlobals', () => {
  it('rejects a duplicate id and keeps earlier warnings', () => {
    const a = 'id=a,driver=x,property=y,value=z';
    expect(parseGlobals(['x.y=1', a, 'driver=x,property=y,value', a])).toEqual(fail(
      "-global driver=x,property=y,value: warning: short-form boolean option 'value' deprecated\nPlease use value=on instead",
      `-global ${a}: Duplicate ID 'a' for global`));
    const r = parseGlobals(['x.y=1', a, 'id=b,driver=x,property=y,value=z']);
    expect(r).toMatchObject({ ok: true, warnings: [] });
    expect(r.ok && r.value.map((g) => g.id)).toEqual([undefined, 'a', 'b']);
  });
  it('an id that failed validation is not recorded', () => {
    expect(parseGlobals(['id=a,driver=x,property=y,value=z,foo=1', 'id=a,driver=x,property=y,value=z']))
      .toEqual(fail("-global id=a,driver=x,property=y,value=z,foo=1: Invalid parameter 'foo'"));
  });
});

describe('parseDevice', () => {
  it('implied driver, id, props with last-wins, ",," in the driver', () => {
    expect(parseDevice('virtio-balloon-pci,id=vb,vectors=2,vectors=3,x=1')).toEqual({ ok: true, warnings: [],
      value: { driver: 'virtio-balloon-pci', id: 'vb', props: [['vectors', '3'], ['x', '1']], text: 'virtio-balloon-pci,id=vb,vectors=2,vectors=3,x=1' } });
    expect(parseDevice('virtio-balloon-pci,,x')).toMatchObject({ ok: true, value: { driver: 'virtio-balloon-pci,x' } });
    expect(parseDevice('driver=e1000')).toMatchObject({ ok: true, value: { driver: 'e1000', props: [] } });
    expect(parseDevice('virtio-balloon-pci,driver=e1000')).toMatchObject({ ok: true, value: { driver: 'e1000' } });
    expect(parseDevice('virtio-balloon-pci,id=a,id=b')).toMatchObject({ ok: true, value: { id: 'a' } });
    expect(parseDevice('virtio-balloon-pci,vectors=1,')).toMatchObject({ ok: true, value: { props: [['vectors', '1']] } });
  });
  it('short-form booleans', () => {
    expect(parseDevice('virtio-balloon-pci,multifunction')).toEqual({ ok: true,
      value: { driver: 'virtio-balloon-pci', props: [['multifunction', 'on']], text: 'virtio-balloon-pci,multifunction' },
      warnings: ["-device virtio-balloon-pci,multifunction: warning: short-form boolean option 'multifunction' deprecated\nPlease use multifunction=on instead"] });
  });
  it('help', () => {
    expect(parseDevice('help')).toMatchObject({ ok: true, value: { help: true }, warnings: [] });
    expect(parseDevice('e1000,help')).toMatchObject({ ok: true, value: { driver: 'e1000', help: true, props: [] }, warnings: [] });
  });
  it.each([
    ['', ["-device : Parameter 'driver' is missing"]],
    ['id=a', ["-device id=a: Parameter 'driver' is missing"]],
    ['virtio-balloon-pci,id=1a', [`-device virtio-balloon-pci,id=1a: Parameter 'id' expects an identifier\n${ID_HINT}`]],
    ['virtio-balloon-pci,id=a,,b', [`-device virtio-balloon-pci,id=a,,b: Parameter 'id' expects an identifier\n${ID_HINT}`]],
  ])('%j fails', (text, messages) => {
    expect(parseDevice(text)).toEqual(fail(...messages));
  });
  it('duplicate ids across -device', () => {
    expect(parseDevices(['virtio-balloon-pci,id=a', 'e1000,id=a'])).toEqual(fail("-device e1000,id=a: Duplicate ID 'a' for device"));
  });
});

describe('parseObject', () => {
  it('type, id, props', () => {
    expect(parseObject('memory-backend-ram,id=m,size=1M,id=n')).toEqual({ ok: true, warnings: [],
      value: { qomType: 'memory-backend-ram', id: 'm', props: [['size', '1M']], text: 'memory-backend-ram,id=m,size=1M,id=n' } });
    expect(parseObject('memory-backend-ram,id=m,size=1M,,')).toMatchObject({ ok: true, value: { props: [['size', '1M,']] } });
    expect(parseObject('memory-backend-ram,id=m,size=1M,share')).toMatchObject({ ok: true, value: { props: [['size', '1M'], ['share', 'on']] },
      warnings: ["-object memory-backend-ram,id=m,size=1M,share: warning: short-form boolean option 'share' deprecated\nPlease use share=on instead"] });
    expect(parseObject('help')).toMatchObject({ ok: true, value: { help: true } });
  });
  it.each([
    ['memory-backend-ram,size=1M', ["-object memory-backend-ram,size=1M: Parameter 'id' is missing"]],
    ['memory-backend-ram,id=1m,size=1M', [`-object memory-backend-ram,id=1m,size=1M: Parameter 'id' expects an identifier\n${ID_HINT}`]],
    ['memory-backend-ram,id=m,,x,size=1M', [`-object memory-backend-ram,id=m,,x,size=1M: Parameter 'id' expects an identifier\n${ID_HINT}`]],
    ['', ["-object : Parameter 'qom-type' is missing"]],
    ['id=m', ["-object id=m: Parameter 'qom-type' is missing"]],
  ])('%j fails', (text, messages) => {
    expect(parseObject(text)).toEqual(fail(...messages));
  });
  it('checks the type before the id when types are known', () => {
    const known = (t: string) => t.startsWith('memory-backend-');
    expect(parseObject('nosuch', known)).toEqual(fail("-object nosuch: Parameter 'qom-type' does not accept value 'nosuch'"));
    expect(parseObject(',id=m', known)).toEqual(fail("-object ,id=m: Parameter 'qom-type' does not accept value ''"));
  });
  it('duplicate ids across -object', () => {
    const a = 'memory-backend-ram,id=m,size=1M';
    expect(parseObjects([a, a])).toEqual(fail(`-object ${a}: Duplicate ID 'm' for object`));
  });
});

describe('idWellformed', () => {
  it.each([['a', true], ['a-b.c_d9', true], ['1a', false], ['', false], ['a b', false], ['é', false]])('%j → %s', (id, expected) => {
    expect(idWellformed(id)).toBe(expected);
  });
});
