/**
 * `resolve` and `explain` take a QEMU command line as it is (`-M q35 -m 4096
 * -device '{…}'`, a pasted line with its program name): every option of the
 * binary's option table, spelt with one dash or two. commander cannot define
 * such options, so argv is split before commander sees it: the tool's own
 * options (double-dash, listed here) go to commander, the rest is the QEMU
 * command line, taken apart later with the option table. An argument of a
 * QEMU option is never mistaken for one of ours (`-name --format` names the
 * guest "--format"), and everything after `--` is QEMU's.
 */
import type { OptionTable } from '../parse/option-table.js';
import { isEnvWord, isProgramWord } from '../parse/qemu-argv.js';

/** The tool's own options of resolve/explain, and whether each takes a value. */
const OWN_OPTIONS: ReadonlyMap<string, boolean> = new Map([
  ['--format', true], ['--model', true], ['--defs', true], ['--arch', true], ['--args-file', true],
  ['--all', false], ['--exit-code', false], ['--help', false], ['-h', false],
  ['--from', true], ['--to', true], ['--machine', true],
]);

export const COMMANDS_WITH_QEMU_LINE = new Set(['resolve', 'explain', 'diff', 'abi-check', 'rfc-impact']);

/** Bare words a command takes before the QEMU line's own (explain's DRIVER.PROP, diff's two machines). */
export const POSITIONALS: Readonly<Record<string, number>> = { resolve: 0, explain: 1, diff: 2, 'abi-check': 0, 'rfc-impact': 0 };

export interface SplitArgv {
  /** What commander parses: the command, our options, and explain's target. */
  own: string[];
  /** The QEMU command line's words. */
  qemu: string[];
}

/** `--defs DIR` / `--arch A` of argv, found before the option table can be loaded. */
export function tableLocation(args: readonly string[]): { dir?: string; arch?: string } {
  const out: { dir?: string; arch?: string } = {};
  for (let i = 0; i < args.length && args[i] !== '--'; i++) {
    const m = /^--(defs|arch)(?:=(.*))?$/s.exec(args[i]!);
    if (!m) continue;
    const value = m[2] ?? args[++i];
    if (value === undefined) break;
    if (m[1] === 'defs') out.dir ??= value; else out.arch ??= value;
  }
  return out;
}

/**
 * Splits the words after `resolve`/`explain`. `positional` is how many bare
 * words commander takes before the QEMU line's own bare words (explain's
 * DRIVER.PROP target): a bare word in a QEMU command line is a disk image.
 */
export function splitQemuArgv(command: string, args: readonly string[], table: OptionTable, positional: number): SplitArgv {
  const own = [command];
  const qemu: string[] = [];
  let wanted = positional;
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word === '--') { qemu.push(...args.slice(i + 1)); break; }
    const [name] = word.split('=', 1) as [string];
    const ownTakesValue = OWN_OPTIONS.get(name);
    if (ownTakesValue !== undefined) {
      own.push(word);
      if (ownTakesValue && !word.includes('=') && i + 1 < args.length) own.push(args[++i]!);
      continue;
    }
    if (word.startsWith('-')) {
      qemu.push(word);
      const def = table.get(word.replace(/^--?/, ''));
      if (def?.hasArg && i + 1 < args.length) qemu.push(args[++i]!);
      continue;
    }
    // VAR=value and program words belong to the pasted QEMU line, not to the command.
    if (wanted > 0 && !isEnvWord(word) && !isProgramWord(word)) {
      own.push(word);
      wanted--;
      continue;
    }
    qemu.push(word);
  }
  return { own, qemu };
}
