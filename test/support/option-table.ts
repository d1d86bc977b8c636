/** The embedded QEMU 10.0.2 option table, for tests of command-line parsing. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMBEDDED_MACHINES_DIR } from '../../src/load/paths.js';
import type { OptionTableFile } from '../../src/load/schema.js';
import { OptionTable } from '../../src/parse/option-table.js';

export function embeddedOptionTable(): OptionTable {
  return new OptionTable(JSON.parse(readFileSync(join(EMBEDDED_MACHINES_DIR, 'x86_64', 'options.json'), 'utf8')) as OptionTableFile);
}
