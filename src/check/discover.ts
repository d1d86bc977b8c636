/**
 * From command-line paths to definition sets. A directory holding any of
 * machines.json, types.json, boards.json, accel-compat.json is one set; any
 * other directory (the machines/ root with its arch subdirectories and
 * schema/) is searched for sets below it. A file is checked with the
 * definition files beside it as context.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { CHECK_SUPPRESSIONS_FILE, isDefinitionFileName, REQUIRED_FILES, type DefinitionFileName } from '../load/file-names.js';
import { DEFAULT_ARCH } from '../load/paths.js';
import { closestMatches } from '../util/suggest.js';
import type { SetInput, SourceInput } from './runner.js';

export interface DiscoverOptions {
  readonly paths: readonly string[];
  /** Keep only sets in a directory of this name when searching below a root. */
  readonly arch?: string;
  readonly cwd: string;
  /** Checked when no path is given. */
  readonly defaultRoot: string;
  /** Definitions by architecture (`<root>/<arch>/types.json`, …) lending a set the files it lacks. */
  readonly contextRoot?: string;
}

/**
 * Files of a definition directory that `check` has no rules for, skipped when
 * named (a pre-commit hook hands over every staged JSON file): the option
 * table import writes (the loader validates it).
 */
const NOT_CHECKED = new Set(['options.json']);

/** Directories never searched for definition sets. */
const SKIPPED_DIRS = new Set(['node_modules', 'schema', 'dist']);
const MAX_DEPTH = 4;

export function discoverSets(opts: DiscoverOptions): SetInput[] {
  const dirs = new Map<string, { all: boolean; named: Set<string> }>();
  const entry = (dir: string) => {
    let e = dirs.get(dir);
    if (!e) dirs.set(dir, (e = { all: false, named: new Set() }));
    return e;
  };
  const roots = opts.paths.length ? opts.paths : [opts.defaultRoot];
  for (const given of roots) {
    const path = resolve(opts.cwd, given);
    if (statOrThrow(path, given).isDirectory()) {
      const found = setsBelow(path, opts.arch, given);
      if (found.length) for (const dir of found) entry(dir).all = true;
      else for (const file of looseJsonFiles(path, opts.arch, given)) entry(path).named.add(file);
    } else if (basename(path) === CHECK_SUPPRESSIONS_FILE) {
      // Its entries speak for the files beside it: a change to it is checked against all of them.
      entry(dirname(path)).all = true;
    } else if (!NOT_CHECKED.has(basename(path))) {
      entry(dirname(path)).named.add(path);
    }
  }
  const otherArchTypes = archTypeNames();
  const contextFor = contextProvider(opts.contextRoot, opts.cwd, opts.arch);
  return [...dirs].map(([dir, e]) => ({
    dir,
    files: setFiles(dir, e.all, e.named, opts.cwd),
    otherArchTypes: () => otherArchTypes(dir),
    contextFor: (arch: string | undefined, kind: DefinitionFileName) => contextFor(dir, arch, kind),
  }));
}

/**
 * `<root>/<arch>/<kind>` as a context file, unless that is the set's own
 * directory or does not exist. Files that name no architecture (an
 * accel-compat.json alone) get --arch, else their directory's name when the
 * root has it, else the default architecture.
 */
function contextProvider(root: string | undefined, cwd: string, optionArch: string | undefined) {
  return (dir: string, named: string | undefined, kind: DefinitionFileName): SourceInput | undefined => {
    if (root === undefined) return undefined;
    const arch = named ?? optionArch ?? (isFile(join(root, basename(dir), kind)) ? basename(dir) : DEFAULT_ARCH);
    if (basename(arch) !== arch) return undefined;
    const path = join(root, arch, kind);
    if (resolve(dirname(path)) === resolve(dir) || !isFile(path)) return undefined;
    return input(path, kind, false, cwd);
  };
}

/** Every definition file under `root` that contextFor could lend (for cache keys). */
export function contextFiles(root: string): string[] {
  return listDirQuietly(root).flatMap((arch) => REQUIRED_FILES.map((kind) => join(root, arch, kind))).filter(isFile);
}

function statOrThrow(path: string, given: string) {
  try {
    return statSync(path);
  } catch (e) {
    throw new UsageError(`cannot read ${given}: ${describeFsError(e)}`);
  }
}

function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  return code ?? String(e);
}

function listDir(dir: string, given: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (e) {
    throw new UsageError(`cannot read ${given}: ${describeFsError(e)}`);
  }
}

/** The directory itself if it is a set, else the sets below it (filtered by arch). */
function setsBelow(dir: string, arch: string | undefined, given: string): string[] {
  if (listDir(dir, given).some(isDefinitionFileName)) return [dir];
  const found: string[] = [];
  const walk = (d: string, depth: number) => {
    for (const name of listDir(d, given)) {
      if (name.startsWith('.') || SKIPPED_DIRS.has(name)) continue;
      const sub = join(d, name);
      if (!isDirectory(sub)) continue;
      if (listDir(sub, given).some(isDefinitionFileName)) {
        if (arch === undefined || name === arch) found.push(sub);
      } else if (depth < MAX_DEPTH) {
        walk(sub, depth + 1);
      }
    }
  };
  walk(dir, 1);
  return found;
}

/**
 * A directory with no definition set in or below it, but JSON files of its
 * own (a corpus of cases, `0042-typo.json`): each file is checked on its
 * own, its kind told from its content, a file that is not JSON reported as such.
 */
function looseJsonFiles(dir: string, arch: string | undefined, given: string): string[] {
  const files = listDir(dir, given).filter((n) => n.endsWith('.json') && !n.startsWith('.')).map((n) => join(dir, n)).filter(isFile);
  if (files.length) return files;
  if (arch !== undefined) {
    const known = [...new Set(setsBelow(dir, undefined, given).map((d) => basename(d)))];
    const close = closestMatches(arch, known);
    throw new UsageError(`no definitions for architecture "${arch}" under ${given}` + (close.length ? `; did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : ''));
  }
  throw new UsageError(`no definition files (machines.json, types.json, boards.json, accel-compat.json) under ${given}`);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function setFiles(dir: string, all: boolean, named: ReadonlySet<string>, cwd: string): SourceInput[] {
  const files: SourceInput[] = [];
  const known = listDir(dir, dir).filter(isDefinitionFileName);
  for (const name of known) {
    const path = join(dir, name);
    files.push(input(path, name, all || named.has(path), cwd));
  }
  for (const path of named) if (!isDefinitionFileName(basename(path))) files.push(input(path, undefined, true, cwd));
  return files;
}

function input(path: string, kind: DefinitionFileName | undefined, reported: boolean, cwd: string): SourceInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${displayPath(path, cwd)}: ${describeFsError(e)}`);
  }
  return { path, display: displayPath(path, cwd), text, kind, reported };
}

export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/**
 * Type names of the other architecture directories beside a set
 * (machines/aarch64/types.json next to machines/x86_64/), read on first use.
 * A sibling counts only when its types.json names its directory as the arch,
 * so a corpus of test cases side by side is not mistaken for architectures.
 */
function archTypeNames(): (dir: string) => ReadonlyMap<string, ReadonlySet<string>> {
  const cache = new Map<string, Set<string> | null>();
  const namesIn = (typesFile: string, arch: string): Set<string> | null => {
    if (cache.has(typesFile)) return cache.get(typesFile)!;
    let names: Set<string> | null = null;
    try {
      const data = JSON.parse(readFileSync(typesFile, 'utf8')) as { arch?: unknown; types?: unknown };
      if (data.arch === arch && Array.isArray(data.types)) {
        names = new Set();
        for (const t of data.types) if (typeof t?.name === 'string') names.add(t.name);
      }
    } catch {
      // An unreadable neighbour only costs the "it is a type of aarch64" remark.
    }
    cache.set(typesFile, names);
    return names;
  };
  return (dir) => {
    const out = new Map<string, ReadonlySet<string>>();
    for (const typesFile of siblingTypeFiles(dir)) {
      const arch = basename(dirname(typesFile));
      const names = namesIn(typesFile, arch);
      if (names) out.set(arch, names);
    }
    return out;
  };
}

/** The types.json of each directory beside `dir` (other architectures, candidates at least). */
export function siblingTypeFiles(dir: string): string[] {
  const parent = dirname(dir);
  const out: string[] = [];
  for (const name of listDirQuietly(parent)) {
    const sub = join(parent, name);
    if (sub === dir || SKIPPED_DIRS.has(name)) continue;
    const typesFile = join(sub, 'types.json');
    if (isFile(typesFile)) out.push(typesFile);
  }
  return out;
}

function listDirQuietly(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
