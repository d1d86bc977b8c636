/**
 * Runs every rule over definition sets and resolves findings to file, line
 * and column. Pure: file contents come in (check/discover.ts reads them).
 *
 * A set is the files of one directory. Each file is checked with the others
 * as context; a file missing or unparseable only switches off the rules that
 * need it (a broken types.json does not hide machines.json's chain errors).
 */
import { formatJsonPath } from '../load/json.js';
import { TypeModel } from '../model/types.js';
import { REQUIRED_FILES, type DefinitionFileName } from '../load/file-names.js';
import { compatEntryFindings } from './compat-rules.js';
import { archFindings, boardFindings, machineTypeFindings, type ArchClaim } from './cross-rules.js';
import { noopFindings, shadowFindings } from './list-rules.js';
import { MachineGraph } from './machine-graph.js';
import { machineFindings } from './machine-rules.js';
import { RULES, type Finding, type RawFinding } from './rules.js';
import type { JsonSchemas } from '../load/schema-files.js';
import { syntaxFindings } from './json-rules.js';
import { SourceFile } from './source.js';
import { stablePath } from './stable-path.js';
import { TypeIndex } from './type-index.js';
import { typeFindings } from './type-rules.js';
import { readAccelCompat, readArch, readBoards, readMachines, readTypes, type EntrySite } from './views.js';

export interface SourceInput {
  readonly path: string;
  /** How reports name the file. */
  readonly display: string;
  readonly text: string;
  /** From the file name; undefined to tell from the content. */
  readonly kind: DefinitionFileName | undefined;
  /** Report this file's findings (false: context only). */
  readonly reported: boolean;
}

export interface SetInput {
  readonly dir: string;
  readonly files: readonly SourceInput[];
  /** Type names of other architectures beside this one, for "not in x86_64 but in aarch64". */
  readonly otherArchTypes?: () => ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * A definition file of `kind` for `arch` to check against when the set has
   * none (the embedded definitions: a downstream machines.json alone is
   * checked against QEMU's type model). Context only, never reported.
   */
  readonly contextFor?: (arch: string | undefined, kind: DefinitionFileName) => SourceInput | undefined;
}

export interface CheckResult {
  readonly findings: Finding[];
  /** Files whose findings were reported. */
  readonly filesChecked: number;
  /** Their names, as findings name them. */
  readonly reportedFiles: string[];
  /** What the findings were checked against, when not the files given (borrowed context, rules that could not run). */
  readonly notes: string[];
}

export interface RunOptions {
  /**
   * JSON Schemas for the fast validity check; without them every file goes
   * through zod. Files they reject always do, for the detailed issues.
   */
  readonly jsonSchemas?: JsonSchemas;
}

export async function runCheck(sets: readonly SetInput[], opts: RunOptions = {}): Promise<CheckResult> {
  const files: SourceFile[] = [];
  const raw: RawFinding[] = [];
  const reported = new Set<number>();
  const notes: string[] = [];
  const load = (f: SourceInput): Loaded => {
    const file = SourceFile.load(files.length, f.path, f.display, f.text, f.kind);
    files.push(file);
    if (f.reported) reported.add(file.id);
    return { file, reported: f.reported };
  };
  for (const set of sets) {
    const loaded = set.files.map(load);
    const borrowed = borrowContext(loaded, set);
    pushAll(loaded, borrowed.inputs.map(load));
    notes.push(...borrowed.notes);
    pushAll(raw, await checkSet(loaded, set, opts));
  }
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const f of raw) {
    if (!reported.has(f.file)) continue;
    const key = `${f.file}\u0000${f.rule}\u0000${JSON.stringify(f.path)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(resolve(f, files[f.file]!));
  }
  const order = (f: Finding) => files.findIndex((x) => x.display === f.file);
  findings.sort((a, b) => order(a) - order(b) || a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  return { findings, filesChecked: reported.size, reportedFiles: [...reported].map((id) => files[id]!.display), notes };
}

/**
 * The kinds of file a set lacks, from the set's context provider, for the
 * architecture its files name; and notes on what was borrowed, or on the
 * rules that cannot run without a type model.
 */
function borrowContext(loaded: readonly Loaded[], set: SetInput): { inputs: SourceInput[]; notes: string[] } {
  const present = new Set(loaded.map((l) => l.file.kind));
  const missing = REQUIRED_FILES.filter((k) => !present.has(k));
  // Reported definition files that parsed: nothing to lend to without one.
  const parsed = loaded.filter((l) => l.reported && l.file.kind !== undefined && l.file.data !== undefined);
  if (missing.length === 0 || parsed.length === 0) return { inputs: [], notes: [] };
  const hasEntries = parsed.some((l) => l.file.kind === 'machines.json' || l.file.kind === 'accel-compat.json');
  const arch = loaded.map((l) => readArch(l.file.data)).find((a) => a !== undefined);
  const inputs = missing.flatMap((k) => set.contextFor?.(arch, k) ?? []);
  const notes: string[] = [];
  if (inputs.length) {
    const from = inputs[0]!.display.slice(0, -(inputs[0]!.kind!.length + 1));
    notes.push(`no ${inputs.map((i) => i.kind).join(', ')} in ${set.dir}: checked against ${inputs.length > 1 ? 'those' : 'the one'} in ${from}` +
      (arch === undefined ? ' (the files name no architecture)' : ''));
  }
  if (hasEntries && !present.has('types.json') && !inputs.some((i) => i.kind === 'types.json')) {
    notes.push(`no types.json for ${arch ?? 'an unnamed architecture'} in ${set.dir} or among the embedded definitions: ` +
      'compat entries were not checked against a type model');
  }
  return { inputs, notes };
}

function resolve(f: RawFinding, file: SourceFile): Finding {
  const pos = f.position ?? file.positionOf(f.path, f.atKey);
  const lineOf = (p: readonly (string | number)[]) => file.positionOf(p).line;
  return {
    rule: f.rule,
    severity: RULES[f.rule].severity,
    file: file.display,
    line: pos.line,
    column: pos.column,
    path: formatJsonPath(f.path),
    key: stablePath(file.data, f.path),
    message: typeof f.message === 'string' ? f.message : f.message(lineOf),
    ...(f.hint ? { hint: f.hint } : {}),
  };
}

interface Loaded { readonly file: SourceFile; readonly reported: boolean }

/** One file's schema-checked views, computed once however many combinations use it. */
class Prepared {
  private cache = new Map<string, unknown>();

  private constructor(readonly file: SourceFile, readonly findings: RawFinding[], private readonly malformed: ReadonlySet<number>) {}

  static async prepare(file: SourceFile, reported: boolean, opts: RunOptions): Promise<Prepared> {
    // A context file's own findings are not reported: skip the duplicate-key scan.
    const findings = reported ? syntaxFindings(file) : [];
    let malformed: ReadonlySet<number> = new Set();
    if (file.data !== undefined && file.kind === undefined) {
      findings.push({
        rule: 'schema', file: file.id, path: [],
        message: 'not a definition file: expected machines.json, types.json, boards.json or accel-compat.json ' +
          '(top-level key "machines", "types", "layouts" or "accelerators")',
      });
    } else if (file.data !== undefined && file.kind !== undefined) {
      const valid = opts.jsonSchemas?.get(file.kind);
      if (!valid || !valid(file.data)) {
        const { schemaFindings } = await import('./schema-rules.js');
        const result = schemaFindings(file);
        pushAll(findings, result.findings);
        malformed = new Set(result.malformed.map((p) => p[1] as number));
      }
    }
    return new Prepared(file, findings, malformed);
  }

  private memo<T>(key: string, make: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, make());
    return this.cache.get(key) as T;
  }

  machines = () => this.memo('machines', () => {
    const view = readMachines(this.file.data);
    return view && new MachineGraph(view);
  });

  types = () => this.memo('types', () => {
    const view = readTypes(this.file.data, this.malformed);
    if (!view) return undefined;
    const model = new TypeModel(view.types.map((t) => t.def));
    return { view, model, index: new TypeIndex(model, view.arch) };
  });

  boards = () => this.memo('boards', () => readBoards(this.file.data));
  accel = () => this.memo('accel', () => readAccelCompat(this.file.data));

  /** The `arch` as written, even empty (an arch claim for arch-mismatch; readArch ignores an empty one). */
  arch(): string | undefined {
    const d = this.file.data;
    if (typeof d !== 'object' || d === null || !Object.hasOwn(d, 'arch')) return undefined;
    const a = (d as { arch?: unknown }).arch;
    return typeof a === 'string' ? a : undefined;
  }
}

async function checkSet(loaded: readonly Loaded[], set: SetInput, opts: RunOptions): Promise<RawFinding[]> {
  const prepared: Array<Loaded & { p: Prepared }> = [];
  for (const l of loaded) prepared.push({ ...l, p: await Prepared.prepare(l.file, l.reported, opts) });
  const out: RawFinding[] = prepared.flatMap((x) => x.p.findings);
  for (const combo of combinations(prepared)) pushAll(out, checkCombination(combo, set));
  return out;
}

type Combo = Map<DefinitionFileName, Prepared>;

/**
 * Which file of each kind serves as context. Normally one per kind; when
 * several files of one kind are reported (two machines files in one
 * directory), each is checked against the same other files.
 */
function combinations(prepared: ReadonlyArray<Loaded & { p: Prepared }>): Combo[] {
  const base: Combo = new Map();
  const extra: Array<Prepared> = [];
  // Reported files take precedence over context files of the same kind.
  for (const x of [...prepared].sort((a, b) => Number(b.reported) - Number(a.reported))) {
    const kind = x.file.kind;
    if (!kind) continue;
    if (!base.has(kind)) base.set(kind, x.p);
    else if (x.reported) extra.push(x.p);
  }
  return [base, ...extra.map((p) => new Map(base).set(p.file.kind!, p))];
}

function checkCombination(combo: Combo, set: SetInput): RawFinding[] {
  const machines = combo.get('machines.json');
  const types = combo.get('types.json');
  const boards = combo.get('boards.json');
  const accel = combo.get('accel-compat.json');
  const graph = machines?.machines();
  const typed = types?.types();
  const out: RawFinding[] = [];

  const claims: ArchClaim[] = [machines, types, boards].flatMap((p) => {
    const arch = p?.arch();
    return p && arch !== undefined ? [{ file: p.file.id, name: basename(p.file.display), arch }] : [];
  });
  pushAll(out, archFindings(claims));

  if (typed) pushAll(out, typeFindings(typed.view, typed.model, types!.file.id));
  const arch = typed?.view.arch ?? graph?.view.arch ?? basename(set.dir);
  const index = typed && (typed.index.arch ? typed.index : new TypeIndex(typed.model, arch));
  const otherArchTypes = set.otherArchTypes ?? (() => new Map());

  if (graph && machines) {
    const file = machines.file.id;
    pushAll(out, machineFindings(graph, file));
    const ownLists = graph.view.machines.filter((m) => m.name !== undefined && graph.byName.get(m.name) === m)
      .map((m) => ({ owner: m.name!, entries: graph.own(m) }));
    pushAll(out, shadowFindings(ownLists, file, (s) => graph.describeSite(s)));
    if (index) {
      const sites = entrySites(graph);
      pushAll(out, compatEntryFindings(sites, { index, file, describeSite: (s) => graph.describeSite(s), otherArchTypes }));
      pushAll(out, noopFindings(sites, graph, index, file));
      pushAll(out, machineTypeFindings(graph, index.model, file));
    }
  }
  const accelLists = accel?.accel();
  if (accel && accelLists) {
    const file = accel.file.id;
    const describe = (s: EntrySite) => `in the compat list of accelerator ${accelLists.find((a) => a.entries.includes(s))?.name ?? '?'}`;
    pushAll(out, shadowFindings(accelLists.map((a) => ({ owner: `accelerator ${a.name}`, entries: a.entries })), file, describe));
    if (index) pushAll(out, compatEntryFindings(accelLists.flatMap((a) => a.entries), { index, file, describeSite: describe, otherArchTypes }));
  }
  const layouts = boards?.boards();
  if (boards && layouts) pushAll(out, boardFindings(layouts, boards.file.id, graph, machines?.file.id ?? -1, typed?.model));
  return out;
}

/** Every entry once, where it is written: group entries, then machines' inline entries. */
function entrySites(graph: MachineGraph): EntrySite[] {
  const sites: EntrySite[] = graph.view.groups.flatMap((g) => g.entries);
  for (const m of graph.view.machines) for (const item of m.compat) if (item.kind === 'entry') sites.push(item.entry);
  return sites;
}

const basename = (p: string) => p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);

/**
 * Appends one by one: `push(...items)` passes every item as an argument, and a
 * hostile file's 150 000 findings overflow the stack.
 */
function pushAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}
