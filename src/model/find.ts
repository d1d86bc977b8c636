/** Finding a machine by the names users write, with "did you mean" on a miss. */
import { UnknownNameError } from '../errors.js';
import { closestMatches } from '../util/suggest.js';
import type { Machine, MachineModel } from './machines.js';

export function findMachine(machines: MachineModel, name: string): Machine {
  const m = machines.lookup(name);
  if (m) return m;
  const names = machines.all().flatMap((x) => (x.alias ? [x.name, x.alias] : [x.name]));
  // Users write q35-9.1 for pc-q35-9.1 (lookup takes it): compare like with like, suggest the canonical name.
  const short = new Map(names.filter((n) => n.startsWith('pc-')).map((n) => [n.slice(3), n]));
  const matches = name.startsWith('pc-') ? closestMatches(name, names) : closestMatches(name, [...names, ...short.keys()]).map((n) => short.get(n) ?? n);
  throw new UnknownNameError('machine', name, [...new Set(matches)]);
}
