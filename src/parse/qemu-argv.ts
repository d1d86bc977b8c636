/**
 * A QEMU command line's words taken apart as system/vl.c does it, with the
 * binary's option table: `--foo` is `-foo`, an option with an argument takes
 * the next word whatever it looks like, a word not starting with `-` is a disk
 * image (`-hda`). QEMU looks every option up in a first pass before acting on
 * any, so an unknown option or a missing argument anywhere is the first error
 * QEMU reports. Options of other targets pass the first pass and fail in order
 * in the second, which the caller reaches. Pure.
 *
 * A pasted command line may start with `VAR=value` words (libvirt's logs do)
 * and the program's name; both are taken off first.
 */
import type { OptionDef, OptionTable } from './option-table.js';

export interface ArgvOption {
  /** The option's name without dashes; `hda` for a bare disk image word. */
  readonly name: string;
  readonly def: OptionDef;
  /** The argument word (options with HAS_ARG, and disk images). */
  readonly arg?: string;
  /** The words as QEMU names them in messages: `-m 4096`, `-S`. */
  readonly text: string;
  /** A disk image given without an option (`qemu-system-x86_64 disk.img`). */
  readonly image?: true;
}

export interface ScannedArgv {
  /** Leading `VAR=value` words. */
  readonly env: string[];
  /** The program word, when the line starts with one. */
  readonly program?: string;
  readonly options: ArgvOption[];
  /** QEMU's first-pass error (without the program prefix), when there is one. */
  readonly error?: string;
}

const ENV_WORD = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** `LC_ALL=C`: an environment assignment a shell line starts with. */
export function isEnvWord(word: string): boolean {
  return ENV_WORD.test(word);
}

/** Leading environment assignments and the program name, as a shell would see them. */
export function splitInvocation(words: readonly string[]): { env: string[]; program?: string; args: string[] } {
  let i = 0;
  const env: string[] = [];
  while (i < words.length && ENV_WORD.test(words[i]!)) env.push(words[i++]!);
  // A first word that is not an option is the program when anything follows or it names one;
  // `qom-compat resolve disk.img` alone would be a disk image for QEMU, and stays one.
  const first = words[i];
  if (first !== undefined && !first.startsWith('-') && (env.length > 0 || isProgramWord(first))) {
    return { env, program: first, args: words.slice(i + 1) };
  }
  return { env, args: words.slice(i) };
}

/** `qemu-system-x86_64`, `/usr/bin/qemu-kvm`, `/usr/libexec/qemu-kvm`, `kvm`, `./build/qemu-system-x86_64`. */
export function isProgramWord(word: string): boolean {
  const base = word.slice(word.lastIndexOf('/') + 1);
  return /^(qemu(-system-[\w-]+|-kvm)?|kvm)(\.exe)?$/.test(base) || /^qemu-system-/.test(base);
}

/** The target a program name implies (`qemu-system-aarch64` → aarch64), if it says. */
export function programTarget(program: string): string | undefined {
  const m = /qemu-system-([\w-]+?)(?:\.exe)?$/.exec(program);
  return m?.[1];
}

const IMAGE_OPTION = 'hda';

export function scanQemuArgv(args: readonly string[], table: OptionTable): Omit<ScannedArgv, 'env' | 'program'> {
  const options: ArgvOption[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (!word.startsWith('-')) {
      const def = table.get(IMAGE_OPTION) ?? { name: IMAGE_OPTION, hasArg: true, target: true };
      options.push({ name: IMAGE_OPTION, def, arg: word, text: word, image: true });
      continue;
    }
    const name = word.startsWith('--') ? word.slice(2) : word.slice(1);
    const def = table.get(name);
    if (!def) return { options, error: `${word}: invalid option` };
    if (!def.hasArg) { options.push({ name, def, text: word }); continue; }
    if (i + 1 >= args.length) return { options, error: `${word}: requires an argument` };
    const arg = args[++i]!;
    options.push({ name, def, arg, text: `${word} ${arg}` });
  }
  return { options };
}
