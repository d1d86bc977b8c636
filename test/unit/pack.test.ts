/**
 * The package as users get it: `npm pack` of a copy of this checkout, installed with
 * `npm install <tarball>` into an empty project, then run from there. npm must not warn, the
 * tarball must hold only what runs, and the CLI must answer from the embedded definitions, from
 * a plain start and from the start-up snapshot it builds (bin/qom-compat, src/cli/snapshot.ts),
 * whatever state that snapshot is in.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = process.cwd();
const work = mkdtempSync(join(tmpdir(), 'qom-compat-pack-'));
const copy = join(work, 'src-copy');
const project = join(work, 'project');
const cache = join(work, 'cache');
const installed = join(project, 'node_modules', 'qom-compat');
const bin = join(project, 'node_modules', '.bin', 'qom-compat');

function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd: opts.cwd, encoding: 'utf8', env: opts.env ?? process.env, timeout: 120_000 });
}

/** The CLI as a user's shell runs it: through npm's .bin symlink, snapshot building allowed (CI unset). */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const base: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cache, NO_COLOR: '1' };
  delete base.CI;
  delete base.NODE_OPTIONS;
  delete base.QOM_COMPAT_CACHE_DIR;
  return run(bin, args, { cwd: project, env: { ...base, ...env } });
}

function blobs(): string[] {
  const top = join(cache, 'qom-compat', 'snapshot');
  if (!existsSync(top)) return [];
  return readdirSync(top, { recursive: true }).map(String).filter((f) => f.endsWith('.blob')).map((f) => join(top, f));
}

let tarball = '';
let packOutput = '';
let installOutput = '';

beforeAll(() => {
  // A copy, so that packing (which rebuilds dist/) cannot disturb tests running from this checkout.
  mkdirSync(copy);
  for (const f of ['package.json', 'package-lock.json', '.npmrc', 'tsconfig.json', 'tsconfig.build.json', 'LICENSE', 'README.md']) cpSync(join(repo, f), join(copy, f));
  for (const d of ['src', 'bin', 'tools', 'machines']) cpSync(join(repo, d), join(copy, d), { recursive: true });
  symlinkSync(join(repo, 'node_modules'), join(copy, 'node_modules'));
  const pack = run('npm', ['pack', '--pack-destination', work, '--json'], { cwd: copy });
  packOutput = pack.stdout;
  if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  tarball = join(work, (JSON.parse(pack.stdout) as Array<{ filename: string }>)[0]!.filename);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fresh', version: '1.0.0', private: true }));
  const install = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: project });
  installOutput = install.stdout + install.stderr;
  if (install.status !== 0) throw new Error(`npm install of the tarball failed: ${installOutput}`);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm pack', () => {
  it('ships what runs, and nothing for development', () => {
    const files = (JSON.parse(packOutput) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    for (const needed of ['LICENSE', 'README.md', 'package.json', 'bin/qom-compat', 'dist/bundle/bin.js', 'dist/snapshot/entry.cjs', 'dist/snapshot/key', 'dist/lib/index.js', 'dist/index.d.ts', 'machines/x86_64/types.json', 'machines/schema/types.schema.json']) {
      expect(files).toContain(needed);
    }
    const devOnly = files.filter((f) => /^(src|test|tools|bench|\.ci)\/|^dist\/tools\/|^tsconfig|^jest/.test(f));
    expect(devOnly).toEqual([]);
    // The library is one bundle; the rest of dist/ is the CLI's bundles and the type declarations.
    expect(files.filter((f) => f.startsWith('dist/') && f.endsWith('.js') && !/^dist\/(bundle|lib)\//.test(f))).toEqual([]);
  });

  it('keeps `prepare` (which builds from src/) out of the packed manifest, and restores it in the checkout', () => {
    const packed = JSON.parse(run('tar', ['xzf', tarball, '-O', 'package/package.json'], { cwd: work }).stdout) as { scripts: Record<string, string>; dependencies: Record<string, string> };
    expect(packed.scripts.prepare).toBeUndefined();
    expect(Object.keys(packed.dependencies).sort()).toEqual(['@humanwhocodes/momoa', 'fastest-levenshtein', 'zod']);
    const checkout = JSON.parse(run('cat', ['package.json'], { cwd: copy }).stdout) as { scripts: Record<string, string> };
    expect(checkout.scripts.prepare).toBeDefined();
  });
});

describe('npm install <tarball> into an empty project', () => {
  it('installs without a warning, and only the library\'s dependencies', () => {
    expect(installOutput).not.toMatch(/warn/i);
    expect(readdirSync(join(project, 'node_modules')).sort()).toEqual(['.bin', '.package-lock.json', '@humanwhocodes', 'fastest-levenshtein', 'qom-compat', 'zod']);
  });

  it('npx qom-compat resolve -M q35-9.1 answers from the embedded definitions', () => {
    const base: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cache, NO_COLOR: '1' };
    const r = run('npx', ['--offline', 'qom-compat', 'resolve', '-M', 'q35-9.1'], { cwd: project, env: base });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^pc-q35-9\.1 {2}model qdev\n/);
    expect(r.stdout).toContain('/machine/q35/mch  mch');
  });

  it('the library entry: import { loadDefinitionsFromDisk, resolve } from \'qom-compat\'', () => {
    const script = "import { loadDefinitionsFromDisk, resolve } from 'qom-compat'; const defs = await loadDefinitionsFromDisk(); const r = resolve(defs, { machine: 'q35-9.1' }); console.log(defs.qemuVersion, r.objects.some((o) => o.type === 'mch'));";
    const r = run(process.execPath, ['--input-type=module', '-e', script], { cwd: project });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('10.0.2 true\n');
  });
});

describe('the installed bin and its start-up snapshot', () => {
  const args = ['resolve', '-M', 'q35-9.1', '--format', 'json'];
  let plain = '';

  it('a plain run answers, then builds the snapshot once; a run from it answers the same', () => {
    rmSync(cache, { recursive: true, force: true });
    const first = cli(args);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    plain = first.stdout;
    expect(blobs()).toHaveLength(1);
    expect(blobs()[0]).toContain(installed);
    const second = cli(args);
    expect(second.stderr).toBe('');
    expect(second.stdout).toBe(plain);
  });

  it('reads colour, width and the environment at run time, not when the snapshot was built', () => {
    expect(blobs()).toHaveLength(1);
    for (const env of [{ COLUMNS: '50', FORCE_COLOR: '1' }, { NO_COLOR: '1', COLUMNS: '200' }]) {
      for (const words of [['show', 'q35-9.1'], ['explain', '-M', 'q35', 'virtio-net-pci.vectors']]) {
        const fromSnapshot = cli(words, env);
        const plainly = cli(words, { ...env, QOM_COMPAT_SNAPSHOT: '0' });
        expect(fromSnapshot.status).toBe(0);
        expect(fromSnapshot.stdout).toBe(plainly.stdout);
      }
    }
    expect(cli(['list'], { FORCE_COLOR: '1' }).stdout).toContain('\u001b[');
  });

  it('an empty blob (node would abort on it) is not used, and is rebuilt', () => {
    const [blob] = blobs();
    writeFileSync(blob!, '');
    const r = cli(args);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(plain);
    expect(statSync(blob!).size).toBeGreaterThan(0);
  });

  it('a blob older than the node binary (node upgraded) is not used, and is rebuilt', () => {
    const [blob] = blobs();
    utimesSync(blob!, new Date(0), new Date(0));
    const r = cli(args);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(plain);
  });

  it('a blob whose file of definition texts is gone or changed is not used, and is rebuilt', () => {
    for (const damage of [(pack: string) => rmSync(pack), (pack: string) => writeFileSync(pack, 'x')]) {
      const [blob] = blobs();
      expect(existsSync(`${blob!}.pack`)).toBe(true);
      damage(`${blob!}.pack`);
      const r = cli(args);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(plain);
      // That run dropped the blob; the next one (plain) builds blob and texts again, and the one after uses them.
      expect(cli(args).stdout).toBe(plain);
      expect(blobs()).toHaveLength(1);
      expect(statSync(`${blobs()[0]!}.pack`).size).toBeGreaterThan(1000);
      expect(cli(args).stdout).toBe(plain);
    }
  });

  it('other definitions (--defs), NODE_OPTIONS, QOM_COMPAT_SNAPSHOT=0 and other commands start plainly and answer', () => {
    const defs = join(installed, 'machines', 'x86_64');
    expect(cli([...args, '--defs', defs]).stdout).toBe(plain);
    expect(cli(args, { NODE_OPTIONS: '--max-old-space-size=512' }).stdout).toBe(plain);
    expect(cli(args, { QOM_COMPAT_SNAPSHOT: '0' }).stdout).toBe(plain);
    const check = cli(['check', '--no-cache']);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('with the cache directory unwritable, runs plainly and quietly', () => {
    const r = cli(args, { XDG_CACHE_HOME: join(installed, 'package.json', 'not-a-dir') });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(plain);
  });
});
