/**
 * The corpus lines QEMU refuses while it parses options (an option QEMU 10.0
 * removed or never had), run through the real binary as pasted: QEMU's
 * first pass stops at the option before it touches any host resource, so
 * the line runs here unchanged. Exit status and message must be those
 * test/fixtures/cmdlines/outcomes.json gives (and resolve gives, in
 * test/corpus/cmdlines.test.ts). A Proxmox VE line runs without its `-id VMID`:
 * that option is pve-qemu-kvm's, which the upstream binary here lacks.
 */
import { expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitInvocation } from '../../src/parse/qemu-argv.js';
import { dialectOf } from '../../src/parse/dialects.js';
import { splitShellWords } from '../../src/parse/shell-words.js';
import { CORPUS_DIR, expectedOutcomes } from '../support/corpus.js';
import { describeLive, QEMU_BINARY } from '../support/qemu.js';

const FIRST_PASS = /: (invalid option|requires an argument)$/;
const lines = Object.entries(expectedOutcomes()).filter(([, o]) => FIRST_PASS.test(o.message));

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(QEMU_BINARY, args, { timeout: 20_000, killSignal: 'SIGKILL' }, (err, _out, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr: String(stderr) });
    });
  });
}

describeLive('corpus lines QEMU refuses while parsing options: QEMU 10.0.2 says the same', () => {
  it('has such lines', () => expect(lines.length).toBeGreaterThanOrEqual(5));
  it.each(lines)('%s', async (name, outcome) => {
    const { args } = splitInvocation(splitShellWords(readFileSync(join(CORPUS_DIR, name), 'utf8')));
    const id = args.indexOf('-id');
    const r = await run(dialectOf(args) && id >= 0 ? [...args.slice(0, id), ...args.slice(id + 2)] : args);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: outcome.exit, stderr: `qemu-system-x86_64: ${outcome.message}\n` });
  });
});
