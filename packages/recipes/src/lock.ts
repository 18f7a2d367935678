import { NoNodeError, type ZooKeeperClient } from '@zookit/client';
import { contend, decideExclusive, type Decide } from './contender.js';
import { CancelledError, RecipeStateError } from './errors.js';
import { checkPath, toData } from './internal.js';
import type { Lease } from './lease.js';
import { sortContenders, type Naming, type NodeRole } from './node-names.js';

/** Options of {@link Lock} (and the locks of {@link ReadWriteLock}). */
export interface LockOptions {
  /** Stored as the node's data; what `contenders()` lists (default: empty). */
  identifier?: string;
  /** `curator` (default): `_c_<uuid>-lock-<seq>`; `kazoo`: `<32 hex>__lock__<seq>`. */
  naming?: Naming;
  /** ms a held lease survives SUSPENDED before its signal aborts (default 0: at once, the safe choice). */
  suspendedGrace?: number;
}

/** Options of one `acquire()`. */
export interface AcquireOptions {
  /** Give up after this many ms with a {@link LockTimeoutError}. */
  timeout?: number;
  /** Give up when this aborts, rejecting with its reason. */
  signal?: AbortSignal;
}

/** @internal Role and rule of a lock created by {@link ReadWriteLock} or {@link Semaphore}. */
export const LOCK_KIND: unique symbol = Symbol('zookit.lockKind');
/** @internal */
export interface LockKind {
  role: NodeRole;
  decide: Decide;
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
  readonly #kind: LockKind;
  #lease: Lease | undefined;
  #pending: AbortController | undefined;

  constructor(zk: ZooKeeperClient, path: string, options: LockOptions & { [LOCK_KIND]?: LockKind } = {}) {
    this.#zk = zk;
    this.path = checkPath(path);
    this.#options = options;
    this.#kind = options[LOCK_KIND] ?? { role: 'lock', decide: decideExclusive };
    if (options.suspendedGrace !== undefined && !(options.suspendedGrace >= 0)) throw new RangeError('suspendedGrace must be >= 0');
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
    const ac = new AbortController();
    this.#pending = ac;
    try {
      const signal = options.signal ? AbortSignal.any([options.signal, ac.signal]) : ac.signal;
      const lease = await contend(
        {
          zk: this.#zk,
          path: this.path,
          role: this.#kind.role,
          naming: this.#options.naming ?? 'curator',
          data: toData(this.#options.identifier),
          grace: this.#options.suspendedGrace ?? 0,
          decide: this.#kind.decide,
        },
        {
          signal,
          timeout: options.timeout,
          nonBlocking,
          onEnd: (l) => {
            if (this.#lease === l) this.#lease = undefined;
          },
        },
      );
      this.#lease = lease ?? undefined;
      return lease;
    } finally {
      if (this.#pending === ac) this.#pending = undefined;
    }
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

  /** Identifiers (node data) of every contender in queue order, the holder first. */
  async contenders(): Promise<string[]> {
    return readContenders(this.#zk, this.path);
  }
}

/** The data of every recognised contender under `path`, in queue order. */
export async function readContenders(zk: ZooKeeperClient, path: string, filter: (name: string) => boolean = () => true): Promise<string[]> {
  let children: string[];
  try {
    children = await zk.getChildren(path);
  } catch (err) {
    if (err instanceof NoNodeError) return [];
    throw err;
  }
  const sorted = sortContenders(children).filter((c) => filter(c.name));
  const data = await Promise.all(
    sorted.map((c) =>
      zk.get(`${path}/${c.name}`).then(
        (r) => r.data.toString('utf8'),
        (err: unknown) => {
          if (err instanceof NoNodeError) return undefined;
          throw err;
        },
      ),
    ),
  );
  return data.filter((d): d is string => d !== undefined);
}

