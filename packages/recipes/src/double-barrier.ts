import {
  EventType, InvalidArgumentError, NoNodeError, NodeExistsError, type WatchedEvent, type ZooKeeperClient,
} from '@zookit/client';
import { randomUUID } from 'node:crypto';
import { isTransient, untilConnected } from './connection.js';
import { abandonNode, guaranteedDelete, recipePath } from './nodes.js';
import { Scope, deferred } from './wait.js';

const READY = 'ready';

/**
 * kazoo's `DoubleBarrier`: `enter()` blocks until `numClients` participants have entered;
 * `leave()` blocks until all of them have left. Each participant is an ephemeral node, so
 * one whose session is lost counts as gone (others may then wait until their timeout).
 * A timeout is kept even while the connection is down: our node is then removed in the
 * background once the connection is back.
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
  /** The session in which our last create was sent (its outcome may be unknown). */
  #sentIn = 0n;
  #entered = false;

  /** @throws InvalidArgumentError for a bad path, count or identifier */
  constructor(zk: ZooKeeperClient, path: string, numClients: number, identifier = '') {
    if (!Number.isInteger(numClients) || numClients < 1) throw new InvalidArgumentError('numClients', `must be a positive integer, got ${numClients}`);
    if (typeof identifier !== 'string') throw new InvalidArgumentError('identifier', 'must be a string');
    this.#zk = zk;
    this.path = recipePath(path);
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
   * is removed (in the background if the connection is down) and the error is thrown.
   * @throws RecipeTimeoutError (`recipe: 'DoubleBarrier.enter'`) after `timeout`; the signal's reason on abort
   */
  async enter(options: { timeout?: number; signal?: AbortSignal } = {}): Promise<void> {
    const scope = new Scope('DoubleBarrier.enter', this.path, options);
    try {
      await scope.race(this.#zk.ensurePath(this.path));
      for (;;) {
        try {
          scope.check();
          if (await this.#enterRound(scope)) break;
        } catch (err) {
          if (!isTransient(err)) throw err;
          scope.check();
          await untilConnected(this.#zk, scope);
        }
      }
      this.#entered = true;
    } catch (err) {
      if (this.#sentIn === this.#zk.sessionId) await abandonNode(this.#zk, this.#node, this.#sentIn);
      throw err;
    }
  }

  /** Joins, then passes if `ready` exists or we complete the count, else waits for `ready`. Resolves whether we entered. */
  async #enterRound(scope: Scope): Promise<boolean> {
    const zk = this.#zk;
    const readyEvent = deferred<WatchedEvent>();
    // Watch `ready` before joining, so its creation is never missed.
    const ready = await scope.race(zk.exists(`${this.path}/${READY}`, { watch: (e) => readyEvent.resolve(e) }));
    await scope.race(this.#join());
    if (ready) return true;
    const children = (await scope.race(zk.getChildren(this.path))).filter((n) => n !== READY);
    if (children.length >= this.numClients) {
      try {
        await scope.race(zk.create(`${this.path}/${READY}`));
      } catch (err) {
        if (!(err instanceof NodeExistsError)) throw err;
      }
      return true;
    }
    const event = await scope.race(readyEvent.promise);
    // Trust the event, not a second look: a fast participant's leave() deletes
    // `ready` again, and re-reading it could strand us here (kazoo trusts it too).
    return event.type === EventType.CREATED && zk.sessionId === this.#session;
  }

  /** Creates our ephemeral node unless this session already has it (protected against lost replies). */
  async #join(): Promise<void> {
    if (this.#session === this.#zk.sessionId && (await this.#zk.exists(this.#node))?.ephemeralOwner === this.#session) return;
    this.#sentIn = this.#zk.sessionId;
    try {
      const { stat } = await this.#zk.create(this.#node, this.identifier, { ephemeral: true, withStat: true });
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
   * @throws RecipeTimeoutError (`recipe: 'DoubleBarrier.leave'`) after `timeout`; the signal's reason on abort
   */
  async leave(options: { timeout?: number; signal?: AbortSignal } = {}): Promise<void> {
    const scope = new Scope('DoubleBarrier.leave', this.path, options);
    try {
      await scope.race(this.#zk.delete(`${this.path}/${READY}`));
    } catch (err) {
      if (!(err instanceof NoNodeError) && !isTransient(err)) throw err;
    }
    for (;;) {
      try {
        scope.check();
        if (await this.#leaveRound(scope)) break;
      } catch (err) {
        if (!isTransient(err)) throw err;
        scope.check();
        await untilConnected(this.#zk, scope);
      }
    }
    this.#entered = false;
  }

  /** One look at who is left; resolves whether everyone has left. */
  async #leaveRound(scope: Scope): Promise<boolean> {
    const zk = this.#zk;
    const children = (await scope.race(zk.getChildren(this.path))).filter((n) => n !== READY).sort();
    const mine = children.includes(this.#name) && zk.sessionId === this.#session;
    if (children.length === 0 || (children.length === 1 && mine)) {
      if (mine) await scope.race(this.#deleteOwn());
      return true;
    }
    const lowest = children[0]!;
    const target = mine && lowest === this.#name ? children[children.length - 1]! : lowest;
    if (mine && lowest !== this.#name) await scope.race(this.#deleteOwn());
    const gone = deferred();
    try {
      await scope.race(zk.get(`${this.path}/${target}`, { watch: () => gone.resolve() }));
    } catch (err) {
      if (err instanceof NoNodeError) return false;
      throw err;
    }
    await scope.race(gone.promise);
    return false;
  }

  /** Deletes our node, surviving connection loss; it goes on in the background if the leave gives up. */
  #deleteOwn(): Promise<void> {
    const done = guaranteedDelete(this.#zk, this.#node, this.#session);
    done.catch(() => {});
    return done;
  }
}
