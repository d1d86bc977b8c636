/**
 * What each QEMU option does to the objects resolve reports. The option
 * table (which options exist, which take an argument) is learned from the
 * binary; this is the tool's own knowledge of their effect, so that no option
 * is silently dropped: every option of a command line is either applied, or
 * listed with what it does. Options not named here are "not modelled".
 *
 * `no-property` is verified against QEMU by test/live/options.live.test.ts:
 * the composition tree and every property value are the same with and
 * without the option (except those that detach, take QMP, or need a Xen
 * host or libraries; that file lists them).
 */

export type OptionEffect =
  /** resolve applies it (machine type, accelerator, CPU, memory, -global, -device, -object, -nodefaults). */
  | 'applied'
  /** Sets no QOM property of any object resolve reports (names, monitors, logging, process control, display front ends). */
  | 'no-property'
  /** Creates a host-side backend that devices refer to by id (chardev, netdev, block node, audio, TPM, fs); host resources are assumed present. */
  | 'backend'
  /** QEMU prints information and exits (`-version`, `-help`). */
  | 'information'
  /** Creates or changes objects in a way the tool does not model yet: listed, the answer does not include its effect. */
  | 'not-modelled';

// -numa: the forms parse/numa.ts models; a line with another is listed as not modelled there.
const APPLIED = ['M', 'machine', 'accel', 'enable-kvm', 'cpu', 'global', 'device', 'object', 'nodefaults', 'rtc', 'mem-prealloc', 'win2k-hack', 'set', 'm', 'smp', 'boot', 'numa'];

const NO_PROPERTY = [
  'name', 'uuid', 'msg', 'pidfile', 'daemonize', 'sandbox', 'no-shutdown', 'no-reboot', 'S', 'd', 'D', 'dfilter', 'trace',
  'seed', 'qmp', 'qmp-pretty', 'monitor', 'mon', 'k', 'vnc', 'display', 'full-screen', 'spice', 'incoming', 'only-migratable',
  'loadvm', 'gdb', 's', 'echr', 'action', 'watchdog-action', 'enable-sync-profile', 'perfmap', 'jitdump', 'run-with', 'plugin',
  'overcommit', 'no-user-config', 'smbios', 'preconfig', 'L', 'xen-domid', 'xen-attach', 'xen-domid-restrict',
  // Proxmox VE's QEMU build: the VM id (see dialects.ts).
  'id',
];

const BACKEND = ['chardev', 'netdev', 'blockdev', 'audiodev', 'tpmdev', 'fsdev', 'add-fd', 'iscsi'];

const INFORMATION = ['h', 'help', 'version', 'dump-vmstate'];

const EFFECTS: ReadonlyMap<string, OptionEffect> = new Map<string, OptionEffect>([
  ...APPLIED.map((n) => [n, 'applied'] as const),
  ...NO_PROPERTY.map((n) => [n, 'no-property'] as const),
  ...BACKEND.map((n) => [n, 'backend'] as const),
  ...INFORMATION.map((n) => [n, 'information'] as const),
]);

export function optionEffect(name: string): OptionEffect {
  return EFFECTS.get(name) ?? 'not-modelled';
}

/** The options the live test checks leave every property as it is. */
export const NO_PROPERTY_OPTIONS: readonly string[] = NO_PROPERTY;
