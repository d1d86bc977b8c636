#!/usr/bin/env node
/**
 * Merges the lone records (boards.json `devices`: what QEMU shows for a lone -device, -object or
 * -cpu) of a partial import into a full one, so that a record can be taken again, or added
 * (import --cpu-models), without re-probing every board (a full import takes the better part of an
 * hour here):
 *
 *   qom-compat import --qemu BINARY --out /tmp/part --machines '^pc-(q35|i440fx)-10\.0$' \
 *     --devices '-x86_64-cpu$' --cpu-models --no-kvm
 *   node tools/merge-lone-records.mjs /tmp/part/x86_64 machines/x86_64
 *
 * The partial import must come from the same QEMU version and have taken its records on the same
 * reference machines (the aliased ones, q35 and pc), which is what a full import does. Every record
 * of the partial import replaces the full import's record of the same option, type and host; the
 * observed records they refer to are added to the pool (an existing record of the same content is
 * shared, otherwise the next free `<type>#<n>` id is taken) and records nothing refers to any more
 * are dropped. Merged from an import of every type (no coverage.devices), the target's lone records
 * are complete and its coverage says so. The file is written atomically, in the import's own order and format (run
 * `npm run build` first: it uses the build's formatter).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatJson } from '../dist/util/json-format.js';

const [from, to] = process.argv.slice(2);
if (!from || !to) {
  process.stderr.write('usage: merge-lone-records.mjs PARTIAL_ARCH_DIR TARGET_ARCH_DIR\n');
  process.exit(2);
}
const read = (dir, name) => JSON.parse(readFileSync(join(dir, name), 'utf8'));
const version = (dir) => read(dir, 'machines.json').qemu?.version;
if (version(from) !== version(to)) {
  process.stderr.write(`merge-lone-records: ${from} is of QEMU ${version(from)}, ${to} of QEMU ${version(to)}\n`);
  process.exit(1);
}
const part = read(from, 'boards.json');
const full = read(to, 'boards.json');

const key = (r) => `${r.option}\u0000${r.type}\u0000${r.host}`;
const fullMachine = new Map((full.devices ?? []).map((r) => [r.host, r.machine]));
for (const r of part.devices ?? []) {
  const want = fullMachine.get(r.host);
  if (want !== undefined && want !== r.machine) {
    process.stderr.write(`merge-lone-records: ${r.type} was recorded on ${r.machine}, the target's records of ${r.host} on ${want}\n`);
    process.exit(1);
  }
}

// The pool: content → id, and the next number per type.
const content = ({ id: _id, ...rest }) => JSON.stringify(rest);
const typeOf = (id) => id.slice(0, id.lastIndexOf('#'));
const numOf = (id) => Number(id.slice(id.lastIndexOf('#') + 1));
const pool = new Map((full.observed ?? []).map((o) => [o.id, o]));
const byContent = new Map((full.observed ?? []).map((o) => [`${typeOf(o.id)}\u0000${content(o)}`, o.id]));
const nextNum = new Map();
for (const o of full.observed ?? []) nextNum.set(typeOf(o.id), Math.max(nextNum.get(typeOf(o.id)) ?? 0, numOf(o.id)));
const partObserved = new Map((part.observed ?? []).map((o) => [o.id, o]));
const adopt = (id) => {
  const o = partObserved.get(id);
  const type = typeOf(id);
  const k = `${type}\u0000${content(o)}`;
  const have = byContent.get(k);
  if (have) return have;
  const n = (nextNum.get(type) ?? 0) + 1;
  nextNum.set(type, n);
  const nid = `${type}#${n}`;
  pool.set(nid, { ...o, id: nid });
  byContent.set(k, nid);
  return nid;
};

const merged = new Map((full.devices ?? []).map((r) => [key(r), r]));
let replaced = 0;
let added = 0;
for (const r of part.devices ?? []) {
  if (merged.has(key(r))) replaced++; else added++;
  merged.set(key(r), { ...r, objects: r.objects.map((o) => ({ ...o, observed: adopt(o.observed) })) });
}
// The import's order: by type, then option (cpu < device < object), then host.
const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const devices = [...merged.values()].sort((a, b) => cmp(a.type, b.type) || cmp(a.option, b.option) || cmp(a.host, b.host));

// Drop observed records nothing refers to any more; keep the pool's order (by type, then number).
const used = new Set();
for (const l of full.layouts) for (const o of l.objects) if (o.observed) used.add(o.observed);
for (const d of devices) for (const o of d.objects) used.add(o.observed);
const observed = [...pool.values()].filter((o) => used.has(o.id))
  .sort((a, b) => cmp(typeOf(a.id), typeOf(b.id)) || numOf(a.id) - numOf(b.id));

// Records of every type (a source without coverage.devices) make the target's lone records complete too.
const { coverage, ...rest } = full;
const devicesCovered = part.coverage?.devices === undefined ? undefined : coverage?.devices;
const keptCoverage = coverage && { ...(coverage.machines !== undefined ? { machines: coverage.machines } : {}), ...(devicesCovered !== undefined ? { devices: devicesCovered } : {}) };
// In the schema's key order, as the import writes it.
const { $schema, arch, layouts, accelerators, variants } = rest;
const out = {
  ...($schema !== undefined ? { $schema } : {}), arch, layouts, observed, devices,
  ...(keptCoverage && Object.keys(keptCoverage).length ? { coverage: keptCoverage } : {}),
  ...(accelerators ? { accelerators } : {}), ...(variants ? { variants } : {}),
};
const target = join(to, 'boards.json');
const tmp = `${target}.${process.pid}.tmp`;
writeFileSync(tmp, formatJson(out));
renameSync(tmp, target);
process.stdout.write(`merged ${(part.devices ?? []).length} lone records into ${target}: ${replaced} replaced, ${added} added; ${observed.length} observed records\n`);
