/** Runs the CLI in-process with captured output and no colour. */
import { Chalk } from 'chalk';
import { main } from '../../src/cli/main.js';

export interface CliRun { code: number; stdout: string; stderr: string }

/** `env` defaults to no result cache (tests must not read or write the user's). */
export async function runCli(args: string[], opts: { color?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    out: (s) => { stdout += s; },
    err: (s) => { stderr += s; },
    color: new Chalk({ level: opts.color ? 1 : 0 }),
    env: opts.env ?? { QOM_COMPAT_CACHE: '0' },
    interactive: false,
  });
  return { code, stdout, stderr };
}
