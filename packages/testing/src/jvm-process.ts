import { readdir, readFile } from 'node:fs/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServerStartError } from './errors.js';
import { fourLetterWord, parseMode } from './four-letter-word.js';
import { trackProcess } from './process-registry.js';

/** How a server JVM ended. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

/** Everything needed to (re)launch one ZooKeeper JVM. */
export interface JvmSpec {
  java: string;
  args: readonly string[];
  logFile: string;
  host: string;
  port: number;
}

/** Read the last `maxLines` lines (at most 16 KiB) of a log file. */
function readLogTail(logFile: string, maxLines = 40): string {
  let fd: number | undefined;
  try {
    fd = openSync(logFile, 'r');
    const size = fstatSync(fd).size;
    const len = Math.min(size, 16 * 1024);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    return buf.toString('utf8').split('\n').slice(-maxLines).join('\n');
  } catch {
    return '(no log)';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * One ZooKeeper JVM, relaunchable with the same arguments. Signals are sent only to the
 * PID this object spawned.
 */
export class JvmProcess {
  private child: ChildProcess | undefined;
  private exitPromise: Promise<ExitInfo> | undefined;
  private paused = false;

  constructor(readonly spec: JvmSpec) {}

  /** PID of the running JVM, if any. */
  get pid(): number | undefined {
    return this.isRunning ? this.child?.pid : undefined;
  }

  /** True while the JVM has been spawned and has not exited. */
  get isRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null && !this.spawnFailed;
  }

  /** True between pause() and resume(). */
  get isPaused(): boolean {
    return this.isRunning && this.paused;
  }

  private spawnFailed = false;

  /** Spawn the JVM (no-op if already running). Output goes to the log file. */
  launch(): void {
    if (this.isRunning) return;
    const fd = openSync(this.spec.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(this.spec.java, [...this.spec.args], { stdio: ['ignore', fd, fd], env: process.env });
    } finally {
      closeSync(fd);
    }
    this.spawnFailed = false;
    this.paused = false;
    this.child = child;
    this.exitPromise = new Promise<ExitInfo>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', (error) => {
        this.spawnFailed = true;
        resolve({ code: null, signal: null, error });
      });
    });
    child.unref();
    trackProcess(child);
  }

  /** Resolves when the current JVM has exited (immediately if none). */
  async exited(): Promise<ExitInfo | undefined> {
    return this.exitPromise;
  }

  /**
   * Poll `srvr` until its `Mode:` is one of `modes`, bounded by `timeoutMs`.
   * @throws {@link ServerStartError} with the log tail on timeout or early exit
   *   (code `PORT_IN_USE` if the log shows a bind failure)
   */
  async waitReady(modes: readonly string[], timeoutMs: number, label: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exitInfo: ExitInfo | undefined;
    void this.exitPromise?.then((info) => {
      exitInfo = info;
    });
    let interval = 20;
    let lastAnswer = '';
    // Bounded by time and by attempt count.
    for (let attempt = 0; attempt < 10_000 && Date.now() < deadline; attempt++) {
      if (exitInfo || !this.isRunning) {
        const tail = readLogTail(this.spec.logFile);
        const info = exitInfo ?? (await this.exitPromise);
        const how = info?.error ? `could not be spawned (${info.error.message})` : `exited (code ${info?.code}, signal ${info?.signal}) while starting`;
        const portInUse = /Address already in use|BindException/.test(tail);
        throw new ServerStartError(`${label}: ZooKeeper JVM ${how}`, tail, portInUse ? 'PORT_IN_USE' : 'SERVER_START_FAILED');
      }
      try {
        const remaining = Math.max(50, Math.min(1000, deadline - Date.now()));
        lastAnswer = await fourLetterWord(this.spec.host, this.spec.port, 'srvr', remaining);
        const mode = parseMode(lastAnswer);
        if (mode !== undefined && modes.includes(mode)) return;
      } catch {
        // not listening yet
      }
      await sleep(interval);
      interval = Math.min(200, interval * 1.5);
    }
    throw new ServerStartError(
      `${label}: not ready within ${timeoutMs} ms (waiting for srvr Mode ${modes.join('|')}; last answer: ${JSON.stringify(lastAnswer.split('\n')[0] ?? '')})`,
      readLogTail(this.spec.logFile),
      'SERVER_START_TIMEOUT',
    );
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the JVM has exited. */
  async terminate(graceMs: number): Promise<void> {
    const child = this.child;
    if (!child || !this.isRunning) return;
    if (this.paused) this.signal('SIGCONT');
    this.signal('SIGTERM');
    if (!(await this.waitExit(graceMs))) {
      this.signal('SIGKILL');
      if (!(await this.waitExit(10_000))) throw new Error(`JVM ${child.pid} did not exit after SIGKILL`);
    }
  }

  /** SIGKILL; resolves once the JVM has exited. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.isRunning) return;
    this.signal('SIGKILL');
    if (!(await this.waitExit(10_000))) throw new Error(`JVM ${child.pid} did not exit after SIGKILL`);
  }

  /**
   * SIGSTOP: the JVM freezes; its sockets stay open but nothing answers. Resolves once
   * the kernel reports every thread stopped (a signal is delivered asynchronously, and a
   * thread mid-syscall could otherwise still answer one more request).
   */
  async pause(): Promise<void> {
    if (!this.isRunning) throw new Error('cannot pause: server is not running');
    this.signal('SIGSTOP');
    this.paused = true;
    const pid = this.child?.pid;
    if (pid === undefined) return;
    for (let i = 0; i < 200; i++) {
      if (await allThreadsStopped(pid)) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** SIGCONT after {@link pause}. */
  resume(): void {
    if (!this.isRunning) throw new Error('cannot resume: server is not running');
    this.signal('SIGCONT');
    this.paused = false;
  }

  private signal(sig: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(pid, sig);
    } catch {
      // exited meanwhile
    }
  }

  private async waitExit(ms: number): Promise<boolean> {
    const exit = this.exitPromise;
    if (!exit) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    try {
      return await Promise.race([exit.then(() => true as const), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Whether every thread of `pid` is in state T (stopped); true when /proc cannot tell. */
async function allThreadsStopped(pid: number): Promise<boolean> {
  try {
    const tids = await readdir(`/proc/${pid}/task`);
    for (const tid of tids) {
      const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // The state follows the parenthesised command name: "pid (comm) S ...".
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state !== 'T' && state !== 't' && state !== 'Z' && state !== 'X') return false;
    }
    return true;
  } catch {
    return true;
  }
}
