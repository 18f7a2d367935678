import { ClientClosedError, type ZooKeeperClient } from '@zookit/client';
import { EventEmitter } from 'eventemitter3';
import { contend, decideExclusive } from './contender.js';
import { RecipeStateError } from './errors.js';
import { Canceller, checkPath, nextState, toData } from './internal.js';
import type { Lease } from './lease.js';
import { readContenders } from './lock.js';
import type { Naming } from './node-names.js';

/** Events of {@link LeaderLatch}. */
export interface LeaderLatchEvents {
  /** This participant became leader; `signal` aborts when it stops being leader. */
  isLeader: (signal: AbortSignal) => void;
  /** This participant stopped being leader. */
  notLeader: () => void;
}

/** Options of {@link LeaderLatch}. */
export interface LeaderLatchOptions {
  /** `curator` (default): `_c_<uuid>-latch-<seq>` as Curator's LeaderLatch; `kazoo`: `<hex>__lock__<seq>`. */
  naming?: Naming;
  /** ms leadership survives SUSPENDED (default 0: lost at once). */
  suspendedGrace?: number;
}

/**
 * Curator's `LeaderLatch`: after `start()` the participant stays in the election until
 * `close()`, and is told through `hasLeadership`, `awaitLeadership()` and the events
 * `isLeader` / `notLeader`. Leadership lost (SUSPENDED past the grace period, or LOST) is
 * never silently restored: the participant deletes its node and queues again, as
 * Curator's latch resets on reconnect.
 */
export class LeaderLatch extends EventEmitter<LeaderLatchEvents> {
  /** The latch's path. */
  readonly path: string;
  /** This participant's identifier (its node's data). */
  readonly identifier: string;
  readonly #zk: ZooKeeperClient;
  readonly #options: LeaderLatchOptions;
  #state: 'latent' | 'started' | 'closed' = 'latent';
  #lease: Lease | undefined;
  #loop: Promise<void> | undefined;
  readonly #close = new AbortController();

  constructor(zk: ZooKeeperClient, path: string, identifier = '', options: LeaderLatchOptions = {}) {
    super();
    this.#zk = zk;
    this.path = checkPath(path);
    this.identifier = identifier;
    this.#options = options;
  }

  /** True while this participant leads. */
  get hasLeadership(): boolean {
    return this.#lease?.isHeld ?? false;
  }

  /** Joins the election (once). */
  start(): void {
    if (this.#state !== 'latent') throw new RecipeStateError(`${this.path}: LeaderLatch can be started only once`);
    this.#state = 'started';
    this.#loop = this.#run();
  }

  async #run(): Promise<void> {
    const signal = this.#close.signal;
    while (!signal.aborted) {
      let lease: Lease | null;
      try {
        lease = await contend(
          {
            zk: this.#zk,
            path: this.path,
            role: 'latch',
            naming: this.#options.naming ?? 'curator',
            data: toData(this.identifier),
            grace: this.#options.suspendedGrace ?? 0,
            decide: decideExclusive,
          },
          { signal },
        );
      } catch (err) {
        if (signal.aborted || err instanceof ClientClosedError) return;
        this.#zk.emit('error', err instanceof Error ? err : new Error(String(err)));
        // Wait for a state change before trying again (ends with close() or a closed client).
        try {
          await new Canceller(this.path, { signal }).race(nextState(this.#zk));
        } catch {
          return;
        }
        continue;
      }
      if (!lease) continue; // only a non-blocking attempt resolves null
      this.#lease = lease;
      this.emit('isLeader', lease.signal);
      if (!lease.signal.aborted) {
        await new Promise<void>((resolve) => lease.signal.addEventListener('abort', () => resolve(), { once: true }));
      }
      this.#lease = undefined;
      this.emit('notLeader');
      await lease.release();
    }
  }

  /**
   * Resolves `true` once this participant leads, or `false` after `timeout` ms.
   * @throws the signal's reason if it aborts; RecipeStateError if the latch is closed or not started
   */
  awaitLeadership(options: { timeout?: number; signal?: AbortSignal } = {}): Promise<boolean> {
    if (this.#state !== 'started') return Promise.reject(new RecipeStateError(`${this.path}: LeaderLatch is ${this.#state}`));
    if (this.hasLeadership) return Promise.resolve(true);
    return new Promise<boolean>((resolve, reject) => {
      const cleanup = () => {
        this.off('isLeader', onLeader);
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.#close.signal.removeEventListener('abort', onClose);
      };
      const onLeader = () => {
        cleanup();
        resolve(true);
      };
      const onAbort = () => {
        cleanup();
        reject(options.signal!.reason);
      };
      const onClose = () => {
        cleanup();
        reject(new RecipeStateError(`${this.path}: LeaderLatch closed`));
      };
      const timer = options.timeout === undefined ? undefined : setTimeout(() => {
        cleanup();
        resolve(false);
      }, options.timeout);
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.#close.signal.addEventListener('abort', onClose, { once: true });
      this.on('isLeader', onLeader);
    });
  }

  /** Identifiers of every participant in queue order, the leader first. */
  participants(): Promise<string[]> {
    return readContenders(this.#zk, this.path);
  }

  /** Leaves the election: gives up leadership (`notLeader` is emitted if it led) and deletes the node. Idempotent. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#close.abort();
    await this.#lease?.end('closed');
    await this.#loop;
  }
}
