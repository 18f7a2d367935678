import { ClientClosedError, InvalidArgumentError, type ZooKeeperClient } from '@zookit/client';
import { nextState, report } from './connection.js';
import { decideExclusive } from './contender.js';
import { RecipeEmitter } from './emitter.js';
import { RecipeStateError } from './errors.js';
import type { Lease } from './lease.js';
import { setLockSpec } from './lock-kind.js';
import { Lock } from './lock.js';
import type { Naming } from './node-names.js';
import { endLease } from './ownership.js';
import { Scope, deferred, whenAborted } from './wait.js';

/** Events of {@link LeaderLatch}. */
export interface LeaderLatchEvents {
  /** This participant became leader; `signal` aborts when it stops being leader. May be async (a rejection is reported). */
  isLeader: (signal: AbortSignal) => unknown;
  /** This participant stopped being leader. May be async (a rejection is reported). */
  notLeader: () => unknown;
}

/** Options of {@link LeaderLatch}. */
export interface LeaderLatchOptions {
  /** `curator` (default): `_c_<uuid>-latch-<seq>` as Curator's LeaderLatch; `kazoo`: `<hex>__lock__<seq>`. */
  naming?: Naming;
  /** ms leadership survives SUSPENDED (default 0: lost at once). */
  suspendedGrace?: number;
}

const LATCH = { kind: { role: 'latch', decide: decideExclusive }, watchesChildren: false, recipe: 'LeaderLatch' } as const;

/**
 * Curator's `LeaderLatch`: after `start()` the participant stays in the election until
 * `close()`, and is told through `hasLeadership`, `awaitLeadership()` and the events
 * `isLeader` / `notLeader`. Leadership lost (SUSPENDED past the grace period, or LOST) is
 * never silently restored: the participant deletes its node and queues again, as
 * Curator's latch resets on reconnect. Listeners run isolated: one that throws is
 * reported on the client's `'error'` event and changes nothing here.
 */
export class LeaderLatch extends RecipeEmitter<LeaderLatchEvents> {
  /** The latch's path. */
  readonly path: string;
  /** This participant's identifier (its node's data). */
  readonly identifier: string;
  readonly #zk: ZooKeeperClient;
  readonly #lock: Lock;
  #state: 'latent' | 'started' | 'closed' = 'latent';
  #loop: Promise<void> | undefined;
  readonly #close = new AbortController();
  /** Settled on every change of leadership (and on close); replaced each time. */
  #changed = deferred();

  /** @throws InvalidArgumentError for a bad path, identifier or option */
  constructor(zk: ZooKeeperClient, path: string, identifier = '', options: LeaderLatchOptions = {}) {
    if (typeof identifier !== 'string') throw new InvalidArgumentError('identifier', 'must be a string');
    super(zk, 'LeaderLatch');
    this.#zk = zk;
    this.#lock = setLockSpec(new Lock(zk, path, { ...options, identifier }), LATCH);
    this.path = this.#lock.path;
    this.identifier = identifier;
  }

  /** True while this participant leads. */
  get hasLeadership(): boolean {
    return this.#lock.isAcquired;
  }

  /** Joins the election (once). */
  start(): void {
    if (this.#state !== 'latent') throw new RecipeStateError(`${this.path}: LeaderLatch can be started only once`);
    this.#state = 'started';
    this.#loop = this.#run().catch((err: unknown) => {
      report(this.#zk, err);
    });
  }

  async #run(): Promise<void> {
    const signal = this.#close.signal;
    while (!signal.aborted) {
      let lease: Lease;
      try {
        lease = await this.#lock.acquire({ signal });
      } catch (err) {
        if (signal.aborted || err instanceof ClientClosedError) return;
        report(this.#zk, err);
        // Wait for a state change before trying again (ends with close() or a closed client).
        try {
          await new Scope('LeaderLatch', this.path, { signal }).race(nextState(this.#zk));
        } catch {
          return;
        }
        continue;
      }
      this.#notify();
      this.emit('isLeader', lease.signal);
      await whenAborted(lease.signal);
      this.#notify();
      this.emit('notLeader');
      await lease.release().catch(() => {});
    }
  }

  #notify(): void {
    const changed = this.#changed;
    this.#changed = deferred();
    changed.resolve();
  }

  /**
   * Resolves `true` once this participant leads, or `false` after `timeout` ms.
   * @throws the signal's reason if it aborts; RecipeStateError if the latch is closed or not started
   */
  async awaitLeadership(options: { timeout?: number; signal?: AbortSignal } = {}): Promise<boolean> {
    const scope = new Scope('LeaderLatch', this.path, options);
    try {
      for (;;) {
        if (this.#state !== 'started') throw new RecipeStateError(`${this.path}: LeaderLatch is ${this.#state}`);
        if (this.hasLeadership) return true;
        await scope.race(this.#changed.promise);
      }
    } catch (err) {
      if (scope.timedOut && err === scope.reason) return false;
      throw err;
    }
  }

  /** Identifiers of every participant in queue order, the leader first. */
  participants(): Promise<string[]> {
    return this.#lock.contenders();
  }

  /** Leaves the election: gives up leadership (`notLeader` is emitted if it led) and deletes the node. Idempotent. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#close.abort();
    this.#notify();
    const lease = this.#lock.lease;
    if (lease) await endLease(lease, 'closed');
    await this.#loop;
  }
}
