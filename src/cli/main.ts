/**
 * Command-line wiring only: argv rewriting, commander set-up, and the single
 * place where errors become messages and exit codes. Commands load heavy
 * modules (zod, the model) lazily so `--help` stays fast.
 */
import { Command, CommanderError, Option } from 'commander';
import { EXIT, QomCompatError, UsageError } from '../errors.js';
import { COMMANDS_WITH_QEMU_LINE, POSITIONALS, splitQemuArgv, tableLocation } from './argv.js';
import type { OptionTable } from '../parse/option-table.js';
import type { CliIo } from './io.js';
import { commanderMessage, PREFIX, unknownArchitecture } from './messages.js';
import { LineWrapper, outputWidth } from './wrap.js';

const formatOption = (choices: string[] = ['text', 'json']) =>
  new Option('--format <format>', 'output format').choices(choices).default('text');
const defsOption = () => new Option('--defs <dir>', 'definition directory (default: the embedded machines/<arch>)');
const archOption = () => new Option('--arch <arch>', 'architecture of the embedded definitions').default('x86_64');

export async function main(argvIn: string[], io?: CliIo): Promise<number> {
  const { argv, color } = takeColorOption(argvIn);
  const cli = await withColor(io ?? (await defaultIo(color)), io ? color : undefined);
  const status = { code: EXIT.ok as number };
  try {
    if (color === 'invalid') throw new UsageError("--color: expected 'always', 'never' or 'auto'");
    const { own, line } = await splitArgv(argv);
    const { io: out, program } = withWrapping(cli, (wrappedIo) => buildProgram(wrappedIo, (code) => { status.code = code; }, line));
    // A bare `qom-compat` asked for nothing: say what it can do, and exit as a usage error.
    if (own.length === 0) {
      cli.err(program.helpInformation());
      return EXIT.usage;
    }
    if (own.length === 1 && (own[0] === '--version' || own[0] === '-V')) {
      cli.out(`${await versionLine()}\n`);
      return EXIT.ok;
    }
    try {
      await program.parseAsync(own, { from: 'user' });
    } finally {
      out.end();
    }
    return status.code;
  } catch (e) {
    return reportError(e, cli);
  }
}

/**
 * stdout wrapped to the terminal's width (or COLUMNS): help and the text
 * formats; once commander knows the command and its --format, machine formats
 * and completion pass through untouched.
 */
function withWrapping(cli: CliIo, build: (io: CliIo) => Command): { io: { end(): void }; program: Command } {
  const width = outputWidth(cli.env, cli.columns);
  if (width === undefined) return { io: { end() {} }, program: build(cli) };
  // On from the start (help text too); off once an action turns out to write for programs.
  let wrapper: LineWrapper | undefined = new LineWrapper(cli.out, width);
  const program = build({ ...cli, out: (s) => (wrapper ? wrapper.out(s) : cli.out(s)) });
  program.hook('preAction', (_, action) => {
    const format = (action.opts() as { format?: string }).format;
    // Completion candidates and scripts are read by the shell, not by people.
    const forPrograms = action.name() === '__complete' || action.name() === 'completion' ||
      (format !== undefined && format !== 'text' && format !== 'table');
    if (forPrograms) { wrapper?.end(); wrapper = undefined; }
  });
  return { io: { end: () => wrapper?.end() }, program };
}

/** The QEMU command line of resolve/explain, split off argv with the binary's option table. */
interface QemuWords { words: string[]; table: OptionTable | undefined }

async function splitArgv(argv: string[]): Promise<{ own: string[]; line: QemuWords }> {
  const at = argv.findIndex((a) => !a.startsWith('-'));
  const command = argv[at];
  if (at < 0 || !COMMANDS_WITH_QEMU_LINE.has(command!)) return { own: argv, line: { words: [], table: undefined } };
  const rest = argv.slice(at + 1);
  if (rest.includes('--help') || rest.includes('-h')) return { own: [...argv.slice(0, at), command!, '--help'], line: { words: [], table: undefined } };
  const { loadOptionTable } = await import('../load/option-table.js');
  const table = await loadOptionTable(tableLocation(rest));
  const split = splitQemuArgv(command!, rest, table, POSITIONALS[command!] ?? 0);
  return { own: [...argv.slice(0, at), ...split.own], line: { words: split.qemu, table } };
}

const QEMU_LINE_HELP = `
The QEMU command line: every option of the imported binary, as QEMU takes it
(one dash or two), e.g. -M q35-9.1 -accel tcg -cpu qemu64 -nodefaults
-global D.P=V -device '{"driver":...}' -object ..., -m, -smp, -name, ...
A pasted line may start with VAR=value words and the program name
(qemu-system-x86_64 ...); --args-file reads one from a file or stdin (-), with
shell quoting and backslash-newline continuations. Options that resolve does
not apply are listed in the output.`;

/** The tool's own options of resolve and explain; the rest of argv is the QEMU command line. */
function addQemuLineOptions(cmd: Command): Command {
  return cmd
    .option('--args-file <file>', 'read the QEMU command line from a file, or stdin with -')
    .addOption(new Option('--model <model>', 'qdev: QEMU 10.0 as released; object-compat: the OBJECT_COMPAT RFC (default: the one the definitions\' binary implements)').choices(['qdev', 'object-compat']))
    .addOption(formatOption()).addOption(defsOption()).addOption(archOption())
    .addHelpText('after', QEMU_LINE_HELP);
}

function buildProgram(io: CliIo, setExit: (code: number) => void, line: QemuWords): Command {
  const program = new Command('qom-compat')
    .description('What a QEMU machine type really gives each object: compat properties, -global, and why')
    .option('-V, --version', 'print the tool\'s version and the QEMU version of its embedded definitions')
    .option('--color [when]', 'colour: always, never or auto (default: auto; FORCE_COLOR and NO_COLOR as usual)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s), outputError: (s, write) => write(commanderMessage(s)) })
    .showHelpAfterError(false);

  program.command('list')
    .description('list machine types (newest first per family)')
    .addOption(formatOption()).addOption(defsOption()).addOption(archOption())
    .action(async (opts) => setExit(await (await import('../commands/list.js')).runList(opts, io)));

  program.command('show')
    .description("show a machine type: its chain of versions, compat entries, and board objects")
    .argument('<machine>', 'machine name: canonical (pc-q35-9.1), alias (q35) or without pc- (q35-9.1)')
    .addOption(formatOption()).addOption(defsOption()).addOption(archOption())
    .action(async (machine: string, opts) => setExit(await (await import('../commands/show.js')).runShow(machine, opts, io)));

  program.command('import')
    .description('drive a real QEMU over QMP and write its definitions to <out>/<arch>/')
    .requiredOption('--qemu <binary>', 'QEMU system emulator binary, e.g. /usr/bin/qemu-system-x86_64')
    .option('--out <dir>', 'root directory to write into', 'machines')
    .option('--machines <regex>', 'probe board objects only of machines matching this regular expression')
    .option('--devices <regex>', 'read what a lone -device shows only for device types matching this regular expression')
    .option('--cpu-models', 'also read what each CPU model shows in the board CPU\'s place (-cpu MODEL; ~2 MB more data)')
    .option('--kvm', 'probe every board under KVM too, and fail when /dev/kvm is not usable (default: when it is)')
    .option('--no-kvm', 'probe the boards under TCG only')
    .action(async (opts) => setExit(await (await import('../commands/import.js')).runImport(opts, io)));

  program.command('check')
    .description('check machine definition files (the CI gate): chains, schema, compat entries against the type model')
    .argument('[path...]', 'definition files or directories (default: ./machines when there is one, else the embedded machines/)')
    .addOption(formatOption(['text', 'json', 'github']))
    .option('--strict', 'fail on warnings too')
    .option('--arch <arch>', 'only this architecture\'s directory when searching a machines/ root; the embedded definitions lent to files that name no architecture')
    .option('--no-cache', 'check afresh: do not reuse or store results (kept by content in $XDG_CACHE_HOME/qom-compat)')
    .option('--ignore <rule>', 'do not report this rule; repeat for more', (v: string, acc: string[] = []) => [...acc, v])
    .option('--baseline <file>', 'do not report the findings recorded in this file (by --write-baseline); say which are fixed')
    .option('--write-baseline <file>', 'record this run\'s errors and warnings in <file> (written atomically) and accept them')
    .addHelpText('after', `
Individual findings are accepted, with a reason, in check-suppressions.json
beside the definition files:
  { "suppressions": [ { "rule": "compat-noop", "file": "machines.json",
      "path": "$.groups['compat-9.0']", "reason": "..." } ] }
("path": the "key" of --format json, or a path above it).
Exit status: 0 clean (warnings and info allowed), 1 errors (or warnings with
--strict), 2 usage errors.`)
    .action(async (paths: string[], opts) => setExit(await (await import('../commands/check.js')).runCheckCommand(paths, opts, io)));

  program.command('compare')
    .usage('(--all | <machine>...) [options]')
    .description('machine types side by side: every property their compat lists touch, and its value under each (compare-machine-types.py, offline)')
    .argument('[machine...]', 'machines to compare (pc-q35-8.2, q35-9.1, q35)')
    .option('--all', 'every machine type')
    .option('--raw', 'every row and every value as written (otherwise: on/true and off/false alike, rows where all agree dropped)')
    .option('--explain', 'say in each cell which version\'s entry set it')
    .option('--driver <glob>', 'only rows whose driver matches, e.g. \'virtio-*\'')
    .addOption(formatOption(['table', 'csv', 'json', 'markdown']).default('table'))
    .option('--defs <dir>', 'a definition directory; repeat for several binaries (columns per set and machine)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .addOption(archOption())
    .addOption(new Option('--model <model>', 'compat model (default: the one the definitions\' binary implements)').choices(['qdev', 'object-compat']))
    .action(async (machines: string[], opts) => setExit(await (await import('../commands/compare.js')).runCompare(machines, opts, io)));

  addQemuLineOptions(program.command('resolve')
    .usage('[options] [QEMU command line...]')
    .description('the objects a QEMU command line creates, and every property\'s value and why'))
    .option('--all', 'show every property, not only those that differ from the type default')
    .action(async (opts) => setExit(await (await import('../commands/resolve.js')).runResolve({ ...opts, qemu: line.words, table: line.table! }, io)));

  addQemuLineOptions(program.command('explain')
    .usage('[options] <DRIVER.PROP> [QEMU command line...]')
    .description('the full story of one property: type default, each compat entry and -global, the option, the final value')
    .argument('<DRIVER.PROP>', 'a type (or ancestor, or interface) and property, e.g. virtio-pci.disable-legacy'))
    .action(async (target: string, opts) => setExit(await (await import('../commands/explain.js')).runExplain(target, { ...opts, qemu: line.words, table: line.table! }, io)));

  const diff = program.command('diff')
    .usage('[options] <from-machine> <to-machine> [QEMU command line...]')
    .description('what changes for a VM between two machine types: every property of every object whose value differs, both values, and where each came from')
    .argument('<from-machine>', 'the machine type the VM has now')
    .argument('<to-machine>', 'the machine type it would move to')
    .option('--exit-code', 'exit 1 when there are differences')
    .option('--args-file <file>', 'read the QEMU command line from a file, or stdin with -')
    .addOption(new Option('--model <model>', 'compat model (default: the one the definitions\' binary implements)').choices(['qdev', 'object-compat']))
    .addOption(formatOption()).addOption(defsOption()).addOption(archOption())
    .addHelpText('after', QEMU_LINE_HELP);
  diff.action(async (from: string, to: string, opts) => setExit(await (await import('../commands/diff.js')).runDiff(from, to, { ...opts, qemu: line.words, table: line.table! }, io)));

  program.command('abi-check')
    .usage('--from <dir> [--to <dir>] [--machine <name>]... [options] [QEMU command line...]')
    .description('for every machine type two imports both have, what the guest sees differently on the new binary (exit 1 when anything does)')
    .requiredOption('--from <dir>', 'definitions of the old binary (e.g. machines/qemu-7.2/x86_64)')
    .option('--to <dir>', 'definitions of the new binary (default: the embedded ones)')
    .option('--machine <name>', 'only this machine type; repeat for more', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--args-file <file>', 'read the QEMU command line from a file, or stdin with -')
    .addOption(new Option('--model <model>', 'compat model for both (default: the one each binary implements)').choices(['qdev', 'object-compat']))
    .addOption(formatOption(['text', 'json', 'markdown'])).addOption(archOption())
    .addHelpText('after', `
Without a QEMU command line, each machine type's board is compared with and
without -nodefaults; with one (-nodefaults -device virtio-net-pci ...), that
configuration (its -M limits the machines).`)
    .action(async (opts) => setExit(await (await import('../commands/abi-check.js')).runAbiCheck({ ...opts, qemu: line.words, table: line.table! }, io)));

  program.command('rfc-impact')
    .usage('[--machine <name>]... [options] [QEMU command line...]')
    .description('what merging the OBJECT_COMPAT RFC would change, for every machine type: each object, value and message, with the patch responsible')
    .option('--machine <name>', 'only this machine type; repeat for more', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--args-file <file>', 'read the QEMU command line from a file, or stdin with -')
    .addOption(formatOption(['text', 'json', 'markdown'])).addOption(defsOption()).addOption(archOption())
    .addHelpText('after', `
Without a QEMU command line, each machine type's board alone; with one
(-object sev-guest,..., -global migration.x=y, ...), that configuration on
every machine type (its -M limits them).`)
    .action(async (opts) => setExit(await (await import('../commands/rfc-impact.js')).runRfcImpact({ ...opts, qemu: line.words, table: line.table! }, io)));

  program.command('completion')
    .description('print a shell completion script (bash or zsh): source <(qom-compat completion bash)')
    .argument('<shell>', 'bash or zsh')
    .action(async (shell: string) => setExit((await import('../commands/completion.js')).runCompletion(shell, io)));

  // What the completion scripts call: candidates for one word, one a line.
  program.command('__complete', { hidden: true })
    .argument('<index>').argument('[words...]')
    .allowUnknownOption()
    .action(async (index: string, words: string[]) => setExit((await import('../commands/completion.js')).runComplete(index, words, program, io)));

  return program;
}

/** The tool's version and the QEMU version of the embedded definitions. */
async function versionLine(): Promise<string> {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { EMBEDDED_MACHINES_DIR, DEFAULT_ARCH } = await import('../load/paths.js');
  const pkg = JSON.parse(readFileSync(join(EMBEDDED_MACHINES_DIR, '..', 'package.json'), 'utf8')) as { version: string };
  let data = 'no embedded definitions';
  try {
    const machines = JSON.parse(readFileSync(join(EMBEDDED_MACHINES_DIR, DEFAULT_ARCH, 'machines.json'), 'utf8')) as { qemu?: { version?: string } };
    data = `definitions: QEMU ${machines.qemu?.version ?? 'unknown'} (${DEFAULT_ARCH})`;
  } catch { /* reported as absent */ }
  return `qom-compat ${pkg.version}, ${data}`;
}

function reportError(e: unknown, io: CliIo): number {
  if (e instanceof CommanderError) {
    // Help and version are not errors; commander already printed them.
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
    return EXIT.usage;
  }
  if (e instanceof QomCompatError) {
    const error = unknownArchitecture(e) ?? e;
    io.err(`${PREFIX}${error.message}\n`);
    return e.exitCode;
  }
  io.err(`${PREFIX}internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return 70;
}

type ColorChoice = 'always' | 'never' | 'auto' | 'invalid';

/**
 * `--color[=always|never|auto]` and `--no-color`, accepted anywhere before `--`
 * by every command (a QEMU command line has no such option), taken out of argv.
 */
export function takeColorOption(argv: readonly string[]): { argv: string[]; color: ColorChoice | undefined } {
  const out: string[] = [];
  let color: ColorChoice | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') { out.push(...argv.slice(i)); break; }
    if (a === '--no-color') { color = 'never'; continue; }
    if (a === '--color') { color = 'always'; continue; }
    const m = /^--colou?r=(.*)$/.exec(a);
    if (m) { color = m[1] === 'always' || m[1] === 'never' || m[1] === 'auto' ? m[1] : 'invalid'; continue; }
    out.push(a);
  }
  return { argv: out, color };
}

/** Tests hand in their own io: an explicit --color still decides. */
async function withColor(io: CliIo, color: ColorChoice | undefined): Promise<CliIo> {
  if (color !== 'always' && color !== 'never') return io;
  const { Chalk } = await import('chalk');
  return { ...io, color: new Chalk({ level: color === 'always' ? 1 : 0 }) };
}

/**
 * Colour, as chalk users expect: --color=always|never wins; else FORCE_COLOR
 * (0 or false: off; anything else: on, piped or not); else NO_COLOR (set and
 * not empty: off); else colour only when stdout is a terminal.
 */
export function colorLevel(choice: ColorChoice | undefined, env: NodeJS.ProcessEnv, isTTY: boolean): 0 | 1 {
  if (choice === 'always') return 1;
  if (choice === 'never') return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force === '0' || force === 'false' ? 0 : 1;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  return isTTY ? 1 : 0;
}

async function defaultIo(choice?: ColorChoice): Promise<CliIo> {
  const { Chalk } = await import('chalk');
  const env = process.env;
  // `qom-compat list | head` closes the pipe early: that is not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });
  }
  const level = colorLevel(choice, env, !!process.stdout.isTTY);
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    color: new Chalk({ level: level as 0 | 1 }),
    env,
    interactive: !!process.stderr.isTTY,
    ...(process.stdout.isTTY && process.stdout.columns ? { columns: process.stdout.columns } : {}),
  };
}
