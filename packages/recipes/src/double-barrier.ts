import { EventType, NoNodeError, NodeExistsError, type WatchedEvent, type ZooKeeperClient } from '@zookit/client';
import { randomUUID } from 'node:crypto';
import { Canceller, checkPath, guaranteedDelete, isTransient, toData, untilConnected } from './internal.js';

const READY = 'ready';

/**
 * kazoo's `DoubleBarrier`: `enter()` blocks until `numClients` participants have entered;
 * `leave()` blocks until all of them have left. Each participant is an ephemeral node, so
 * one whose session is lost counts as gone (others may then wait until their timeout).
 *
 * ```ts
 * const db = new DoubleBarrier(zk, '/barriers/job-42', 3, 'worker-1');
 * await db.enter({ timeout: 30_000 });
 * await compute();
 * await db.leave({ timeout: 30_000 });
 * ```
 */
export class DoubleBarrier {
  /** The barrier's path. */
  readonly path: string;
  /** Participants needed to pass `enter()`. */
  readonly numClients: number;
  /** Stored as our node's data. */
  readonly identifier: string;
  readonly #zk: ZooKeeperClient;
  readonly #name = randomUUID().replaceAll('-', '');
  #session = 0n;
  #entered = false;

  constructor(zk: ZooKeeperClient, path: string, numClients: number, identifier = '') {
    if (!Number.isInteger(numClients) || numClients < 1) throw new RangeError(`numClients must be a positive integer, got ${numClients}`);
    this.#zk = zk;
    this.path = checkPath(path);
    this.numClients = numClients;
    this.identifier = identifier;
  }

  get #node(): string {
    return `${this.path}/${this.#name}`;
  }

  /** True between a successful `enter()` and `leave()`, while our node's session lives. */
  get participating(): boolean {
    return this.#entered && this.#zk.sessionId === this.#session;
  }

  /**
   * Enters; resolves once `numClients` participants are in. On timeout or abort our node
   * is removed and the error is thrown.
   * @throws LockTimeoutError after `timeout`; the signal's reason on abort
   */
  async enter(options: { timeout?: number; signal?: AbortSignal } = {}): Promise<void> {
    using c = new Canceller(this.path, options);
    try {
      await this.#zk.ensurePath(this.path);
      for (let round = 0; ; round++) {
        try {
          c.check();
          let wake!: (e: WatchedEvent) => void;
          const woke = new Promise<WatchedEvent>((resolve) => {
            wake = resolve;
          });
          // Watch `ready` before joining, so its creation is never missed.
          const ready = await this.#zk.exists(`${this.path}/${READY}`, { watch: (e) => wake(e) });
          await this.#join();
          if (ready) break;
          const children = (await this.#zk.getChildren(this.path)).filter((n) => n !== READY);
          if (children.length >= this.numClients) {
            try {
              await this.#zk.create(`${this.path}/${READY}`);
            } catch (err) {
              if (!(err instanceof NodeExistsError)) throw err;
            }
            break;
          }
          const event = await c.race(woke);
          // Trust the event, not a second look: a fast participant's leave() deletes
          // `ready` again, and re-reading it could strand us here (kazoo trusts it too).
          if (event.type === EventType.CREATED && this.#zk.sessionId === this.#session) break;
        } catch (err) {
          if (c.signal.aborted || !isTransient(err)) throw err;
          await untilConnected(this.#zk, c);
        }
      }
      this.#entered = true;
    } catch (err) {
      if (this.#session === this.#zk.sessionId) await guaranteedDelete(this.#zk, this.#node, this.#session).catch(() => {});
      throw err;
    }
  }

  /** Creates our ephemeral node unless this session already has it (protected against lost replies). */
  async #join(): Promise<void> {
    if (this.#session === this.#zk.sessionId && (await this.#zk.exists(this.#node))?.ephemeralOwner === this.#session) return;
    try {
      const { stat } = await this.#zk.create(this.#node, toData(this.identifier), { ephemeral: true, withStat: true });
      this.#session = stat.ephemeralOwner;
    } catch (err) {
      if (!(err instanceof NodeExistsError)) throw err;
      const stat = await this.#zk.exists(this.#node);
      if (stat?.ephemeralOwner !== this.#zk.sessionId) throw err;
      this.#session = stat.ephemeralOwner;
    }
  }

  /**
   * Leaves; resolves once every participant has left (kazoo's algorithm: the lowest
   * participant waits for the highest, everyone else deletes its node and waits for the
   * lowest).
   * @throws LockTimeoutError after `timeout`; the signal's reason on abort
   */
  async leave(options: { timeout?: number; signal?: AbortSignal } = {}): Promise<void> {
    using c = new Canceller(this.path, options);
    try {
      await this.#zk.delete(`${this.path}/${READY}`);
    } catch (err) {
      if (!(err instanceof NoNodeError) && !isTransient(err)) throw err;
    }
    for (let round = 0; ; round++) {
      try {
        c.check();
        const children = (await this.#zk.getChildren(this.path)).filter((n) => n !== READY).sort();
        const mine = children.includes(this.#name) && this.#zk.sessionId === this.#session;
        if (children.length === 0 || (children.length === 1 && mine)) {
          if (mine) await guaranteedDelete(this.#zk, this.#node, this.#session);
          break;
        }
        let wake!: () => void;
        const woke = new Promise<void>((resolve) => {
          wake = resolve;
        });
        const lowest = children[0]!;
        const target = mine && lowest === this.#name ? children[children.length - 1]! : lowest;
        if (mine && lowest !== this.#name) await guaranteedDelete(this.#zk, this.#node, this.#session);
        try {
          await this.#zk.get(`${this.path}/${target}`, { watch: () => wake() });
        } catch (err) {
          if (err instanceof NoNodeError) continue;
          throw err;
        }
        await c.race(woke);
      } catch (err) {
        if (c.signal.aborted || !isTransient(err)) throw err;
        await untilConnected(this.#zk, c);
      }
    }
    this.#entered = false;
  }
}
