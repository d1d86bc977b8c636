/**
 * Command lines written for a downstream QEMU. Proxmox VE runs its own build
 * (pve-qemu-kvm), whose command lines (qemu-server) carry `-id VMID` and
 * machine types with a `+pveN` suffix: Proxmox's own revision of the
 * upstream machine type. Such a line is answered for the upstream machine
 * type of the imported binary, and the output says so. Pure.
 */
import type { OptionDef } from './option-table.js';

export interface Dialect {
  readonly name: string;
  /** Options the downstream build adds, with what they do. */
  readonly options: readonly OptionDef[];
}

export const PROXMOX_VE: Dialect = {
  name: 'Proxmox VE',
  options: [{ name: 'id', hasArg: true, target: true, help: '-id VMID        (pve-qemu-kvm) the Proxmox VE VM id' }],
};

/** `-id` anywhere (Proxmox's qemu-server always passes it) marks a Proxmox VE line. */
export function dialectOf(args: readonly string[]): Dialect | undefined {
  return args.some((a) => a === '-id' || a === '--id') ? PROXMOX_VE : undefined;
}

const PVE_MACHINE = /^(.+)\+pve(\d+)$/;

/** `pc-i440fx-8.1+pve0` → the upstream machine type and Proxmox's revision. */
export function proxmoxMachine(name: string): { upstream: string; revision: number } | undefined {
  const m = PVE_MACHINE.exec(name);
  return m ? { upstream: m[1]!, revision: Number(m[2]) } : undefined;
}
