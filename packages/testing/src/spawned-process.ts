// The process behind a SpawnedClient (not exported from the entry: NamespaceEnsemble.spawnClient starts it).
import { spawn, type ChildProcess } from 'node:child_process';
import { trackProcess } from './process-registry.js';
import { SpawnedClientError, type SpawnedClient, type SpawnedClientExit } from './spawned-client.js';

/** Largest stderr tail kept per spawned client. */
const STDERR_TAIL_BYTES = 16 * 1024;
/** Most IPC messages buffered per spawned client (older ones are dropped). */
const MAX_MESSAGES = 100_000;

/** {@link SpawnedClient}: `ip netns exec <namespace> node <script>`, with an IPC channel. */
export class SpawnedProcess implements SpawnedClient {
  /** Every message received so far, in order (bounded). */
  readonly messages: unknown[] = [];
  /** Resolves when the process has exited. */
  readonly exited: Promise<SpawnedClientExit>;
  readonly #child: ChildProcess;
  readonly #waiters = new Set<() => void>();
  #stderr = '';
  #exit: SpawnedClientExit | undefined;

  constructor(
    readonly name: string,
    readonly address: string,
    readonly namespace: string,
    script: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv,
  ) {
    // `ip netns exec` execs node (no fork), so the child PID is node's and the IPC fd is inherited.
    this.#child = spawn('ip', ['netns', 'exec', namespace, process.execPath, script, ...args], {
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      env,
    });
    trackProcess(this.#child);
    this.#child.stderr?.setEncoding('utf8');
    this.#child.stderr?.on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-STDERR_TAIL_BYTES);
    });
    this.#child.on('message', (message) => {
      this.messages.push(message);
      if (this.messages.length > MAX_MESSAGES) this.messages.shift();
      this.#wake();
    });
    this.exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        resolve(this.#exit);
        this.#wake();
      });
      this.#child.once('error', (err) => {
        this.#stderr += `\nspawn failed: ${err.message}`;
        this.#exit = { code: null, signal: null };
        resolve(this.#exit);
        this.#wake();
      });
    });
  }

  /** PID of the client's Node process while it runs. */
  get pid(): number | undefined {
    return this.#exit ? undefined : this.#child.pid;
  }

  /** The last 16 KiB of its stderr. */
  get stderr(): string {
    return this.#stderr;
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }

  /** Send a message to the script (`process.on('message')`); ignored once it exited. */
  send(message: unknown): void {
    if (this.#exit || !this.#child.connected) return;
    this.#child.send(message as object);
  }

  /**
   * The first message (received before or after this call) for which `predicate` holds.
   * @throws {@link SpawnedClientError} after `timeoutMs` (default 30 s) or if the process exits first
   */
  waitFor<T = unknown>(predicate: (message: T) => boolean, timeoutMs = 30_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = (): void => {
        const found = this.messages.find((m) => predicate(m as T));
        if (found !== undefined) return done(() => resolve(found as T));
        if (this.#exit) return done(() => reject(new SpawnedClientError(`${this.name} exited (${JSON.stringify(this.#exit)}) before the awaited message\n${this.#stderr}`)));
      };
      const timer = setTimeout(() => done(() => reject(new SpawnedClientError(`${this.name}: no awaited message within ${timeoutMs} ms\n${this.#stderr}`))), timeoutMs);
      const done = (settle: () => void): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        settle();
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** SIGTERM, SIGKILL after `graceMs` (default 3 s); resolves once it exited. */
  async stop(graceMs = 3_000): Promise<SpawnedClientExit> {
    if (this.#exit) return this.#exit;
    this.#child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((r) => (timer = setTimeout(r, graceMs)));
    await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (!this.#exit) this.#child.kill('SIGKILL');
    return this.exited;
  }
}
