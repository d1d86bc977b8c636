/**
 * The backends a command line defines, by the id devices refer to them with:
 * `drive=` names a -blockdev node or a -drive id, `chardev=` a -chardev id,
 * `netdev=` a -netdev id, and so on. The host resources behind them (files,
 * sockets, tap devices) are assumed present. Pure.
 */
import { qemuOptsPairs } from '../resolve/options.js';
import { parseKeyval } from './keyval.js';
import { isJsonObject, parseQemuJson } from './qemu-json.js';

export type BackendKind = 'drives' | 'chardevs' | 'netdevs' | 'audiodevs' | 'tpmdevs' | 'fsdevs';

export interface Backends {
  readonly drives: string[];
  readonly chardevs: string[];
  readonly netdevs: string[];
  readonly audiodevs: string[];
  readonly tpmdevs: string[];
  readonly fsdevs: string[];
  /**
   * The `drives` that are -drive ids: each names its BlockBackend (blk_name),
   * which a device shows where it takes the backend's name (scsi-hd's
   * device_id). A device given a -blockdev node gets an anonymous one.
   */
  readonly blockBackends: string[];
}

export const emptyBackends = (): Backends => ({ drives: [], chardevs: [], netdevs: [], audiodevs: [], tpmdevs: [], fsdevs: [], blockBackends: [] });

/** Which key names the backend, per option, and the option's syntax. */
const BACKEND_OPTIONS: Readonly<Record<string, { kind: BackendKind; key: string; implied?: string; syntax: 'qemuopts' | 'keyval' }>> = {
  blockdev: { kind: 'drives', key: 'node-name', syntax: 'keyval' },
  drive: { kind: 'drives', key: 'id', syntax: 'qemuopts' },
  chardev: { kind: 'chardevs', key: 'id', implied: 'backend', syntax: 'qemuopts' },
  netdev: { kind: 'netdevs', key: 'id', implied: 'type', syntax: 'qemuopts' },
  audiodev: { kind: 'audiodevs', key: 'id', implied: 'driver', syntax: 'keyval' },
  tpmdev: { kind: 'tpmdevs', key: 'id', implied: 'type', syntax: 'qemuopts' },
  fsdev: { kind: 'fsdevs', key: 'id', implied: 'fsdriver', syntax: 'qemuopts' },
};

/** The backend an option defines, if it names one. */
export function backendOf(option: string, arg: string): { kind: BackendKind; id: string } | undefined {
  const spec = BACKEND_OPTIONS[option];
  if (!spec) return undefined;
  let id: string | undefined;
  if (arg.startsWith('{')) {
    const parsed = parseQemuJson(arg);
    if (parsed.ok && isJsonObject(parsed.value)) {
      const v = parsed.value.entries.find(([k]) => k === spec.key)?.[1];
      if (typeof v === 'string') id = v;
    }
  } else if (spec.syntax === 'keyval') {
    const kv = parseKeyval(arg, spec.implied);
    if (kv.ok) id = kv.pairs.find(([k]) => k === spec.key)?.[1];
  } else {
    id = qemuOptsPairs(arg, spec.implied).filter(([k]) => k === spec.key).pop()?.[1];
  }
  return id === undefined ? undefined : { kind: spec.kind, id };
}
