/**
 * Reading a text file the user names (a pasted command line, a -readconfig
 * file) without trusting it to end: /dev/zero or an endless pipe would
 * otherwise be read until memory runs out.
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** Larger than any command line or QEMU config file: 16 MiB. */
export const MAX_TEXT_BYTES = 16 << 20;

export class TooLargeError extends Error {}

/** The file's (or fd's) text as UTF-8; TooLargeError past `limit` bytes. Open/read errors are thrown as by node:fs. */
export function readTextBounded(file: string | number, limit = MAX_TEXT_BYTES): string {
  const fd = typeof file === 'number' ? file : openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(1 << 16);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > limit) throw new TooLargeError(`larger than ${limit >> 20} MiB`);
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    if (typeof file !== 'number') closeSync(fd);
  }
}
