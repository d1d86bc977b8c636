/**
 * -numa nodes (parse/numa.ts) as QEMU applies them: parse_numa_node's checks
 * once the backends exist, numa_complete_configuration's at board init
 * (hw/core/numa.c), and the node each CPU is in. With nodes, the machine's
 * RAM is a container of the nodes' memdevs (`/machine/pc.ram[0]`), not a
 * memory backend of its own. Pure.
 */
import type { NumaConfig } from '../parse/numa.js';

/** parse_numa_node: each CPU index below maxcpus; each memdev a memory backend the line created. */
export function numaOptionError(config: NumaConfig, maxCpus: number, isBackend: (id: string) => boolean): string | undefined {
  for (const node of config.nodes) {
    const beyond = node.cpus.find((c) => c >= maxCpus);
    if (beyond !== undefined) return `${node.text}: CPU index (${beyond}) should be smaller than maxcpus (${maxCpus})`;
    // object_resolve_path_type finds no memory backend of that name (QEMU's words).
    if (node.memdev !== undefined && !isBackend(node.memdev)) return `${node.text}: memdev=${node.memdev} is ambiguous`;
  }
  return undefined;
}

/** numa_complete_configuration: node ids without gaps, the nodes' memory adding up to the RAM, no memory-backend= beside memdevs. */
export function numaCompleteError(config: NumaConfig, ramSize: bigint, memdevSize: (id: string) => bigint | undefined, machineMemdev: boolean): string | undefined {
  const count = Math.max(0, ...config.nodes.map((n) => n.nodeid + 1));
  for (let id = count - 1; id >= 0; id--) {
    if (!config.nodes.some((n) => n.nodeid === id)) return `numa: Node ID missing: ${id}`;
  }
  let total = 0n;
  for (const n of config.nodes) total += n.memdev !== undefined ? memdevSize(n.memdev) ?? 0n : 0n;
  if (total !== ramSize) return `total memory for NUMA nodes (0x${total.toString(16)}) should equal RAM size (0x${ramSize.toString(16)})`;
  if (machineMemdev && config.nodes.some((n) => n.memdev !== undefined)) return "'-machine memory-backend' and '-numa memdev' properties are mutually exclusive";
  return undefined;
}

/** The node a CPU index is in; undefined when no node lists it. */
export function numaNodeOfCpu(config: NumaConfig, index: number): number | undefined {
  return config.nodes.find((n) => n.cpus.includes(index))?.nodeid;
}

/** Whether every CPU up to maxcpus is in a node (else QEMU assigns the rest by socket and warns: not modelled). */
export function numaCoversCpus(config: NumaConfig, maxCpus: number): boolean {
  for (let i = 0; i < maxCpus; i++) if (numaNodeOfCpu(config, i) === undefined) return false;
  return true;
}
