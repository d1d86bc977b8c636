/**
 * check as a CI gate (issue #12 item 5): a typo with a close match fails,
 * accepted findings (--ignore, check-suppressions.json, --baseline) do not,
 * stale acceptances are said, the result cache stays correct under all of
 * them, and the README's own CI step passes on the embedded QEMU data and
 * fails on a typo.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { stablePath, coversPath } from '../../src/check/stable-path.js';
import { EMBEDDED_MACHINES_DIR } from '../../src/load/paths.js';
import { runCli } from '../support/cli.js';
import { BASE_DIR, readBase } from './support.js';

let work: string;
let defs: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'qom-compat-accept-'));
  defs = join(work, 'x86_64');
  cpSync(BASE_DIR, defs, { recursive: true });
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const check = (...args: string[]) => runCli(['check', defs, ...args]);
const json = async (...args: string[]) => {
  const r = await check('--format', 'json', ...args);
  return { ...r, findings: JSON.parse(r.stdout) as Array<{ rule: string; severity: string; key: string; message: string; hint?: string }> };
};
/** The base machines.json with one more (warning) finding: a group no machine appends. */
const withUnusedGroup = (extra = '') => writeFileSync(join(defs, 'machines.json'),
  readBase('machines.json').replace('"groups": [', `"groups": [\n    { "name": "compat-0.1", "entries": [] },${extra}`));
/** …and one error: a typo'd driver with a close match. */
const withTypo = () => writeFileSync(join(defs, 'machines.json'),
  readFileSync(join(defs, 'machines.json'), 'utf8').replace('"driver": "hpet"', '"driver": "hpte"'));
const suppress = (list: unknown[]) => writeFileSync(join(defs, 'check-suppressions.json'), JSON.stringify({ suppressions: list }, null, 2));

describe('stable paths', () => {
  const data = { groups: [{ name: 'g1', entries: [{ driver: 'a', property: 'p' }, { driver: 'a', property: 'p' }, 7] }], 'odd key': [{ name: "it's" }] };
  it('names array elements by what they are, counts repeats, and quotes what needs it', () => {
    expect(stablePath(data, ['groups', 0, 'entries', 0, 'driver'])).toBe("$.groups['g1'].entries['a.p'].driver");
    expect(stablePath(data, ['groups', 0, 'entries', 1])).toBe("$.groups['g1'].entries['a.p'#2]");
    expect(stablePath(data, ['groups', 0, 'entries', 2])).toBe("$.groups['g1'].entries[2]");
    expect(stablePath(data, ['odd key', 0])).toBe("$['odd key']['it\\'s']");
    expect(stablePath(undefined, [])).toBe('$');
  });
  it('a path covers itself and what is below it, not a sibling that starts alike', () => {
    expect(coversPath("$.groups['g1']", "$.groups['g1'].entries[0]")).toBe(true);
    expect(coversPath("$.groups['g1']", "$.groups['g1']")).toBe(true);
    expect(coversPath("$.groups['g1']", "$.groups['g1'#2]")).toBe(false);
    expect(coversPath('$.groups', '$.groupsX')).toBe(false);
  });
});

describe('typos are errors', () => {
  it('a driver a slip away from a type with the property fails without --strict, with "did you mean"', async () => {
    withTypo();
    const r = await json();
    expect(r.code).toBe(1);
    const typo = r.findings.find((f) => f.rule === 'compat-driver-typo');
    expect(typo).toMatchObject({ severity: 'error', hint: 'did you mean "hpet"?' });
  });
});

describe('--ignore', () => {
  it('drops the rule and says how many it dropped', async () => {
    withUnusedGroup();
    expect((await check('--strict')).code).toBe(1);
    const r = await check('--strict', '--ignore', 'compat-group-unused');
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('no problems in 4 files (1 info, 1 ignored)');
    // Repeatable.
    const both = await check('--ignore', 'compat-group-unused', '--ignore', 'compat-driver-unknown');
    expect(both.stdout.trimEnd().split('\n').pop()).toBe('no problems in 4 files (2 ignored)');
  });

  it('an unknown rule is exit 2 with the closest rule names', async () => {
    const r = await check('--ignore', 'compat-group-unsued');
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe("qom-compat: unknown rule 'compat-group-unsued'; did you mean 'compat-group-unused', 'compat-group-unknown'?\n");
  });
});

describe('check-suppressions.json', () => {
  it('accepts one finding by stable path, with its reason, and survives entries moving', async () => {
    withUnusedGroup();
    withTypo();
    suppress([{ rule: 'compat-group-unused', file: 'machines.json', path: "$.groups['compat-0.1']", reason: 'kept for a downstream machine' }]);
    const r = await check('--strict');
    expect(r.stdout).not.toContain('compat-group-unused');
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('1 error, 0 warnings in 1 file (1 info, 1 suppressed)');
    // The typo is not covered: only the named rule at the named path is.
    expect(r.code).toBe(1);
    // A new group in front moves every index, not the name.
    withUnusedGroup('\n    { "name": "compat-0.0", "entries": [] },');
    const moved = await json('--strict');
    expect(moved.findings.filter((f) => f.rule === 'compat-group-unused').map((f) => f.key)).toEqual(["$.groups['compat-0.0'].name"]);
  });

  it('without a path it covers a whole file; without a file every file of its directory', async () => {
    withUnusedGroup();
    suppress([{ rule: 'compat-group-unused', reason: 'x' }, { rule: 'compat-driver-unknown', file: 'machines.json', reason: 'shared groups' }]);
    expect((await check('--strict')).stdout.trimEnd().split('\n').pop()).toBe('no problems in 4 files (2 suppressed)');
  });

  it('a suppression that matches nothing any more is said', async () => {
    suppress([{ rule: 'compat-group-unused', file: 'machines.json', path: "$.groups['compat-0.1']", reason: 'x' }]);
    const r = await check();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/note: .*check-suppressions\.json: suppressions\[0\] matches no finding any more \(compat-group-unused at \$\.groups\['compat-0\.1'\]\): remove it/);
  });

  it('a malformed suppressions file is exit 2 with its place', async () => {
    const cases: Array<[unknown[], RegExp]> = [
      [[{ rule: 'compat-grup-unused', reason: 'x' }], /suppressions\[0\]\.rule\): unknown rule 'compat-grup-unused'; did you mean 'compat-group-unused'/],
      [[{ rule: 'compat-noop' }], /suppressions\[0\]\.reason\): expected why the finding is accepted/],
      [[{ rule: 'compat-noop', reason: 'x', pth: '$' }], /suppressions\[0\]\.pth\): unknown key "pth"; did you mean "path"\?/],
      [[{ rule: 'compat-noop', reason: 'x', file: '../other/machines.json' }], /"\.\.\/other\/machines\.json" is not a file of this directory/],
    ];
    for (const [list, message] of cases) {
      suppress(list);
      const r = await check();
      expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(message)]);
    }
    writeFileSync(join(defs, 'check-suppressions.json'), '{ "suppressions": [ }');
    expect(await check()).toMatchObject({ code: 2, stderr: expect.stringMatching(/^qom-compat: .*check-suppressions\.json:1:\d+: malformed JSON/) });
  });
});

describe('baseline', () => {
  it('--write-baseline accepts the current findings; --baseline then fails only on new ones and says which are fixed', async () => {
    withUnusedGroup();
    withTypo();
    const baseline = join(work, 'baseline.json');
    const written = await check('--write-baseline', baseline);
    expect(written.code).toBe(0);
    expect(written.stdout).toContain(`note: wrote 2 findings to ${baseline}`);
    expect(readdirSync(work).filter((n) => n.includes('.tmp'))).toEqual([]);
    const stored = JSON.parse(readFileSync(baseline, 'utf8')) as { format: string; findings: Array<{ rule: string; file: string }> };
    expect(stored.findings.map((f) => [f.rule, f.file])).toEqual([['compat-group-unused', 'x86_64/machines.json'], ['compat-driver-typo', 'x86_64/machines.json']]);

    const accepted = await check('--strict', '--baseline', baseline);
    expect(accepted.code).toBe(0);
    expect(accepted.stdout.trimEnd().split('\n').pop()).toBe('no problems in 4 files (1 info, 2 in the baseline)');

    // A new typo fails; the fixed one is said.
    writeFileSync(join(defs, 'machines.json'), readFileSync(join(defs, 'machines.json'), 'utf8')
      .replace('"driver": "hpte"', '"driver": "hpet"').replace('"driver": "virtio-iommu-pci"', '"driver": "virtio-iommu-pic"'));
    const after = await json('--baseline', baseline);
    expect(after.code).toBe(1);
    expect(after.findings.filter((f) => f.severity === 'error').map((f) => f.hint)).toEqual(['did you mean "virtio-iommu-pci"?']);
    expect(after.stderr).toMatch(/qom-compat: note: .*baseline\.json: findings\[1\] \(compat-driver-typo at .*\) is fixed: write the baseline again to drop it/);
  });

  it('a baseline that cannot be written is exit 2, and nothing is left behind', async () => {
    const r = await check('--write-baseline', work);
    expect(r).toMatchObject({ code: 2, stderr: `qom-compat: cannot write ${work}: EISDIR\n` });
    // The temporary file is written beside the target: in its parent here.
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith(`${basename(work)}.`) && n.endsWith('.tmp'))).toEqual([]);
  });

  it('an unreadable or foreign baseline is exit 2', async () => {
    expect(await check('--baseline', join(work, 'none.json'))).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot read') });
    writeFileSync(join(work, 'foreign.json'), '{ "findings": [] }');
    expect(await check('--baseline', join(work, 'foreign.json'))).toMatchObject({ code: 2, stderr: expect.stringContaining('not a qom-compat baseline') });
  });
});

describe('the result cache under --ignore, suppressions and baselines', () => {
  it('answers each combination as an uncached run does', async () => {
    const cache = join(work, 'cache');
    const cached = (...args: string[]) => runCli(['check', defs, '--strict', ...args], { env: { QOM_COMPAT_CACHE_DIR: cache } });
    withUnusedGroup();
    const outcomes = async () => [await cached(), await cached('--ignore', 'compat-group-unused')];
    const [plain, ignored] = await outcomes();
    expect([plain!.code, ignored!.code]).toEqual([1, 0]);
    suppress([{ rule: 'compat-group-unused', reason: 'x' }]);
    const [suppressed] = await outcomes();
    expect(suppressed!.code).toBe(0);
    rmSync(join(defs, 'check-suppressions.json'));
    const baseline = join(work, 'b.json');
    await cached('--write-baseline', baseline);
    expect((await cached('--baseline', baseline)).code).toBe(0);
    expect((await cached()).code).toBe(1);
    // Every run above after the first was answered from one entry.
    expect(readdirSync(cache).filter((n) => n.endsWith('.json'))).toHaveLength(1);
  });
});

describe('files a pre-commit hook hands over', () => {
  it('options.json has no check rules and is skipped; check-suppressions.json checks the files it speaks for', async () => {
    writeFileSync(join(defs, 'options.json'), '{ "not": "checked here" }');
    expect(await runCli(['check', join(defs, 'options.json')])).toMatchObject({ code: 0, stdout: 'no problems in 0 files\n' });
    withUnusedGroup();
    suppress([{ rule: 'compat-noop', file: 'machines.json', path: "$.groups['compat-0.1']", reason: 'x' }]);
    const r = await runCli(['check', join(defs, 'check-suppressions.json'), '--strict']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('compat-group-unused');
    expect(r.stdout).toContain('suppressions[0] matches no finding any more');
  });
});

describe("the README's CI step", () => {
  /** The `run:` line of the README's GitHub Actions example, as words after `npx qom-compat`. */
  function readmeCiArgs(): string[] {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const line = /^\s+run: npx qom-compat (check .*)$/m.exec(readme);
    if (!line) throw new Error('README has no "run: npx qom-compat check ..." line');
    return line[1]!.trim().split(/\s+/);
  }

  let repo: string;
  beforeEach(() => {
    // A repository of definitions: the embedded machines/ as they are, run from its root.
    repo = mkdtempSync(join(tmpdir(), 'qom-compat-ci-'));
    cpSync(EMBEDDED_MACHINES_DIR, join(repo, 'machines'), { recursive: true });
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  async function inRepo(args: string[]) {
    const cwd = process.cwd();
    process.chdir(repo);
    try {
      return await runCli(args);
    } finally {
      process.chdir(cwd);
    }
  }

  it('passes on the unmodified embedded QEMU data', async () => {
    const args = readmeCiArgs();
    expect(args).toEqual(expect.arrayContaining(['check', '--format', 'github']));
    const r = await inRepo(args);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toMatch(/^::(error|warning)/m);
    expect(r.code).toBe(0);
  });

  it('fails on a typo with a close match, as an error annotation saying "did you mean"', async () => {
    const file = join(repo, 'machines', 'x86_64', 'machines.json');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('"driver": "ICH9-LPC"');
    writeFileSync(file, text.replace('"driver": "ICH9-LPC"', '"driver": "ICH9-LCP"'));
    const r = await inRepo(readmeCiArgs());
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error file=machines\/x86_64\/machines\.json,line=\d+,col=\d+,title=qom-compat compat-driver-typo::"ICH9-LCP" is not a type.*%0Ahint: did you mean "ICH9-LPC"\?/m);
    // Without --strict too: a typo is an error.
    expect((await inRepo(readmeCiArgs().filter((a) => a !== '--strict'))).code).toBe(1);
  });

  it('the embedded suppressions are all still needed', async () => {
    expect(existsSync(join(repo, 'machines', 'x86_64', 'check-suppressions.json'))).toBe(true);
    const r = await inRepo(['check', 'machines/']);
    expect(r.stdout).not.toContain('matches no finding');
    expect(r.stdout).toMatch(/\(7 info, 2 suppressed\)\n$/);
  });
});
