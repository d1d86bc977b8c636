/**
 * Values derived from files and kept in memory for as long as the files are
 * unchanged. The start-up snapshot (tools/snapshot/) fills this before V8
 * serialises the heap, so a run started from it finds the embedded
 * definitions already parsed, validated and built; a run without a snapshot
 * finds it empty and reads the files as before. Each entry remembers the
 * size and modification time of the files it came from: when the files
 * changed since (or are gone), the entry is not used.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';

interface Entry { readonly stamp: string; readonly value: unknown }

const entries = new Map<string, Entry>();

/** Size and modification time of each file; '' for one that cannot be read. */
function stampOf(files: readonly string[]): string {
  return files.map((f) => {
    try {
      const s = statSync(f);
      return `${s.size}:${s.mtimeMs}`;
    } catch {
      return '';
    }
  }).join('|');
}

const keyOf = (kind: string, files: readonly string[]): string => `${kind}\u0000${files.map((f) => resolve(f)).join('\u0000')}`;

/** The value kept for these files, when they are byte-for-byte what it came from (by size and mtime). */
export function preloaded<T>(kind: string, files: readonly string[]): T | undefined {
  const e = entries.get(keyOf(kind, files));
  return e && e.stamp === stampOf(files) ? (e.value as T) : undefined;
}

/** Keeps a value derived from these files. Only the snapshot builder calls this. */
export function keepPreloaded(kind: string, files: readonly string[], value: unknown): void {
  entries.set(keyOf(kind, files), { stamp: stampOf(files), value });
}
