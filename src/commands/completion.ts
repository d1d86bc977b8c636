/**
 * `qom-compat completion bash|zsh` prints a completion script; the script
 * calls the hidden `qom-compat __complete INDEX -- WORDS...`, which answers
 * from the commander program (commands, options, choices) and the
 * definitions (machine, type, property and QEMU option names), read straight
 * from the JSON files without validation: completion must be quick, and a
 * wrong name only costs a useless suggestion.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CliIo } from '../cli/io.js';
import { complete, type CommandSpec, type NameSource, type Positional, type ProgramSpec } from '../cli/complete.js';
import { COMMANDS_WITH_QEMU_LINE, tableLocation } from '../cli/argv.js';
import { RULES } from '../check/rules.js';
import { EXIT, UnknownNameError } from '../errors.js';
import { DEFAULT_ARCH, EMBEDDED_MACHINES_DIR } from '../load/paths.js';
import { closestMatches } from '../util/suggest.js';

export const SHELLS = ['bash', 'zsh'] as const;

export function runCompletion(shell: string, io: CliIo): number {
  if (shell === 'bash') io.out(BASH);
  else if (shell === 'zsh') io.out(ZSH);
  else throw new UnknownNameError('shell', shell, closestMatches(shell, SHELLS));
  return EXIT.ok;
}

export function runComplete(index: string, words: readonly string[], program: Command, io: CliIo): number {
  const at = Number(index);
  if (!Number.isInteger(at) || at < 0) return EXIT.usage;
  const candidates = complete(words, at, programSpec(program), definitionNames(words));
  if (candidates.length) io.out(candidates.join('\n') + '\n');
  return EXIT.ok;
}

/** Commands, options and positionals as commander knows them (hidden commands left out). */
export function programSpec(program: Command): ProgramSpec {
  const commands: CommandSpec[] = program.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden).map((c) => {
    const values = new Map<string, readonly string[] | undefined>();
    const options: string[] = ['--help'];
    for (const o of c.options) {
      for (const flag of [o.long, o.short]) {
        if (!flag) continue;
        options.push(flag);
        if (o.required || o.optional) values.set(flag, o.argChoices);
      }
    }
    const args = c.registeredArguments;
    const positionals: Positional[] = args.map((a) => positionalKind(a.name()));
    if (!args.at(-1)?.variadic) positionals.push('none');
    return { name: c.name(), options, values, positionals, qemuLine: COMMANDS_WITH_QEMU_LINE.has(c.name()) };
  });
  const globalOptions = program.options.flatMap((o) => [o.long, o.short].filter((f): f is string => !!f));
  return { commands, globalOptions: [...globalOptions, '--help', '--no-color'] };
}

function positionalKind(name: string): Positional {
  if (/machine/.test(name)) return 'machine';
  if (name === 'DRIVER.PROP') return 'property';
  if (name === 'shell') return 'shell';
  if (name === 'path') return 'path';
  return 'none';
}

type Obj = Record<string, unknown>;

/** Names from the definitions the command line points at (--defs, --arch), each file read on first need. */
function definitionNames(words: readonly string[]): NameSource {
  const where = tableLocation(words);
  const dir = where.dir ?? join(EMBEDDED_MACHINES_DIR, where.arch ?? DEFAULT_ARCH);
  const read = (file: string): Obj => {
    try {
      const data = JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown;
      return typeof data === 'object' && data !== null ? data as Obj : {};
    } catch {
      return {};
    }
  };
  const list = (o: Obj, key: string): Obj[] => (Array.isArray(o[key]) ? (o[key] as unknown[]).filter((x): x is Obj => typeof x === 'object' && x !== null) : []);
  const str = (v: unknown): v is string => typeof v === 'string';
  let types: Map<string, Obj> | undefined;
  const typeMap = () => (types ??= new Map(list(read('types.json'), 'types').filter((t) => str(t.name)).map((t) => [t.name as string, t])));
  const aliasOf = (name: string): string => {
    for (const [n, t] of typeMap()) if (Array.isArray(t.aliases) && t.aliases.includes(name)) return n;
    return name;
  };
  return {
    machines: () => list(read('machines.json'), 'machines').flatMap((m) => [m.name, m.alias].filter(str)),
    devices: () => [...typeMap().values()].filter((t) => t.userCreatable === true && t.abstract !== true)
      .flatMap((t) => [t.name, ...(Array.isArray(t.aliases) ? t.aliases : [])].filter(str)),
    types: () => [...typeMap().keys()],
    properties: (name) => {
      const out = new Set<string>();
      const seen = new Set<string>();
      // The parent chain, as QOM inherits properties; bounded by what was seen against cycles in hand-made files.
      for (let t: string | undefined = typeMap().has(name) ? name : aliasOf(name); t !== undefined && !seen.has(t); ) {
        seen.add(t);
        const type = typeMap().get(t);
        for (const p of list(type ?? {}, 'properties')) if (str(p.name)) out.add(p.name);
        const parent = type?.parent;
        t = str(parent) ? parent : undefined;
      }
      return [...out];
    },
    qemuOptions: () => list(read('options.json'), 'options').map((o) => o.name).filter(str),
    rules: () => Object.keys(RULES),
  };
}

const BASH = `# qom-compat completion for bash. Load it in ~/.bashrc:
#   source <(qom-compat completion bash)
# or save it as ~/.local/share/bash-completion/completions/qom-compat
_qom_compat() {
  local IFS=$'\\n'
  COMPREPLY=($("\${COMP_WORDS[0]}" __complete "$((COMP_CWORD - 1))" -- "\${COMP_WORDS[@]:1}" 2>/dev/null))
  # A driver's dot, a property's = and a -device comma are followed by more, not by a space.
  if [[ \${#COMPREPLY[@]} -eq 1 && \${COMPREPLY[0]} == *[.=,] ]]; then
    compopt -o nospace 2>/dev/null
  fi
}
complete -o default -o bashdefault -F _qom_compat qom-compat
`;

const ZSH = `#compdef qom-compat
# qom-compat completion for zsh. Load it in ~/.zshrc (after compinit):
#   source <(qom-compat completion zsh)
# or save it as _qom-compat in a directory of $fpath
_qom_compat() {
  local -a candidates more rest
  candidates=("\${(@f)$("\${words[1]}" __complete "$((CURRENT - 2))" -- "\${(@)words[2,-1]}" 2>/dev/null)}")
  candidates=("\${(@)candidates:#}")
  if (( \${#candidates} == 0 )); then
    _files
    return
  fi
  # A driver's dot, a property's = and a -device comma are followed by more, not by a space.
  more=("\${(@M)candidates:#*[.=,]}")
  rest=("\${(@)candidates:#*[.=,]}")
  (( \${#more} )) && compadd -Q -S '' -- "\${more[@]}"
  (( \${#rest} )) && compadd -Q -- "\${rest[@]}"
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  _qom_compat "$@"
else
  compdef _qom_compat qom-compat
fi
`;
