/**
 * `qom-compat compare`: machine types side by side, the table of QEMU's
 * scripts/compare-machine-types.py computed from the definitions, offline.
 * `--raw --format csv` keeps the peer's CSV layout so its scripts keep working.
 */
import type { CliIo } from '../cli/io.js';
import { buildCompatTable, globMatcher, normalised, type CompareCell, type CompareSet, type CompatTable } from '../compare/compat-table.js';
import { peerNormalise } from '../compare/peer.js';
import { EXIT, UnknownNameError, UsageError } from '../errors.js';
import { closestMatches } from '../util/suggest.js';
import { loadDefinitionsFromDisk } from '../load/fs.js';
import { findMachine } from '../model/find.js';
import { compatModel, definitionsModel } from '../resolve/compat-model.js';
import type { CompatModelName } from '../resolve/result.js';
import { toJsonText } from './common.js';

export type CompareFormat = 'table' | 'csv' | 'json' | 'markdown';

export interface CompareCommandOptions {
  all?: boolean;
  raw?: boolean;
  explain?: boolean;
  driver?: string;
  format: CompareFormat;
  defs: string[];
  arch?: string;
  model?: CompatModelName;
}

export async function runCompare(machines: string[], opts: CompareCommandOptions, io: CliIo): Promise<number> {
  if (!opts.all && machines.length === 0) throw new UsageError('compare: name machines to compare, or --all');
  if (opts.all && machines.length > 0) throw new UsageError('compare: --all and machine names exclude each other');
  const sets = await loadSets(opts);
  // Names as users write them (q35-9.1, q35), checked against the first set; each set shows those it has.
  const wanted = opts.all ? undefined : machines.map((n) => findMachine(sets[0]!.defs.machines, n).name);
  if (opts.driver) checkDriverGlob(opts.driver, sets);
  const table = buildCompatTable(sets, { raw: !!opts.raw, ...(wanted ? { machines: wanted } : {}), ...(opts.driver ? { driverGlob: opts.driver } : {}) });
  io.out(render(table, sets, opts, io));
  return EXIT.ok;
}

/**
 * A --driver that names no type of any set is a typo (exit 2, with the close
 * names), not an empty table; one that names types whose rows all agree is.
 */
function checkDriverGlob(glob: string, sets: readonly CompareSet[]): void {
  const match = globMatcher(glob);
  const names = new Set(sets.flatMap((s) => [...s.defs.types.names()]));
  for (const name of names) if (match(name)) return;
  throw new UnknownNameError('driver', glob, closestMatches(glob, names));
}

async function loadSets(opts: CompareCommandOptions): Promise<CompareSet[]> {
  const dirs = opts.defs.length ? opts.defs : [undefined];
  return Promise.all(dirs.map(async (dir) => {
    const defs = await loadDefinitionsFromDisk(dir ? { dir } : { arch: opts.arch ?? 'x86_64' });
    const label = dir ?? `qemu-system-${defs.arch} ${defs.qemuVersion ?? ''}`.trim();
    return { label, defs, model: compatModel(opts.model ?? definitionsModel(defs.types), defs.types) };
  }));
}

function render(table: CompatTable, sets: readonly CompareSet[], opts: CompareCommandOptions, io: CliIo): string {
  switch (opts.format) {
    case 'csv': return renderCsv(table, !!opts.raw);
    case 'json': return toJsonText(jsonView(table, sets));
    case 'markdown': return renderMarkdown(table, sets, opts);
    default: return renderText(table, sets, opts, io);
  }
}

/** The peer's CSV (pandas to_csv): an index column, Driver, Property, then one "BINARY\nMACHINE" column each. */
function renderCsv(table: CompatTable, raw: boolean): string {
  const lines = [['', 'Driver', 'Property', ...table.columns.map((c) => `${c.set}\n${c.machine}`)].map(csvField).join(',')];
  for (const row of table.rows) {
    const cells = row.cells.map((c) => (raw ? c.value : peerText(c.value)));
    lines.push([String(row.index), row.driver, row.property, ...cells].map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}

/** Python's csv QUOTE_MINIMAL, as pandas writes it. */
function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A normalised cell as the peer prints it: booleans as Python's True/False. */
function peerText(value: string): string {
  const v = peerNormalise(value);
  return typeof v === 'boolean' ? (v ? 'True' : 'False') : v;
}

/** A normalised cell for people: on/off, integers as written. */
function humanText(value: string, raw: boolean): string {
  if (raw) return value;
  const v = peerNormalise(value);
  return typeof v === 'boolean' ? (v ? 'on' : 'off') : v;
}

function cellText(c: CompareCell, opts: CompareCommandOptions): string {
  const value = humanText(c.value, !!opts.raw);
  if (!opts.explain) return value;
  return `${value} ${explainCell(c)}`;
}

/** Which version's entry set the cell, or why it has its value. */
export function explainCell(c: CompareCell): string {
  const from = c.entry ? `${c.entry.addedBy}${c.entry.group ? `/${c.entry.group}` : ''}` : '';
  switch (c.kind) {
    case 'compat': return `(${from})`;
    case 'default': return '(default)';
    case 'not-applied': return `(default; ${from}'s entry is not applied to this type)`;
    case 'reset': return `(${from} sets ${c.entry!.value}; instance_init resets it)`;
    case 'optional-skipped': return `(${from}'s optional entry skipped)`;
    case 'unknown-driver': return c.entry ? `(${from}; no such type in this binary)` : '';
    default: return '';
  }
}

function columnTitle(table: CompatTable, i: number, multi: boolean): string {
  const c = table.columns[i]!;
  return multi ? `${c.set}: ${c.machine}` : c.machine;
}

function renderMarkdown(table: CompatTable, sets: readonly CompareSet[], opts: CompareCommandOptions): string {
  if (table.rows.length === 0) return noRows(table, opts);
  const multi = sets.length > 1;
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const head = ['Driver', 'Property', ...table.columns.map((_, i) => columnTitle(table, i, multi))];
  const lines = [`| ${head.map(esc).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const row of table.rows) {
    lines.push(`| ${[row.driver, row.property, ...row.cells.map((c) => cellText(c, opts))].map((s) => esc(s)).join(' | ')} |`);
  }
  return lines.join('\n') + '\n' + differenceNote(table);
}

function renderText(table: CompatTable, sets: readonly CompareSet[], opts: CompareCommandOptions, io: CliIo): string {
  if (table.rows.length === 0) return noRows(table, opts);
  const c = io.color;
  const multi = sets.length > 1;
  const head = ['DRIVER', 'PROPERTY', ...table.columns.map((_, i) => columnTitle(table, i, multi))];
  const body = table.rows.map((row) => [row.driver, row.property, ...row.cells.map((cell) => cellText(cell, opts))]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[], paint: (s: string, i: number) => string) =>
    cells.map((s, i) => paint(s.padEnd(widths[i]!), i)).join('  ').trimEnd() + '\n';
  let out = line(head, (s) => c.bold(s));
  table.rows.forEach((row, r) => {
    out += line(body[r]!, (s, i) => {
      const cell = row.cells[i - 2];
      if (!cell) return s;
      return cell.kind === 'compat' ? c.yellow(s) : cell.peer ? c.cyan(s) : cell.kind === 'default' ? s : c.dim(s);
    });
  });
  return out + differenceNote(table);
}

function noRows(table: CompatTable, opts: CompareCommandOptions): string {
  if (table.columns.length === 0) return 'no machines to compare\n';
  return opts.raw ? 'no compat properties\n' : 'no differences\n';
}

/** Cells where compare-machine-types.py would show something else: counted by reason. */
function differenceNote(table: CompatTable): string {
  const counts = new Map<string, number>();
  for (const row of table.rows) for (const cell of row.cells) if (cell.peer) counts.set(cell.peer.reason, (counts.get(cell.peer.reason) ?? 0) + 1);
  if (counts.size === 0) return '';
  const parts = [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([r, n]) => `${n} ${r}`);
  return `\ncells where compare-machine-types.py shows otherwise: ${parts.join(', ')} (--format json gives each; README: "compare")\n`;
}

function jsonView(table: CompatTable, sets: readonly CompareSet[]) {
  return {
    sets: sets.map((s) => ({ label: s.label, qemuVersion: s.defs.qemuVersion, model: s.model.name })),
    columns: table.columns,
    rows: table.rows.map((row) => ({
      driver: row.driver,
      property: row.property,
      index: row.index,
      cells: row.cells.map((c) => ({
        value: c.value,
        normalised: normalised(c.value),
        kind: c.kind,
        ...(c.entry ? { entry: { machine: c.entry.addedBy, ...(c.entry.group ? { group: c.entry.group } : {}), driver: c.entry.driver, value: c.entry.value, ...(c.entry.optional ? { optional: true } : {}) } } : {}),
        ...(c.peer ? { peer: c.peer } : {}),
      })),
    })),
  };
}
