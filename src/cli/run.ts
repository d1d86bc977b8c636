/**
 * The process around main(): run it, let the output drain, exit with its code.
 * Shared by the plain entry (bin.ts) and the start-up snapshot (snapshot-entry.ts).
 */
import { main } from './main.js';

export async function runProcess(argv: string[], afterOutput?: () => Promise<void>): Promise<never> {
  const code = await main(argv);
  process.exitCode = code;
  // Exit once our output is flushed: otherwise node waits ~15-25 ms for the
  // module loader to close the last file it read, after all work is done.
  await new Promise<void>((done) => process.stdout.write('', () => process.stderr.write('', () => done())));
  if (afterOutput) await afterOutput();
  process.exit(code);
}
