/**
 * The cross-version ABI check: a machine type promises the guest the same
 * ABI on every QEMU that has it, so that a VM migrates from the old binary to
 * the new. For every machine type two imports both know, the same
 * configuration is resolved under each, and everything the guest could see
 * that differs is grouped: a value changed, a property only the new binary
 * has (with its value under that machine type), a property gone, an object
 * added or removed.
 */
import type { Definitions } from '../load/build.js';
import { resolve, type ResolveRequest } from '../resolve/resolve.js';
import type { CompatModelName } from '../resolve/result.js';
import { diffResults, type PropertyDiff, type VmDiff } from './vm-diff.js';

export interface AbiSide { readonly defs: Definitions; readonly model: CompatModelName }

export interface AbiFinding {
  readonly machine: string;
  /** The configuration compared (e.g. "-nodefaults"; "" for the board with its default devices). */
  readonly config: string;
  readonly outcome: { readonly from: string; readonly to: string; readonly fromError: string | null; readonly toError: string | null };
  readonly changed: readonly PropertyDiff[];
  readonly added: readonly PropertyDiff[];
  readonly gone: readonly PropertyDiff[];
  readonly objectsAdded: ReadonlyArray<{ path: string | null; type: string }>;
  readonly objectsRemoved: ReadonlyArray<{ path: string | null; type: string }>;
  /** Objects both have at different places in the QOM tree (not guest-visible by itself). */
  readonly objectsMoved: ReadonlyArray<{ path: string | null; fromPath: string | null; type: string }>;
  /**
   * Links between objects whose target path differs (irq wiring, QOM names of
   * GPIO lines): QOM naming, which the guest does not see as such.
   */
  readonly links: readonly PropertyDiff[];
  /** Warnings only one side gives, in QEMU's words. */
  readonly warnings: { readonly from: readonly string[]; readonly to: readonly string[] };
}

export interface AbiReport {
  readonly machines: readonly string[];
  readonly onlyFrom: readonly string[];
  readonly onlyTo: readonly string[];
  readonly findings: readonly AbiFinding[];
  /** Machine types both know, left out because one side's import has no board layout for them (a partial import). */
  readonly noBoard: ReadonlyArray<{ machine: string; missingIn: 'from' | 'to' }>;
}

export interface AbiConfig {
  /** Label shown for the configuration. */
  readonly label: string;
  /** The request without its machine. */
  readonly request: Omit<ResolveRequest, 'machine' | 'model'>;
}

/**
 * Properties that are not guest ABI: QOM bookkeeping that tells how an object
 * came to be, not what the guest sees.
 */
const NOT_ABI = new Set(['type', 'realized', 'hotplugged', 'parent_bus']);

export function abiCheck(from: AbiSide, to: AbiSide, machines: readonly string[] | undefined, configs: readonly AbiConfig[]): AbiReport {
  const a = new Set(from.defs.machines.all().map((m) => m.name));
  const b = new Set(to.defs.machines.all().map((m) => m.name));
  const common = [...a].filter((n) => b.has(n) && (!machines || machines.includes(n))).sort();
  const findings: AbiFinding[] = [];
  const noBoard: Array<{ machine: string; missingIn: 'from' | 'to' }> = [];
  const compared: string[] = [];
  for (const machine of common) {
    const missing = !from.defs.machines.get(machine)?.board ? 'from' : !to.defs.machines.get(machine)?.board ? 'to' : null;
    if (missing) { noBoard.push({ machine, missingIn: missing }); continue; }
    compared.push(machine);
    for (const config of configs) {
      const ra = resolve(from.defs, { ...config.request, machine, model: from.model });
      const rb = resolve(to.defs, { ...config.request, machine, model: to.model });
      const linkTypes = new Map([...ra.objects, ...rb.objects].flatMap((o) => o.properties.map((p) => [`${o.type}.${p.name}`, p.type.startsWith('link<')] as const)));
      findings.push(toFinding(machine, config.label, diffResults(ra, rb), (p) => linkTypes.get(`${p.type}.${p.property}`) === true));
    }
  }
  return {
    machines: compared,
    noBoard,
    onlyFrom: [...a].filter((n) => !b.has(n)).sort(),
    onlyTo: [...b].filter((n) => !a.has(n)).sort(),
    findings,
  };
}

function toFinding(machine: string, config: string, d: VmDiff, isLink: (p: PropertyDiff) => boolean): AbiFinding {
  const props = d.properties.filter((p) => !NOT_ABI.has(p.property) && !isLink(p));
  return {
    warnings: d.warnings,
    links: d.properties.filter((p) => p.from && p.to && isLink(p)),
    objectsMoved: d.objects.filter((o) => o.in === 'moved').map(({ path, fromPath, type }) => ({ path, fromPath: fromPath ?? null, type })),
    machine,
    config,
    outcome: { from: d.from.outcome, to: d.to.outcome, fromError: d.from.error, toError: d.to.error },
    changed: props.filter((p) => p.from && p.to),
    added: props.filter((p) => !p.from && p.to),
    gone: props.filter((p) => p.from && !p.to),
    objectsAdded: d.objects.filter((o) => o.in === 'to').map(({ path, type }) => ({ path, type })),
    objectsRemoved: d.objects.filter((o) => o.in === 'from').map(({ path, type }) => ({ path, type })),
  };
}

export function findingCount(f: AbiFinding): number {
  const outcome = f.outcome.from !== f.outcome.to || f.outcome.fromError !== f.outcome.toError ? 1 : 0;
  return f.changed.length + f.added.length + f.gone.length + f.objectsAdded.length + f.objectsRemoved.length + outcome
    + f.warnings.from.length + f.warnings.to.length;
}
