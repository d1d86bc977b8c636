/** `npm run schemas`: writes machines/schema/*.schema.json from the zod schemas. */
import { join } from 'node:path';
import { EMBEDDED_MACHINES_DIR } from '../load/fs.js';
import { jsonSchemaFiles } from '../load/json-schema.js';
import { writeFileAtomic } from '../util/fs-atomic.js';

for (const [name, text] of jsonSchemaFiles()) {
  writeFileAtomic(join(EMBEDDED_MACHINES_DIR, 'schema', name), text);
  process.stdout.write(`wrote machines/schema/${name}\n`);
}
