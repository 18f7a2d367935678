import { InvalidArgumentError, type ZooKeeperClient } from '@zookit/client';
import { decideAmongFirst } from './contender.js';
import { LockTimeoutError, RecipeStateError, CancelledError } from './errors.js';
import type { Lease } from './lease.js';
import { checkLockOptions, setLockSpec } from './lock-kind.js';
import { Lock, type AcquireOptions, type LockOptions } from './lock.js';
import { recipePath } from './nodes.js';
import type { Ownership } from './ownership.js';
import { acquireV2, leaseNodes, type V2Config } from './semaphore-v2.js';
import { Scope } from './wait.js';

/** Options of {@link Semaphore}. */
export interface SemaphoreOptions extends Omit<LockOptions, 'naming' | 'revocable'> {
  /** How many holders at once (default 1). */
  maxLeases?: number;
  /**
   * `zookit` (default): one fair queue of `_c_<uuid>-lock-<seq>` nodes under `path`.
   * `curator`: Curator's `InterProcessSemaphoreV2` protocol (`locks/` mutex,
   * `leases/_c_<uuid>-lease-<seq>`), so Java and Node holders share one semaphore.
   */
  naming?: 'zookit' | 'curator';
}

/**
 * A counting semaphore: at most `maxLeases` holders at once. With the default naming,
 * each participant is one ephemeral-sequential node and the first `maxLeases` hold a
 * lease (granted in queue order; waiters watch the children, each wake lists them once).
 * With `naming: 'curator'` it speaks Curator's `InterProcessSemaphoreV2` protocol.
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
  readonly #lock: Lock | undefined;
  readonly #v2: V2Config | undefined;
  #lease: Ownership | undefined;
  #pending: Scope | undefined;

  /** @throws InvalidArgumentError for a bad path or option */
  constructor(zk: ZooKeeperClient, path: string, options: SemaphoreOptions = {}) {
    const max = options.maxLeases ?? 1;
    if (!Number.isInteger(max) || max < 1) throw new InvalidArgumentError('maxLeases', `must be a positive integer, got ${max}`);
    const { maxLeases: _m, naming = 'zookit', ...lockOptions } = options;
    if (naming !== 'zookit' && naming !== 'curator') throw new InvalidArgumentError('naming', `must be 'zookit' or 'curator', got ${String(naming)}`);
    this.maxLeases = max;
    if (naming === 'zookit') {
      const spec = { kind: { role: 'lock', decide: decideAmongFirst(max) }, watchesChildren: true, recipe: 'Semaphore' } as const;
      this.#lock = setLockSpec(new Lock(zk, path, lockOptions), spec);
      this.path = this.#lock.path;
      return;
    }
    this.path = recipePath(path);
    checkLockOptions(lockOptions);
    this.#v2 = {
      zk, path: this.path, maxLeases: max, data: lockOptions.identifier, grace: lockOptions.suspendedGrace ?? 0,
      onEnd: (l) => {
        if (this.#lease === l) this.#lease = undefined;
      },
    };
  }

  /** True while this object holds a lease. */
  get isAcquired(): boolean {
    return this.#lock ? this.#lock.isAcquired : (this.#lease?.isHeld ?? false);
  }

  /**
   * Waits for a lease (see {@link Lock.acquire}).
   * @throws LockTimeoutError after `timeout`; the signal's reason on abort; CancelledError on `cancel()`
   */
  async acquire(options: AcquireOptions = {}): Promise<Lease> {
    if (this.#lock) return this.#lock.acquire(options);
    return (await this.#acquireV2(options, false))!;
  }

  /** A lease if one is free now, else `null` (with `naming: 'curator'`, also while another participant is counting). */
  tryAcquire(): Promise<Lease | null> {
    if (this.#lock) return this.#lock.tryAcquire();
    return this.#acquireV2({}, true);
  }

  async #acquireV2(options: AcquireOptions, nonBlocking: boolean): Promise<Lease | null> {
    if (this.isAcquired) throw new RecipeStateError(`${this.path}: already acquired by this Semaphore object`);
    if (this.#pending) throw new RecipeStateError(`${this.path}: an acquire() is already in progress on this Semaphore object`);
    const scope = new Scope('Semaphore', this.path, options, LockTimeoutError);
    this.#pending = scope;
    try {
      const lease = await acquireV2(this.#v2!, scope, nonBlocking);
      if (lease) this.#lease = lease;
      return lease;
    } finally {
      if (this.#pending === scope) this.#pending = undefined;
    }
  }

  /** Cancels a pending `acquire()`. */
  cancel(): void {
    if (this.#lock) this.#lock.cancel();
    else this.#pending?.abort(new CancelledError(`${this.path}: acquire cancelled`));
  }

  /** Releases this object's lease (idempotent). */
  async release(): Promise<void> {
    if (this.#lock) return this.#lock.release();
    const lease = this.#lease;
    this.#lease = undefined;
    await lease?.release();
  }

  /** Identifiers of the current lease holders (with `naming: 'curator'`: every lease node, in sequence order). */
  async leaseHolders(): Promise<string[]> {
    if (this.#lock) return (await this.#lock.contenders()).slice(0, this.maxLeases);
    return leaseNodes(this.#v2!.zk, this.path);
  }
}
