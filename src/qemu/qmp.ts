/**
 * A minimal QMP client over `-qmp stdio`: starts QEMU, negotiates capabilities,
 * runs commands one at a time, and keeps stderr apart (QEMU's messages).
 */
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { parseExactJson, type ExactJson } from './json-exact.js';

export interface QemuRunResult {
  /** Process exit code, or null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

export class QmpError extends Error {
  constructor(readonly command: string, readonly qmpClass: string, readonly desc: string) {
    super(`${command}: ${desc}`);
  }
}

/** QEMU died before or while answering. Carries its stderr and exit status. */
export class QemuExitedError extends Error {
  constructor(readonly result: QemuRunResult) {
    super(`QEMU exited (code ${result.code ?? result.signal}): ${result.stderr.trim()}`);
  }
}

/**
 * A reply line that is not JSON: QEMU's QMP never writes one, so the binary
 * is not the QEMU it claims to be (or is broken). QEMU is killed; the import stops.
 */
export class QmpProtocolError extends Error {}

/** How long QEMU may take to greet on QMP (TCG start-up on a loaded 2-core machine takes about a second). */
const START_TIMEOUT_MS = 60_000;

/**
 * How long any command may go unanswered before QEMU is killed (QemuExitedError):
 * QEMU answers the commands the import sends in milliseconds, so one that
 * stops answering would otherwise hold the import for ever.
 */
const COMMAND_TIMEOUT_MS = 60_000;

/** Base arguments every probe uses: no accelerator, display or guest execution. */
export const BASE_ARGS = ['-accel', 'tcg', '-display', 'none', '-S', '-qmp', 'stdio'];

/**
 * BASE_ARGS for `args`: a line that names its own accelerator (`-accel kvm`, `-enable-kvm`,
 * `-machine accel=kvm`) gets no `-accel tcg` before it, which QEMU would try first (and, as TCG
 * always works, use) or, beside `-machine accel=`, refuse.
 */
export function baseArgs(args: readonly string[]): string[] {
  const ownAccel = args.some((a, i) => a === '-accel' || a === '-enable-kvm'
    || ((args[i - 1] === '-machine' || args[i - 1] === '-M') && /(^|,)accel=/.test(a)));
  return ownAccel ? BASE_ARGS.slice(2) : BASE_ARGS;
}

/** QEMU processes started here and not ended yet: what an interrupted import must not leave behind. */
const running = new Set<ChildProcess>();

/** Set once an interrupted import stops its QEMUs: any started after that is killed at once. */
let stopping = false;

/** Every process started from the QEMU binary is tracked, QMP or not (`--version`, `-device help`). */
export function track(child: ChildProcess): void {
  running.add(child);
  child.on('close', () => running.delete(child));
  child.on('error', () => running.delete(child));
  // The import keeps running while the signal handler waits for the kills: what it starts meanwhile must not survive.
  if (stopping) child.kill('SIGKILL');
}

/**
 * Kills every QEMU this process started that is still running (on SIGINT or
 * SIGTERM), and any started from now on, and waits until each has been
 * reaped; resolves to how many.
 */
export async function killRunningQemus(): Promise<number> {
  stopping = true;
  const stopped = new Set<ChildProcess>();
  for (let children = [...running]; children.length; children = [...running].filter((c) => !stopped.has(c))) {
    await Promise.all(children.map((child) => new Promise<void>((resolve) => {
      stopped.add(child);
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    })));
  }
  return stopped.size;
}

export class QmpSession {
  private buffer = '';
  private pending: Array<(msg: { [k: string]: ExactJson } | null) => void> = [];
  private stderrText = '';
  private closed: Promise<QemuRunResult>;
  private exited = false;
  private garbled: string | undefined;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.onData(chunk));
    child.stderr.on('data', (chunk: string) => { this.stderrText += chunk; });
    this.closed = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        this.exited = true;
        for (const p of this.pending.splice(0)) p(null);
        resolve({ code, signal, stderr: this.stderrText });
      });
    });
    child.stdin.on('error', () => { /* QEMU may exit before reading everything */ });
  }

  /**
   * Starts QEMU with BASE_ARGS plus `args`; resolves after the greeting and
   * qmp_capabilities. A QEMU that does not greet within `startTimeoutMs`
   * (a device spinning on a backend that never answers: ivshmem-doorbell on
   * a null chardev) is killed, and that is its exit.
   */
  static async start(binary: string, args: string[], env?: NodeJS.ProcessEnv, startTimeoutMs = START_TIMEOUT_MS): Promise<QmpSession> {
    const child = spawn(binary, [...baseArgs(args), ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env });
    track(child);
    const session = new QmpSession(child);
    const spawnError = new Promise<never>((_, reject) => child.on('error', reject));
    const timer = setTimeout(() => child.kill('SIGKILL'), startTimeoutMs);
    try {
      const greeting = await Promise.race([session.next(), spawnError]);
      if (session.garbled !== undefined) throw new QmpProtocolError(`the QMP greeting is not JSON: ${session.garbled.slice(0, 120)}`);
      if (!greeting) throw new QemuExitedError(await session.closed);
      await session.execute('qmp_capabilities');
    } finally {
      clearTimeout(timer);
    }
    return session;
  }

  get stderr(): string { return this.stderrText; }

  /**
   * Runs one command. With `timeoutMs`, a command that does not answer in
   * time kills QEMU (some types block when instantiated, e.g. chardev-pipe)
   * and throws QemuExitedError.
   */
  async execute(command: string, args?: Record<string, unknown>, timeoutMs = COMMAND_TIMEOUT_MS): Promise<ExactJson> {
    const msg = args ? { execute: command, arguments: args } : { execute: command };
    this.child.stdin.write(JSON.stringify(msg) + '\n');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.awaitReply(command);
    } finally {
      clearTimeout(timer);
    }
  }

  private async awaitReply(command: string): Promise<ExactJson> {
    for (;;) {
      const reply = await this.next();
      if (this.garbled !== undefined) throw new QmpProtocolError(`${command}: the reply is not JSON: ${this.garbled.slice(0, 120)}`);
      if (!reply) throw new QemuExitedError(await this.closed);
      if ('event' in reply) continue;
      if ('error' in reply) {
        const err = reply.error as { class: string; desc: string };
        throw new QmpError(command, err.class, err.desc);
      }
      return reply.return ?? null;
    }
  }

  /** Sends quit and waits for the process to end. */
  async quit(): Promise<QemuRunResult> {
    if (!this.exited) {
      try { this.child.stdin.write('{"execute":"quit"}\n'); this.child.stdin.end(); } catch { /* already gone */ }
    }
    return this.closed;
  }

  kill(): void { this.child.kill('SIGKILL'); }

  private next(): Promise<{ [k: string]: ExactJson } | null> {
    const line = this.takeLine();
    if (line !== undefined) return Promise.resolve(line);
    if (this.exited) return Promise.resolve(null);
    return new Promise((resolve) => this.pending.push(resolve));
  }

  private takeLine(): { [k: string]: ExactJson } | undefined {
    if (this.garbled !== undefined) return undefined;
    for (;;) {
      const nl = this.buffer.indexOf('\n');
      if (nl < 0) return undefined;
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      // glib assertions ("Bail out! …") also land on stdout: keep them with stderr.
      if (line.startsWith('{')) {
        try {
          return parseExactJson(line) as { [k: string]: ExactJson };
        } catch {
          // Thrown here it would escape the stream's data handler and crash the process: stop QEMU, fail the command.
          this.garbled = line;
          this.buffer = '';
          this.child.kill('SIGKILL');
          return undefined;
        }
      }
      if (line) this.stderrText += line + '\n';
    }
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    while (this.pending.length > 0) {
      const line = this.takeLine();
      if (line === undefined) return;
      this.pending.shift()!(line);
    }
  }
}

/**
 * Runs QEMU to completion without QMP interaction beyond quitting: for probes
 * that only care about start-up messages and the exit status.
 */
export async function runQemu(binary: string, args: string[], env?: NodeJS.ProcessEnv): Promise<QemuRunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [...baseArgs(args), ...args], { stdio: ['pipe', 'ignore', 'pipe'], env: env ?? process.env });
    track(child);
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => { stderr += c; });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end('{"execute":"qmp_capabilities"}\n{"execute":"quit"}\n');
  });
}
