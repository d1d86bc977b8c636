// In-process cost of the library: loading definitions and resolving, per machine.
import { loadDefinitionsFromDisk, resolve } from '../dist/index.js';

const t0 = performance.now();
const defs = await loadDefinitionsFromDisk();
const tLoad = performance.now() - t0;
const machines = defs.machines.all().map((m) => m.name);
const t1 = performance.now();
let objects = 0;
for (const machine of machines) {
  for (const nodefaults of [true, false]) {
    for (const model of ['qdev', 'object-compat']) objects += resolve(defs, { machine, nodefaults, model }).objects.length;
  }
}
const tAll = performance.now() - t1;
console.log(`load embedded definitions: ${tLoad.toFixed(1)} ms`);
console.log(`resolve ${machines.length} machines x 2 variants x 2 models: ${tAll.toFixed(1)} ms total, ${(tAll / (machines.length * 4)).toFixed(2)} ms each, ${objects} objects`);
