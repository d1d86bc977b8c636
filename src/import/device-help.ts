/**
 * `-device help` lists exactly the user-creatable device types (it loads all
 * modules first), each with its bus and -device alias:
 *   name "virtio-net-pci", bus PCI, alias "virtio-net"
 * QMP exposes none of this.
 */
import type { ProbeContext } from './probes.js';
import { runHelp } from './probe-qemu.js';

export interface DeviceHelpEntry { name: string; bus?: string; aliases: string[] }

export function parseDeviceHelp(text: string): Map<string, DeviceHelpEntry> {
  const out = new Map<string, DeviceHelpEntry>();
  for (const line of text.split('\n')) {
    const name = /^name "([^"]+)"/.exec(line)?.[1];
    if (!name) continue;
    const bus = /, bus ([^,]+)/.exec(line)?.[1];
    const aliases = [...line.matchAll(/, alias "([^"]+)"/g)].map((m) => m[1]!);
    out.set(name, { name, ...(bus ? { bus } : {}), aliases });
  }
  return out;
}

export async function probeDeviceHelp(ctx: ProbeContext): Promise<Map<string, DeviceHelpEntry>> {
  return parseDeviceHelp(await runHelp(ctx, ['-M', 'none', '-display', 'none', '-device', 'help']));
}
