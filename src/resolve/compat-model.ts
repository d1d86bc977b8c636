/**
 * Which objects take compat props and -global, under QEMU 10.0.2 as released
 * (`qdev`) and under the OBJECT_COMPAT RFC (`object-compat`). Everything the
 * two models disagree on lives here, so `--model` shows exactly the RFC's
 * difference.
 */
import type { QomType, TypeModel } from '../model/types.js';
import type { CompatModelName } from './result.js';

/** Compat slots: 0 accelerator compat, 1 machine compat, 2 sugar. */
export type Slot = 0 | 1 | 2;

export interface CompatModel {
  readonly name: CompatModelName;
  /** The type model as this model sees it (the RFC re-parents some types). */
  readonly types: TypeModel;
  /** Slots applied when an object of `type` is created (empty: none). `early`: created before the accelerator. */
  compatSlots(type: string, early: boolean): readonly Slot[];
  /** Whether the global list (-global) is applied to objects of `type`. */
  takesGlobals(type: string): boolean;
  /** Values instance_init sets before compat is applied (under the RFC, sev-guest's legacy-vm-type). */
  initBeforeCompat(type: string): ReadonlyMap<string, string>;
  /** Properties QEMU overwrites in instance_init after applying compat (10.0.2's sev-guest). */
  resetAfterCompat(type: string): ReadonlyMap<string, string>;
  /** Class check of the unused-global warning: is `driver` a class -global may name? */
  isGlobalClass(driver: string): boolean;
  /** Hotpluggable flag used by the unused-global warning (non-devices count as not hotpluggable). */
  isHotpluggable(driver: string): boolean;
}

/**
 * The model the imported binary implements: a binary with the RFC has the
 * abstract `object-compat` type (qom-list-types lists it), QEMU 10.0.2 not.
 */
export function definitionsModel(types: TypeModel): CompatModelName {
  return types.has('object-compat') ? 'object-compat' : 'qdev';
}

export function compatModel(name: CompatModelName, types: TypeModel): CompatModel {
  return name === 'qdev' ? qdevModel(types) : objectCompatModel(types);
}

/** QEMU 10.0.2: four explicit call sites apply compat props. */
function qdevModel(types: TypeModel): CompatModel {
  return {
    name: 'qdev',
    types,
    compatSlots(type, early) {
      if (types.isA(type, 'device') || types.isA(type, 'memory-backend')) return early ? [1, 2] : [0, 1, 2];
      // accel: applied right after creation, before slot 0 is set (accel/accel-system.c).
      if (types.isA(type, 'accel')) return [1, 2];
      // sev-guest applies them itself in instance_init; it is an early -object (target/i386/sev.c).
      if (types.isA(type, 'sev-guest')) return [1, 2];
      return [];
    },
    takesGlobals: (type) => types.isA(type, 'device'),
    initBeforeCompat: (type) => tcgInit(types, type),
    // sev_guest_instance_init() applies compat props, then sets legacy_vm_type = AUTO.
    resetAfterCompat: (type) => sevGuestInit(types, type),
    isGlobalClass: (driver) => types.has(driver) && types.isA(driver, 'device'),
    isHotpluggable: (driver) => types.get(driver)?.hotpluggable ?? true,
  };
}

/** Types the RFC moves under the new object-compat root. */
const RFC_REPARENTED = ['device', 'memory-backend', 'accel', 'confidential-guest-support', 'migration'];

/** The OBJECT_COMPAT RFC (2025-12-09): one post_init on a common root class. */
function objectCompatModel(base: TypeModel): CompatModel {
  const root: QomType = { name: 'object-compat', parent: 'object', abstract: true, interfaces: [], module: false, ownProperties: new Map() };
  const types = base.derive({
    add: [root],
    reparent: new Map(RFC_REPARENTED.filter((t) => base.has(t)).map((t) => [t, 'object-compat'])),
    // migration keeps its Property list as plain class properties, without legacy-* ones.
    strip: (type, prop) => type === 'migration' && prop.startsWith('legacy-'),
  });
  const isCompat = (t: string) => types.isA(t, 'object-compat');
  return {
    name: 'object-compat',
    types,
    compatSlots: (type, early) => (!isCompat(type) ? [] : types.isA(type, 'accel') || early ? [1, 2] : [0, 1, 2]),
    // Devices in device post_init; migration through object_apply_globals().
    takesGlobals: (type) => types.isA(type, 'device') || types.isA(type, 'migration'),
    // Patch 05 drops the compat call from sev_guest_instance_init(), which still sets
    // legacy_vm_type = AUTO; compat follows in the object-compat post_init.
    initBeforeCompat: (type) => new Map([...tcgInit(types, type), ...sevGuestInit(types, type)]),
    resetAfterCompat: () => new Map(),
    isGlobalClass: (driver) => types.has(driver) && isCompat(driver),
    isHotpluggable: (driver) => (types.isA(driver, 'device') ? types.get(driver)?.hotpluggable ?? true : false),
  };
}

/**
 * What tcg_accel_instance_init() (accel/tcg/tcg-all.c) sets; the properties
 * declare no default, and the accelerator is outside the QOM tree, so the
 * importer cannot read them. thread: default_mttcg_enabled(), true for an
 * x86_64 guest (TARGET_SUPPORTS_MTTCG) unless -icount shift= is given (not
 * modelled); split-wx: off in a build without --enable-debug-tcg.
 */
function tcgInit(types: TypeModel, type: string): ReadonlyMap<string, string> {
  return types.isA(type, 'tcg-accel') ? new Map([['one-insn-per-tb', 'false'], ['split-wx', 'false'], ['tb-size', '0'], ['thread', 'multi']]) : new Map();
}

/** What sev_guest_instance_init() (target/i386/sev.c) sets. */
function sevGuestInit(types: TypeModel, type: string): ReadonlyMap<string, string> {
  return types.isA(type, 'sev-guest') ? new Map([['legacy-vm-type', 'auto']]) : new Map();
}
