/**
 * `-readconfig FILE` (util/qemu-config.c qemu_config_parse): sections
 * `[group]` or `[group "id"]`, then `key = "value"` lines; `#` comments.
 * Each section is one option of that group, as if given on the command line
 * where -readconfig stands (its devices are QemuOpts devices). Pure: the
 * caller reads the file.
 */

export interface ConfigSection {
  readonly group: string;
  readonly id?: string;
  readonly pairs: Array<[string, string]>;
}

export type ConfigResult = { ok: true; sections: ConfigSection[] } | { ok: false; error: string };

const HEADER_WITH_ID = /^\[\s*([^\s\]"]{1,63})\s+"([^"]{0,63})"\s*\]$/;
const HEADER = /^\[([^\]]{1,63})\]$/;
const PAIR = /^(\S{1,63})\s*=\s*"([^"]{0,1023})"$/;

export function parseConfigFile(text: string, file: string): ConfigResult {
  const sections: ConfigSection[] = [];
  let current: ConfigSection | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const withId = HEADER_WITH_ID.exec(line);
    const plain = withId ? null : HEADER.exec(line);
    if (withId || plain) {
      current = { group: (withId ?? plain)![1]!, ...(withId ? { id: withId[2]! } : {}), pairs: [] };
      sections.push(current);
      continue;
    }
    const pair = PAIR.exec(line);
    if (pair && current) { current.pairs.push([pair[1]!, pair[2]!]); continue; }
    // QEMU's words for both cases (a value outside a group, a line it cannot parse).
    return { ok: false, error: `${file}:${i + 1}: ${pair ? 'no group defined' : 'parse error'}` };
  }
  return { ok: true, sections };
}

/** A section as the QemuOpts argument of its option (`driver=e1000,id=net0`), commas doubled. */
export function sectionArgument(s: ConfigSection): string {
  const esc = (v: string) => v.replaceAll(',', ',,');
  return [...s.pairs.map(([k, v]) => `${k}=${esc(v)}`), ...(s.id !== undefined ? [`id=${esc(s.id)}`] : [])].join(',');
}
