/**
 * observeLone: what QEMU shows on a `-device TYPE` (or `-object TYPE`) once
 * it has started: the object and the children its instance_init creates (a
 * virtio proxy's virtio-backend), every property, read with qom-list and
 * qom-get.
 *
 * Realize decides many of these values (disable-legacy=auto, queue counts,
 * the generic realized/hotpluggable/parent_bus, ROM sizes, EDID sizes), and
 * they depend on the board around the device (its bus, what else is plugged
 * in). So each type is created alone, on an empty board (-nodefaults), on
 * each reference machine whose bus it fits.
 */
import type { ExactJson } from '../qemu/json-exact.js';
import { QmpError, type QmpSession } from '../qemu/qmp.js';
import { DEVICE_RECORD_PATH, OBJECT_RECORD_PATH, RECORD_ID } from '../model/boards.js';
import { toObservedValue } from '../resolve/shown.js';
import { launch } from './probe-qemu.js';
import type { ObservedProperty } from './observe-boards.js';
import type { ProbeContext } from './probes.js';

/** Path below the device or object ('' for itself) → what QEMU shows there. */
export type ObservedDevice = Map<string, Map<string, ObservedProperty>>;

/** A lone -device, or -object (memory backends need a size), with the id records are taken under. */
export interface LoneObject { kind: 'device' | 'object'; type: string; sized?: boolean }

/** The -device or -object argument of a lone object. */
export function loneOption(o: LoneObject): string {
  return o.kind === 'device' ? `driver=${o.type},id=${RECORD_ID}` : `qom-type=${o.type},id=${RECORD_ID}${o.sized ? ',size=1048576' : ''}`;
}

export function lonePath(o: LoneObject): string {
  return o.kind === 'device' ? DEVICE_RECORD_PATH : OBJECT_RECORD_PATH;
}

/** What QEMU shows on a lone -device or -object on `machine` (-nodefaults); null when QEMU does not start with it. */
export async function observeLone(ctx: ProbeContext, machine: string, lone: LoneObject, skipTypes: (t: string) => boolean): Promise<ObservedDevice | null> {
  const root = lonePath(lone);
  return launch(ctx, ['-M', machine, '-nodefaults', `-${lone.kind}`, loneOption(lone)], async (qmp) => {
    const out: ObservedDevice = new Map();
    const visit = async (rel: string): Promise<void> => {
      const path = root + rel;
      const props = new Map<string, ObservedProperty>();
      const children: string[] = [];
      for (const p of (await qmp.execute('qom-list', { path })) as Array<{ name: string; type: string }>) {
        const child = /^child<(.+)>$/.exec(p.type);
        if (child) {
          if (!skipTypes(child[1]!)) children.push(`${rel}/${p.name}`);
          continue;
        }
        const value = await read(qmp, path, p.name);
        if (value !== undefined) props.set(p.name, { type: p.type, value });
      }
      out.set(rel, props);
      for (const c of children.sort()) await visit(c);
    };
    await visit('');
    return out;
  }, () => null);
}

async function read(qmp: QmpSession, path: string, name: string): Promise<ObservedProperty['value'] | undefined> {
  try {
    const v: ExactJson = await qmp.execute('qom-get', { path, property: name });
    return toObservedValue(v) ?? undefined;
  } catch (e) {
    if (!(e instanceof QmpError)) throw e; // write-only: QEMU shows nothing
    return undefined;
  }
}
