/**
 * probeBoard: the objects a machine creates at start-up, in creation order,
 * learned from the binary's behaviour.
 *
 * Creation order: a `-global T.<missing property>=1` is fatal on the first
 * object created whose type matches T, and the message names that object's
 * concrete type. With one such global per concrete device type, each run
 * reveals the next type created; its drivers are then switched to a harmless
 * global and the machine is started again, until it starts cleanly.
 * The clean start is also the check that the probe did not change the layout
 * (its composition tree must equal the one built without any global).
 *
 * The same loop under `--preconfig` (which stops before board init) tells
 * which creations happen before board init, and the composition tree at that
 * point shows the objects machine instance_init parents and board init later
 * removes (the pflash pair).
 */
import { QemuProbeError } from '../errors.js';
import type { QmpSession } from '../qemu/qmp.js';
import {
  concreteDevices, failedProbeType, globalArg, HARMLESS_PROPERTY, HARMLESS_VALUE, isA, launch, mapLimit, PROBE_PROPERTY,
  runHelp, typeCatalogue, walkComposition, withSession, type TreeObject, type TypeCatalogue,
} from './probe-qemu.js';
import type { BoardObject, ProbeContext } from './probes.js';
import { boardArgs } from './observe-boards.js';

/**
 * The board under `accel` (tcg, kvm): under KVM QEMU creates other board
 * objects (kvm-ioapic, kvm-i8259, kvm-pit, kvmclock, kvm-apic), so each
 * accelerator's layout is probed on its own.
 */
export async function probeBoard(ctx: ProbeContext, machine: string, nodefaults: boolean, accel = 'tcg'): Promise<BoardObject[]> {
  const result = cachedBoard(ctx, machine, nodefaults, accel);
  // The defaults variant needs the -nodefaults one (boardTransients) and the importer asks for
  // both: start it now so its QEMU runs fill the second slot while this variant's loop runs.
  if (nodefaults) cachedBoard(ctx, machine, false, accel).catch(() => { /* reported when asked for */ });
  return result;
}

/**
 * The board with -machine settings (`settings`: "acpi=off,hpet=off") that
 * only leave objects out (board code skips them; pc_init1 without ACPI, no
 * HPET, no vmport): the plain board's creation order holds for what remains,
 * so one start shows the board: each remaining object is matched to the
 * plain board's by type in /machine/unattached/device[N] order (QEMU numbers
 * them anew, in realize order). A board that has anything the plain one has
 * not is probed in full.
 */
export async function probeBoardVariant(ctx: ProbeContext, machine: string, settings: string, nodefaults: boolean, accel = 'tcg'): Promise<BoardObject[]> {
  const plain = await probeBoard(ctx, machine, nodefaults, accel);
  const cat = await typeCatalogue(ctx);
  const probe: Probe = { ctx, cat, drivers: concreteDevices(cat), launches: { count: 0 } };
  const tree = await treeOf(probe, boardArgs(`${machine},${settings}`, nodefaults, accel));
  const derived = withoutLeftOut(plain, tree);
  if (derived) return derived;
  ctx.progress(`  ${machine},${settings}: the board has objects the plain one has not; probing it in full`);
  return probeBoard(ctx, `${machine},${settings}`, nodefaults, accel);
}

const UNATTACHED = /^\/machine\/unattached\/device\[(\d+)\]/;

/** The plain board without what `tree` leaves out, renumbered as `tree` shows; null when `tree` has more. */
export function withoutLeftOut(plain: readonly BoardObject[], tree: readonly TreeObject[]): BoardObject[] | null {
  const roots = (paths: ReadonlyArray<{ path: string | null; type: string }>) => paths
    .flatMap((o) => { const m = o.path !== null ? UNATTACHED.exec(o.path) : null; return m && m[0] === o.path ? [{ n: Number(m[1]), type: o.type }] : []; })
    .sort((a, b) => a.n - b.n);
  const before = roots(plain);
  const after = roots(tree);
  // Each remaining root is the next plain root of its type: a subsequence, in order.
  const renumber = new Map<number, number>();
  let j = 0;
  for (const r of before) if (j < after.length && after[j]!.type === r.type) renumber.set(r.n, after[j++]!.n);
  if (j < after.length) return null;
  const shown = new Map(tree.map((o) => [o.path, o.type]));
  const out: BoardObject[] = [];
  const used = new Set<string>();
  for (const o of plain) {
    if (o.path === null) { out.push(o); continue; }
    const m = UNATTACHED.exec(o.path);
    let path = o.path;
    if (m) {
      const to = renumber.get(Number(m[1]));
      if (to === undefined) continue;
      path = `/machine/unattached/device[${to}]${o.path.slice(m[0].length)}`;
    }
    if (shown.get(path) !== o.type) continue;
    used.add(path);
    out.push({ ...o, path });
  }
  return tree.every((o) => used.has(o.path)) ? out : null;
}

/** Cached per binary, machine, variant and accelerator: same binary, same answer. */
const boards = new Map<string, Promise<BoardObject[]>>();

function cachedBoard(ctx: ProbeContext, machine: string, nodefaults: boolean, accel: string): Promise<BoardObject[]> {
  const key = `${ctx.binary}\u0000${machine}\u0000${nodefaults}\u0000${accel}`;
  let p = boards.get(key);
  if (!p) {
    p = measureBoard(ctx, machine, nodefaults, accel);
    boards.set(key, p);
  }
  return p;
}

async function measureBoard(ctx: ProbeContext, machine: string, nodefaults: boolean, accel: string): Promise<BoardObject[]> {
  const started = Date.now();
  const cat = await typeCatalogue(ctx);
  const base = boardArgs(machine, nodefaults, accel);
  const drivers = concreteDevices(cat);
  const launches = { count: 0 };
  const probe: Probe = { ctx, cat, drivers, launches };

  const layout = await treeOf(probe, base);
  const args = [...base, ...(nodefaults ? [] : await defaultsCompensation(probe, base, layout))];
  const [main, pre] = await Promise.all([creationOrder(probe, args, false), creationOrder(probe, args, true)]);
  const created = main.order;
  const preBoard = pre.order;
  if (preBoard.some((t, i) => created[i] !== t)) {
    throw new QemuProbeError(`${machine}: creations before board init (${preBoard.join(', ')}) are not a prefix of the full order (${created.join(', ')})`);
  }
  if (!sameTree(main.tree, layout)) {
    throw new QemuProbeError(`${machine}: the probe globals changed the layout (${treeDiff(layout, main.tree)})`);
  }
  const transientTypes = nodefaults ? new Set<string>() : await boardTransients(ctx, machine, accel);
  const children = await innerChildren(ctx, cat, created.slice(preBoard.length).filter((t) => !layout.some((o) => o.type === t)));
  const objects = assemble({ created, preBoardCount: preBoard.length, tree: layout, preTree: pre.tree, transientTypes, children, cat });
  ctx.progress(`  ${machine}${nodefaults ? ' -nodefaults' : ''}${accel !== 'tcg' ? ` -accel ${accel}` : ''}: ${objects.length} objects, ${created.length} types probed, ${launches.count} QEMU launches, ${Date.now() - started} ms`);
  return objects;
}

interface Probe { ctx: ProbeContext; cat: TypeCatalogue; drivers: string[]; launches: { count: number } }

/** The composition tree (from /machine and /objects) of QEMU started with `args`, or null if it does not start. */
async function treeOrNull(probe: Probe, args: string[]): Promise<TreeObject[] | null> {
  probe.launches.count++;
  return launch(probe.ctx, args, (qmp) => fullTree(qmp, probe.cat), () => null);
}

async function treeOf(probe: Probe, args: string[]): Promise<TreeObject[]> {
  const tree = await treeOrNull(probe, args);
  if (!tree) throw new QemuProbeError(`QEMU does not start with ${args.join(' ')}`);
  return tree;
}

async function fullTree(qmp: QmpSession, cat: TypeCatalogue): Promise<TreeObject[]> {
  return [...await walkComposition(qmp, cat, '/machine'), ...await walkComposition(qmp, cat, '/objects')];
}

interface OrderResult { order: string[]; tree: TreeObject[] }

/**
 * Repeats start-ups with one failing global per not-yet-seen concrete device
 * type. Drivers already seen carry the harmless global instead, so the set of
 * `-global` drivers (which decides which default devices exist) never changes.
 * Ends with the clean start's tree (/machine only under --preconfig).
 */
async function creationOrder(probe: Probe, args: string[], preconfig: boolean): Promise<OrderResult> {
  const { cat, drivers } = probe;
  const pending = new Set(drivers);
  const order: string[] = [];
  for (;;) {
    const runArgs = [...args, ...(preconfig ? ['--preconfig'] : []), ...probeGlobals(drivers, pending)];
    probe.launches.count++;
    const outcome = await launch<{ tree: TreeObject[] } | { failed: string }>(probe.ctx, runArgs,
      async (qmp) => ({ tree: preconfig ? await walkComposition(qmp, cat, '/machine') : await fullTree(qmp, cat) }),
      (exited) => ({ failed: failedProbeType(exited, runArgs) }));
    if ('tree' in outcome) return { order, tree: outcome.tree };
    const matched = [...pending].filter((d) => isA(cat, outcome.failed, d));
    if (matched.length === 0) throw new QemuProbeError(`probe global failed on ${outcome.failed}, which no pending driver matches`);
    for (const d of matched) pending.delete(d);
    order.push(outcome.failed);
  }
}

function probeGlobals(drivers: readonly string[], pending: ReadonlySet<string>): string[] {
  return drivers.flatMap((d) => (pending.has(d) ? globalArg(d, PROBE_PROPERTY, '1') : globalArg(d, HARMLESS_PROPERTY, HARMLESS_VALUE)));
}

/**
 * A `-global` whose driver is a default-device driver switches that default
 * off (system/vl.c default_driver_check), so with every device type on the
 * command line the defaults layout loses its VGA, serial port, ... Put them
 * back with the options that ask for the same devices explicitly: keep each
 * option that alone brings the device counts closer to the real layout; the
 * kept options together must give exactly the real layout, or the probe gives
 * up rather than measure a different board.
 */
async function defaultsCompensation(probe: Probe, base: string[], layout: TreeObject[]): Promise<string[]> {
  const harmless = probe.drivers.flatMap((d) => globalArg(d, HARMLESS_PROPERTY, HARMLESS_VALUE));
  const distance = async (extra: string[]): Promise<number | null> => {
    const tree = await treeOrNull(probe, [...base, ...extra, ...harmless]);
    return tree && typeCountDiff(layout, tree) + (sameTree(layout, tree) ? 0 : 1);
  };
  const start = await distance([]);
  if (start === null) throw new QemuProbeError(`${base.join(' ')}: QEMU does not start with harmless globals on every device type`);
  if (start === 0) return [];
  const candidates = await defaultDeviceOptions(probe, base);
  const distances = await mapLimit(candidates, probe.ctx.concurrency ?? 2, (c) => distance(c));
  const kept = candidates.filter((_, i) => distances[i] !== null && distances[i]! < start).flat();
  if ((await distance(kept)) !== 0) throw new QemuProbeError(`${base.join(' ')}: cannot restore the default devices that the probe globals switch off`);
  return kept;
}

/**
 * The explicit spelling of each default device QEMU adds when not told
 * -nodefaults (system/vl.c qemu_create_default_devices): the machine's default
 * `-vga` model (as `-vga help` marks it), a serial and a parallel port, floppy
 * drive 0, and the CD-ROM at index 2 of the default interface.
 */
async function defaultDeviceOptions(probe: Probe, base: string[]): Promise<string[][]> {
  const options: string[][] = [];
  const vga = await defaultVgaModel(probe, base);
  if (vga) options.push(['-vga', vga]);
  options.push(['-serial', 'null'], ['-parallel', 'null'], ['-drive', 'if=floppy,index=0'], ['-drive', 'index=2,media=cdrom']);
  return options;
}

async function defaultVgaModel(probe: Probe, base: string[]): Promise<string | null> {
  probe.launches.count++;
  const help = await runHelp(probe.ctx, [...base, '-vga', 'help']);
  const line = help.split('\n').find((l) => l.endsWith('(default)'));
  return line ? line.split(/\s+/)[0]! : null;
}

/**
 * Types whose instances board init creates and frees without -nodefaults too
 * (the NIC model probe). A default device of such a type (the default NIC)
 * is then a second instance, which no failing global can single out: the
 * -nodefaults run of the same machine, where the type has no lasting
 * instance, shows that its first creation is the temporary one.
 */
async function boardTransients(ctx: ProbeContext, machine: string, accel: string): Promise<Set<string>> {
  const objects = await cachedBoard(ctx, machine, true, accel);
  return new Set(objects.filter((o) => o.transient && !o.positionInferred).map((o) => o.type));
}

/** child<...> objects each temporary type creates in instance_init (learned by instantiating it: qom-list-properties). */
async function innerChildren(ctx: ProbeContext, cat: TypeCatalogue, types: string[]): Promise<Map<string, string[]>> {
  const binary = ctx.binary;
  const out = new Map<string, string[]>();
  const todo = types.filter((t) => !childCache.has(`${binary}\u0000${t}`));
  if (todo.length > 0) {
    await withSession(ctx, ['-M', 'none', '-nodefaults'], async (qmp) => {
      for (const t of todo) {
        const props = (await qmp.execute('qom-list-properties', { typename: t })) as Array<{ type: string }>;
        const kids = props.map((p) => /^child<(.+)>$/.exec(p.type)?.[1]).filter((k): k is string => k !== undefined && cat.devices.has(k));
        childCache.set(`${binary}\u0000${t}`, kids.sort());
      }
    });
  }
  for (const t of types) out.set(t, childCache.get(`${binary}\u0000${t}`)!);
  return out;
}
const childCache = new Map<string, string[]>();

interface AssembleInput {
  /** Concrete types in the order their first instance was created. */
  created: string[];
  /** How many of `created` come before board init. */
  preBoardCount: number;
  tree: TreeObject[];
  /** /machine's tree at --preconfig, before board init. */
  preTree: TreeObject[];
  /** Types whose first creation is a temporary instance although the final tree has some (defaults variant). */
  transientTypes: ReadonlySet<string>;
  /** Device children each temporary type creates in instance_init. */
  children: ReadonlyMap<string, string[]>;
  cat: TypeCatalogue;
}

type Entry = BoardObject & { realizeIndex?: number };

/**
 * Merges what was proven into one creation-ordered list:
 *  - each type's first instance at its probed position;
 *  - objects in the --preconfig tree but not the final one: transient, all of them at once;
 *  - first instances created during board init that no tree shows: transient (one each:
 *    the count of such instances is not observable), preceded by their inner children;
 *  - first instances created before board init that no tree shows (migration): persistent,
 *    path null (QEMU keeps them outside the composition tree);
 *  - the default RAM backend (no -global reaches backends) where board init starts: it is
 *    created by machine_run_board_init before the board's own init;
 *  - later instances of a type after the previous one (after the run of temporary objects
 *    when that one was temporary), in realize order. These carry positionInferred.
 */
function assemble(input: AssembleInput): BoardObject[] {
  const { created, preBoardCount, tree, preTree, transientTypes, children, cat } = input;
  const finalPaths = new Set(tree.map((o) => o.path));
  const preTransients = preTree.filter((o) => !finalPaths.has(o.path));
  const unplaced = [...tree];
  const take = (type: string): TreeObject | undefined => {
    const i = unplaced.findIndex((o) => o.type === type);
    return i < 0 ? undefined : unplaced.splice(i, 1)[0];
  };
  const out: Entry[] = [];
  const unclaimedChildren = new Map<string, number>();
  // Backends get no -global, so no probe sees them; the default RAM backend is made at the start of board init.
  const backends = unplaced.filter((o) => isA(cat, o.type, 'memory-backend'));
  for (const b of backends) unplaced.splice(unplaced.indexOf(b), 1);

  created.forEach((type, i) => {
    if (i === preBoardCount) out.push(...backends.map((b) => inferred(b)));
    const early = preTransients.filter((o) => o.type === type);
    if (early.length > 0) {
      out.push({ path: null, type, transient: true }, ...early.slice(1).map(() => ({ path: null, type, transient: true as const, positionInferred: true as const })));
      return;
    }
    const lasting = transientTypes.has(type) ? undefined : take(type);
    if (lasting) { out.push(fromTree(lasting)); return; }
    if (i < preBoardCount) { out.push({ path: null, type }); return; }
    for (const kid of children.get(type) ?? []) {
      const n = unclaimedChildren.get(kid) ?? 0;
      if (n > 0) unclaimedChildren.set(kid, n - 1);
      else out.push({ path: null, type: kid, transient: true, lowerBound: true, positionInferred: true });
    }
    out.push({ path: null, type, transient: true, lowerBound: true });
    if ([...children.values()].some((k) => k.includes(type))) unclaimedChildren.set(type, (unclaimedChildren.get(type) ?? 0) + 1);
  });
  if (preBoardCount >= created.length) out.push(...backends.map((b) => inferred(b)));
  for (const o of unplaced) insertLater(out, o);
  return out.map(({ realizeIndex: _r, ...o }) => o);
}

function fromTree(o: TreeObject): Entry {
  return o.realizeIndex === undefined ? { path: o.path, type: o.type } : { path: o.path, type: o.type, realizeIndex: o.realizeIndex };
}

function inferred(o: TreeObject): Entry {
  return { ...fromTree(o), positionInferred: true };
}

/** Places an object no probe could single out: after the previous instance of its type, else after its parent, else by realize order. */
function insertLater(out: Entry[], o: TreeObject): void {
  let at = lastIndex(out, (e) => e.type === o.type);
  if (at >= 0 && out[at]!.transient) while (at + 1 < out.length && out[at + 1]!.transient) at++;
  if (at < 0) at = lastIndex(out, (e) => e.path !== null && o.path.startsWith(`${e.path}/`));
  if (at < 0 && o.realizeIndex !== undefined) at = lastIndex(out, (e) => e.realizeIndex !== undefined && e.realizeIndex < o.realizeIndex!);
  if (at < 0) at = out.length - 1;
  out.splice(at + 1, 0, inferred(o));
}

function lastIndex<T>(list: readonly T[], pred: (x: T) => boolean): number {
  for (let i = list.length - 1; i >= 0; i--) if (pred(list[i]!)) return i;
  return -1;
}

function treeKey(o: TreeObject): string {
  return `${o.path}=${o.type}`;
}

function sameTree(a: readonly TreeObject[], b: readonly TreeObject[]): boolean {
  return treeDiffCount(a, b) === 0;
}

function treeDiffCount(a: readonly TreeObject[], b: readonly TreeObject[]): number {
  const ka = new Set(a.map(treeKey));
  const kb = new Set(b.map(treeKey));
  return [...ka].filter((k) => !kb.has(k)).length + [...kb].filter((k) => !ka.has(k)).length;
}

function typeCountDiff(a: readonly TreeObject[], b: readonly TreeObject[]): number {
  const counts = new Map<string, number>();
  for (const o of a) counts.set(o.type, (counts.get(o.type) ?? 0) + 1);
  for (const o of b) counts.set(o.type, (counts.get(o.type) ?? 0) - 1);
  return [...counts.values()].reduce((n, c) => n + Math.abs(c), 0);
}

function treeDiff(a: readonly TreeObject[], b: readonly TreeObject[]): string {
  const kb = new Set(b.map(treeKey));
  const ka = new Set(a.map(treeKey));
  return [...a.filter((o) => !kb.has(treeKey(o))).map((o) => `-${treeKey(o)}`), ...b.filter((o) => !ka.has(treeKey(o))).map((o) => `+${treeKey(o)}`)].join(' ');
}
