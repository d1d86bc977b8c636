/**
 * Command-line wiring only: argv rewriting, commander set-up, and the single
 * place where errors become messages and exit codes. Commands load heavy
 * modules (zod, the model) lazily so `--help` stays fast.
 */
import { Command, CommanderError, Option } from 'commander';
import { EXIT, QomCompatError, UsageError } from '../errors.js';
import { orderedQemuOptions, rewriteQemuStyleArgv } from './argv.js';
import type { CliIo } from './io.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const formatOption = (choices: string[] = ['text', 'json']) =>
  new Option('--format <format>', 'output format').choices(choices).default('text');
const defsOption = () => new Option('--defs <dir>', 'definition directory (default: the embedded machines/<arch>)');
const archOption = () => new Option('--arch <arch>', 'architecture of the embedded definitions').default('x86_64');

export async function main(argv: string[], io?: CliIo): Promise<number> {
  const cli = io ?? (await defaultIo());
  const status = { code: EXIT.ok as number };
  const rewritten = rewriteQemuStyleArgv(argv);
  const program = buildProgram(cli, (code) => { status.code = code; }, orderedQemuOptions(rewritten));
  try {
    await program.parseAsync(rewritten, { from: 'user' });
    return status.code;
  } catch (e) {
    return reportError(e, cli);
  }
}

/** QEMU's options shared by resolve and explain. */
function addQemuOptions(cmd: Command): Command {
  return cmd
    .option('-M, --machine <machine>', 'machine type (canonical, alias, or without pc-); QEMU spells it -M or -machine')
    .option('--accel <accel>', 'accelerator and its options, as QEMU\'s -accel (default tcg)')
    .option('--nodefaults', 'no default devices, as QEMU\'s -nodefaults')
    .option('--cpu <cpu>', 'CPU model and features, as QEMU\'s -cpu (MODEL[,feat=val|+feat|-feat...])')
    .option('--global <spec>', 'DRIVER.PROP=VALUE or driver=D,property=P,value=V, as QEMU\'s -global (repeatable)', collect, [])
    .option('--device <spec>', 'TYPE[,id=ID][,prop=value...], as QEMU\'s -device (repeatable)', collect, [])
    .option('--object <spec>', 'TYPE,id=ID[,prop=value...], as QEMU\'s -object (repeatable)', collect, [])
    .addOption(new Option('--model <model>', 'qdev: QEMU 10.0 as released; object-compat: the OBJECT_COMPAT RFC').choices(['qdev', 'object-compat']).default('object-compat'))
    .addOption(formatOption()).addOption(defsOption()).addOption(archOption());
}

type Ordered = ReturnType<typeof orderedQemuOptions>;

function machineName(opts: { machine?: string }): string | undefined {
  if (opts.machine === undefined) return undefined;
  const [name, ...rest] = opts.machine.split(',');
  if (rest.length) throw new UsageError(`-machine options (${rest.join(',')}) are not modelled; give the machine type only`);
  return name!.startsWith('type=') ? name!.slice(5) : name;
}

function buildProgram(io: CliIo, setExit: (code: number) => void, ordered: Ordered): Command {
  const program = new Command('qom-compat')
    .description('What a QEMU machine type really gives each object: compat properties, -global, and why')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
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
    .action(async (opts) => setExit(await (await import('../commands/import.js')).runImport(opts, io)));

  program.command('check')
    .description('check machine definition files (the CI gate): chains, schema, compat entries against the type model')
    .argument('[path...]', 'definition files or directories (default: the embedded machines/)')
    .addOption(formatOption(['text', 'json', 'github']))
    .option('--strict', 'fail on warnings too')
    .option('--arch <arch>', 'only this architecture\'s directory when searching a machines/ root; the embedded definitions lent to files that name no architecture')
    .option('--no-cache', 'check afresh: do not reuse or store results (kept by content in $XDG_CACHE_HOME/qom-compat)')
    .action(async (paths: string[], opts) => setExit(await (await import('../commands/check.js')).runCheckCommand(paths, opts, io)));

  addQemuOptions(program.command('resolve')
    .description('the objects a QEMU command line creates, and every property\'s value and why'))
    .option('--all', 'show every property, not only those that differ from the type default')
    .action(async (opts) => setExit(await (await import('../commands/resolve.js')).runResolve({ ...opts, machine: machineName(opts), ordered }, io)));

  addQemuOptions(program.command('explain')
    .description('the full story of one property: type default, each compat entry and -global, the option, the final value')
    .argument('<DRIVER.PROP>', 'a type (or ancestor, or interface) and property, e.g. virtio-pci.disable-legacy'))
    .action(async (target: string, opts) => setExit(await (await import('../commands/explain.js')).runExplain(target, { ...opts, machine: machineName(opts), ordered }, io)));

  return program;
}

function reportError(e: unknown, io: CliIo): number {
  if (e instanceof CommanderError) {
    // Help and version are not errors; commander already printed them.
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
    return EXIT.usage;
  }
  if (e instanceof QomCompatError) {
    io.err(`qom-compat: ${e.message}\n`);
    return e.exitCode;
  }
  io.err(`qom-compat: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return 70;
}

async function defaultIo(): Promise<CliIo> {
  const { Chalk } = await import('chalk');
  const env = process.env;
  // `qom-compat list | head` closes the pipe early: that is not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });
  }
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const level = noColor || !process.stdout.isTTY ? 0 : env.FORCE_COLOR === '0' ? 0 : 1;
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    color: new Chalk({ level: level as 0 | 1 }),
    env,
    interactive: !!process.stderr.isTTY,
  };
}
