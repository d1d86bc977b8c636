/**
 * `qom-compat abi-check --from DIR [--to DIR] [QEMU line]`: for every machine
 * type two imports both know, what the guest would see differently on the new
 * binary. Findings are grouped by what changed, with the machine types
 * (and configurations) where it happens. Exit 1 when there is any.
 */
import type { CliIo, OutputFormat } from '../cli/io.js';
import { abiCheck, findingCount, type AbiConfig, type AbiReport } from '../compare/abi-check.js';
import type { PropertyDiff } from '../compare/vm-diff.js';
import { EXIT } from '../errors.js';
import type { Definitions } from '../load/build.js';
import { loadDefinitionsFromDisk } from '../load/fs.js';
import type { QemuCommandLine } from '../parse/command-line.js';
import type { OptionTable } from '../parse/option-table.js';
import { definitionsModel } from '../resolve/compat-model.js';
import type { CompatModelName } from '../resolve/result.js';
import { shownText } from '../resolve/shown.js';
import { findMachine, toJsonText } from './common.js';
import { readQemuLine, reportRefusedLine, toRequest } from './qemu-line.js';

export interface AbiCliOptions {
  from: string;
  to?: string;
  machine: string[];
  arch?: string;
  model?: CompatModelName;
  format: OutputFormat | 'markdown';
  qemu: string[];
  table: OptionTable;
  argsFile?: string;
}

export async function runAbiCheck(opts: AbiCliOptions, io: CliIo): Promise<number> {
  const from = await loadDefinitionsFromDisk({ dir: opts.from });
  const to = await loadDefinitionsFromDisk(opts.to ? { dir: opts.to } : { arch: opts.arch ?? from.arch });
  const selection = lineSelection(opts, to, io);
  if ('exit' in selection) return selection.exit;
  const { line, wanted, config } = selection;
  const configs: AbiConfig[] = opts.qemu.length === 0 && opts.argsFile === undefined
    ? [{ label: '', request: { nodefaults: false } }, { label: '-nodefaults', request: { nodefaults: true } }]
    : [config];
  const report = abiCheck(
    { defs: from, model: opts.model ?? definitionsModel(from.types) },
    { defs: to, model: opts.model ?? definitionsModel(to.types) },
    wanted.length ? wanted : undefined,
    configs,
  );
  const notes = caveats(from, to, line.options.some((o) => o.kind === 'device' || o.kind === 'object'));
  if (opts.format === 'json') io.out(toJsonText({ from: side(opts.from, from), to: side(opts.to ?? 'embedded', to), notes, ...report }));
  else io.out(renderGrouped(report, from, to, notes, opts.format === 'markdown'));
  return report.findings.some((f) => findingCount(f) > 0) ? EXIT.refused : EXIT.ok;
}

/**
 * The QEMU command line of abi-check and rfc-impact: the configuration it
 * describes (without its machine, which each side supplies) and the machine
 * types it and --machine select; or QEMU's refusal of the line.
 */
export function lineSelection(
  opts: { qemu: string[]; argsFile?: string; table: OptionTable; machine: string[] }, defs: Definitions, io: CliIo,
): { line: QemuCommandLine; wanted: string[]; config: AbiConfig } | { exit: number } {
  const parsed = readQemuLine(opts.qemu, opts.argsFile, opts.table);
  if (!parsed.ok) return { exit: reportRefusedLine(parsed.error, false, io, parsed.prog) };
  const line = parsed.line;
  const wanted = [...opts.machine, ...(line.machine !== undefined ? [line.machine] : [])].map((n) => findMachine(defs, n).name);
  const { machine: _m, model: _model, ...request } = toRequest(line, undefined, undefined);
  const label = opts.qemu.filter((w, i, all) => !(w === '-M' || all[i - 1] === '-M')).join(' ');
  return { line, wanted, config: { label, request } };
}

const side = (label: string, d: Definitions) => ({ defs: label, qemuVersion: d.qemuVersion, compatLists: d.machines.compatListsKnown });

/** What the answer cannot see, said once. */
function caveats(from: Definitions, to: Definitions, addsObjects: boolean): string[] {
  const out: string[] = [];
  for (const d of [from, to]) {
    if (d.machines.compatListsKnown) continue;
    out.push(`QEMU ${d.qemuVersion ?? '?'} reports no compat lists (before 9.1): its side shows what each machine type's board showed at import` +
      (addsObjects ? '; devices and objects the command line adds get that binary\'s type defaults, not what the machine type would give them' : ''));
  }
  return out;
}

const NEW_PINNED = "new, set by the machine type's compat entry (keeps the old behaviour by design)";
const UNKNOWN = 'not comparable: one side\'s value is unknown';

/** One line per distinct finding, with the machine types (and configurations) where it occurs. */
export interface Group { kind: string; what: string; where: string[]; paths: Set<string>; type?: string; reason?: string }

/** `reason` annotates a group with why it differs (rfc-impact names the RFC patch). */
export function groups(report: AbiReport, fromName: string, toName: string, reason?: (g: Omit<Group, 'reason'>, type: string | undefined) => string | undefined): Group[] {
  const byKey = new Map<string, Group>();
  // One line per kind, property and values, whichever objects of the type show it: the objects are counted.
  const add = (kind: string, what: string, where: string, path?: string | null, type?: string) => {
    const key = `${kind}\0${what}`;
    let g = byKey.get(key);
    if (!g) byKey.set(key, (g = { kind, what, where: [], paths: new Set(), ...(type ? { type } : {}) }));
    if (g.where[g.where.length - 1] !== where) g.where.push(where);
    g.paths.add(path ?? '(outside the tree)');
  };
  const value = (p: PropertyDiff['from']) => (p === undefined ? '' : p.value === null ? 'unknown' : shownText(p.value));
  const change = (p: PropertyDiff) => listChange(p) ?? `${value(p.from)} → ${value(p.to)}`;
  // The configuration is named only where several were compared (with and without -nodefaults).
  const several = new Set(report.findings.map((f) => f.config)).size > 1;
  for (const f of report.findings) {
    const where = several && f.config ? `${f.machine} ${f.config}` : f.machine;
    if (f.outcome.from !== f.outcome.to || f.outcome.fromError !== f.outcome.toError) {
      add('outcome', `${f.outcome.from}${f.outcome.fromError ? ` (${f.outcome.fromError})` : ''} → ${f.outcome.to}${f.outcome.toError ? ` (${f.outcome.toError})` : ''}`, where);
    }
    for (const p of f.changed) {
      const kind = p.from!.value === null || p.to!.value === null ? UNKNOWN : 'changed';
      add(kind, `${p.type}.${p.property}: ${change(p)}`, where, p.path, p.type);
    }
    for (const p of f.added) {
      // A property the new binary added, whose value this machine type's compat entry sets, keeps the old behaviour by design.
      const kind = p.to!.source.kind === 'machine-compat' ? NEW_PINNED : 'new';
      add(kind, `${p.type}.${p.property} = ${value(p.to)}`, where, p.path, p.type);
    }
    for (const p of f.gone) add('gone', `${p.type}.${p.property}, was ${value(p.from)}`, where, p.path, p.type);
    for (const o of f.objectsAdded) add('object added', `${o.path ?? '(outside the tree)'} ${o.type}`, where, o.path, o.type);
    for (const o of f.objectsRemoved) add('object removed', `${o.path ?? '(outside the tree)'} ${o.type}`, where, o.path, o.type);
    for (const w of f.warnings.from) add(`warning only under ${fromName}`, w, where);
    for (const w of f.warnings.to) add(`warning only under ${toName}`, w, where);
    for (const o of f.objectsMoved) add('moved in the QOM tree (not guest-visible by itself)', `${o.type}: ${o.fromPath} → ${o.path}`, where);
    for (const p of f.links) add('links renamed (QOM wiring names, not guest-visible by themselves)', `${p.type}.${p.property.replace(/\[\d+\]$/, '[*]')}`, where);
  }
  if (reason) for (const g of byKey.values()) { const r = reason(g, g.type); if (r) g.reason = r; }
  const order = ['outcome', `warning only under ${fromName}`, `warning only under ${toName}`, 'object removed', 'object added', 'gone', 'changed', 'new', NEW_PINNED, UNKNOWN, 'moved in the QOM tree (not guest-visible by itself)', 'links renamed (QOM wiring names, not guest-visible by themselves)'];
  return [...byKey.values()].sort((x, y) => order.indexOf(x.kind) - order.indexOf(y.kind) || (x.what < y.what ? -1 : x.what > y.what ? 1 : 0));
}

function renderGrouped(report: AbiReport, from: Definitions, to: Definitions, notes: string[], markdown: boolean): string {
  const title = `QEMU ${from.qemuVersion ?? '?'} → QEMU ${to.qemuVersion ?? '?'}: ${report.machines.length} machine types compared`;
  const head: string[] = [];
  if (report.onlyFrom.length) head.push(`only in ${from.qemuVersion}: ${report.onlyFrom.join(', ')}`);
  if (report.onlyTo.length) head.push(`only in ${to.qemuVersion}: ${report.onlyTo.join(', ')}`);
  return renderReport(report, title, head, notes, markdown, groups(report, `QEMU ${from.qemuVersion}`, `QEMU ${to.qemuVersion}`), { from: `QEMU ${from.qemuVersion}`, to: `QEMU ${to.qemuVersion}` });
}

/** The grouped report as text or markdown (shared with rfc-impact). */
export function renderReport(report: AbiReport, title: string, head: readonly string[], notes: readonly string[], markdown: boolean, gs: readonly Group[], names: { from: string; to: string }): string {
  const lines: string[] = [markdown ? `### ${title}` : title, ...head];
  for (const n of notes) lines.push(`note: ${n}`);
  for (const side of ['from', 'to'] as const) {
    const missing = report.noBoard.filter((b) => b.missingIn === side).map((b) => b.machine);
    if (missing.length) lines.push(`not compared, no board layout in ${names[side]}'s import (a partial import): ${missing.join(', ')}`);
  }
  if (gs.length === 0) {
    lines.push('no differences');
    return lines.join('\n') + '\n';
  }
  let kind = '';
  for (const g of gs) {
    if (g.kind !== kind) {
      kind = g.kind;
      lines.push(markdown ? `\n#### ${kind}` : `\n${kind}:`);
    }
    const objects = g.paths.size > 1 ? ` (${g.paths.size} objects)` : '';
    lines.push(`${markdown ? '- ' : '  '}${markdown ? '`' : ''}${g.what}${markdown ? '`' : ''}${objects}  [${summarizeWhere(g.where, report)}]`);
    if (g.reason) lines.push(`${markdown ? '  ' : '      '}why: ${g.reason}`);
  }
  const total = report.findings.reduce((n, f) => n + findingCount(f), 0);
  lines.push(`\n${gs.length} distinct differences, ${total} in all`);
  return lines.join('\n') + '\n';
}

/** "every machine type" when it is everywhere, else the list. */
function summarizeWhere(where: readonly string[], report: AbiReport): string {
  if (where.length === report.findings.length) return 'every machine type';
  return where.length > 8 ? `${where.slice(0, 8).join(', ')} and ${where.length - 8} more` : where.join(', ');
}

/**
 * A list that changed (a CPU's feature-words) is shown by its elements: those
 * only the old value has and those only the new one has.
 */
function listChange(p: PropertyDiff): string | undefined {
  const a = p.from?.value;
  const b = p.to?.value;
  if (!Array.isArray(a) || !Array.isArray(b)) return undefined;
  const text = (x: unknown) => JSON.stringify(x);
  const before = new Set(a.map(text));
  const after = new Set(b.map(text));
  const removed = [...before].filter((x) => !after.has(x));
  const added = [...after].filter((x) => !before.has(x));
  return `elements only before: ${removed.join(', ') || 'none'}; only after: ${added.join(', ') || 'none'}`;
}
