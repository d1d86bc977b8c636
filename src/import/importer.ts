/**
 * `qom-compat import`: drives a real QEMU over QMP and writes the definition
 * files for its architecture. Everything written is learned from the binary;
 * only accel-compat.json is hand-authored (QMP does not expose it) and is
 * carried over.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { QemuProbeError } from '../errors.js';
import { EMBEDDED_MACHINES_DIR } from '../load/fs.js';
import type { BoardLayoutDef, BoardsFile, MachinesFile, TypesFile } from '../load/schema.js';
import { QemuExitedError, QmpSession } from '../qemu/qmp.js';
import { TypeModel } from '../model/types.js';
import { formatJson } from '../util/json-format.js';
import { writeFileAtomic } from '../util/fs-atomic.js';
import { deriveMachines } from './derive-machines.js';
import { deriveTypes, type TypeFacts } from './derive-types.js';
import { listProperties, listTypes, queryMachines, typesImplementing, type QmpMachine, type QmpProperty } from './qmp-introspect.js';
import { probeBoard, probeDeviceClasses, probeInstanceDefaults, type BoardObject, type ProbeContext } from './probes.js';
import { learnOptionalEntries } from './optional.js';
import { probeDeviceHelp } from './device-help.js';

export interface ImportOptions {
  binary: string;
  outRoot: string;
  /** Only probe boards of machines whose name matches (all when absent). */
  machineFilter?: (name: string) => boolean;
  progress: (msg: string) => void;
}

export interface ImportResult {
  arch: string;
  version: string;
  dir: string;
  machines: number;
  types: number;
  layouts: number;
  seconds: number;
}

const MIN_VERSION = [9, 1];

export async function checkBinary(binary: string): Promise<string> {
  if (!existsSync(binary)) throw new QemuProbeError(`QEMU binary not found: ${binary}`);
  let out: string;
  try {
    out = (await promisify(execFile)(binary, ['--version'], { timeout: 10000 })).stdout;
  } catch (e) {
    throw new QemuProbeError(`cannot run ${binary}: ${(e as Error).message.split('\n')[0]}`);
  }
  const m = /QEMU emulator version (\d+)\.(\d+)(?:\.(\d+))?/.exec(out);
  if (!m) throw new QemuProbeError(`${binary} is not a QEMU system emulator (--version said: ${out.split('\n')[0]})`);
  const [major, minor] = [Number(m[1]), Number(m[2])];
  if (major < MIN_VERSION[0]! || (major === MIN_VERSION[0] && minor < MIN_VERSION[1]!)) {
    throw new QemuProbeError(`${binary} is QEMU ${m[1]}.${m[2]}${m[3] !== undefined ? `.${m[3]}` : ''}; import needs 9.1 or newer (query-machines compat-props)`);
  }
  return `${m[1]}.${m[2]}.${m[3] ?? 0}`;
}

export async function importDefinitions(opts: ImportOptions): Promise<ImportResult> {
  const started = Date.now();
  const version = await checkBinary(opts.binary);
  const ctx: ProbeContext = { binary: opts.binary, progress: opts.progress, concurrency: 2 };
  opts.progress(`QEMU ${version} at ${opts.binary}`);

  const intro = await introspect(opts.binary, opts.progress);
  const arch = intro.arch;
  const typeNames = new Set(intro.types.map((t) => t.name));

  const deviceTypes = intro.types.filter((t) => intro.implementers.get('device')?.includes(t.name)).map((t) => t.name);
  opts.progress(`probing ${deviceTypes.length} device classes (hotpluggable, modules)`);
  const classes = await probeDeviceClasses(ctx, deviceTypes);
  const deviceHelp = await probeDeviceHelp(ctx);

  opts.progress('learning defaults QMP does not report');
  const instanceDefaults = await probeInstanceDefaults(ctx, intro.types.map((t) => ({
    name: t.name, parent: t.parent, abstract: t.abstract,
    properties: (intro.properties.get(t.name) ?? []).filter((p) => p.defaultValue === undefined).map((p) => p.name),
  })));

  const facts: TypeFacts = {
    types: intro.types,
    implementers: intro.implementers,
    properties: intro.properties,
    deviceTypes: new Set(deviceTypes),
    notHotpluggable: new Set(classes.notHotpluggable),
    moduleTypes: new Set(classes.moduleTypes),
    instanceDefaults,
    cpuModelTypes: new Set(intro.implementers.get('cpu') ?? []),
    deviceHelp,
  };
  const typesFile = deriveTypes(arch, facts);

  opts.progress('learning which compat entries are optional');
  const optional = await learnOptionalEntries(ctx, intro.machines, new TypeModel(typesFile.types));

  const machinesFile = deriveMachines(intro.machines, { arch, qemuVersion: version, optional, typeNames });
  const boardsFile = await probeBoards(ctx, machinesFile, opts.machineFilter);

  const dir = join(opts.outRoot, arch);
  writeDefinitions(dir, machinesFile, typesFile, boardsFile);
  return {
    arch, version, dir,
    machines: machinesFile.machines.length,
    types: typesFile.types.length,
    layouts: boardsFile.layouts.length,
    seconds: (Date.now() - started) / 1000,
  };
}

interface Introspection {
  arch: string;
  machines: QmpMachine[];
  types: Array<{ name: string; parent: string | null; abstract: boolean }>;
  implementers: Map<string, string[]>;
  properties: Map<string, QmpProperty[] | null>;
}

async function introspect(binary: string, progress: (m: string) => void): Promise<Introspection> {
  let qmp = await QmpSession.start(binary, ['-M', 'none', '-nodefaults']);
  try {
    const target = (await qmp.execute('query-target')) as { arch: string };
    const machines = await queryMachines(qmp);
    if (machines.some((m) => m.compatProps === undefined)) throw new QemuProbeError('query-machines reports no compat-props');
    const types = await listTypes(qmp);
    progress(`${machines.length} machines, ${types.length} QOM types`);
    const byName = new Map(types.map((t) => [t.name, t]));
    const isInterface = (n: string): boolean => {
      for (let t = byName.get(n); t; t = t.parent ? byName.get(t.parent) : undefined) if (t.name === 'interface') return true;
      return false;
    };
    const implementers = new Map<string, string[]>();
    for (const t of types) if (isInterface(t.name)) implementers.set(t.name, (await typesImplementing(qmp, t.name)).sort());
    implementers.set('device', (await typesImplementing(qmp, 'device')).sort());
    implementers.set('cpu', (await typesImplementing(qmp, 'cpu')).sort());

    const properties = new Map<string, QmpProperty[] | null>();
    let done = 0;
    for (const t of [...types].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (isInterface(t.name)) continue;
      try {
        properties.set(t.name, await listProperties(qmp, t.name));
      } catch (e) {
        // Instantiating some types kills or blocks QEMU; record "unknown" and go on.
        if (!(e instanceof QemuExitedError)) throw e;
        progress(`  qom-list-properties ${t.name} ${e.result.signal === 'SIGKILL' ? 'did not answer' : 'stopped QEMU'}; its properties stay unknown`);
        properties.set(t.name, null);
        qmp = await QmpSession.start(binary, ['-M', 'none', '-nodefaults']);
      }
      if (++done % 200 === 0) progress(`  properties of ${done}/${types.length} types`);
    }
    return { arch: target.arch, machines, types, implementers, properties };
  } finally {
    await qmp.quit();
  }
}

async function probeBoards(ctx: ProbeContext, machines: MachinesFile, filter?: (n: string) => boolean): Promise<BoardsFile> {
  const layouts = new Map<string, BoardLayoutDef>();
  const byContent = new Map<string, string>();
  const selected = machines.machines.filter((m) => !filter || filter(m.name));
  let i = 0;
  for (const m of selected) {
    ctx.progress(`board ${++i}/${selected.length}: ${m.name}`);
    const ids: Record<'defaults' | 'nodefaults', string> = { defaults: '', nodefaults: '' };
    for (const variant of ['nodefaults', 'defaults'] as const) {
      const objects = await probeBoard(ctx, m.name, variant === 'nodefaults');
      const key = JSON.stringify(objects);
      let id = byContent.get(key);
      if (!id) {
        id = `${m.name}${variant === 'nodefaults' ? '+nodefaults' : ''}`;
        byContent.set(key, id);
        layouts.set(id, { id, objects: objects.map(toBoardObjectDef) });
      }
      ids[variant] = id;
    }
    m.board = ids;
  }
  return { arch: machines.arch, layouts: [...layouts.values()].sort((a, b) => (a.id < b.id ? -1 : 1)) };
}

function toBoardObjectDef(o: BoardObject): BoardLayoutDef['objects'][number] {
  return { path: o.path, type: o.type, ...(o.transient ? { transient: true } : {}) };
}

function writeDefinitions(dir: string, machines: MachinesFile, types: TypesFile, boards: BoardsFile): void {
  // accel-compat.json is hand-authored (QMP cannot show it): keep the user's, or start from the embedded one.
  const accel = join(dir, 'accel-compat.json');
  const embeddedAccel = join(EMBEDDED_MACHINES_DIR, machines.arch, 'accel-compat.json');
  if (!existsSync(accel)) {
    writeFileAtomic(accel, existsSync(embeddedAccel) ? readFileSync(embeddedAccel, 'utf8') : formatJson({ $schema: '../schema/accel-compat.schema.json', accelerators: [] }));
  }
  const withSchema = <T extends object>(name: string, data: T) => ({ $schema: `../schema/${name}.schema.json`, ...data });
  writeFileAtomic(join(dir, 'machines.json'), formatJson(withSchema('machines', machines)));
  writeFileAtomic(join(dir, 'types.json'), formatJson(withSchema('types', types)));
  writeFileAtomic(join(dir, 'boards.json'), formatJson(withSchema('boards', boards)));
}

