/** What a command may touch: output streams and colour, passed in (tests hand in their own). */
import type { ChalkInstance } from 'chalk';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  color: ChalkInstance;
  env: NodeJS.ProcessEnv;
  /** True when stderr is a terminal (progress lines). */
  interactive: boolean;
  /** The terminal's width when stdout is a terminal (text output is wrapped to it, or to COLUMNS). */
  columns?: number;
}

export type OutputFormat = 'text' | 'json';
