/** The corpora of real command lines (test/fixtures/cmdlines) and the outcomes expected of them. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CORPUS_DIR = resolve('test/fixtures/cmdlines');

/** What resolve (and QEMU) do with a line that does not start: exit status, message, and QEMU's reason. */
export interface Outcome { exit: number; message: string; reason: string }

/** `dir/file` of every command line, in a stable order. */
export function corpusFiles(): string[] {
  return ['libvirt', 'proxmox', 'other'].flatMap((dir) =>
    readdirSync(join(CORPUS_DIR, dir)).filter((f) => f !== 'ORIGIN.md').sort().map((f) => `${dir}/${f}`));
}

export function expectedOutcomes(): Record<string, Outcome> {
  return JSON.parse(readFileSync(join(CORPUS_DIR, 'outcomes.json'), 'utf8')) as Record<string, Outcome>;
}
