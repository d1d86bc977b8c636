/**
 * A TextStore whose texts live in a file: the start-up snapshot's builder
 * collects the compact definitions' texts, then `seal` writes them to a file
 * beside the snapshot and lets go of them, so that the snapshot's heap keeps
 * only their byte offsets (a smaller heap restores faster; a run reads a few
 * dozen of the thousands of texts).
 */
import { openSync, readSync, statSync } from 'node:fs';
import type { TextStore } from '../model/text-store.js';
import { writeFileAtomic } from '../util/fs-atomic.js';

export class TextPack implements TextStore {
  private pending: string[] | undefined = [];
  /** Byte offset of each text in the file, and of the file's end. */
  private offsets = new Float64Array(0);
  /** Size and modification time of the file as sealed. */
  private stamp = '';
  private fd: number | undefined;
  /** The process that opened `fd`: a run restored from the snapshot inherits the number, not the file. */
  private fdPid = 0;

  constructor(readonly path: string) {}

  put(text: string): number {
    if (!this.pending) throw new Error(`text pack ${this.path} is sealed`);
    return this.pending.push(text) - 1;
  }

  get(handle: number): string {
    if (this.pending) {
      const t = this.pending[handle];
      if (t === undefined) throw new RangeError(`no text ${handle} in this store`);
      return t;
    }
    if (!(handle >= 0 && handle < this.offsets.length - 1)) throw new RangeError(`no text ${handle} in ${this.path}`);
    const start = this.offsets[handle]!;
    const length = this.offsets[handle + 1]! - start;
    if (this.fd === undefined || this.fdPid !== process.pid) {
      this.fd = openSync(this.path, 'r');
      this.fdPid = process.pid;
    }
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd, buf, got, length - got, start + got);
      if (n === 0) throw new Error(`${this.path} ends early: it changed after the snapshot was built`);
      got += n;
    }
    return buf.toString('utf8');
  }

  /** Writes the texts to the file (atomically) and keeps only their offsets. */
  seal(): void {
    const parts = (this.pending ?? []).map((t) => Buffer.from(t, 'utf8'));
    const offsets = new Float64Array(parts.length + 1);
    for (let i = 0; i < parts.length; i++) offsets[i + 1] = offsets[i]! + parts[i]!.length;
    writeFileAtomic(this.path, Buffer.concat(parts));
    this.offsets = offsets;
    this.pending = undefined;
    this.stamp = stampOf(this.path);
  }

  /** Whether the file is the one sealed (same size and modification time). */
  intact(): boolean {
    return this.pending === undefined && this.stamp !== '' && stampOf(this.path) === this.stamp;
  }
}

function stampOf(path: string): string {
  try {
    const s = statSync(path);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return '';
  }
}
