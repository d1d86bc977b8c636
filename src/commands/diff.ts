/**
 * `qom-compat diff FROM TO [QEMU command line]`: what changes for this VM if
 * it moves from one machine type to another. The command line is resolved
 * under each (its own -M type, if any, is replaced); every property of every
 * object whose value differs is listed with both values and where each came from.
 */
import type { CliIo, OutputFormat } from '../cli/io.js';
import { diffResults, hasDifferences, type DiffSide, type PropertyDiff, type VmDiff } from '../compare/vm-diff.js';
import { EXIT } from '../errors.js';
import type { OptionTable } from '../parse/option-table.js';
import { definitionsModel } from '../resolve/compat-model.js';
import { resolve } from '../resolve/resolve.js';
import type { CompatModelName } from '../resolve/result.js';
import { shownText } from '../resolve/shown.js';
import { findMachine, loadFromOptions, toJsonText, type DefinitionOptions } from './common.js';
import { describeSource } from './describe-source.js';
import { commandLineNotes, readQemuLine, reportRefusedLine, toRequest } from './qemu-line.js';
import { renderNotes } from './resolve.js';

export interface DiffCliOptions extends DefinitionOptions {
  qemu: string[];
  table: OptionTable;
  argsFile?: string;
  model?: CompatModelName;
  format: OutputFormat;
  exitCode?: boolean;
}

export async function runDiff(fromName: string, toName: string, opts: DiffCliOptions, io: CliIo): Promise<number> {
  const parsed = readQemuLine(opts.qemu, opts.argsFile, opts.table);
  if (!parsed.ok) return reportRefusedLine(parsed.error, opts.format === 'json', io, parsed.prog);
  const defs = await loadFromOptions(opts);
  const from = findMachine(defs, fromName).name;
  const to = findMachine(defs, toName).name;
  const model = opts.model ?? definitionsModel(defs.types);
  const request = toRequest(parsed.line, model, from);
  const a = resolve(defs, { ...request, machine: from });
  const b = resolve(defs, { ...request, machine: to });
  const diff = diffResults(a, b);
  const notes = commandLineNotes(parsed.line, a);
  const replaced = parsed.line.machine !== undefined ? parsed.line.machine : undefined;
  if (opts.format === 'json') {
    io.out(toJsonText({ from: diff.from, to: diff.to, model, ...(replaced ? { replacedMachine: replaced } : {}), commandLine: notes, objects: diff.objects, properties: diff.properties.map(jsonProperty), warnings: diff.warnings }));
  } else {
    renderText(diff, model, replaced, io);
    renderNotes(notes, io);
  }
  return opts.exitCode && hasDifferences(diff) ? EXIT.refused : EXIT.ok;
}

function jsonProperty(p: PropertyDiff) {
  const s = (d: DiffSide | undefined) => d && { value: d.value, source: d.source, ...(d.configured ? { configured: d.configured } : {}), ...(d.configuredOnly ? { configuredOnly: d.configuredOnly } : {}), trace: d.trace };
  return { path: p.path, type: p.type, property: p.property, from: s(p.from) ?? null, to: s(p.to) ?? null };
}

function renderText(d: VmDiff, model: CompatModelName, replaced: string | undefined, io: CliIo): void {
  const c = io.color;
  io.out(`${c.bold(d.from.machine)} → ${c.bold(d.to.machine)}  ${c.dim(`model ${model}`)}\n`);
  if (replaced) io.out(c.dim(`(the command line's machine type ${replaced} is replaced by each)\n`));
  for (const e of [d.from, d.to]) {
    if (e.outcome !== 'started') io.out(`${c.red(`QEMU refuses under ${e.machine}:`)} ${e.error ?? e.outcome}\n`);
  }
  let last = '';
  for (const p of d.properties) {
    const head = `${p.path ?? '(outside the tree)'}  ${p.type}`;
    if (head !== last) { io.out(`${c.cyan(p.path ?? '(outside the tree)')}  ${p.type}\n`); last = head; }
    io.out(`    ${p.property}: ${valueText(p.from)} → ${valueText(p.to)}\n`);
    io.out(c.dim(`        ${sourceText(p.from)}  →  ${sourceText(p.to)}\n`));
  }
  for (const o of d.objects) {
    if (o.in === 'moved') io.out(`${c.yellow('moved in the QOM tree:')} ${o.type}  ${o.fromPath} → ${o.path}\n`);
    else io.out(`${c.yellow(`only under ${o.in === 'from' ? d.from.machine : d.to.machine}:`)} ${o.path ?? '(outside the tree)'}  ${o.type}\n`);
  }
  for (const w of d.warnings.from) io.out(`${c.yellow(`warning only under ${d.from.machine}:`)} ${w}\n`);
  for (const w of d.warnings.to) io.out(`${c.yellow(`warning only under ${d.to.machine}:`)} ${w}\n`);
  const n = d.properties.length + d.objects.length + d.warnings.from.length + d.warnings.to.length;
  const outcomes = d.from.outcome !== d.to.outcome || d.from.error !== d.to.error;
  io.out(n === 0 && !outcomes ? 'no differences\n' : `${n} difference${n === 1 ? '' : 's'}${outcomes ? ', and the outcome' : ''}\n`);
}

function valueText(s: DiffSide | undefined): string {
  if (!s) return '(no such property)';
  const v = s.value === null ? 'unknown' : shownText(s.value);
  return s.configuredOnly ? `${v} (configured only)` : v;
}

function sourceText(s: DiffSide | undefined): string {
  if (!s) return '-';
  const src = describeSource(s.source);
  return s.configured ? `${src}; configured ${s.configured.value === null ? 'unknown' : shownText(s.configured.value)} by ${describeSource(s.configured.source)}` : src;
}
