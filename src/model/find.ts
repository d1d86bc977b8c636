/** Finding a machine by the names users write, with "did you mean" on a miss. */
import { UnknownNameError } from '../errors.js';
import { closestMatches } from '../util/suggest.js';
import type { Machine, MachineModel } from './machines.js';

export function findMachine(machines: MachineModel, name: string): Machine {
  const m = machines.lookup(name);
  if (m) return m;
  const names = machines.all().flatMap((x) => (x.alias ? [x.name, x.alias] : [x.name]));
  throw new UnknownNameError('machine', name, closestMatches(name, names));
}
