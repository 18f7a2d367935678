import { randomUUID } from 'node:crypto';
import {
  BadVersionError, ClientClosedError, ConnectionState, EventType, InvalidArgumentError, NoNodeError, NodeExistsError, SessionExpiredError,
  basename, isRetryable, joinPath, parentOf, type WatchedEvent, type ZooKeeperClient,
} from '@zookit/client';
import { RecipeStateError } from './errors.js';
import { nextState, report } from './connection.js';
import { recipePath } from './nodes.js';
import { RecipeEmitter } from './emitter.js';

/** How a {@link PersistentNode} is created. Sequential modes are protected (see the class doc). */
export type PersistentNodeMode = 'ephemeral' | 'persistent' | 'ephemeral-sequential' | 'persistent-sequential';

/** Options of {@link PersistentNode}. */
export interface PersistentNodeOptions {
  /** Default `ephemeral`. */
  mode?: PersistentNodeMode;
}

/** Listeners of {@link PersistentNode}. */
export interface PersistentNodeEvents {
  /** The node was created (or an existing node confirmed as ours) at `path`; `present` is true. */
  created: (path: string) => unknown;
  /** The node is gone (deleted, or the session that owned it was lost); it is being re-created. */
  lost: (path: string) => unknown;
}

const MAX_ROUNDS = 1_000;

/**
 * A node that exists as long as this object is started (Curator's PersistentNode): created
 * at `start()`, re-created when someone deletes it and after a new session, deleted
 * (guaranteed, across reconnects) by `close()`.
 *
 * Sequential modes are protected: the first create uses `_c_<uuid>-<name>`, so a create
 * whose reply was lost is found again instead of leaving an orphan; after that the node
 * is always re-created under the same name. When the name is taken, its `ephemeralOwner`
 * decides: our current session's node is adopted; a node left by one of our previous,
 * expired sessions is deleted (versioned) and re-created; a foreign ephemeral node is
 * waited out (re-created once it goes).
 *
 * ```ts
 * const node = new PersistentNode(zk, '/services/api/instance-', Buffer.from('10.0.0.7:80'), { mode: 'ephemeral-sequential' });
 * node.start();
 * await node.waitForInitialCreate({ timeout: 5_000 });
 * node.actualPath;   // '/services/api/_c_…-instance-0000000007'
 * await node.close(); // deleted
 * ```
 */
export class PersistentNode extends RecipeEmitter<PersistentNodeEvents> implements AsyncDisposable {
  /** The path asked for (for sequential modes: the prefix). */
  readonly path: string;
  readonly #zk: ZooKeeperClient;
  readonly #ephemeral: boolean;
  readonly #sequential: boolean;
  readonly #protectedPrefix: string;
  #data: Buffer;
  #actualPath: string | null = null;
  #present = false;
  #started = false;
  #closed = false;
  #running: Promise<void> | null = null;
  #again = false;
  readonly #ourSessions = new Set<bigint>();
  #initial: Array<() => void> = [];
  #failure: unknown;
  #unobserve: () => void = () => {};

  constructor(zk: ZooKeeperClient, path: string, data: Buffer | Uint8Array | string, options: PersistentNodeOptions = {}) {
    super(zk, 'PersistentNode');
    const mode = options.mode ?? 'ephemeral';
    if (!['ephemeral', 'persistent', 'ephemeral-sequential', 'persistent-sequential'].includes(mode)) {
      throw new InvalidArgumentError('mode', `must be ephemeral, persistent, ephemeral-sequential or persistent-sequential, got ${String(mode)}`);
    }
    this.#zk = zk;
    this.path = recipePath(path);
    this.#ephemeral = mode.startsWith('ephemeral');
    this.#sequential = mode.endsWith('sequential');
    this.#protectedPrefix = `_c_${randomUUID()}-`;
    this.#data = toBuffer(data);
  }

  /** The node's real path once created (sequential modes: with the protection prefix and counter), else null. */
  get actualPath(): string | null {
    return this.#actualPath;
  }

  /** Whether the node is known to exist right now (false before creation, after a deletion or the loss of its session, after close). */
  get present(): boolean {
    return this.#present;
  }

  /**
   * The last error that stopped a creation attempt for a reason other than the connection
   * (NoAuth, an ephemeral parent…; also reported on the client's `'error'` event). Attempts
   * resume after the next reconnect or deletion event.
   */
  get lastError(): unknown {
    return this.#failure;
  }

  /** The data the node is (re)created with. */
  get data(): Buffer {
    return this.#data;
  }

  /** Starts creating the node (in the background; see `waitForInitialCreate`). */
  start(): void {
    if (this.#closed) throw new RecipeStateError('PersistentNode is closed');
    if (this.#started) throw new RecipeStateError('PersistentNode already started');
    this.#started = true;
    this.#unobserve = this.#zk.observe({ state: this.#onState });
    this.#reconcile();
  }

  /** Resolves true once the node was first created; false if `timeout` ms pass first, it is closed, or an attempt failed (see `lastError`). */
  waitForInitialCreate(options: { timeout?: number } = {}): Promise<boolean> {
    if (this.#actualPath !== null && this.#present) return Promise.resolve(true);
    if (this.#closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = options.timeout === undefined ? undefined : setTimeout(() => done(false), options.timeout);
      const done = (ok: boolean) => {
        if (timer) clearTimeout(timer);
        this.#initial = this.#initial.filter((f) => f !== onCreated);
        resolve(ok);
      };
      const onCreated = () => done(this.#present);
      this.#initial.push(onCreated);
    });
  }

  /** Changes the node's data (now if it exists, and for every re-creation). */
  async setData(data: Buffer | Uint8Array | string): Promise<void> {
    this.#data = toBuffer(data);
    if (this.#present && this.#actualPath) await this.#zk.set(this.#actualPath, this.#data);
  }

  /** Stops and deletes the node, retrying across reconnects until it is gone (or its session is). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#unobserve();
    for (const f of this.#initial.splice(0)) f();
    await this.#running;
    const path = this.#actualPath;
    this.#present = false;
    if (path) {
      await this.#zk.removeWatches(path, this.#onWatch, { type: 'persistent', local: this.#zk.state !== ConnectionState.CONNECTED }).catch(() => {});
      await this.#deleteOurs(path);
    }
  }

  /** `await using` support. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  readonly #onState = (state: ConnectionState): void => {
    if (state === ConnectionState.LOST && this.#ephemeral) this.#markLost();
    if (state === ConnectionState.CONNECTED) this.#reconcile();
  };

  readonly #onWatch = (event: WatchedEvent): void => {
    if (this.#closed || event.path !== this.#actualPath) return;
    if (event.type === EventType.DELETED) {
      this.#markLost();
      this.#reconcile();
    }
  };

  #markLost(): void {
    if (!this.#present) return;
    this.#present = false;
    this.emit('lost', this.#actualPath!);
  }

  /** Runs `#ensure` serially: a request while one runs makes it go round once more. */
  #reconcile(): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.#ensure();
      } while (this.#again && !this.#closed);
    })().finally(() => (this.#running = null));
  }

  /** Makes the node exist (bounded rounds; connection problems wait for the next connection). */
  async #ensure(): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS && !this.#closed; round++) {
      if (this.#zk.state !== ConnectionState.CONNECTED) return; // the next CONNECTED reconciles
      try {
        const path = await this.#createOrAdopt();
        if (path === null || this.#closed) return;
        await this.#confirm(path);
        return;
      } catch (err) {
        if (this.#closed || err instanceof ClientClosedError) return;
        if (goRound(err)) continue;
        report(this.#zk, err);
        this.#failure = err;
        for (const f of this.#initial.splice(0)) f();
        return;
      }
    }
  }

  /** The path of our node (created or adopted now), or null when a foreign node holds the name. */
  async #createOrAdopt(): Promise<string | null> {
    const session = this.#zk.sessionId;
    if (this.#actualPath === null && this.#sequential) {
      const found = await this.#findProtected();
      if (found) return this.#takeOver(found);
      const base = joinPath(parentOf(this.path), this.#protectedPrefix + basename(this.path));
      this.#ourSessions.add(session);
      return this.#zk.create(base, this.#data, { sequential: true, ephemeral: this.#ephemeral, makePath: true });
    }
    const target = this.#actualPath ?? this.path;
    try {
      this.#ourSessions.add(session);
      return await this.#zk.create(target, this.#data, { ephemeral: this.#ephemeral, makePath: true });
    } catch (err) {
      if (!(err instanceof NodeExistsError)) throw err;
      return this.#takeOver(target);
    }
  }

  /** A node holds our name: adopt it, replace it (left by our expired session) or wait for it to go. */
  async #takeOver(path: string): Promise<string | null> {
    const stat = await this.#zk.exists(path);
    if (!stat) throw new NoNodeError({ op: 'exists', path }); // gone meanwhile: go round again
    const owner = stat.ephemeralOwner;
    if (owner !== 0n && owner === this.#zk.sessionId) return path; // ours (a create whose reply was lost)
    if (owner !== 0n && this.#ourSessions.has(owner)) {
      // Left by one of our expired sessions: the server removes it any moment; replace it now.
      await this.#zk.delete(path, { version: stat.version }).catch((err) => {
        if (!(err instanceof NoNodeError)) throw err;
      });
      return this.#createOrAdopt();
    }
    if (owner === 0n && !this.#ephemeral) {
      const { data } = await this.#zk.get(path);
      if (!data.equals(this.#data)) await this.#zk.set(path, this.#data, { version: stat.version });
      return path;
    }
    // Someone else's node: watch it, re-create once it is deleted.
    this.#actualPath ??= path;
    await this.#zk.addWatch(path, this.#onWatch);
    return null;
  }

  /** Our protected sequential node, if a create whose reply was lost made one. */
  async #findProtected(): Promise<string | null> {
    let children: string[];
    try {
      children = await this.#zk.getChildren(parentOf(this.path));
    } catch (err) {
      if (err instanceof NoNodeError) return null;
      throw err;
    }
    const name = children.find((c) => c.startsWith(this.#protectedPrefix));
    return name ? joinPath(parentOf(this.path), name) : null;
  }

  /** The node exists and is ours: watch it and announce it. */
  async #confirm(path: string): Promise<void> {
    this.#actualPath = path;
    await this.#zk.addWatch(path, this.#onWatch);
    // Deleted between the create and the watch? Then no event will come: check once.
    if ((await this.#zk.exists(path)) === null) {
      this.#again = true;
      return;
    }
    if (this.#closed || this.#present) return;
    this.#present = true;
    this.#failure = undefined;
    this.emit('created', path);
    for (const f of this.#initial.splice(0)) f();
  }

  /** Deletes our node, across reconnects, until it is gone (an ephemeral one also goes with its session). */
  async #deleteOurs(path: string): Promise<void> {
    for (let i = 0; i < MAX_ROUNDS && !this.#zk.closed; i++) {
      try {
        const stat = await this.#zk.exists(path);
        if (!stat) return;
        if (this.#ephemeral && !this.#ourSessions.has(stat.ephemeralOwner)) return; // not ours (any more)
        await this.#zk.delete(path, { version: stat.version });
        return;
      } catch (err) {
        if (err instanceof NoNodeError) return;
        if (!goRound(err)) throw err;
      }
      if (this.#zk.state !== ConnectionState.CONNECTED) await nextState(this.#zk).catch(() => {});
    }
  }
}

/** Errors after which another round may succeed: connection trouble, or a race with another writer. */
function goRound(err: unknown): boolean {
  return isRetryable(err) || err instanceof SessionExpiredError || err instanceof NoNodeError || err instanceof BadVersionError || err instanceof NodeExistsError;
}

function toBuffer(data: Buffer | Uint8Array | string): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return Buffer.from(data);
  throw new InvalidArgumentError('data', 'must be a Buffer, Uint8Array or string');
}
