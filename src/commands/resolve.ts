/** `qom-compat resolve` and `qom-compat explain`: option handling and rendering. */
import type { CliIo, OutputFormat } from '../cli/io.js';
import { EXIT } from '../errors.js';
import { shownText, type ShownValue } from '../resolve/shown.js';
import { resolve } from '../resolve/resolve.js';
import type { CompatModelName, ResolvedObject, ResolvedProperty, ResolveResult } from '../resolve/result.js';
import type { OptionTable } from '../parse/option-table.js';
import type { Definitions } from '../load/loader.js';
import { loadFromOptions, toJsonText, type DefinitionOptions } from './common.js';
import { describeSource } from './describe-source.js';
import { nameHints } from './name-hints.js';
import type { TypeModel } from '../model/types.js';
import { commandLineNotes, qemuErrorLine, qemuWarningLine, readQemuLine, reportRefusedLine, toRequest, type CommandLineNotes } from './qemu-line.js';

export interface ResolveCliOptions extends DefinitionOptions {
  /** The QEMU command line's words (cli/argv.ts split them off argv). */
  qemu: string[];
  table: OptionTable;
  argsFile?: string;
  /** undefined: the model the definitions' binary implements. */
  model?: CompatModelName;
  format: OutputFormat;
  all?: boolean;
}

/** 0 when QEMU would start, 1 when it would refuse. */
export function exitCodeOf(r: ResolveResult): number {
  return r.outcome === 'started' ? EXIT.ok : EXIT.refused;
}

/**
 * Resolves the command line; undefined after answering for a line QEMU
 * refuses before any machine exists (an unknown option) or one that only
 * prints information.
 */
export async function resolveCommandLine(opts: ResolveCliOptions, io: CliIo): Promise<{ result: ResolveResult; notes: CommandLineNotes; defs: Definitions; prog: string } | { exit: number }> {
  const parsed = readQemuLine(opts.qemu, opts.argsFile, opts.table);
  if (!parsed.ok) return { exit: reportRefusedLine(parsed.error, opts.format === 'json', io, parsed.prog) };
  if (parsed.line.information !== undefined) {
    const text = `QEMU prints information for ${parsed.line.information} and exits (status 0); it creates no machine`;
    io.out(opts.format === 'json' ? toJsonText({ information: parsed.line.information, outcome: 'information' }) : `${text}\n`);
    return { exit: EXIT.ok };
  }
  const defs = await loadFromOptions(opts);
  const result = resolve(defs, toRequest(parsed.line, opts.model, defs.machines.defaultMachine?.name));
  return { result, notes: commandLineNotes(parsed.line, result), defs, prog: parsed.prog };
}

export async function runResolve(opts: ResolveCliOptions, io: CliIo): Promise<number> {
  const r = await resolveCommandLine(opts, io);
  if ('exit' in r) return r.exit;
  if (opts.format === 'json') io.out(toJsonText(resolveJson(r.result, r.notes)));
  else renderText(r.result, r.notes, !!opts.all, io, r.prog, r.defs.types);
  return exitCodeOf(r.result);
}

/** The `--format json` document: every property of every object. */
export function resolveJson(r: ResolveResult, notes?: CommandLineNotes): unknown {
  return {
    machine: r.machine,
    model: r.model,
    ...(notes ? { commandLine: notes } : {}),
    objects: r.objects.map((o) => ({
      path: o.path,
      type: o.type,
      ...(o.transient ? { transient: true } : {}),
      properties: Object.fromEntries(o.properties.map((p) => [p.name, {
        value: p.value,
        source: p.source,
        ...(p.configured ? { configured: p.configured } : {}),
        ...(p.configuredOnly ? { configuredOnly: p.configuredOnly } : {}),
        ...(p.notShown ? { notShown: p.notShown } : {}),
        ...(p.instance ? { instance: true } : {}),
        ...(p.volatile ? { volatile: true } : {}),
      }])),
    })),
    warnings: r.warnings,
    error: r.error,
  };
}

function renderText(r: ResolveResult, notes: CommandLineNotes, all: boolean, io: CliIo, prog: string, types: TypeModel): void {
  const c = io.color;
  io.out(`${c.bold(r.machine)}  ${c.dim(`model ${r.model}`)}\n`);
  if (r.outcome === 'started') {
    for (const block of objectBlocks(r.objects, all, io)) io.out(block);
    renderNotes(notes, io);
  }
  renderMessages(r, io, prog, types);
}

/** What the answer leaves out or assumes, so that no option of the line goes unmentioned. */
export function renderNotes(notes: CommandLineNotes, io: CliIo): void {
  const c = io.color;
  const section = (title: string, items: string[]) => {
    if (items.length) io.out(`${c.yellow(title)}\n${items.map((i) => `    ${i}\n`).join('')}`);
  };
  section('not modelled (their effect on objects is not in this answer):', notes.notModelled);
  section('board:', notes.board ? [notes.board] : []);
  section('-machine properties accepted; their effect on the board is not modelled:', notes.machineProperties);
  section('assumed:', notes.assumptions);
  section('backends, assumed present on the host:', notes.backends);
  section('set no QOM property:', notes.noProperty);
}

/**
 * One block per object; consecutive transient objects whose lines are the
 * same (the NIC model probes) share one block so the tree stays readable.
 */
function objectBlocks(objects: readonly ResolvedObject[], all: boolean, io: CliIo): string[] {
  const c = io.color;
  const blocks: string[] = [];
  let pending: { types: string[]; body: string } | undefined;
  const flush = () => {
    if (!pending) return;
    const head = pending.types.length > 1 ? `${pending.types.join(', ')} (${pending.types.length} objects)` : pending.types[0]!;
    blocks.push(`${c.cyan('(transient)')}  ${head}\n${pending.body}`);
    pending = undefined;
  };
  for (const o of objects) {
    // Without --all: what the chain changed from the type default, and what the tool can only partly answer.
    const props = all ? o.properties : o.properties.filter(changedByChain);
    if (!all && props.length === 0) continue;
    const body = props.map((p) => `    ${propertyLine(p, c)}\n`).join('');
    if (o.transient && !all) {
      if (pending && pending.body === body) { pending.types.push(o.type); continue; }
      flush();
      pending = { types: [o.type], body };
      continue;
    }
    flush();
    blocks.push(`${c.cyan(objectLabel(o))}  ${o.type}\n${body}`);
  }
  flush();
  return blocks;
}

/** Whether compat, sugar, a -global or an option set the property (or the tool can only partly answer for it). */
function changedByChain(p: ResolvedProperty): boolean {
  if (p.configuredOnly) return true;
  const chain = p.configured?.source ?? p.source;
  // A value instance_init sets before compat is the object's default in all but name (tcg-accel's thread).
  if (chain.kind === 'instance-init' && !chain.afterCompat) return false;
  return chain.kind !== 'default' && chain.kind !== 'board';
}

/** `name = value  ← why`, with what the chain configured when QEMU shows something else. */
export function propertyLine(p: ResolvedProperty, c: CliIo['color']): string {
  let why = describeSource(p.source);
  if (p.configured) why += `; configured ${renderValue(p.configured.value)} ← ${describeSource(p.configured.source)}`;
  const line = `${p.name} = ${renderValue(p.value, p.volatile)}  ${c.dim('← ' + why)}`;
  if (p.configuredOnly) return `${line}\n      ${c.yellow('configured only:')} ${p.configuredOnly}`;
  return p.notShown ? `${line}\n      ${c.dim('not shown by QEMU:')} ${p.notShown}` : line;
}

/**
 * QEMU's warnings and refusal as QEMU prints them; a definition error is the
 * tool's own finding (QEMU would abort on the definitions), so it is the tool's.
 */
export function renderMessages(r: ResolveResult, io: CliIo, prog: string, types: TypeModel): void {
  for (const w of r.warnings) io.err(qemuWarningLine(prog, w, io));
  if (r.error) {
    if (r.outcome === 'definition-error') io.err(`qom-compat: ${io.color.red('definition error (QEMU would abort):')} ${r.error}\n`);
    else io.err(qemuErrorLine(prog, r.error, io));
  }
  for (const hint of nameHints([...r.warnings, ...(r.error ? [r.error] : [])], types)) io.err(`qom-compat: ${hint}\n`);
}

function objectLabel(o: ResolvedObject): string {
  if (o.path) return o.path;
  if (o.transient) return '(transient)';
  return o.origin === 'accel' ? '(accelerator)' : '(no path)';
}

export function renderValue(v: ShownValue | null, volatile = false): string {
  if (volatile) return '(computed when read: host clock)';
  if (v === null) return '(unknown)';
  return typeof v === 'string' ? JSON.stringify(v) : shownText(v);
}
