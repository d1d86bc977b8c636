/**
 * Board layouts probed with a -machine setting (boards.json "variants"): the
 * model's look-up and its checks, which board a line's -machine properties
 * select (src/resolve/board-variant.ts), and how the importer derives a board
 * that only leaves objects out from the plain one.
 */
import { describe, expect, it } from '@jest/globals';
import { BoardModelError, linkBoards } from '../../src/model/boards.js';
import { MachineModel } from '../../src/model/machines.js';
import type { BoardsFile, MachinesFile } from '../../src/load/schema.js';
import { boardVariant } from '../../src/resolve/board-variant.js';
import { withoutLeftOut } from '../../src/import/probe-board.js';
import type { BoardObject } from '../../src/import/probes.js';
import type { TreeObject } from '../../src/import/probe-qemu.js';

const machinesFile: MachinesFile = {
  arch: 'x86_64',
  machines: [
    { name: 'm-1.0', type: 'm-1.0-machine', inherits: null, compat: [], board: { defaults: 'base', nodefaults: 'base-nd' } },
    { name: 'm-0.9', type: 'm-0.9-machine', inherits: 'm-1.0', compat: [], board: { defaults: 'base', nodefaults: 'base-nd' } },
  ],
} as MachinesFile;
const boardsFile: BoardsFile = {
  arch: 'x86_64',
  layouts: [
    { id: 'base', objects: [{ path: '/machine/unattached/device[0]', type: 'hpet' }, { path: '/machine/unattached/device[1]', type: 'i8042' }] },
    { id: 'base-nd', objects: [{ path: '/machine/unattached/device[0]', type: 'hpet' }] },
    { id: 'no-hpet', objects: [{ path: '/machine/unattached/device[0]', type: 'i8042' }] },
    { id: 'no-hpet-nd', objects: [] },
    { id: 'no-hpet-kvm', objects: [{ path: '/machine/unattached/device[0]', type: 'kvm-i8042' }] },
  ],
  variants: {
    tcg: {
      'hpet=off': { 'm-1.0': { defaults: 'no-hpet', nodefaults: 'no-hpet-nd' } }, 'acpi=off': { 'm-1.0': { defaults: 'base', nodefaults: 'base-nd' } },
      'acpi=off,hpet=off': { 'm-1.0': { defaults: 'no-hpet', nodefaults: 'no-hpet-nd' } },
    },
    kvm: { 'hpet=off': { 'm-1.0': { defaults: 'no-hpet-kvm', nodefaults: 'no-hpet-nd' } } },
  },
};

describe('board layouts per -machine setting', () => {
  const linked = linkBoards(boardsFile);
  const model = new MachineModel(machinesFile, linked.layouts, linked.accelBoards, undefined, linked.variantBoards);

  it('a setting\'s layout is the one probed for the machine, per accelerator; the plain one otherwise', () => {
    expect(model.boardLayout('m-1.0', false, 'tcg', 'hpet=off')?.objects.map((o) => o.type)).toEqual(['i8042']);
    expect(model.boardLayout('m-1.0', true, 'tcg', 'hpet=off')?.id).toBe('no-hpet-nd');
    expect(model.boardLayout('m-1.0', false, 'kvm', 'hpet=off')?.id).toBe('no-hpet-kvm');
    expect(model.boardLayout('m-1.0', false)?.id).toBe('base');
    expect(model.boardLayout('m-0.9', false, 'tcg', 'hpet=off')).toBeUndefined();
    expect(model.boardVariants('m-1.0')).toEqual(['acpi=off', 'acpi=off,hpet=off', 'hpet=off']);
    expect(model.boardVariants('m-1.0', 'kvm')).toEqual(['hpet=off']);
    expect(model.boardVariants('m-0.9')).toEqual([]);
  });

  it('a reference to a layout boards.json does not have is a definition error', () => {
    const bad: BoardsFile = { ...boardsFile, variants: { tcg: { 'hpet=off': { 'm-1.0': { defaults: 'nope', nodefaults: 'base-nd' } } } } };
    expect(() => linkBoards(bad)).toThrow(new BoardModelError("variants.tcg.hpet=off.m-1.0 refers to board layout 'nope', which does not exist"));
  });

  it('__proto__ as a setting or machine stays a key', () => {
    const odd = JSON.parse('{"arch":"x86_64","layouts":[{"id":"a","objects":[]}],"variants":{"tcg":{"__proto__":{"__proto__":{"defaults":"a","nodefaults":"a"}}}}}') as BoardsFile;
    expect(linkBoards(odd).variantBoards.get('tcg')?.get('__proto__')?.get('__proto__')).toEqual({ defaults: 'a', nodefaults: 'a' });
    expect(({} as Record<string, unknown>).defaults).toBeUndefined();
  });

  describe('which board a line\'s -machine properties select', () => {
    it('one probed setting, in any of QEMU\'s boolean spellings, the last occurrence winning', () => {
      expect(boardVariant(model, 'm-1.0', 'tcg', [['hpet', 'off']])).toEqual({ variant: 'hpet=off', unprobed: [] });
      expect(boardVariant(model, 'm-1.0', 'tcg', [['hpet', 'no']])).toEqual({ variant: 'hpet=off', unprobed: [] });
      expect(boardVariant(model, 'm-1.0', 'tcg', [['hpet', 'False']])).toEqual({ variant: 'hpet=off', unprobed: [] });
      expect(boardVariant(model, 'm-1.0', 'tcg', [['hpet', 'off'], ['hpet', 'on']])).toEqual({ unprobed: [] });
      expect(boardVariant(model, 'm-1.0', 'tcg', [['usb', 'off'], ['hpet', 'off'], ['dump-guest-core', 'off']])).toEqual({ variant: 'hpet=off', unprobed: [] });
    });

    it('the default value, or a property no board was probed with, is the plain board', () => {
      expect(boardVariant(model, 'm-1.0', 'tcg', [['hpet', 'on']])).toEqual({ unprobed: [] });
      expect(boardVariant(model, 'm-1.0', 'tcg', [['vmport', 'off']])).toEqual({ unprobed: [] });
      expect(boardVariant(model, 'm-1.0', 'tcg', [])).toEqual({ unprobed: [] });
    });

    it('several settings select the board probed with all of them, in any order', () => {
      expect(boardVariant(model, 'm-1.0', 'tcg', [['hpet', 'off'], ['acpi', 'off']])).toEqual({ variant: 'acpi=off,hpet=off', unprobed: [] });
      expect(boardVariant(model, 'm-1.0', 'tcg', [['acpi', 'off'], ['hpet', 'no']])).toEqual({ variant: 'acpi=off,hpet=off', unprobed: [] });
    });

    it('settings not probed for this machine (or accelerator) are said, with the plain board', () => {
      expect(boardVariant(model, 'm-0.9', 'tcg', [['hpet', 'off']])).toEqual({ unprobed: ['hpet=off'] });
      expect(boardVariant(model, 'm-1.0', 'tcg', [['hpet', 'off'], ['acpi', 'off'], ['vmport', 'off']])).toEqual({ variant: 'acpi=off,hpet=off', unprobed: [] });
      // A setting no board was probed with under this accelerator stays a -machine property whose effect is not modelled.
      expect(boardVariant(model, 'm-1.0', 'kvm', [['hpet', 'off'], ['acpi', 'off']])).toEqual({ variant: 'hpet=off', unprobed: [] });
      expect(boardVariant(model, 'm-1.0', 'kvm', [['acpi', 'off']])).toEqual({ unprobed: [] });
    });
  });
});

describe('a board that only leaves objects out (probeBoardVariant)', () => {
  const U = '/machine/unattached/device';
  const plain: BoardObject[] = [
    { path: null, type: 'migration' },
    { path: `${U}[0]`, type: 'cpu' },
    { path: `${U}[1]`, type: 'hpet' },
    { path: `${U}[2]`, type: 'PIIX3' },
    { path: `${U}[2]/pm`, type: 'PIIX4_PM' },
    { path: `${U}[3]`, type: 'i8042' },
    { path: null, type: 'e1000', transient: true },
    { path: `${U}[4]`, type: 'smbus-eeprom' },
    { path: '/machine/fw_cfg', type: 'fw_cfg_io' },
  ];
  const tree = (paths: Array<[string, string]>): TreeObject[] => paths.map(([path, type]) => ({ path, type }));

  it('keeps the plain order, renumbers /machine/unattached/device[N] as QEMU did, children included', () => {
    const noHpet = tree([[`${U}[0]`, 'cpu'], [`${U}[1]`, 'PIIX3'], [`${U}[1]/pm`, 'PIIX4_PM'], [`${U}[2]`, 'i8042'], [`${U}[3]`, 'smbus-eeprom'], ['/machine/fw_cfg', 'fw_cfg_io']]);
    expect(withoutLeftOut(plain, noHpet)).toEqual([
      { path: null, type: 'migration' },
      { path: `${U}[0]`, type: 'cpu' },
      { path: `${U}[1]`, type: 'PIIX3' },
      { path: `${U}[1]/pm`, type: 'PIIX4_PM' },
      { path: `${U}[2]`, type: 'i8042' },
      { path: null, type: 'e1000', transient: true },
      { path: `${U}[3]`, type: 'smbus-eeprom' },
      { path: '/machine/fw_cfg', type: 'fw_cfg_io' },
    ]);
  });

  it('drops a child the board leaves out under a kept parent', () => {
    const noAcpi = tree([[`${U}[0]`, 'cpu'], [`${U}[1]`, 'hpet'], [`${U}[2]`, 'PIIX3'], [`${U}[3]`, 'i8042'], ['/machine/fw_cfg', 'fw_cfg_io']]);
    expect(withoutLeftOut(plain, noAcpi)?.map((o) => o.type)).toEqual(['migration', 'cpu', 'hpet', 'PIIX3', 'i8042', 'e1000', 'fw_cfg_io']);
  });

  it('is null when the board has an object the plain one has not (then it is probed in full)', () => {
    const withUsb = tree([[`${U}[0]`, 'cpu'], [`${U}[1]`, 'hpet'], [`${U}[2]`, 'PIIX3'], [`${U}[2]/pm`, 'PIIX4_PM'], [`${U}[2]/uhci`, 'piix3-usb-uhci'],
      [`${U}[3]`, 'i8042'], [`${U}[4]`, 'smbus-eeprom'], ['/machine/fw_cfg', 'fw_cfg_io']]);
    expect(withoutLeftOut(plain, withUsb)).toBeNull();
    const reordered = tree([[`${U}[0]`, 'i8042'], [`${U}[1]`, 'cpu']]);
    expect(withoutLeftOut(plain, reordered)).toBeNull();
  });
});
