/**
 * Which probed board answers a line's -machine properties. Some machine
 * properties change what board code creates (pc_init1 without ACPI creates no
 * PIIX4_PM and no SMBus EEPROMs; hpet=off no HPET, so every later
 * /machine/unattached/device[N] is one lower; vmport=off no vmport and
 * vmmouse): the import probes the board with each such setting
 * (boards.json "variants"), and the answer uses that board. Pure: no I/O.
 */
import type { MachineModel } from '../model/machines.js';
import { parseQapiBool } from './values.js';

export interface BoardVariant {
  /** The probed setting the answer's board has ("acpi=off"), if any. */
  variant?: string;
  /** Settings of the line that change the board where no probed board has them (said in the answer). */
  unprobed: string[];
}

/** A boolean in any of qapi_bool_parse's spellings as on/off (OnOffAuto's spelling); other values as given. */
function onOff(v: string): string {
  const b = parseQapiBool(v.toLowerCase());
  return b === null ? v : b ? 'on' : 'off';
}

/**
 * The board variant of a line: its -machine properties (the last of each
 * wins) that name a probed setting of some machine pick the board probed with
 * exactly those settings; where the machine has none such, the plain board
 * answers and the settings are listed as not shown.
 */
export function boardVariant(
  machines: MachineModel, machine: string, accel: string, props: ReadonlyArray<readonly [string, string]>,
): BoardVariant {
  const probed = machines.allBoardVariants(accel);
  if (!probed.length) return { unprobed: [] };
  // A variant's key is its settings, sorted, joined as -machine writes them.
  const known = new Set(probed.flatMap((k) => k.split(',')));
  const last = new Map<string, string>();
  for (const [k, v] of props) last.set(k, `${k}=${onOff(v)}`);
  const asked = [...last.values()].filter((s) => known.has(s)).sort();
  if (!asked.length) return { unprobed: [] };
  const key = asked.join(',');
  return machines.boardVariants(machine, accel).includes(key) ? { variant: key, unprobed: [] } : { unprobed: asked };
}
