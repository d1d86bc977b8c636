/**
 * Fuzz: `import` against fake QEMUs (test/support/fake-qemu.ts) that lie about
 * their version, answer garbage or truncated JSON, die mid-QMP (status or
 * signal) or hang. Whatever they do: exit 3 (or 2, or 0 when the answers were
 * usable) with a message and no stack trace, in bounded time; the files
 * already in --out intact byte for byte, nothing half written beside them;
 * no fake QEMU left running, on every exit path including SIGINT/SIGTERM to
 * the importer (test/unit/import-binary.test.ts has the first of these).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runCli } from '../support/cli.js';
import { BIN, expectNoPollution, expectWellBehaved, fuzzParams } from '../support/fuzz.js';
import { fakePids, PLAUSIBLE, PLAUSIBLE_GREETING, processExists, writeFakeQemu, type FakePlan, type Reply } from '../support/fake-qemu.js';

const root = mkdtempSync(join(tmpdir(), 'qom-compat-fuzz-import-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let runs = 0;
/** A fresh directory with an --out that already holds a definition set (the previous import). */
function scenario(): { dir: string; out: string; before: Map<string, string> } {
  const dir = join(root, `run-${runs++}`);
  const out = join(dir, 'out');
  mkdirSync(join(out, 'x86_64'), { recursive: true });
  const base = join(process.cwd(), 'test', 'fixtures', 'check', 'base');
  for (const f of readdirSync(base)) copyFileSync(join(base, f), join(out, 'x86_64', f));
  return { dir, out, before: snapshot(out) };
}

/** Every file below `dir` with its bytes. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p); else files.set(relative(dir, p), readFileSync(p, 'latin1'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return files;
}

/**
 * The previous files are intact byte for byte and nothing else appeared
 * (no temporary file left over); only a successful import may replace them,
 * and then with complete JSON.
 */
function expectOutIntact(out: string, before: Map<string, string>, code: number, input: unknown): void {
  const after = snapshot(out);
  if (code === 0) {
    for (const [f, bytes] of after) if (f.endsWith('.json')) expect(() => JSON.parse(bytes)).not.toThrow();
    expect([...after.keys()].filter((f) => !f.endsWith('.json'))).toEqual([]);
    return;
  }
  if (JSON.stringify([...after]) !== JSON.stringify([...before])) {
    throw new Error(`--out changed by a failed import (exit ${code}) for ${JSON.stringify(input).slice(0, 600)}: ${[...after.keys()].join(', ')}`);
  }
}

/** Every fake QEMU of `dir` has ended and been reaped (no /proc entry, zombie or not). */
async function expectNoFakeLeft(dir: string, input: unknown): Promise<void> {
  const pids = fakePids(dir);
  for (let i = 0; i < 20 && pids.some(processExists); i++) await new Promise((r) => setTimeout(r, 50));
  const left = pids.filter(processExists).map((pid) => {
    try { return `${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\u0000').slice(1).join(' ')}`; } catch { return String(pid); }
  });
  if (left.length) throw new Error(`fake QEMU processes left running (${left.join('; ')}) for ${JSON.stringify(input).slice(0, 300)}`);
}

const garbage: fc.Arbitrary<Reply> = fc.constantFrom<Reply>(
  { line: '{not json' }, { line: '{"return": [' }, { line: '{"return": 5}' }, { line: '{"return": null}' }, { line: '{"return": "x"}' },
  { line: '{}' }, { line: '{"error": 5}' }, { line: '{"error": {"class": "GenericError", "desc": "no"}}' },
  { line: '{"return": {"__proto__": {"polluted": 1}, "arch": {"constructor": 1}}}' },
  { line: '{"return": [{"name": {"__proto__": 1}, "parent": 7}, {"name": "__proto__", "parent": "constructor"}, {"name": "constructor", "parent": "__proto__"}]}' },
  { line: '{"return": [{"name": "pc-q35-10.0", "compat-props": [{"qom-type": "__proto__", "property": "polluted", "value": 1}]}]}' },
  { line: '{"return": 18446744073709551616123}' }, { line: `{"return": "${'x'.repeat(200_000)}"}` },
  { line: '{"event": "STOP"}' }, { line: '{"return": {"arch": "aarch64"}}' }, { line: `{"return": ${'['.repeat(5000)}${']'.repeat(5000)}}` },
);
const death: fc.Arbitrary<Reply> = fc.oneof(
  fc.constantFrom(0, 1, 2, 3, 127, 255).map((exit): Reply => ({ exit })),
  fc.constantFrom('SIGSEGV', 'SIGKILL', 'SIGABRT', 'SIGTERM').map((signal): Reply => ({ signal: signal as 'SIGSEGV' })),
  fc.constantFrom('{"return": [', '{"QMP"', 'Bail out! ERROR').map((partial): Reply => ({ partial })),
);
const reply = fc.oneof({ weight: 2, arbitrary: garbage }, { weight: 1, arbitrary: death });

const versionLine = fc.constantFrom(
  'QEMU emulator version 10.0.2', 'QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-1)', 'QEMU emulator version 9.0.0', 'QEMU emulator version 6.2.0',
  'QEMU emulator version 99999999999999999999.1', 'QEMU emulator version 7.0', 'QEMU emulator version', 'qemu', '', `QEMU emulator version 10.0.2${'\n'.repeat(3)}\u0000`,
);

const COMMANDS = ['qmp_capabilities', 'query-target', 'query-machines', 'qom-list-types', 'qom-list-properties', 'query-cpu-definitions', 'query-command-line-options'];

/** A plan: plausible answers with some commands, the greeting or the version replaced by something hostile. */
const plan: fc.Arbitrary<FakePlan> = fc.record({
  version: fc.oneof({ weight: 4, arbitrary: fc.constant('QEMU emulator version 10.0.2') }, { weight: 1, arbitrary: versionLine }, { weight: 1, arbitrary: death }),
  help: fc.oneof(fc.constant(''), fc.constant('name "e1000", bus PCI\n'), death),
  greeting: fc.oneof({ weight: 3, arbitrary: fc.constant(PLAUSIBLE_GREETING) }, { weight: 1, arbitrary: reply }),
  replies: fc.dictionary(fc.constantFrom(...COMMANDS), reply, { maxKeys: 2 }).map((r) => ({ ...PLAUSIBLE, ...r })),
  fallback: fc.oneof({ weight: 3, arbitrary: fc.constant<Reply>({ line: '{"return": []}' }) }, { weight: 1, arbitrary: reply }),
  after: fc.option(fc.record({ commands: fc.nat(12), then: reply }), { nil: undefined }),
});

describe('fuzz: import against fake QEMUs (in-process)', () => {
  it('lying, garbling and dying QEMUs: exit 0/2/3 with a message, --out intact, every fake reaped', async () => {
    await fc.assert(fc.asyncProperty(plan, async (p) => {
      const { dir, out, before } = scenario();
      const fake = writeFakeQemu(dir, p);
      const started = Date.now();
      // A fake that stops answering (only events, say) is killed after 60 s per command: the bound allows greeting plus one.
      const r = await runCli(['import', '--qemu', fake, '--out', out, '--machines', '^pc-q35-10.0$', '--devices', '^$']);
      expectWellBehaved({ ...r, ms: Date.now() - started }, { codes: [0, 2, 3], maxMs: 150_000, input: p });
      if (r.code !== 0) expect(r.stderr).toMatch(/qom-compat: \S/);
      expectOutIntact(out, before, r.code, p);
      await expectNoFakeLeft(dir, p);
      expectNoPollution(p);
    }), fuzzParams(18));
  }, 300_000);
});

/** The real CLI in a child process, signalled once the fake has started and stopped answering. */
async function interrupted(p: FakePlan, signal: 'SIGINT' | 'SIGTERM'): Promise<void> {
  const { dir, out, before } = scenario();
  const fake = writeFakeQemu(dir, p);
  const cli = spawn(process.execPath, [BIN, 'import', '--qemu', fake, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH } });
  let stderr = '';
  cli.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
  const closed = new Promise<number | null>((r) => cli.on('close', (c) => r(c)));
  // Wait for a fake to be running (and a little longer, so the importer is waiting on it).
  for (let i = 0; i < 100 && !fakePids(dir).some(processExists); i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 400));
  const sent = Date.now();
  cli.kill(signal);
  const timer = setTimeout(() => cli.kill('SIGKILL'), 10_000);
  const code = await closed;
  clearTimeout(timer);
  expect(Date.now() - sent).toBeLessThan(10_000);
  expect({ code, stderr }).toEqual({ code: signal === 'SIGINT' ? 130 : 143, stderr: expect.stringMatching(`import interrupted \\(${signal}\\)`) });
  expect(stderr).not.toMatch(/\n\s+at /);
  if (process.env.QOM_COMPAT_FUZZ_DEBUG) process.stderr.write(stderr);
  expectOutIntact(out, before, code!, { p, signal });
  await expectNoFakeLeft(dir, { p, signal });
}

const hang: Reply = { hang: true };
const base: FakePlan = { version: 'QEMU emulator version 10.0.2', help: '', greeting: PLAUSIBLE_GREETING, replies: PLAUSIBLE, fallback: { line: '{"return": []}' } };

describe('fuzz: import interrupted while a fake QEMU hangs (bin/qom-compat in a child process)', () => {
  it.each([
    ['before greeting', 'SIGTERM', { ...base, greeting: hang }],
    ['on query-machines', 'SIGINT', { ...base, replies: { ...PLAUSIBLE, 'query-machines': hang } }],
    ['on qom-list-types', 'SIGTERM', { ...base, replies: { ...PLAUSIBLE, 'qom-list-types': hang } }],
    ['in -device help (no QMP)', 'SIGINT', { ...base, help: hang }],
    ['in --version', 'SIGTERM', { ...base, version: hang }],
    ['after a reply that is not JSON nor a message', 'SIGINT', { ...base, replies: { ...PLAUSIBLE, 'qom-list-types': { line: '[1, 2]' } } }],
  ] as const)('hangs %s, %s', async (_label, signal, p) => {
    await interrupted(p as FakePlan, signal);
  }, 30_000);
});

/** Crashes the fuzz found, each with the input that showed it. */
describe('import: regressions found by the fuzz', () => {
  const run = async (p: FakePlan) => {
    const { dir, out, before } = scenario();
    const r = await runCli(['import', '--qemu', writeFakeQemu(dir, p), '--out', out]);
    expectWellBehaved(r, { codes: [3], input: p });
    expectOutIntact(out, before, r.code, p);
    await expectNoFakeLeft(dir, p);
    return r.stderr.split('\n').filter((l) => l.startsWith('qom-compat:')).join('\n');
  };

  // The parse error was thrown inside the stdout data handler: an uncaught exception.
  it('a QMP reply that is not JSON: exit 3 naming it', async () => {
    expect(await run({ ...base, replies: { ...PLAUSIBLE, 'query-machines': { line: '{not json' } } }))
      .toMatch(/^qom-compat: \S+fake-qemu-\d+: QMP query-machines: the reply is not JSON: \{not json$/);
  });

  // list.map is not a function: an internal error with a stack trace.
  it('query-machines answering a number: exit 3, not an internal error', async () => {
    expect(await run({ ...base, replies: { ...PLAUSIBLE, 'query-machines': { line: '{"return": 5}' } } }))
      .toMatch(/^qom-compat: \S+fake-qemu-\d+: an answer is not shaped as QEMU's \(/);
  });

  // execFile's rejection reached the CLI as an internal error.
  it('-device help exiting 3: exit 3 naming the run', async () => {
    expect(await run({ ...base, help: { exit: 3 } })).toMatch(/-device help exited with status 3$/);
  });
});
