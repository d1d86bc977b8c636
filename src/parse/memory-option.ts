/**
 * `-m [size=]SIZE[,slots=N][,maxmem=SIZE]`: QEMU's "memory" QemuOpts list
 * (system/vl.c qemu_mem_opts, merge_lists: every -m adds to one set of
 * options, a later key replacing an earlier one). Each -m is checked as
 * qemu_opts_parse_noisily checks it, while options are parsed; what it means
 * for the machine is decided later (resolve/memory.ts). Pure.
 */
import { qemuOptsPairs } from '../resolve/options.js';
import { parseOptionNumber, parseOptionSize } from '../resolve/values.js';

/** The keys of the memory list as written (text), after every -m on the line. */
export interface MemoryOption {
  size?: string;
  slots?: string;
  maxmem?: string;
}

/** One -m argument merged into `into`; QEMU's message (without the location) when it refuses it. */
export function addMemoryOption(into: MemoryOption, arg: string): string | undefined {
  for (const [name, value] of qemuOptsPairs(arg, 'size')) {
    if (name === 'size' || name === 'maxmem') {
      const r = parseOptionSize(name, value);
      if (!r.ok) return r.reason;
      into[name] = value;
    } else if (name === 'slots') {
      const r = parseOptionNumber(name, value);
      if (!r.ok) return r.reason;
      into.slots = value;
    } else {
      return `Invalid parameter '${name}'`;
    }
  }
  return undefined;
}

/**
 * parse_memory_options(): the machine's `memory` property as the keyval
 * dictionary QEMU builds from the list. A size of 0 counts as no size (the
 * machine's default); a size without a suffix is in MiB ("legacy
 * suffix-less format", fixed up by appending M).
 */
export function memoryProperty(opt: MemoryOption): { size?: string; slots?: string; 'max-size'?: string } {
  const out: { size?: string; slots?: string; 'max-size'?: string } = {};
  const size = opt.size;
  if (size !== undefined) {
    const r = parseOptionSize('size', size);
    if (r.ok && r.value !== 0n) out.size = /[0-9]$/.test(size) ? `${size}M` : size;
  }
  if (opt.maxmem !== undefined) out['max-size'] = opt.maxmem;
  if (opt.slots !== undefined) out.slots = opt.slots;
  return out;
}
