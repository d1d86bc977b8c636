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
import { CPU_RECORD_PATH, DEVICE_RECORD_PATH, deviceRecordPath, OBJECT_RECORD_PATH, OPTION_PLACEHOLDER, RECORD_ID } from '../model/boards.js';
import { toObservedValue } from '../resolve/shown.js';
import { launch, typeCatalogue } from './probe-qemu.js';
import { busChild, withHotplugFlag, type ObservedProperty } from './observe-boards.js';
import type { ProbeContext } from './probes.js';

/** Path below the device or object ('' for itself) → what QEMU shows there. */
export type ObservedDevice = Map<string, Map<string, ObservedProperty>>;

/**
 * A lone -device, -object (memory backends need a size) or -cpu model (in
 * the board CPU's place), with the id records are taken under.
 */
export type LoneObject =
  /**
   * `id`: created with this id (to learn the names of the buses it creates), else anonymous.
   * `provider`: a device type created first, anonymous, for the bus this one needs (usb-tablet after qemu-xhci).
   */
  | { kind: 'device'; type: string; id?: string; provider?: string; extra?: string; backend?: LoneBackend }
  /** `extra`: parameters QEMU will not do without (`reduced-phys-bits=1`), learned from its refusals. */
  | { kind: 'object'; type: string; sized: boolean; extra?: string }
  | { kind: 'cpu'; type: string; model: string };

/** The option of a lone object, as QEMU's command line has it. */
export function loneArgs(o: LoneObject): [string, string] {
  switch (o.kind) {
    case 'device': return ['-device', `driver=${o.type}${o.id !== undefined ? `,id=${o.id}` : ''}${o.extra ?? ''}`];
    case 'object': return ['-object', `qom-type=${o.type},id=${RECORD_ID}${o.sized ? ',size=1048576' : ''}${o.extra ?? ''}`];
    case 'cpu': return ['-cpu', o.model];
  }
}

/**
 * A backend a lone device needs (a drive, a chardev, an audio or fs driver, a
 * crypto backend object), created before it with a driver that touches
 * nothing on the host. `kind`: where resolve's Backends lists its id (an
 * -object is created by resolve itself).
 */
export interface LoneBackend { option: '-blockdev' | '-chardev' | '-audiodev' | '-fsdev' | '-object'; arg: string; kind?: 'drives' | 'chardevs' | 'audiodevs' | 'fsdevs'; id: string }

/** The whole command line of a lone object: its backend and a provider of its bus first, when it has them. */
export function loneCommand(o: LoneObject): string[] {
  const providers = o.kind === 'device' && o.provider ? o.provider.split(' ') : [];
  const backend = o.kind === 'device' && o.backend ? [o.backend.option, o.backend.arg] : [];
  return [...backend, ...providers.flatMap((p) => ['-device', `driver=${p}`]), ...loneArgs(o)];
}

export function lonePath(o: LoneObject): string {
  if (o.kind === 'device' && o.id !== undefined) return `/machine/peripheral/${o.id}`;
  if (o.kind === 'device' && o.provider) return deviceRecordPath(o.provider.split(' '));
  return o.kind === 'device' ? DEVICE_RECORD_PATH : o.kind === 'object' ? OBJECT_RECORD_PATH : CPU_RECORD_PATH;
}

/** QEMU refused to start with the lone object: what it said (see refusalMessage). */
export interface Refusal { refused: string }

/** A bus the lone device carries: below which of its objects, its name and type; hotpluggable false without a hotplug handler. */
export interface ShownBus { at: string; name: string; type: string; hotpluggable?: false }

/** What QEMU shows on the lone object, the warnings it printed (see loneWarnings), and the buses it carries. */
export interface Shown { objects: ObservedDevice; warnings: string[]; buses: ShownBus[] }

/**
 * What QEMU shows on a lone -device, -object or -cpu on `machine`
 * (-nodefaults), or, when it refuses to start with it, what it says.
 */
export async function observeLone(ctx: ProbeContext, machine: string, lone: LoneObject, skipTypes: (t: string) => boolean): Promise<Shown | Refusal> {
  const root = lonePath(lone);
  const args = loneArgs(lone);
  const cat = await typeCatalogue(ctx);
  return launch<Shown | Refusal>(ctx, ['-M', machine, '-nodefaults', ...loneCommand(lone)], async (qmp) => {
    const out: ObservedDevice = new Map();
    const buses: ShownBus[] = [];
    const visit = async (rel: string): Promise<void> => {
      const path = root + rel;
      const props = new Map<string, ObservedProperty>();
      const children: string[] = [];
      for (const p of (await qmp.execute('qom-list', { path })) as Array<{ name: string; type: string }>) {
        const bus = busChild(p, cat);
        if (bus) buses.push(await withHotplugFlag(qmp, `${path}/${p.name}`, { at: rel, ...bus }));
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
    return { objects: out, warnings: loneWarnings(qmp.stderr, `${args[0]} ${args[1]}`), buses };
  }, (r) => ({ refused: refusalMessage(r.stderr, `${args[0]} ${args[1]}`) }));
}

const PROGRAM = /^qemu-system-[^:]*: /;

/** A message line without the program name, and with OPTION_PLACEHOLDER where QEMU named the option. */
function located(line: string, option: string): string {
  const text = line.replace(PROGRAM, '');
  return text.startsWith(`${option}: `) ? OPTION_PLACEHOLDER + text.slice(option.length) : text;
}

const isWarning = (text: string) => /^(?:\$OPTION: )?warning: /.test(text);

/**
 * The errors QEMU printed, as resolve words its errors: one message per
 * line QEMU started with its program name (continuation lines kept),
 * OPTION_PLACEHOLDER where it named the option; warnings left out.
 */
export function refusalMessage(stderr: string, option: string): string {
  const out: string[] = [];
  let keep = false;
  for (const line of stderr.split('\n').filter((l) => l !== '')) {
    if (PROGRAM.test(line)) {
      const text = located(line, option);
      keep = !isWarning(text);
      if (keep) out.push(text);
    } else if (keep) {
      out.push(line);
    }
  }
  return out.length ? out.join('\n') : stderr.trim();
}

/**
 * The warnings QEMU printed for the lone object (as the differential harness
 * reads them: `$OPTION: text`), without those resolve words itself (a NIC
 * without a peer).
 */
export function loneWarnings(stderr: string, option: string): string[] {
  return stderr.split('\n').filter((l) => PROGRAM.test(l)).map((l) => located(l, option)).filter(isWarning)
    .map((t) => t.replace(/^(\$OPTION: )?warning: /, '$1'))
    .filter((t) => !/^nic .* has no peer$/.test(t));
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
