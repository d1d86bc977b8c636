/**
 * Live-QEMU test gating. A live test may skip only when QEMU is absent and CI
 * is not "true"; in CI a missing QEMU makes the suite fail instead.
 */
import { existsSync } from 'node:fs';
import { describe } from '@jest/globals';

export const QEMU_BINARY = process.env.QOM_COMPAT_QEMU ?? '/usr/bin/qemu-system-x86_64';
export const HAVE_QEMU = existsSync(QEMU_BINARY);

if (!HAVE_QEMU && process.env.CI === 'true') {
  throw new Error(`live tests: ${QEMU_BINARY} is missing in CI (install it with ../shared/tools/install-qemu.sh)`);
}

/** `describe` for tests that run the real QEMU. */
export const describeLive: (name: string, fn: () => void) => void = HAVE_QEMU ? describe : describe.skip;
