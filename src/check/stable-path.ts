/**
 * A finding's address that survives edits around it: the JSON path with each
 * array index replaced by what the element is (`$.groups['compat-9.0']
 * .entries['arm-cpu.backcompat-cntfrq'].driver` for `$.groups[2].entries[0]
 * .driver`). Suppressions and baselines are keyed by it: `import` of a newer
 * QEMU prepends groups and machines, and a hand edit inserts entries, which
 * moves every index after them but no name.
 */
import type { JsonPath } from '../load/json.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: Obj, k: string): unknown => (Object.hasOwn(o, k) ? o[k] : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * What names an element of a definition file's arrays: a group, machine,
 * type, property or accelerator by `name`, a layout or observed record by
 * `id`, a compat entry by `driver.property`, a compat list's group reference
 * by `group`, a board object by its QOM `path`, else by `type`.
 */
function identity(v: unknown): string | undefined {
  if (!isObj(v)) return undefined;
  const name = str(own(v, 'name')) ?? str(own(v, 'id'));
  if (name !== undefined) return name;
  const driver = str(own(v, 'driver'));
  const property = str(own(v, 'property'));
  if (driver !== undefined && property !== undefined) return `${driver}.${property}`;
  return str(own(v, 'group')) ?? str(own(v, 'path')) ?? str(own(v, 'type'));
}

/** `$`, `.key` for members, `['identity']` (`['identity'#2]` for the second of that identity) or `[index]` for elements. */
export function stablePath(data: unknown, path: JsonPath): string {
  let out = '$';
  let node: unknown = data;
  for (const step of path) {
    if (typeof step === 'number') {
      const list = Array.isArray(node) ? node : [];
      const id = identity(list[step]);
      if (id === undefined) out += `[${step}]`;
      else {
        let n = 1;
        for (let i = 0; i < step; i++) if (identity(list[i]) === id) n++;
        out += `[${quote(id)}${n > 1 ? `#${n}` : ''}]`;
      }
      node = list[step];
    } else {
      out += /^[A-Za-z_$][\w$-]*$/.test(step) ? `.${step}` : `[${quote(step)}]`;
      node = isObj(node) ? own(node, step) : undefined;
    }
  }
  return out;
}

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Whether `prefix` is `path` or an ancestor of it (a suppression of an entry covers its driver, property and value). */
export function coversPath(prefix: string, path: string): boolean {
  if (!path.startsWith(prefix)) return false;
  const next = path[prefix.length];
  return next === undefined || next === '.' || next === '[';
}
