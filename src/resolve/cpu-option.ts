/**
 * -cpu MODEL[,feat=val|+feat|-feat...] as target/i386/cpu.c parses it
 * (x86_cpu_parse_featurestr): `feat=val` (or a bare `feat`, meaning on)
 * becomes a global `MODEL-<arch>-cpu.feat=val` registered after every -global;
 * `+feat`/`-feat` are kept apart and set at realize (x86_cpu_expand_features),
 * so they win over globals. `_` in names is `-` (feat2prop).
 */
import type { TypeModel } from '../model/types.js';

export interface CpuOption {
  text: string;
  model: string;
  /** The CPU QOM type, or undefined when no such model exists. */
  type: string | undefined;
  globals: Array<{ property: string; value: string }>;
  plus: string[];
  minus: string[];
  /** QEMU's "Ambiguous CPU model string" warnings, in order. */
  warnings: string[];
}

export function parseCpuOption(text: string, arch: string, types: TypeModel): CpuOption {
  // strtok(",") semantics: empty items vanish, and there is no ",," escape.
  const [model = '', ...items] = text.split(',').filter((s) => s !== '');
  const candidate = `${model}-${arch}-cpu`;
  const type = types.has(candidate) && !types.isAbstract(candidate) && types.isA(candidate, 'cpu') ? candidate : undefined;
  const out: CpuOption = { text, model, type, globals: [], plus: [], minus: [], warnings: [] };
  for (const item of items) {
    if (item.startsWith('+')) { out.plus.push(item.slice(1)); continue; }
    if (item.startsWith('-')) { out.minus.push(item.slice(1)); continue; }
    const eq = item.indexOf('=');
    const name = (eq < 0 ? item : item.slice(0, eq)).replaceAll('_', '-');
    const value = eq < 0 ? 'on' : item.slice(eq + 1);
    for (const [sign, list] of [['+', out.plus], ['-', out.minus]] as const) {
      if (list.includes(name)) out.warnings.push(`Ambiguous CPU model string. Don't mix both "${sign}${name}" and "${name}=${value}"`);
    }
    out.globals.push({ property: name, value });
  }
  if (out.warnings.length) out.warnings.push("Compatibility of ambiguous CPU model strings won't be kept on future QEMU versions");
  return out;
}
