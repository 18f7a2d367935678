import { NoNodeError, validatePath, type ZooKeeperClient } from '@zookit/client';
import { contend, type ContenderConfig } from './contender.js';
import { CancelledError, LockTimeoutError, RecipeStateError } from './errors.js';
import type { Lease } from './lease.js';
import { checkLockOptions, lockSpec } from './lock-kind.js';
import type { Naming } from './node-names.js';
import { readContenders, recipePath } from './nodes.js';
import { REVOKE_MESSAGE, type Ownership } from './ownership.js';
import { Scope } from './wait.js';

/** Options of {@link Lock} (and the locks of {@link ReadWriteLock}). */
export interface LockOptions {
  /** Stored as the node's data; what `contenders()` lists (default: empty). */
  identifier?: string;
  /** `curator` (default): `_c_<uuid>-lock-<seq>`; `kazoo`: `<32 hex>__lock__<seq>`. */
  naming?: Naming;
  /** ms a held lease survives SUSPENDED before its signal aborts (default 0: at once, the safe choice). */
  suspendedGrace?: number;
  /**
   * Whether a held lease listens for revocation requests: its `'revoke'` event fires when
   * someone calls {@link Lock.revoke} (or Curator's `Revoker.attemptRevoke`) on its node.
   * Cooperative, like Curator's `makeRevocable`. Default false.
   */
  revocable?: boolean;
}

/** Options of one `acquire()`. */
export interface AcquireOptions {
  /** Give up after this many ms with a {@link LockTimeoutError}. */
  timeout?: number;
  /** Give up when this aborts, rejecting with its reason. */
  signal?: AbortSignal;
}

/**
 * A distributed mutual-exclusion lock (kazoo's `Lock`, Curator's `InterProcessMutex`).
 * One `Lock` object holds at most one lease at a time; it is not re-entrant.
 *
 * ```ts
 * const lock = new Lock(zk, '/locks/jobs', { identifier: 'worker-7' });
 * await using lease = await lock.acquire({ timeout: 5_000 });
 * await work({ signal: lease.signal, fencingToken: lease.fencingToken });
 * ```
 */
export class Lock {
  /** The lock's path (a container node holding the contenders). */
  readonly path: string;
  readonly #zk: ZooKeeperClient;
  readonly #options: LockOptions;
  #config: ContenderConfig | undefined;
  #lease: Ownership | undefined;
  #pending: Scope | undefined;

  /** @throws InvalidArgumentError for a bad path or option */
  constructor(zk: ZooKeeperClient, path: string, options: LockOptions = {}) {
    this.#zk = zk;
    this.path = recipePath(path);
    checkLockOptions(options);
    this.#options = options;
  }

  /** True while this object holds a lease that has not been released or lost. */
  get isAcquired(): boolean {
    return this.#lease?.isHeld ?? false;
  }

  /** The current lease, if held. */
  get lease(): Lease | undefined {
    return this.isAcquired ? this.#lease : undefined;
  }

  /**
   * Waits for the lock. Keeps its place in the queue across reconnects; after `LOST`
   * queues again with a fresh node.
   * @throws LockTimeoutError after `timeout`; the signal's reason on abort; CancelledError on `cancel()`
   */
  async acquire(options: AcquireOptions = {}): Promise<Lease> {
    return (await this.#acquire(options, false))!;
  }

  /** Acquires only if nobody is ahead; resolves with `null` otherwise (its node is removed). */
  tryAcquire(): Promise<Lease | null> {
    return this.#acquire({}, true);
  }

  async #acquire(options: AcquireOptions, nonBlocking: boolean): Promise<Lease | null> {
    if (this.isAcquired) throw new RecipeStateError(`${this.path}: already acquired by this Lock object`);
    if (this.#pending) throw new RecipeStateError(`${this.path}: an acquire() is already in progress on this Lock object`);
    const config = (this.#config ??= this.#configure());
    const scope = new Scope(lockSpec(this).recipe, this.path, options, LockTimeoutError);
    this.#pending = scope;
    try {
      const lease = await contend(config, scope, nonBlocking);
      this.#lease = lease ?? undefined;
      return lease;
    } finally {
      if (this.#pending === scope) this.#pending = undefined;
    }
  }

  /** The contender configuration, built once (the queue is known after construction). */
  #configure(): ContenderConfig {
    const spec = lockSpec(this);
    return {
      zk: this.#zk,
      path: this.path,
      kind: spec.kind,
      watchesChildren: spec.watchesChildren,
      naming: this.#options.naming ?? 'curator',
      data: this.#options.identifier,
      grace: this.#options.suspendedGrace ?? 0,
      revocable: this.#options.revocable === true,
      recipe: spec.recipe,
      onEnd: (l) => {
        if (this.#lease === l) this.#lease = undefined;
      },
    };
  }

  /** Cancels a pending `acquire()` (it rejects with {@link CancelledError}); no effect on a held lease. */
  cancel(): void {
    this.#pending?.abort(new CancelledError(`${this.path}: acquire cancelled`));
  }

  /** Releases the held lease, if any (idempotent; see {@link Lease.release}). */
  async release(): Promise<void> {
    const lease = this.#lease;
    this.#lease = undefined;
    await lease?.release();
  }

  /**
   * Asks the holder of `nodePath` (a contender node, e.g. `lease.path` or a path from
   * `getChildren`) to let go, by writing Curator's `__REVOKE__` data into it: a revocable
   * zookit lease emits `'revoke'`, a Curator holder made revocable calls its listener.
   * Resolves `false` when the node is gone. The holder decides; nothing is forced.
   * @throws InvalidArgumentError for a bad path
   */
  static async revoke(zk: ZooKeeperClient, nodePath: string): Promise<boolean> {
    validatePath(nodePath, false, 'nodePath');
    try {
      await zk.set(nodePath, Buffer.from(REVOKE_MESSAGE));
      return true;
    } catch (err) {
      if (err instanceof NoNodeError) return false;
      throw err;
    }
  }

  /** Identifiers (node data) of every contender in queue order, the holder first. */
  async contenders(): Promise<string[]> {
    return readContenders(this.#zk, this.path);
  }
}
