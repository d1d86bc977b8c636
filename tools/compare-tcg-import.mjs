#!/usr/bin/env node
// Checks that a fresh import (with KVM boards) reproduces the committed TCG data: machines.json, types.json
// and options.json byte for byte, and boards.json once the KVM additions (accelerators, the layouts only they
// name, the observed records only those layouts use) are taken out, with everything else in the same order.
// Usage: node tools/compare-tcg-import.mjs FRESH_DIR [COMMITTED_DIR]   (e.g. /tmp/fresh/x86_64 machines/x86_64)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [fresh, committed = 'machines/x86_64'] = process.argv.slice(2);
if (!fresh) { console.error('usage: compare-tcg-import.mjs FRESH_DIR [COMMITTED_DIR]'); process.exit(2); }
let failed = false;
const report = (ok, what) => { console.log(`${ok ? 'same' : 'DIFFERS'}  ${what}`); if (!ok) failed = true; };
for (const f of ['machines.json', 'types.json', 'options.json']) {
  report(readFileSync(join(fresh, f), 'utf8') === readFileSync(join(committed, f), 'utf8'), f);
}
const a = JSON.parse(readFileSync(join(fresh, 'boards.json'), 'utf8'));
const b = JSON.parse(readFileSync(join(committed, 'boards.json'), 'utf8'));
const kvmOnly = new Set(Object.values(a.accelerators?.kvm ?? {}).flatMap((ids) => [ids.defaults, ids.nodefaults]));
const machines = JSON.parse(readFileSync(join(fresh, 'machines.json'), 'utf8'));
for (const m of machines.machines) if (m.board) { kvmOnly.delete(m.board.defaults); kvmOnly.delete(m.board.nodefaults); }
const layouts = a.layouts.filter((l) => !kvmOnly.has(l.id));
const used = new Set([...layouts.flatMap((l) => l.objects.map((o) => o.observed)), ...(a.devices ?? []).flatMap((d) => d.objects.map((o) => o.observed))]);
const { accelerators, ...rest } = a;
const tcg = { ...rest, layouts, observed: a.observed.filter((r) => used.has(r.id)) };
report(JSON.stringify(tcg) === JSON.stringify(b), `boards.json without KVM's additions (${a.layouts.length - layouts.length} KVM layouts, ${a.observed.length - tcg.observed.length} KVM-only records, ${Object.keys(accelerators?.kvm ?? {}).length} machines under KVM)`);
if (JSON.stringify(tcg) !== JSON.stringify(b)) {
  const ids = (x) => new Map(x.map((r) => [r.id, JSON.stringify(r)]));
  for (const [k, name] of [['layouts', 'layout'], ['observed', 'record']]) {
    const p = ids(tcg[k]); const q = ids(b[k]);
    for (const [id, v] of p) if (q.get(id) !== v) console.log(`  ${name} ${id}: ${q.has(id) ? 'differs' : 'only in the fresh import'}`);
    for (const id of q.keys()) if (!p.has(id)) console.log(`  ${name} ${id}: only in the committed data`);
  }
}
process.exit(failed ? 1 : 0);
