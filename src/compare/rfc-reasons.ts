/**
 * Why the OBJECT_COMPAT RFC (Peter Xu, "[PATCH RFC 00/10] QOM: Introduce
 * OBJECT_COMPAT class", 2025-12-09) changes a value or a message, in QEMU's
 * terms: which patch, and which step of object creation moves. Keyed by the
 * object's type ancestry, as the series re-parents one family per patch.
 */
import type { TypeModel } from '../model/types.js';

export const RFC_PATCHES: Readonly<Record<string, string>> = {
  '01': 'qom: Introduce object-compat',
  '02': 'qdev: Inherit from TYPE_OBJECT_COMPAT',
  '03': 'hostmem: Inherit from TYPE_OBJECT_COMPAT',
  '04': 'accel: Inherit from TYPE_OBJECT_COMPAT',
  '05': 'confidential guest support: Inherit from TYPE_OBJECT_COMPAT',
  '08': 'qdev: Introduce helper object_apply_globals()',
  '10': 'migration: Inherit from TYPE_OBJECT_COMPAT',
};

const patch = (n: string) => `patch ${n}/10 "${RFC_PATCHES[n]}"`;

/** The reason for a difference on an object of `type` (undefined type: a message). */
export function rfcReason(types: TypeModel, kind: string, what: string, type: string | undefined): string | undefined {
  if (kind.startsWith('warning')) return warningReason(what);
  if (type === undefined || !types.has(type)) return undefined;
  if (types.isA(type, 'confidential-guest-support')) {
    return /legacy-vm-type/.test(what)
      ? `${patch('05')}: compat is applied in the object-compat post_init, after sev_guest_instance_init; 10.0.2 applies it inside that instance_init, which then resets legacy-vm-type to auto`
      : `${patch('05')}: every confidential-guest-support subclass takes machine compat (10.0.2: sev-guest only, from its instance_init)`;
  }
  if (types.isA(type, 'memory-backend')) return `${patch('03')}: the backend's compat moves from host_memory_backend_post_init to the object-compat post_init`;
  if (types.isA(type, 'accel')) return `${patch('04')}: the accelerator takes compat in the object-compat post_init (10.0.2: right after creation, before slot 0 is set)`;
  if (type === 'migration') return `${patch('10')}: migration is no longer a device; it takes compat in the object-compat post_init and -global through object_apply_globals() (${patch('08')}), errors always fatal`;
  if (types.isA(type, 'device')) return `${patch('02')}: device compat moves to the object-compat post_init, -global stays in device post_init (parent first: the order of upstream commit 220c739903)`;
  return undefined;
}

function warningReason(text: string): string {
  if (/has invalid class name/.test(text) || / not used$/.test(text)) {
    return `${patch('01')} with ${patch('08')}: the unused-global check accepts any object-compat class (10.0.2: devices only), so a -global on a backend, accelerator or confidential-guest type is "not used" instead of "invalid class name"`;
  }
  if (/migration/.test(text)) return `${patch('10')}: globals on migration go through object_apply_globals(), always fatal`;
  return 'the RFC changes which objects take compat and -global (see the patches above)';
}
