/**
 * Every command line of the corpora in test/fixtures/cmdlines (libvirt's test
 * suite, Proxmox VE's qemu-server tests, other generators and scripts) goes
 * through `resolve --args-file` as pasted:
 * - resolve answers: exit 0, or the outcome test/fixtures/cmdlines/outcomes.json
 *   lists for it with QEMU's reason (an option QEMU 10.0 removed, a device
 *   type the x86_64 binary lacks) — never a usage error or a crash;
 * - nothing is dropped silently: every option is applied or listed with its
 *   effect (the parser's own accounting, checked option by option).
 * The refusals QEMU gives before it creates anything are compared with the
 * binary in test/live/cmdlines.live.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseQemuCommandLine } from '../../src/parse/command-line.js';
import { optionEffect } from '../../src/parse/option-effects.js';
import { dialectOf } from '../../src/parse/dialects.js';
import { scanQemuArgv, splitInvocation } from '../../src/parse/qemu-argv.js';
import { splitShellWords } from '../../src/parse/shell-words.js';
import { runCli } from '../support/cli.js';
import { embeddedOptionTable } from '../support/option-table.js';
import { CORPUS_DIR, corpusFiles, expectedOutcomes } from '../support/corpus.js';

const table = embeddedOptionTable();
const outcomes = expectedOutcomes();
const files = corpusFiles();

/** The message resolve reports, as the JSON document or the usage error has it. */
function messageOf(r: { stdout: string; stderr: string }): string {
  try {
    return (JSON.parse(r.stdout) as { error?: string | null }).error ?? '';
  } catch {
    return r.stderr.trim();
  }
}

describe('real command lines: resolve answers every one', () => {
  it('lists only files that exist', () => {
    for (const name of Object.keys(outcomes)) expect(files).toContain(name);
  });

  it.each(files)('%s', async (name) => {
    const r = await runCli(['resolve', '--args-file', join(CORPUS_DIR, name), '--format', 'json']);
    const expected = outcomes[name];
    expect({ exit: r.code, message: r.code === 0 ? '' : messageOf(r) })
      .toEqual(expected ? { exit: expected.exit, message: expected.message } : { exit: 0, message: '' });
  });
});

describe('real command lines: no option is dropped silently', () => {
  it.each(files)('%s', (name) => {
    const words = splitShellWords(readFileSync(join(CORPUS_DIR, name), 'utf8'));
    const parsed = parseQemuCommandLine(words, table);
    if (!parsed.ok) return; // QEMU stops at the first pass: outcomes.json has its message
    const { args } = splitInvocation(words);
    const dialect = dialectOf(args);
    const scanned = scanQemuArgv(args, dialect ? table.withOptions(dialect.options) : table);
    const listed = new Set(parsed.line.listed.map((o) => o.text));
    for (const o of scanned.options) {
      if (!o.def.target || o.name === 'readconfig') continue; // a fatal entry, or read section by section
      if (optionEffect(o.name) === 'applied') continue;
      expect({ option: o.text, listed: listed.has(o.text) }).toEqual({ option: o.text, listed: true });
    }
  });
});
