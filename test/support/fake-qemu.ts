/**
 * Fake QEMU binaries for the import fuzz: a small node script that answers
 * `--version`, help runs and QMP (on stdio) as a plan says: plausibly, with
 * garbage, by dying (exit status or signal) or by hanging. Every fake records
 * its pid, so a test can check that none outlives the import.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a fake does when asked something. */
export type Reply =
  | { line: string }
  | { exit: number }
  | { signal: 'SIGSEGV' | 'SIGKILL' | 'SIGABRT' | 'SIGTERM' }
  | { partial: string }
  | { hang: true };

export interface FakePlan {
  /** stdout of `--version` (and `-version`). */
  version: Reply | string;
  /** stdout of help runs (`-help`, `-device help`, `-vga help`, `-version -NAME`). */
  help: Reply | string;
  /** The QMP greeting. */
  greeting: Reply;
  /** Replies by QMP command; other commands get `fallback`. */
  replies: Record<string, Reply>;
  fallback: Reply;
  /** After this many QMP commands of one process, every further command gets `then`. */
  after?: { commands: number; then: Reply };
}

/** Answers that let an import proceed: one machine, a handful of types, empty lists elsewhere. */
export const PLAUSIBLE: Record<string, Reply> = {
  qmp_capabilities: { line: '{"return": {}}' },
  'query-target': { line: '{"return": {"arch": "x86_64"}}' },
  'query-machines': { line: '{"return": [{"name": "pc-q35-10.0", "alias": "q35", "is-default": true, "cpu-max": 1, "deprecated": false, "default-cpu-type": "qemu64-x86_64-cpu", "default-ram-id": "pc.ram", "compat-props": []}]}' },
  'qom-list-types': { line: '{"return": [{"name": "object", "abstract": true}, {"name": "interface", "abstract": true}, {"name": "device", "parent": "object", "abstract": true}, {"name": "machine", "parent": "object", "abstract": true}, {"name": "pc-q35-10.0-machine", "parent": "machine"}]}' },
  'qom-list-properties': { line: '{"return": []}' },
  'query-cpu-definitions': { line: '{"return": []}' },
  'query-command-line-options': { line: '{"return": []}' },
  quit: { line: '{"return": {}}' },
};

export const PLAUSIBLE_GREETING: Reply = { line: '{"QMP": {"version": {"qemu": {"micro": 2, "minor": 0, "major": 10}, "package": ""}, "capabilities": []}}' };

const SCRIPT = String.raw`
const plan = PLAN;
const fs = require('node:fs');
fs.writeFileSync(require('node:path').join(PIDS, String(process.pid)), '');
const args = process.argv.slice(2);
function act(r, newline = true) {
  if (typeof r === 'string') { process.stdout.write(r + (newline ? '\n' : '')); return 'done'; }
  if ('line' in r) { process.stdout.write(r.line + '\n'); return 'more'; }
  if ('partial' in r) { process.stdout.write(r.partial, () => process.exit(1)); return 'wait'; }
  if ('exit' in r) { process.stdout.write('', () => process.exit(r.exit)); return 'wait'; }
  if ('signal' in r) { process.kill(process.pid, r.signal); setInterval(() => {}, 1000); return 'wait'; }
  setInterval(() => {}, 1000); return 'wait';
}
function once(r) { const how = act(r); if (how !== 'wait') process.stdout.write('', () => process.exit(0)); }
if (args.includes('--version') || (args[0] === '-version' && args.length === 1)) once(plan.version);
else if (!args.includes('-qmp')) once(plan.help);
else {
  if (act(plan.greeting) === 'wait') return;
  let n = 0, buf = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (d) => {
    buf += d;
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const text = buf.slice(0, nl); buf = buf.slice(nl + 1);
      let cmd; try { cmd = JSON.parse(text).execute; } catch { continue; }
      n++;
      const r = plan.after && n > plan.after.commands ? plan.after.then : (plan.replies[cmd] ?? plan.fallback);
      if (act(r) === 'wait') { process.stdin.pause(); return; }
      if (cmd === 'quit') { process.stdout.write('', () => process.exit(0)); return; }
    }
  });
  process.stdin.on('end', () => process.exit(0));
}
`;

let fakes = 0;

/** Writes a fake QEMU following `plan` into `dir`; its processes record their pids in `dir/pids`. */
export function writeFakeQemu(dir: string, plan: FakePlan): string {
  const pids = join(dir, 'pids');
  mkdirSync(pids, { recursive: true });
  const path = join(dir, `fake-qemu-${fakes++}`);
  const body = SCRIPT.replace('PLAN', JSON.stringify(plan)).replace('PIDS', JSON.stringify(pids));
  // A top-level `return` needs a function body: CommonJS gives one.
  writeFileSync(path, `#!${process.execPath}\n${body}`);
  chmodSync(path, 0o755);
  return path;
}

/** Pids of every fake process started from `dir`. */
export function fakePids(dir: string): number[] {
  try { return readdirSync(join(dir, 'pids')).map(Number); } catch { return []; }
}

/**
 * Whether a process still exists, zombies included: a dead child nobody
 * reaped still has a /proc entry (state Z), and that is a leak too.
 */
export function processExists(pid: number): boolean {
  try {
    readFileSync(`/proc/${pid}/stat`, 'utf8');
    return true;
  } catch {
    return false;
  }
}
