/**
 * QEMU spells its options with one dash (-global, -device, -nodefaults).
 * commander cannot define such options, so argv is rewritten before parsing:
 * a known single-dash QEMU option becomes its double-dash form. Values of
 * options are never rewritten (a -global value may start with a dash), and
 * nothing after `--` is touched.
 */
export interface QemuOptionSpec { readonly name: string; readonly takesValue: boolean }

export const QEMU_OPTIONS: readonly QemuOptionSpec[] = [
  { name: 'M', takesValue: true },
  { name: 'machine', takesValue: true },
  { name: 'accel', takesValue: true },
  { name: 'global', takesValue: true },
  { name: 'device', takesValue: true },
  { name: 'object', takesValue: true },
  { name: 'cpu', takesValue: true },
  { name: 'nodefaults', takesValue: false },
];

/** Our own options that take a value (their values must not be rewritten either). */
const OWN_VALUE_OPTIONS = new Set(['--format', '--model', '--qemu', '--out', '--defs', '--arch', '--machines']);

export function rewriteQemuStyleArgv(argv: readonly string[]): string[] {
  const byName = new Map(QEMU_OPTIONS.map((o) => [o.name, o]));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') { out.push(...argv.slice(i)); break; }
    const single = /^-([A-Za-z][\w-]*)(=.*)?$/.exec(arg);
    const spec = single ? byName.get(single[1]!) : undefined;
    const isLong = arg.startsWith('--');
    const longName = isLong ? arg.slice(2).split('=')[0]! : '';
    if (spec && spec.name !== 'M') out.push(`--${spec.name}${single![2] ?? ''}`);
    else out.push(arg);
    const takesValue = (spec?.takesValue && !single![2]) ||
      (isLong && !arg.includes('=') && (byName.get(longName)?.takesValue || OWN_VALUE_OPTIONS.has(arg)));
    if (takesValue && i + 1 < argv.length) out.push(argv[++i]!);
  }
  return out;
}

const ORDERED_KINDS = new Set(['global', 'device', 'object']);

/**
 * The -global/-device/-object options of a rewritten argv, in command-line
 * order: QEMU processes them in that order, and commander keeps one list per
 * option.
 */
export function orderedQemuOptions(rewritten: readonly string[]): Array<{ kind: 'global' | 'device' | 'object'; arg: string }> {
  const out: Array<{ kind: 'global' | 'device' | 'object'; arg: string }> = [];
  for (let i = 0; i < rewritten.length; i++) {
    const a = rewritten[i]!;
    if (a === '--') break;
    const m = /^--(\w+)(?:=(.*))?$/s.exec(a);
    if (!m) continue;
    const kind = m[1]!;
    if (!ORDERED_KINDS.has(kind)) {
      if (!a.includes('=') && (QEMU_OPTIONS.find((o) => o.name === kind)?.takesValue || OWN_VALUE_OPTIONS.has(a))) i++;
      continue;
    }
    const arg = m[2] ?? rewritten[++i];
    if (arg !== undefined) out.push({ kind: kind as 'global' | 'device' | 'object', arg });
  }
  return out;
}
