/**
 * Shell completion: what may come at a position of a qom-compat command line.
 * Pure: the commands and options come from the commander program, the names
 * (machines, types, properties, QEMU options) from a source the caller loads
 * from the definitions. The shell scripts (commands/completion.ts) call
 * `qom-compat __complete INDEX WORDS...` and offer what this returns.
 */

export interface CommandSpec {
  readonly name: string;
  /** --long and -s spellings of the command's options. */
  readonly options: readonly string[];
  /** Options that take a value: their choices, or undefined for a free value (a file, a glob). */
  readonly values: ReadonlyMap<string, readonly string[] | undefined>;
  /** What each bare word names, in order (the last repeats). */
  readonly positionals: readonly Positional[];
  /** Takes a QEMU command line (resolve, explain, diff, abi-check, rfc-impact). */
  readonly qemuLine: boolean;
}

export type Positional = 'machine' | 'property' | 'shell' | 'path' | 'none';

export interface NameSource {
  machines(): readonly string[];
  /** -device drivers: user-creatable types and their aliases. */
  devices(): readonly string[];
  /** Every type (for -global DRIVER. and explain DRIVER.PROP). */
  types(): readonly string[];
  /** A type's properties, inherited ones included. */
  properties(type: string): readonly string[];
  /** QEMU's options (without the dash) from the binary's option table. */
  qemuOptions(): readonly string[];
  /** check's rule ids. */
  rules(): readonly string[];
}

export interface ProgramSpec {
  readonly commands: readonly CommandSpec[];
  readonly globalOptions: readonly string[];
}

const MACHINE_OPTIONS = new Set(['-M', '-machine', '--machine']);

/** Candidates for `words[index]` (words without the program name), filtered by what is typed so far. */
export function complete(words: readonly string[], index: number, program: ProgramSpec, names: NameSource): string[] {
  const current = words[index] ?? '';
  const before = words.slice(0, index);
  const commandAt = before.findIndex((w) => !w.startsWith('-'));
  const command = commandAt < 0 ? undefined : program.commands.find((c) => c.name === before[commandAt]);
  const prefixed = (list: Iterable<string>) => [...new Set(list)].filter((c) => c.startsWith(current)).sort();
  if (commandAt < 0) {
    return prefixed(current.startsWith('-') ? program.globalOptions : program.commands.map((c) => c.name));
  }
  if (!command) return [];
  const previous = before[before.length - 1];
  if (previous !== undefined && index - 1 > commandAt) {
    if (MACHINE_OPTIONS.has(previous) || (command.qemuLine && previous === '--machine')) return prefixed(names.machines());
    if (command.values.has(previous)) {
      const choices = previous === '--ignore' ? names.rules() : command.values.get(previous);
      return choices ? prefixed(choices) : [];
    }
    if (command.qemuLine && previous === '-device') return deviceArgument(current, names);
    if (command.qemuLine && previous === '-global') return driverDotProperty(current, names, names.types());
    if (command.qemuLine && previous.startsWith('-') && names.qemuOptions().includes(previous.replace(/^--?/, ''))) return [];
  }
  if (current.startsWith('-')) {
    const qemu = command.qemuLine ? names.qemuOptions().map((o) => `-${o}`) : [];
    return prefixed([...command.options, ...qemu]);
  }
  switch (positionalAt(words, commandAt, index, command)) {
    case 'machine': return prefixed(names.machines());
    case 'property': return driverDotProperty(current, names, names.types());
    case 'shell': return prefixed(['bash', 'zsh']);
    default: return [];
  }
}

/** Which positional `words[index]` is: bare words after the command, not values of options. */
function positionalAt(words: readonly string[], commandAt: number, index: number, command: CommandSpec): Positional {
  let n = 0;
  for (let i = commandAt + 1; i < index; i++) {
    const w = words[i]!;
    if (w.startsWith('-')) {
      if (command.values.has(w) || (command.qemuLine && !w.includes('='))) i++;
      continue;
    }
    n++;
  }
  const list = command.positionals;
  return list.length === 0 ? 'none' : list[Math.min(n, list.length - 1)]!;
}

/** `DRIVER.` (no property yet), then `DRIVER.PROP` once a type and its dot are typed. */
function driverDotProperty(current: string, names: NameSource, types: readonly string[]): string[] {
  const dot = current.lastIndexOf('.');
  // Type names contain dots (cfi.pflash01): a prefix that is a type followed by a dot starts the property.
  const type = dot > 0 ? current.slice(0, dot) : undefined;
  if (type !== undefined && types.includes(type)) {
    const typed = current.slice(dot + 1);
    return names.properties(type).filter((p) => p.startsWith(typed)).sort().map((p) => `${type}.${p}`);
  }
  return types.filter((t) => t.startsWith(current)).sort().map((t) => `${t}.`);
}

/** `-device DRIVER`, then `DRIVER,PROP=` after a comma. */
function deviceArgument(current: string, names: NameSource): string[] {
  const comma = current.lastIndexOf(',');
  if (comma < 0) return names.devices().filter((d) => d.startsWith(current)).sort();
  const driver = current.slice(0, current.indexOf(','));
  const typed = current.slice(comma + 1);
  return names.properties(driver).filter((p) => p.startsWith(typed)).sort().map((p) => `${current.slice(0, comma + 1)}${p}=`);
}
