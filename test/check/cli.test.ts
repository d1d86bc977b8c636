/** `qom-compat check` end to end through main(): paths, formats, exit codes. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Chalk } from 'chalk';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { BASE_DIR, CASES_DIR, readBase } from './support.js';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['check', ...argv], {
    out: (s) => { out += s; }, err: (s) => { err += s; }, color: new Chalk({ level: 0 }), env: { QOM_COMPAT_CACHE: '0' }, interactive: false,
  });
  return { code, out, err };
}

const SYNTAX_CASE = join(CASES_DIR, 'json-syntax', 'hit');

describe('check: exit codes and formats', () => {
  it('info never fails; warnings fail only under --strict', async () => {
    const plain = await run(BASE_DIR);
    expect(plain.code).toBe(0);
    expect(plain.out).toMatch(/info {5}compat-driver-unknown/);
    expect(plain.out.trimEnd().split('\n').pop()).toBe('no problems in 4 files (1 info)');
    expect((await run(BASE_DIR, '--strict')).code).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'qom-check-warn-'));
    try {
      cpSync(BASE_DIR, dir, { recursive: true });
      // A group no machine appends: compat-group-unused, a warning.
      writeFileSync(join(dir, 'machines.json'), readBase('machines.json').replace('"groups": [', '"groups": [\n    { "name": "compat-0.1", "entries": [] },'));
      const warned = await run(dir);
      expect(warned.code).toBe(0);
      expect(warned.out.trimEnd().split('\n').pop()).toBe('0 errors, 1 warning in 1 file (1 info)');
      expect((await run(dir, '--strict')).code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports errors with exit 1; json is an array of located findings', async () => {
    const r = await run(SYNTAX_CASE, '--format', 'json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toEqual([{
      rule: 'json-syntax', severity: 'error', file: 'test/fixtures/check/cases/json-syntax/hit/machines.json',
      line: 8, column: 7, path: '$', key: '$', message: "malformed JSON: Unexpected token ']'",
      hint: 'the loader refuses the whole file; fix the syntax first',
    }]);
  });

  it('github format prints workflow commands with escaped data', async () => {
    const r = await run(SYNTAX_CASE, '--format', 'github');
    const [first, summary] = r.out.trimEnd().split('\n');
    expect(first).toBe('::error file=test/fixtures/check/cases/json-syntax/hit/machines.json,line=8,col=7,title=qom-compat json-syntax::' +
      "malformed JSON: Unexpected token ']'%0Ahint: the loader refuses the whole file; fix the syntax first%0A(at $)");
    expect(summary).toBe('1 error, 0 warnings in 1 file');
  });

  it('text groups by file and ends with the summary line', async () => {
    const r = await run(SYNTAX_CASE);
    expect(r.out).toBe([
      'test/fixtures/check/cases/json-syntax/hit/machines.json',
      '  test/fixtures/check/cases/json-syntax/hit/machines.json:8:7  error    json-syntax  $',
      "    malformed JSON: Unexpected token ']'",
      '    hint: the loader refuses the whole file; fix the syntax first',
      '',
      '1 error, 0 warnings in 1 file',
      '',
    ].join('\n'));
  });

  it('usage errors exit 2 without a stack trace', async () => {
    const missing = await run('no/such/dir');
    expect(missing).toEqual({ code: 2, out: '', err: 'qom-compat: cannot read no/such/dir: no such file or directory\n' });
    expect((await run(BASE_DIR, '--format', 'xml')).code).toBe(2);
  });

  it('checks the embedded definitions by default, with no errors', async () => {
    const r = await run('--format', 'json');
    expect(r.err).toBe('');
    const findings = JSON.parse(r.out) as Array<{ severity: string; rule: string; message: string }>;
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});

describe('check: paths', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'qom-check-'));
    cpSync(BASE_DIR, join(root, 'machines', 'x86_64'), { recursive: true });
    mkdirSync(join(root, 'machines', 'schema'));
    writeFileSync(join(root, 'machines', 'schema', 'machines.schema.json'), '{ "not": "a definition file" }');
    mkdirSync(join(root, 'machines', 'aarch64'));
    writeFileSync(join(root, 'machines', 'aarch64', 'types.json'), JSON.stringify({
      arch: 'aarch64', types: [{ name: 'object', parent: null, abstract: true }, { name: 'arm-cpu', parent: 'object', abstract: true }],
    }, null, 2));
    writeFileSync(join(root, 'lone.json'), readBase('machines.json').replace('"inherits": "pc-q35-9.2"', '"inherits": "pc-q35-9.3"'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('a machines/ root means every arch directory, schema/ excluded', async () => {
    const r = await run(join(root, 'machines'), '--format', 'json');
    const files = new Set((JSON.parse(r.out) as Array<{ file: string }>).map((f) => f.file.slice(root.length + 1)));
    expect([...files]).toEqual(['machines/x86_64/machines.json']);
  });

  it('names the other architecture that has an unknown driver', async () => {
    const r = await run(join(root, 'machines'), '--format', 'json');
    const [arm] = JSON.parse(r.out) as Array<{ message: string; hint: string }>;
    expect(arm!.message).toMatch(/"arm-cpu" is not a type of this binary \(not in x86_64\).*"arm-cpu" is a type of aarch64/);
    expect(arm!.hint).toBe('expected when the group is shared by several architectures');
  });

  it('--arch keeps one architecture of a root; an unknown one is a usage error', async () => {
    const r = await run(join(root, 'machines'), '--arch', 'aarch64', '--format', 'json');
    expect(r.code).toBe(0);
    expect(r.out).toBe('[]\n');
    expect(await run(join(root, 'machines'), '--arch', 'riscv64')).toMatchObject({ code: 2, err: expect.stringContaining('no definitions for architecture "riscv64"') });
  });

  it('a single file is checked with its siblings as context, and only it is reported', async () => {
    const r = await run(join(root, 'machines', 'x86_64', 'machines.json'), '--format', 'json');
    const findings = JSON.parse(r.out) as Array<{ file: string; rule: string }>;
    expect(findings.map((f) => f.rule)).toEqual(['compat-driver-unknown']);
  });

  it('a lone file is checked against the embedded definitions of its architecture, and says so', async () => {
    const r = await run(join(root, 'lone.json'), '--format', 'json');
    const rules = (JSON.parse(r.out) as Array<{ rule: string; file: string }>).map((f) => f.rule);
    // The chain error needs no context; the compat rules need the embedded type model.
    expect(rules).toEqual(expect.arrayContaining(['machine-inherits-unknown', 'compat-driver-unknown']));
    const text = await run(join(root, 'lone.json'));
    expect(text.out).toMatch(/note: no types\.json, boards\.json, accel-compat\.json in .*: checked against those in .*machines\/x86_64\n/);
  });

  it('a directory of loosely named JSON files checks each, its kind told from its content', async () => {
    const corpus = join(root, 'corpus');
    mkdirSync(corpus);
    writeFileSync(join(corpus, '01-typo.json'), readBase('machines.json').replace('"driver": "hpet"', '"driver": "hpte"'));
    writeFileSync(join(corpus, '02-malformed.json'), '{ "arch": "x86_64", "machines": [ }');
    writeFileSync(join(corpus, 'notes.txt'), 'not JSON, not looked at');
    const r = await run(corpus, '--format', 'json');
    const findings = JSON.parse(r.out) as Array<{ rule: string; file: string; message: string }>;
    expect(findings.filter((f) => f.file.endsWith('01-typo.json') && /"hpte"/.test(f.message)).map((f) => f.rule)).toEqual(['compat-driver-typo']);
    expect(findings.filter((f) => f.file.endsWith('02-malformed.json')).map((f) => f.rule)).toEqual(['json-syntax']);
    expect(r.code).toBe(1);
  });

  it('a file that names no architecture (accel-compat.json) borrows the default one\'s context', async () => {
    const dir = join(root, 'accel-only');
    mkdirSync(dir);
    writeFileSync(join(dir, 'accel-compat.json'), readBase('accel-compat.json').replace('"driver": "migration"', '"driver": "migraton"'));
    const r = await run(dir);
    expect(r.out).toMatch(/error +compat-driver-typo[\s\S]*did you mean "migration"\?/);
    expect(r.out).toContain('(the files name no architecture)');
  });

  it('a lone file of an architecture without embedded definitions gets the context-free rules, and a note', async () => {
    writeFileSync(join(root, 'lone-riscv.json'), readFileSync(join(root, 'lone.json'), 'utf8').replace('"arch": "x86_64"', '"arch": "riscv64"'));
    const r = await run(join(root, 'lone-riscv.json'), '--format', 'json');
    expect((JSON.parse(r.out) as Array<{ rule: string; line: number; column: number }>).map((f) => [f.rule, f.line, f.column]))
      .toEqual([['machine-inherits-unknown', 32, 19]]);
    expect((await run(join(root, 'lone-riscv.json'))).out).toContain('note: no types.json for riscv64 in');
  });
});
