/**
 * "Did you mean" after QEMU's own refusals of an unknown name. QEMU's line is
 * printed exactly as QEMU prints it (it suggests nothing); the suggestion is
 * the tool's, on a line of its own with the tool's prefix, from the type
 * model of the definitions.
 */
import type { TypeModel } from '../model/types.js';
import { closestMatches } from '../util/suggest.js';

/** QEMU's message for an unknown name, and where the names it could have meant live. */
const PATTERNS: ReadonlyArray<{ re: RegExp; candidates: (types: TypeModel, m: RegExpExecArray) => Iterable<string>; show?: (name: string, m: RegExpExecArray) => string }> = [
  // qdev_device_add: -device with a driver QEMU does not know.
  { re: /'([^']+)' is not a valid device model name/, candidates: (t) => deviceNames(t) },
  // object_property_find (-global, -device and -object properties).
  {
    re: /Property '([^'.]+(?:\.[^'.]+)*)\.([^'.]+)' not found/,
    candidates: (t, m) => (t.has(t.deviceType(m[1]!)) ? t.properties(t.deviceType(m[1]!)).keys() : []),
    show: (name, m) => `${m[1]}.${name}`,
  },
  // -object with a type QEMU does not know.
  { re: /Parameter 'qom-type' does not accept value '([^']+)'/, candidates: (t) => concrete(t) },
  // -cpu MODEL: CPU models are types named MODEL-<arch>-cpu.
  { re: /unable to find CPU model '([^']+)'/, candidates: (t) => stripped(t, /-[a-z0-9_]+-cpu$/) },
  // -accel NAME: accelerators are types named NAME-accel.
  { re: /invalid accelerator (\S+)/, candidates: (t) => stripped(t, /-accel$/) },
  // -global on a type that does not exist (a warning in QEMU).
  { re: /global ([^\s.]+)\.\S+ has invalid class name/, candidates: (t) => t.names() },
];

/** Suggestions for the unknown names in QEMU's messages, one line each (`did you mean 'virtio-net-pci'?`). */
export function nameHints(messages: readonly string[], types: TypeModel): string[] {
  const out: string[] = [];
  for (const message of messages) {
    for (const p of PATTERNS) {
      const m = p.re.exec(message);
      if (!m) continue;
      const unknown = m[p.show ? 2 : 1]!;
      const close = closestMatches(unknown, p.candidates(types, m));
      if (close.length) out.push(`did you mean ${close.map((c) => `'${p.show ? p.show(c, m) : c}'`).join(', ')}?`);
      break;
    }
  }
  return out;
}

function* deviceNames(t: TypeModel): Iterable<string> {
  for (const name of t.names()) {
    const type = t.get(name)!;
    if (type.userCreatable && !type.abstract) { yield name; yield* type.aliases ?? []; }
  }
}

function* concrete(t: TypeModel): Iterable<string> {
  for (const name of t.names()) if (!t.isAbstract(name)) yield name;
}

/** Concrete type names that end in `suffix`, without it. */
function* stripped(t: TypeModel, suffix: RegExp): Iterable<string> {
  for (const name of t.names()) {
    const m = suffix.exec(name);
    if (m && m.index > 0 && !t.isAbstract(name)) yield name.slice(0, m.index);
  }
}
