/** What a command may touch: output streams and colour, passed in (tests hand in their own). */
import type { ChalkInstance } from 'chalk';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  color: ChalkInstance;
  env: NodeJS.ProcessEnv;
  /** True when stderr is a terminal (progress lines). */
  interactive: boolean;
}

export type OutputFormat = 'text' | 'json';
