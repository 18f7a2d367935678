import { ConnectionState, ZooKeeperClient } from '@zookit/client';
import { checkHosts, clientOptions, type ConnectConfig } from './config.js';
import { UsageError } from './errors.js';
import type { Output } from './output.js';

/** Asks the person at the terminal a yes/no question (only in the interactive shell). */
export type Confirm = (question: string) => Promise<boolean>;

/**
 * What a command runs with: the output, the connection (opened lazily, reopened by
 * `connect`), the script-or-shell mode and the cancellation signal of the running command.
 */
export class Context {
  readonly out: Output;
  readonly config: ConnectConfig;
  /** `--yes`: destructive commands do not ask. */
  readonly yes: boolean;
  /** Lines entered in this shell (secrets removed). */
  readonly history: string[] = [];
  /** Set in the interactive shell. */
  confirm: Confirm | undefined;
  /** Set in the interactive shell: asks for a secret without echoing it. */
  askSecret: ((question: string) => Promise<string>) | undefined;
  /** Set in the interactive shell: prints output that arrives between commands (watch events) above the prompt. */
  interject: ((print: () => void) => void) | undefined;
  /** Aborted when the running command is cancelled (Ctrl-C). */
  signal: AbortSignal = new AbortController().signal;
  /** Called on every connection-state change of the current client. */
  onState: ((state: ConnectionState) => void) | undefined;
  #hosts: string | undefined;
  #client: ZooKeeperClient | undefined;
  #starting: Promise<ZooKeeperClient> | undefined;
  readonly #others = new Set<ZooKeeperClient>();

  constructor(out: Output, config: ConnectConfig, options: { yes: boolean }) {
    this.out = out;
    this.config = config;
    this.yes = options.yes;
    this.#hosts = config.hosts;
  }

  /** The connect string in use (undefined when none was given). */
  get hosts(): string | undefined {
    return this.#hosts;
  }

  /** The state of the current connection (LOST when there is none). */
  get state(): ConnectionState {
    return this.#client?.state ?? ConnectionState.LOST;
  }

  /** The current client when it is connected (never connects). */
  connectedClient(): ZooKeeperClient | undefined {
    const zk = this.#client;
    return zk && (zk.state === ConnectionState.CONNECTED || zk.state === ConnectionState.READ_ONLY) ? zk : undefined;
  }

  /** The connected client, connecting first when needed. */
  async client(): Promise<ZooKeeperClient> {
    if (this.#starting) return this.#starting;
    if (this.#client && !this.#client.closed) return this.#client;
    if (this.#hosts === undefined) throw new UsageError('no server: pass --server HOST:PORT[/chroot] or set ZOOKEEPER_CONNECT');
    const zk = new ZooKeeperClient(clientOptions(this.config, this.#hosts));
    this.#client = zk;
    // Until start() settles, its rejection is the one report of a failure (one line).
    let started = false;
    zk.on('error', (err) => started && this.out.note(`zk: ${err.message}`));
    zk.on('state', (state) => this.onState?.(state));
    this.#starting = zk.start().then(
      () => ((started = true), zk),
      async (err: unknown) => {
        if (this.#client === zk) this.#client = undefined;
        await zk.close().catch(() => {});
        throw err;
      },
    ).finally(() => (this.#starting = undefined));
    return this.#starting;
  }

  /** A second client (for `--to`/`--against` clusters), closed by `closeAll()`. */
  async other(hosts: string): Promise<ZooKeeperClient> {
    checkHosts(hosts, '--to/--against');
    const zk = new ZooKeeperClient(clientOptions(this.config, hosts));
    this.#others.add(zk);
    zk.on('error', (err) => this.out.note(`zk (${hosts}): ${err.message}`));
    try {
      await zk.start();
    } catch (err) {
      // Not left reconnecting in the background until the shell exits.
      await this.release(zk).catch(() => {});
      throw err;
    }
    return zk;
  }

  /** Closes a client from `other()`. */
  async release(zk: ZooKeeperClient): Promise<void> {
    this.#others.delete(zk);
    await zk.close();
  }

  /** Switches to another server (closing the current connection first). */
  async connect(hosts: string): Promise<ZooKeeperClient> {
    checkHosts(hosts, 'connect');
    await this.disconnect();
    this.#hosts = hosts;
    return this.client();
  }

  /** Closes the current connection (the next command reconnects). */
  async disconnect(): Promise<void> {
    const zk = this.#client;
    this.#client = undefined;
    if (zk) {
      await zk.close();
      this.onState?.(ConnectionState.LOST);
    }
  }

  /** Closes every client. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.#others].map((zk) => zk.close().catch(() => {})));
    this.#others.clear();
    await this.disconnect().catch(() => {});
  }

  /** Refuses a write when the session is `--readonly`. */
  checkWritable(command: string): void {
    if (this.config.readOnly) throw new UsageError(`${command} refused: this session is --readonly`);
  }

  /** Resolves when the running command is cancelled. */
  cancelled(): Promise<void> {
    const signal = this.signal;
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }
}
