/**
 * Record and replay of what the differential harness reads from QEMU, so
 * `compare()` runs in CI without the QEMU builds (issue #11: the released
 * QEMU 10.0.2 and the OBJECT_COMPAT RFC build of tools/qemu-rfc).
 *
 * Recording runs the harness's own `runQemu` (test/support/differential.ts)
 * with a session that passes every QMP command to the real QEMU and keeps
 * each answer (or QMP error). Before quitting it also reads every property of
 * every node the tree walk listed, so a fixture holds all of QEMU's tree, not
 * only the paths one model asked for. Start failures keep the exit status and
 * stderr; a QEMU that dies during the reads keeps what it answered and how it ended.
 *
 * Replay runs the same `runQemu` with a session that answers from the fixture:
 * a command the fixture has no answer for throws NotRecordedError (the fixture
 * is stale: re-record with tools/qemu-rfc/record-fixtures.mjs), never a guess.
 *
 * Fixture file: one gzip'd JSON per build (test/fixtures/rfc/<label>.json.gz):
 *   { format, label, binary, version, answers: [answer JSON text…], nodes: [{ l, g }…],
 *     scenarios: { <JSON of the QEMU argv>: { started, code, signal, stderr, died?, paths: { path: node }, other: { cmd: answer } } } }
 * `answers` and `nodes` are shared tables (an answer or a whole object is stored once per build);
 * a node is one path's qom-list answer `l` and its qom-get answers `g`, one per non-child property
 * in qom-list order. Scenarios, paths and properties are in sorted order, so a re-record with the
 * same answers gives the same bytes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parseExactJson, stringifyExactJson, type ExactJson } from '../../src/qemu/json-exact.js';
import { QemuExitedError, QmpError, QmpSession, type QemuRunResult } from '../../src/qemu/qmp.js';
import type { TypeModel } from '../../src/model/types.js';
import { runQemu, scenarioArgs, type QemuObservation, type Scenario, type SessionStarter } from './differential.js';

export const FIXTURE_FORMAT = 1;

/** One scenario's QMP transcript, keyed by command (see cmdKey). */
interface Transcript {
  started: boolean;
  result: QemuRunResult | null;
  /** QEMU ended while being read (a command killed it); commands after that have no answer. */
  died: boolean;
  /** cmdKey → answer text (`{"return":…}` or `{"error":{"class":…,"desc":…}}`). */
  answers: Map<string, string>;
}

interface StoredNode { l: number; g: number[] }
interface StoredScenario {
  started: boolean; code: number | null; signal: string | null; stderr: string; died?: true;
  paths: Record<string, number>;
  other: Record<string, number>;
}
export interface FixtureFile {
  format: number;
  label: string;
  binary: string;
  version: string;
  answers: string[];
  nodes: StoredNode[];
  scenarios: Record<string, StoredScenario>;
}

/** The fixture has no answer for a command the harness asks: it was recorded before the tool asked for it. */
export class NotRecordedError extends Error {}

const cmdKey = (command: string, args?: Record<string, unknown>): string => {
  if (command === 'qom-list') return `qom-list\t${String(args!.path)}`;
  if (command === 'qom-get') return `qom-get\t${String(args!.path)}\t${String(args!.property)}`;
  if (args && Object.keys(args).length) return `${command}\t${stringifyExactJson(args)}`;
  return command;
};

/** The key a scenario is stored under: exactly the QEMU arguments the harness passes (after -accel tcg … -qmp stdio). */
export function scenarioKey(s: Scenario): string {
  return JSON.stringify(scenarioArgs(s));
}

function answerText(v: ExactJson): string { return stringifyExactJson({ return: v }); }
function errorText(e: QmpError): string { return stringifyExactJson({ error: { class: e.qmpClass, desc: e.desc } }); }

// ---------------------------------------------------------------------------------------------
// Recording

type ListAnswer = Array<{ name: string; type: string }>;

/** A QmpSession stand-in that forwards to the real QEMU and keeps every answer. */
class RecordingSession {
  readonly transcript: Transcript = { started: true, result: null, died: false, answers: new Map() };
  constructor(private readonly real: QmpSession) {}

  async execute(command: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<ExactJson> {
    const key = cmdKey(command, args);
    try {
      const v = await this.real.execute(command, args, timeoutMs);
      this.transcript.answers.set(key, answerText(v));
      return v;
    } catch (e) {
      if (e instanceof QmpError) this.transcript.answers.set(key, errorText(e));
      else if (e instanceof QemuExitedError) { this.transcript.died = true; this.transcript.result = e.result; }
      throw e;
    }
  }

  /** Reads every not-yet-read property of every node listed, then quits. */
  async quit(): Promise<QemuRunResult> {
    if (!this.transcript.died) {
      try {
        for (const [key, text] of [...this.transcript.answers]) {
          if (!key.startsWith('qom-list\t')) continue;
          const answer = JSON.parse(text) as { return?: ListAnswer };
          if (!answer.return) continue;
          const path = key.slice('qom-list\t'.length);
          for (const p of answer.return) {
            if (p.type.startsWith('child<') || this.transcript.answers.has(cmdKey('qom-get', { path, property: p.name }))) continue;
            try { await this.execute('qom-get', { path, property: p.name }, 20000); } catch (e) { if (!(e instanceof QmpError)) throw e; }
          }
        }
      } catch (e) {
        if (!(e instanceof QemuExitedError)) throw e;
      }
    }
    const result = await this.real.quit();
    this.transcript.result ??= result;
    return result;
  }
}

/**
 * Runs the scenario on the real QEMU through the harness's runQemu, reading `paths`
 * (and, through the recording session, every node of the tree), and returns the transcript.
 * `binary` may be a wrapper (see tools/qemu-rfc/record-fixtures.mjs for scenarios with their own -accel).
 */
export async function recordScenario(binary: string, s: Scenario, paths: readonly string[], types: TypeModel): Promise<{ observation: QemuObservation | null; transcript: Transcript }> {
  let recorder: RecordingSession | undefined;
  let failed: Transcript | undefined;
  const start: SessionStarter = async (b, a) => {
    try {
      recorder = new RecordingSession(await QmpSession.start(b, a));
    } catch (e) {
      if (e instanceof QemuExitedError) failed = { started: false, result: e.result, died: false, answers: new Map() };
      throw e;
    }
    // The recorder has the two methods runQemu (and migrationFields) call on a session.
    return recorder as unknown as QmpSession;
  };
  try {
    const observation = await runQemu(binary, s, paths, types, start);
    return { observation, transcript: failed ?? recorder!.transcript };
  } catch (e) {
    // QEMU died while being read: keep what it answered (replay ends the same way).
    if (e instanceof QemuExitedError && recorder?.transcript.died) return { observation: null, transcript: recorder.transcript };
    throw e;
  }
}

/** Builds the compact fixture file from transcripts (keyed by scenarioKey). */
export function buildFixture(label: string, binary: string, version: string, transcripts: ReadonlyMap<string, Transcript>): FixtureFile {
  const answers: string[] = [];
  const answerIndex = new Map<string, number>();
  const ans = (t: string): number => {
    let i = answerIndex.get(t);
    if (i === undefined) { i = answers.length; answers.push(t); answerIndex.set(t, i); }
    return i;
  };
  const nodes: StoredNode[] = [];
  const nodeIndex = new Map<string, number>();
  const scenarios: Record<string, StoredScenario> = {};
  for (const key of [...transcripts.keys()].sort()) {
    const t = transcripts.get(key)!;
    const r = t.result ?? { code: null, signal: null, stderr: '' };
    const out: StoredScenario = { started: t.started, code: r.code, signal: r.signal, stderr: r.stderr, paths: {}, other: {} };
    if (t.died) out.died = true;
    const lists = [...t.answers.keys()].filter((k) => k.startsWith('qom-list\t')).sort();
    const gets = new Set([...t.answers.keys()].filter((k) => k.startsWith('qom-get\t')));
    for (const lk of lists) {
      const path = lk.slice('qom-list\t'.length);
      const text = t.answers.get(lk)!;
      const list = (JSON.parse(text) as { return?: ListAnswer }).return ?? [];
      const g = list.filter((p) => !p.type.startsWith('child<')).map((p) => {
        const gk = cmdKey('qom-get', { path, property: p.name });
        gets.delete(gk);
        const a = t.answers.get(gk);
        return a === undefined ? -1 : ans(a);
      });
      const node: StoredNode = { l: ans(text), g };
      const nk = JSON.stringify(node);
      let ni = nodeIndex.get(nk);
      if (ni === undefined) { ni = nodes.length; nodes.push(node); nodeIndex.set(nk, ni); }
      out.paths[path] = ni;
    }
    for (const k of [...t.answers.keys()].filter((k) => !k.startsWith('qom-list\t') && !k.startsWith('qom-get\t')).concat([...gets]).sort()) {
      out.other[k] = ans(t.answers.get(k)!);
    }
    scenarios[key] = out;
  }
  return { format: FIXTURE_FORMAT, label, binary, version, answers, nodes, scenarios };
}

export function writeFixture(file: string, f: FixtureFile): number {
  const data = gzipSync(Buffer.from(JSON.stringify(f)), { level: 9 });
  writeFileSync(file, data);
  return data.length;
}

// ---------------------------------------------------------------------------------------------
// Replay

export function readFixture(file: string): FixtureFile {
  const f = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as FixtureFile;
  if (f.format !== FIXTURE_FORMAT) throw new Error(`${file}: fixture format ${f.format}, expected ${FIXTURE_FORMAT}: re-record it`);
  return f;
}

/** A QmpSession stand-in that answers from one recorded scenario. */
class ReplaySession {
  constructor(private readonly f: FixtureFile, private readonly s: StoredScenario, private readonly key: string) {}

  private result(): QemuRunResult {
    return { code: this.s.code, signal: this.s.signal as NodeJS.Signals | null, stderr: this.s.stderr };
  }

  async execute(command: string, args?: Record<string, unknown>): Promise<ExactJson> {
    const k = cmdKey(command, args);
    let idx: number | undefined;
    if (command === 'qom-list' || command === 'qom-get') {
      const node = this.f.nodes[this.s.paths[String(args!.path)] ?? -1];
      if (node && command === 'qom-list') idx = node.l;
      else if (node) {
        const list = (parseAnswer(this.f.answers[node.l]!).return ?? []) as ListAnswer;
        const at = list.filter((p) => !p.type.startsWith('child<')).findIndex((p) => p.name === args!.property);
        const g = at >= 0 ? node.g[at] : undefined;
        if (g !== undefined && g >= 0) idx = g;
      }
    }
    idx ??= this.s.other[k];
    if (idx === undefined && (command === 'qom-list' || command === 'qom-get') && this.absent(String(args!.path))) {
      // qmp_qom_list / qmp_qom_get on a path QEMU's tree does not have (the recording holds the whole tree).
      throw new QmpError(command, 'DeviceNotFound', `Device '${String(args!.path)}' not found`);
    }
    if (idx === undefined) {
      if (this.s.died) throw new QemuExitedError(this.result());
      throw new NotRecordedError(`${this.f.label} fixture, ${this.key}: no answer recorded for ${k.replace(/\t/g, ' ')} (re-record: tools/qemu-rfc/record-fixtures.mjs)`);
    }
    const a = parseAnswer(this.f.answers[idx]!);
    if (a.error) throw new QmpError(command, a.error.class, a.error.desc);
    return a.return ?? null;
  }

  async quit(): Promise<QemuRunResult> { return this.result(); }

  /** The path's parent was recorded and has no child of that name: QEMU has no such object. */
  private absent(path: string): boolean {
    if (!this.s.started || Object.hasOwn(this.s.paths, path)) return false;
    const cut = path.lastIndexOf('/');
    const parent = this.f.nodes[this.s.paths[path.slice(0, cut)] ?? -1];
    if (!parent) return false;
    const list = (parseAnswer(this.f.answers[parent.l]!).return ?? []) as ListAnswer;
    return !list.some((p) => p.name === path.slice(cut + 1));
  }
}

function parseAnswer(text: string): { return?: ExactJson; error?: { class: string; desc: string } } {
  return parseExactJson(text) as { return?: ExactJson; error?: { class: string; desc: string } };
}

export function hasRecording(f: FixtureFile, s: Scenario): boolean {
  return Object.hasOwn(f.scenarios, scenarioKey(s));
}

/** What runQemu would have observed, from the fixture (the same runQemu code, the recorded answers). */
export async function replayQemu(f: FixtureFile, s: Scenario, paths: readonly string[], types: TypeModel): Promise<QemuObservation> {
  const key = scenarioKey(s);
  const stored = f.scenarios[key];
  if (!stored) throw new NotRecordedError(`${f.label} fixture: scenario ${key} is not recorded (re-record: tools/qemu-rfc/record-fixtures.mjs)`);
  const start: SessionStarter = async () => {
    if (!stored.started) throw new QemuExitedError({ code: stored.code, signal: stored.signal as NodeJS.Signals | null, stderr: stored.stderr });
    return new ReplaySession(f, stored, key) as unknown as QmpSession;
  };
  return runQemu(f.binary, s, paths, types, start);
}
