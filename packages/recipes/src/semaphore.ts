import { InvalidArgumentError, type ZooKeeperClient } from '@zookit/client';
import { decideAmongFirst } from './contender.js';
import type { Lease } from './lease.js';
import { setLockSpec } from './lock-kind.js';
import { Lock, type AcquireOptions, type LockOptions } from './lock.js';

/** Options of {@link Semaphore}. */
export interface SemaphoreOptions extends LockOptions {
  /** How many holders at once (default 1). */
  maxLeases?: number;
}

/**
 * A counting semaphore: at most `maxLeases` holders at once, granted in queue order. Each
 * participant is one ephemeral-sequential node; the first `maxLeases` hold a lease.
 * Waiters watch the children (any holder leaving can free a slot), so a release wakes
 * every waiter; each wake lists the children once, and that listing carries the next watch. Not wire-compatible with kazoo's or Curator's semaphores, which use a
 * lock plus lease nodes.
 *
 * ```ts
 * const sem = new Semaphore(zk, '/sem/db', { maxLeases: 3, identifier: 'worker-1' });
 * await using lease = await sem.acquire({ timeout: 10_000 });
 * ```
 */
export class Semaphore {
  /** The semaphore's path. */
  readonly path: string;
  /** Holders allowed at once. */
  readonly maxLeases: number;
  readonly #lock: Lock;

  constructor(zk: ZooKeeperClient, path: string, options: SemaphoreOptions = {}) {
    const max = options.maxLeases ?? 1;
    if (!Number.isInteger(max) || max < 1) throw new InvalidArgumentError('maxLeases', `must be a positive integer, got ${max}`);
    const { maxLeases: _m, ...lockOptions } = options;
    this.maxLeases = max;
    const spec = { kind: { role: 'lock', decide: decideAmongFirst(max) }, watchesChildren: true, recipe: 'Semaphore' } as const;
    this.#lock = setLockSpec(new Lock(zk, path, lockOptions), spec);
    this.path = this.#lock.path;
  }

  /** True while this object holds a lease. */
  get isAcquired(): boolean {
    return this.#lock.isAcquired;
  }

  /** Waits for a lease (see {@link Lock.acquire}). */
  acquire(options: AcquireOptions = {}): Promise<Lease> {
    return this.#lock.acquire(options);
  }

  /** A lease if one is free now, else `null`. */
  tryAcquire(): Promise<Lease | null> {
    return this.#lock.tryAcquire();
  }

  /** Cancels a pending `acquire()`. */
  cancel(): void {
    this.#lock.cancel();
  }

  /** Releases this object's lease (idempotent). */
  release(): Promise<void> {
    return this.#lock.release();
  }

  /** Identifiers of the current lease holders (the first `maxLeases` in the queue). */
  async leaseHolders(): Promise<string[]> {
    return (await this.#lock.contenders()).slice(0, this.maxLeases);
  }
}
