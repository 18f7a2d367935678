import type { ZooKeeperClient } from '@zookit/client';
import { decideExclusive } from './contender.js';
import type { Lease } from './lease.js';
import { setLockSpec } from './lock-kind.js';
import { Lock, type LockOptions } from './lock.js';

/** Options of {@link Election}. */
export interface ElectionOptions extends Omit<LockOptions, 'identifier'> {}

/**
 * Leader election as a scope (kazoo's `Election`): `run(fn)` waits until this candidate
 * leads, runs `fn(signal)`, and gives up leadership when `fn` settles. `signal` aborts
 * when leadership is lost (SUSPENDED past the grace period, or LOST), so the work can
 * stop; the next leader is elected only after our node is gone.
 *
 * ```ts
 * const election = new Election(zk, '/election/svc', 'node-1');
 * await election.run(async (signal) => serve(signal));
 * ```
 */
export class Election {
  /** The election's path. */
  readonly path: string;
  /** This candidate's identifier (its node's data). */
  readonly identifier: string;
  readonly #lock: Lock;

  constructor(zk: ZooKeeperClient, path: string, identifier: string, options: ElectionOptions = {}) {
    const spec = { kind: { role: 'lock', decide: decideExclusive }, watchesChildren: false, recipe: 'Election' } as const;
    this.#lock = setLockSpec(new Lock(zk, path, { ...options, identifier }), spec);
    this.path = this.#lock.path;
    this.identifier = identifier;
  }

  /** True while this candidate leads. */
  get isLeader(): boolean {
    return this.#lock.isAcquired;
  }

  /**
   * Waits for leadership, then runs `fn` with a signal that aborts when leadership is
   * lost, and the leadership's lease (its `fencingToken` grows with every new leader);
   * leadership is released when `fn` settles. Resolves with `fn`'s result.
   * @throws CancelledError after `cancel()`; the signal's reason if `options.signal` aborts first;
   *   OwnershipLostError if leadership ended before `fn` could start (`fn` is then not called)
   */
  async run<T>(fn: (signal: AbortSignal, lease: Lease) => T | Promise<T>, options: { signal?: AbortSignal } = {}): Promise<T> {
    const lease = await this.#lock.acquire(options.signal ? { signal: options.signal } : {});
    try {
      // Leadership can end before `fn` gets to run (the session lost right after the grant).
      lease.signal.throwIfAborted();
      return await fn(lease.signal, lease);
    } finally {
      await lease.release();
    }
  }

  /** Cancels a `run()` that is still waiting for leadership. */
  cancel(): void {
    this.#lock.cancel();
  }

  /** Identifiers of every candidate in queue order, the leader first. */
  contenders(): Promise<string[]> {
    return this.#lock.contenders();
  }
}
