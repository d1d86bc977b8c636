/**
 * query-machines does not report GlobalProperty.optional. Learn it from the
 * binary: an entry whose driver reaches a concrete type that lacks the
 * property would abort QEMU when that type is instantiated, unless the entry
 * is optional. So instantiate such a type under a machine carrying the entry
 * (qom-list-properties instantiates it, applying compat props) and see
 * whether QEMU survives.
 */
import type { TypeModel } from '../model/types.js';
import { QemuExitedError, QmpSession } from '../qemu/qmp.js';
import { entryKey } from './derive-machines.js';
import type { QmpMachine } from './qmp-introspect.js';
import type { ProbeContext } from './probes.js';

export interface OptionalCandidate { driver: string; property: string; machine: string; lackingType: string }

/** Entries that reach a concrete type lacking their property, with the shortest machine list carrying them. */
export function optionalCandidates(machines: readonly QmpMachine[], types: TypeModel): OptionalCandidate[] {
  const carrier = new Map<string, QmpMachine>();
  for (const m of machines) {
    for (const e of m.compatProps) {
      const k = entryKey(e);
      const prev = carrier.get(k);
      if (!prev || m.compatProps.length < prev.compatProps.length || (m.compatProps.length === prev.compatProps.length && m.name < prev.name)) carrier.set(k, m);
    }
  }
  const out: OptionalCandidate[] = [];
  for (const [k, m] of [...carrier].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [driver, property] = k.split('\u0000') as [string, string];
    const lacking = types.concreteSubtypes(driver).find((t) => !types.property(t, property) && types.properties(t).size > 0);
    if (lacking) out.push({ driver, property, machine: m.name, lackingType: lacking });
  }
  return out;
}

export async function learnOptionalEntries(ctx: ProbeContext, machines: readonly QmpMachine[], types: TypeModel): Promise<Set<string>> {
  const optional = new Set<string>();
  for (const c of optionalCandidates(machines, types)) {
    const survives = await survivesInstantiation(ctx.binary, c.machine, c.lackingType);
    ctx.progress(`  ${c.driver}.${c.property}: ${c.lackingType} lacks it; QEMU ${survives ? 'skips it (optional)' : 'aborts (not optional)'}`);
    if (survives) optional.add(entryKey(c));
  }
  return optional;
}

async function survivesInstantiation(binary: string, machine: string, type: string): Promise<boolean> {
  const qmp = await QmpSession.start(binary, ['-M', machine, '-nodefaults']);
  try {
    await qmp.execute('qom-list-properties', { typename: type });
    return true;
  } catch (e) {
    if (e instanceof QemuExitedError) return false;
    throw e;
  } finally {
    await qmp.quit();
  }
}
