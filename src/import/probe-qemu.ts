/**
 * Shared machinery for the behavioural probes: the QOM type catalogue of a
 * binary, `-global` argument spelling, one-shot start-up runs that either
 * die on a global or reach QMP, composition-tree walks, and a small
 * concurrency pool. Nothing here knows about particular boards or devices.
 */
import { QemuProbeError } from '../errors.js';
import type { ExactJson } from '../qemu/json-exact.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { QemuExitedError, QmpError, QmpSession, runQemu, track, type QemuRunResult } from '../qemu/qmp.js';
import type { ProbeContext } from './probes.js';
import { compareNames } from '../util/names.js';

/** A property name no QOM type has: a `-global` on it fails on the first object its driver reaches. */
export const PROBE_PROPERTY = 'x-qom-compat-probe';

/**
 * `realized=off` on an object that is not realized yet is a no-op
 * (device_set_realized only acts on a change), so a global carrying it marks
 * its driver "used" and keeps it on the command line without changing what
 * QEMU builds. Keeping every probed driver on the command line matters: a
 * `-global` on a default-device driver (VGA, isa-serial, ...) switches that
 * default off, so removing it between runs would change the layout measured.
 */
export const HARMLESS_PROPERTY = 'realized';
export const HARMLESS_VALUE = 'off';

type Obj = { [k: string]: ExactJson };

/** The long `-global` form: a short `cfi.pflash01.p=v` would split at the first dot. */
export function globalArg(driver: string, property: string, value: string): string[] {
  return ['-global', `driver=${driver},property=${property},value=${value}`];
}

export interface TypeCatalogue {
  parent: ReadonlyMap<string, string | null>;
  abstract: ReadonlySet<string>;
  /** Every type that is, inherits from, or implements `device`. */
  devices: ReadonlySet<string>;
}

const catalogues = new Map<string, Promise<TypeCatalogue>>();

/** The binary's types, learned once per binary from a `-M none` session (qom-list-types loads all modules). */
export function typeCatalogue(ctx: LaunchContext): Promise<TypeCatalogue> {
  const binary = ctx.binary;
  let c = catalogues.get(binary);
  if (!c) {
    c = withSession(ctx, ['-M', 'none', '-nodefaults'], async (qmp) => {
      const all = (await qmp.execute('qom-list-types', { abstract: true })) as Obj[];
      const devices = (await qmp.execute('qom-list-types', { abstract: true, implements: 'device' })) as Obj[];
      return {
        parent: new Map(all.map((t) => [t.name as string, (t.parent as string | undefined) ?? null])),
        abstract: new Set(all.filter((t) => t.abstract === true).map((t) => t.name as string)),
        devices: new Set(devices.map((t) => t.name as string)),
      };
    });
    catalogues.set(binary, c);
    c.catch(() => catalogues.delete(binary));
  }
  return c;
}

/** `type` and its parents, nearest first (interfaces are not included: qom-list-types does not report them). */
export function ancestry(cat: TypeCatalogue, type: string): string[] {
  const chain: string[] = [];
  for (let t: string | null | undefined = type; t; t = cat.parent.get(t)) chain.push(t);
  return chain;
}

export function isA(cat: TypeCatalogue, type: string, ancestor: string): boolean {
  return ancestry(cat, type).includes(ancestor);
}

/** Concrete device types, sorted so every command line built from them is deterministic. */
export function concreteDevices(cat: TypeCatalogue): string[] {
  return [...cat.devices].filter((t) => !cat.abstract.has(t)).sort();
}

/**
 * At most ctx.concurrency (default 2) QEMU processes per binary at once,
 * whichever probe starts them: a slot is held from spawn until exit.
 */
class Slots {
  private free: number;
  private waiting: Array<() => void> = [];
  constructor(limit: number) { this.free = Math.max(1, limit); }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); else this.free++;
    }
  }
}
const slotsByKey = new Map<string, Slots>();

function slots(ctx: LaunchContext): Slots {
  const key = `${ctx.binary}\u0000${ctx.concurrency ?? 2}`;
  let s = slotsByKey.get(key);
  if (!s) { s = new Slots(ctx.concurrency ?? 2); slotsByKey.set(key, s); }
  return s;
}

export type LaunchContext = Pick<ProbeContext, 'binary' | 'concurrency'>;

/**
 * Starts QEMU (BASE_ARGS + args) in a slot. If it reaches QMP, `onSession`
 * runs and QEMU is told to quit; if it exits first, `onExit` gets the result.
 */
export async function launch<T>(ctx: LaunchContext, args: string[], onSession: (qmp: QmpSession) => Promise<T>, onExit: (r: QemuRunResult) => T): Promise<T> {
  return slots(ctx).run(async () => {
    let qmp: QmpSession;
    try {
      qmp = await QmpSession.start(ctx.binary, args);
    } catch (e) {
      if (e instanceof QemuExitedError) return onExit(e.result);
      throw e;
    }
    try {
      return await onSession(qmp);
    } finally {
      await qmp.quit();
    }
  });
}

export async function withSession<T>(ctx: LaunchContext, args: string[], fn: (qmp: QmpSession) => Promise<T>): Promise<T> {
  return launch(ctx, args, fn, (r) => { throw new QemuExitedError(r); });
}

/** Start-up only: QEMU's messages and exit status (the unused-global check runs before QMP answers). */
export async function runToExit(ctx: LaunchContext, args: string[]): Promise<QemuRunResult> {
  return slots(ctx).run(() => runQemu(ctx.binary, args));
}

/**
 * A non-QMP invocation such as `-vga help`, in a slot; tracked, so that an
 * interrupted import stops it too, and killed if it does not end (QEMU answers at once).
 */
export async function runHelp(ctx: LaunchContext, args: string[]): Promise<string> {
  return slots(ctx).run(async () => {
    const run = promisify(execFile)(ctx.binary, args, { timeout: 60_000, killSignal: 'SIGKILL', maxBuffer: 64 << 20 });
    track(run.child);
    try {
      return (await run).stdout;
    } catch (e) {
      const { code, signal } = e as { code?: number | string; signal?: string };
      throw new QemuProbeError(`${ctx.binary} ${args.join(' ')} ${signal ? `was killed (${signal})` : `exited with status ${code}`}`);
    }
  });
}

const FAILED_GLOBAL = new RegExp(`can't apply global .*?: Property '(.+)\\.${PROBE_PROPERTY}' not found`);

/** The concrete type named by a failed probe global, or a QemuProbeError when QEMU died of something else. */
export function failedProbeType(result: QemuRunResult, args: readonly string[]): string {
  const m = FAILED_GLOBAL.exec(result.stderr);
  if (m && result.code === 1) return m[1]!;
  const shown = args.filter((a) => !a.includes(PROBE_PROPERTY) && !a.includes(`property=${HARMLESS_PROPERTY},`)).join(' ');
  throw new QemuProbeError(`probe run (${shown}) ended with ${result.code ?? result.signal}: ${result.stderr.trim().split('\n').slice(-2).join(' / ')}`);
}

/** One object of a composition tree, as `qom-list` shows it. */
export interface TreeObject {
  path: string;
  type: string;
  /** N of `/machine/unattached/device[N]`: QEMU hands these out in realize order. */
  realizeIndex?: number;
}

const CHILD = /^child<(.+)>$/;

/**
 * Walks child<...> properties from `root`. Containers are walked through but
 * not reported; memory regions, irqs and buses are skipped with their subtrees
 * (they are not objects compat or globals reach). Children are visited in a
 * fixed order (device[N] numerically), because qom-list answers in hash order.
 */
/** Children of the composition tree that are not objects of their own here: memory regions, irqs, buses. */
export const TREE_PLUMBING = ['memory-region', 'irq', 'bus'] as const;

export async function walkComposition(qmp: QmpSession, cat: TypeCatalogue, root: string): Promise<TreeObject[]> {
  const out: TreeObject[] = [];
  const visit = async (path: string): Promise<void> => {
    const props = (await qmp.execute('qom-list', { path })) as Obj[];
    const children = props
      .map((p) => ({ name: p.name as string, type: CHILD.exec(p.type as string)?.[1] }))
      .filter((c): c is { name: string; type: string } => c.type !== undefined)
      .sort((a, b) => compareNames(a.name, b.name));
    for (const c of children) {
      const childPath = `${path === '/' ? '' : path}/${c.name}`;
      if (TREE_PLUMBING.some((t) => isA(cat, c.type, t))) continue;
      if (c.type !== 'container') out.push(treeObject(childPath, c.type));
      await visit(childPath);
    }
  };
  try {
    await visit(root);
  } catch (e) {
    // QEMU 7.2 creates /objects only with the first -object: an absent root has no objects.
    if (!(e instanceof QmpError && e.qmpClass === 'DeviceNotFound' && out.length === 0)) throw e;
  }
  return out;
}

function treeObject(path: string, type: string): TreeObject {
  const m = /^\/machine\/unattached\/device\[(\d+)\]$/.exec(path);
  return m ? { path, type, realizeIndex: Number(m[1]) } : { path, type };
}

export { compareNames };

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
