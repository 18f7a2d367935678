import { BadVersionError, InvalidArgumentError, NodeExistsError, type ZooKeeperClient } from '@zookit/client';
import { RecipeStateError } from './errors.js';
import { recipePath } from './nodes.js';
import { RecipeEmitter } from './emitter.js';
import { NodeCache } from './tree-cache/node-cache.js';

/** Listeners of {@link SharedValue}. */
export interface SharedValueEvents {
  /** The value changed (its `mzxid` moved; a re-read of the same value is not a change); also once with the value `start()` first reads. */
  changed: (value: Buffer, version: number) => unknown;
}

/**
 * A value every process sees change (Curator's SharedValue): one node, created with `seed`
 * when missing, kept current by a {@link NodeCache} (re-read on every reconnect and new
 * session), changed with a compare-and-set on its version.
 *
 * ```ts
 * const shared = new SharedValue(zk, '/config/mode', Buffer.from('blue'));
 * await shared.start();
 * const { value, version } = shared.versioned();
 * await shared.trySet(Buffer.from('green'), version);  // false if someone else won
 * ```
 */
export class SharedValue extends RecipeEmitter<SharedValueEvents> implements AsyncDisposable {
  /** The node. */
  readonly path: string;
  readonly #zk: ZooKeeperClient;
  readonly #seed: Buffer;
  readonly #cache: NodeCache;
  #value: Buffer;
  #version = -1;
  #mzxid = -1n;
  #waiters: Array<{ mzxid: bigint; resolve(): void }> = [];
  #started = false;

  constructor(zk: ZooKeeperClient, path: string, seed: Buffer | Uint8Array) {
    super(zk, 'SharedValue');
    this.path = recipePath(path);
    if (!(seed instanceof Uint8Array)) throw new InvalidArgumentError('seed', 'must be a Buffer or Uint8Array');
    this.#zk = zk;
    this.#seed = Buffer.from(seed);
    this.#value = this.#seed;
    this.#cache = new NodeCache(zk, this.path);
    const apply = (e: { data: Buffer | null; stat: { version: number; mzxid: bigint } }) => {
      this.#value = e.data ?? Buffer.alloc(0);
      this.#version = e.stat.version;
      this.#mzxid = e.stat.mzxid;
      this.emit('changed', this.#value, this.#version);
    };
    this.#cache.on('created', apply);
    this.#cache.on('changed', apply);
    this.#cache.on('deleted', () => (this.#version = -1));
    const wake = () => this.#wake();
    for (const ev of ['created', 'changed', 'deleted', 'stale', 'resynced', 'initialized'] as const) this.#cache.on(ev, wake);
  }

  /** The value as last read (the seed before `start()`; the last known value while the node is deleted). */
  get value(): Buffer {
    return this.#value;
  }

  /** The node's data version as last read (-1 before `start()` and while the node does not exist). */
  get version(): number {
    return this.#version;
  }

  /** Value and version read together. */
  versioned(): { value: Buffer; version: number } {
    return { value: this.#value, version: this.#version };
  }

  /** True while the value may be out of date (suspended, lost, rebuilding, closed). */
  get stale(): boolean {
    return this.#cache.stale;
  }

  /** Creates the node with the seed unless it exists (missing parents too), then reads and watches it. */
  async start(): Promise<void> {
    if (this.#started) throw new RecipeStateError('SharedValue already started');
    this.#started = true;
    try {
      await this.#zk.create(this.path, this.#seed, { makePath: true });
    } catch (err) {
      if (!(err instanceof NodeExistsError)) throw err;
    }
    await this.#cache.start();
  }

  /**
   * Sets `value` if the node still has `version` (from `version`/`versioned()`); resolves
   * true once this object shows the new value (or has gone stale meanwhile: it re-reads after
   * the reconnect), false when another writer got there first (this object then shows at
   * least the value that won).
   */
  async trySet(value: Buffer | Uint8Array, version: number): Promise<boolean> {
    if (!Number.isInteger(version) || version < 0) throw new InvalidArgumentError('version', 'must be a node version (>= 0); use set() to write unconditionally');
    try {
      const stat = await this.#zk.set(this.path, Buffer.from(value), { version });
      await this.#catchUp(stat.mzxid);
      return true;
    } catch (err) {
      if (!(err instanceof BadVersionError)) throw err;
      const stat = await this.#zk.exists(this.path);
      if (stat) await this.#catchUp(stat.mzxid);
      return false;
    }
  }

  /** Sets `value` whatever the version; resolves once this object shows it. */
  async set(value: Buffer | Uint8Array): Promise<void> {
    const stat = await this.#zk.set(this.path, Buffer.from(value));
    await this.#catchUp(stat.mzxid);
  }

  /** Stops watching. */
  async close(): Promise<void> {
    await this.#cache.close();
    this.#wake();
  }

  /** `await using` support. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Waits until the cache has applied the change at `mzxid` (or gave up being current: stale or closed). */
  #catchUp(mzxid: bigint): Promise<void> {
    if (this.#mzxid >= mzxid || this.#cache.stale) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ mzxid, resolve }));
  }

  #wake(): void {
    const stale = this.#cache.stale;
    this.#waiters = this.#waiters.filter((w) => {
      if (!stale && this.#mzxid < w.mzxid) return true;
      w.resolve();
      return false;
    });
  }
}
