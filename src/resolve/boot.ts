/**
 * The machine's `boot` property (-boot, `-machine boot.*`): BootConfiguration
 * as machine_set_boot visits and validates it (hw/core/machine.c,
 * system/bootdevice.c validate_bootdevices), and the ranges fw_cfg checks
 * when the board creates it (hw/nvram/fw_cfg.c fw_cfg_bootsplash,
 * fw_cfg_reboot). It sets no property of the objects resolve reports: only
 * QEMU's refusals matter here. Pure.
 */
import { parseKeyvalBool, parseKeyvalInt64 } from './values.js';

/** BootConfiguration's members in the QAPI schema's order, with their types. */
const MEMBERS: ReadonlyArray<[string, 'str' | 'bool' | 'int']> = [
  ['order', 'str'], ['once', 'str'], ['menu', 'bool'], ['splash', 'str'], ['splash-time', 'int'], ['reboot-timeout', 'int'], ['strict', 'bool'],
];

export interface BootConfig { splashTime?: bigint; rebootTimeout?: bigint }

export type BootResult = { ok: true; config: BootConfig } | { ok: false; error: string };

export function machineBoot(keys: ReadonlyMap<string, string>): BootResult {
  const config: BootConfig = {};
  for (const [name, type] of MEMBERS) {
    const text = keys.get(name);
    if (text === undefined) continue;
    if (type === 'bool') {
      const r = parseKeyvalBool(`boot.${name}`, text);
      if (!r.ok) return { ok: false, error: r.reason };
    } else if (type === 'int') {
      const r = parseKeyvalInt64(`boot.${name}`, text);
      if (!r.ok) return { ok: false, error: r.reason };
      if (name === 'splash-time') config.splashTime = r.value;
      else config.rebootTimeout = r.value;
    }
  }
  for (const k of keys.keys()) if (!MEMBERS.some(([n]) => n === k)) return { ok: false, error: `Parameter 'boot.${k}' is unexpected` };
  for (const name of ['order', 'once']) {
    const text = keys.get(name);
    const error = text === undefined ? undefined : bootDevicesError(text);
    if (error) return { ok: false, error };
  }
  return { ok: true, config };
}

/** validate_bootdevices: drive letters a to p, each once. */
function bootDevicesError(devices: string): string | undefined {
  const seen = new Set<string>();
  for (const c of devices) {
    if (c < 'a' || c > 'p') return `Invalid boot device '${c}'`;
    if (seen.has(c)) return `Boot device '${c}' was given twice`;
    seen.add(c);
  }
  return undefined;
}

/** What fw_cfg refuses as it is set up: splash-time outside 0..65535, reboot-timeout outside -1..65535. */
export function fwCfgBootError(config: BootConfig): string | undefined {
  const t = config.splashTime;
  if (t !== undefined && (t < 0n || t > 0xffffn)) return 'splash-time is invalid,it should be a value between 0 and 65535';
  // reboot-timeout is read as uint64: -1 passes, any other negative is huge.
  const r = config.rebootTimeout;
  if (r !== undefined && r !== -1n && BigInt.asUintN(64, r) > 0xffffn) return 'reboot timeout is invalid,it should be a value between -1 and 65535';
  return undefined;
}
