/**
 * Fuzz through the real `bin/qom-compat` (the bundle, in a child process): a
 * few hostile command lines and stdin texts, and the exit paths an in-process
 * run cannot show (the process's own exit status, a reader that closes the
 * pipe early). The in-process suites (argv, defs) cover the breadth.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { atom, expectWellBehaved, fuzzParams, jsonDevice, optsString, runBin } from '../support/fuzz.js';

/** execve cannot carry a NUL in an argument: the kernel, not the tool, refuses those. */
const noNul = (s: string) => s.replaceAll('\u0000', '');

describe('fuzz: bin/qom-compat in a child process', () => {
  it('hostile resolve lines and --args-file - texts: documented exit, no stack trace, JSON that parses, bounded time', async () => {
    const word = fc.oneof(atom, optsString, jsonDevice).map(noNul);
    const line = fc.array(fc.tuple(fc.constantFrom('-device', '-global', '-object', '-M', '-set', '-accel', '-machine'), word), { maxLength: 3 }).map((xs) => xs.flat());
    await fc.assert(fc.asyncProperty(line, fc.string({ unit: 'binary', maxLength: 200 }), async (args, stdin) => {
      const argv = ['resolve', '--format', 'json', '--args-file', '-', ...args];
      const r = await runBin(argv, { stdin });
      expect(r.timedOut).toBe(false);
      expectWellBehaved(r, { json: true, input: { argv, stdin } });
    }), fuzzParams(6));
  }, 120_000);

  it('`list | head -c 100`: the reader closing the pipe is not an error', async () => {
    const r = await runBin(['list', '--format', 'json'], { closeAfter: 100 });
    expect(r.timedOut).toBe(false);
    expectWellBehaved(r, { input: 'list | head -c 100' });
    expect(r.code).toBe(0);
  }, 30_000);
});
