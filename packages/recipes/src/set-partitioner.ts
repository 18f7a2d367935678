import { ConnectionState, InvalidArgumentError, NoNodeError, type ZooKeeperClient } from '@zookit/client';
import { hostname } from 'node:os';
import { isTransient, untilConnected } from './connection.js';
import { CancelledError, RecipeStateError } from './errors.js';
import type { Lease } from './lease.js';
import { Lock } from './lock.js';
import { recipePath } from './nodes.js';
import { ShallowParty } from './party.js';
import { Scope, deferred, whenAborted } from './wait.js';

/** Options of {@link SetPartitioner}. */
export interface SetPartitionerOptions {
  /** This member's name in the party (must be unique and usable in a node name). Default: `<host>-<pid>` (kazoo's). */
  identifier?: string;
  /** ms the party must stay unchanged before the set is split (kazoo's `time_boundary`; default 30 000). */
  timeBoundary?: number;
}

/** One split of the set: the items this member holds, until `signal` aborts. */
export interface Assignment {
  /** The items of this member, each locked (kazoo's split: sorted items, every n-th from our place among the sorted members). */
  readonly items: readonly string[];
  /** Aborts when the assignment ends: membership changed, SUSPENDED/LOST, a lock lost, or `close()`. */
  readonly signal: AbortSignal;
  /** Each item's lock lease fencing token (grows with every new holder of that item). */
  readonly fencingTokens: ReadonlyMap<string, bigint>;
}

/** An allocation in hand: the locks, and the signal that ends it. */
interface Allocation {
  items: string[];
  leases: Lease[];
  changed: AbortSignal;
}

/**
 * kazoo's `SetPartitioner`, same layout (`<path>/party` of ShallowParty members,
 * `<path>/locks/<item>` kazoo locks), so kazoo and zookit members share one set. Each
 * member takes a lock per item it is given and yields the split only once it holds every
 * one of them, so an allocation never sticks while another member still holds a lock it
 * is giving up.
 *
 * ```ts
 * const partitioner = new SetPartitioner(zk, '/work/shards', ['a', 'b', 'c'], { identifier: 'worker-1', timeBoundary: 1_000 });
 * for await (const { items, signal } of partitioner) await work(items, signal);
 * ```
 */
export class SetPartitioner implements AsyncIterable<Assignment> {
  /** The partitioner's path. */
  readonly path: string;
  /** This member's identifier. */
  readonly identifier: string;
  /** The whole set, sorted. */
  readonly items: readonly string[];
  readonly #zk: ZooKeeperClient;
  readonly #timeBoundary: number;
  readonly #party: ShallowParty;
  readonly #locks = new Map<string, Lock>();
  readonly #closed = new AbortController();
  #iterating = false;
  #leases: Lease[] = [];

  /** @throws InvalidArgumentError for a bad path, item or option */
  constructor(zk: ZooKeeperClient, path: string, items: Iterable<string>, options: SetPartitionerOptions = {}) {
    this.path = recipePath(path);
    const { identifier = `${hostname()}-${process.pid}`, timeBoundary = 30_000 } = options;
    const list = [...new Set(items)];
    for (const item of list) {
      if (typeof item !== 'string' || item === '' || item.includes('/') || item === '.' || item === '..') throw new InvalidArgumentError('items', `each must be a node name, got ${String(item)}`);
    }
    if (typeof timeBoundary !== 'number' || !(timeBoundary >= 0)) throw new InvalidArgumentError('timeBoundary', `must be a number of ms >= 0, got ${String(timeBoundary)}`);
    this.#party = new ShallowParty(zk, `${this.path}/party`, identifier);
    this.#zk = zk;
    this.identifier = identifier;
    this.items = list.sort();
    this.#timeBoundary = timeBoundary;
  }

  /** The assignments, one after the other (one iteration per object). Ends on `close()` or `break`. */
  [Symbol.asyncIterator](): AsyncIterator<Assignment> {
    if (this.#iterating) throw new RecipeStateError(`${this.path}: a SetPartitioner is iterated once`);
    this.#iterating = true;
    return this.#run();
  }

  /**
   * Releases every lock, leaves the party and ends the iteration. Idempotent. Resolves once
   * the nodes are deleted; while disconnected it resolves at once and the deletes go on in
   * the background (done once the connection is back, or gone with the session).
   */
  async close(): Promise<void> {
    this.#closed.abort(new CancelledError(`${this.path}: partitioner closed`));
    const done = Promise.all([this.#releaseAll(), this.#party.leave()]);
    done.catch(() => {});
    if (this.#zk.state === ConnectionState.CONNECTED) await done.then(() => undefined, () => undefined);
  }

  async *#run(): AsyncGenerator<Assignment, void, undefined> {
    try {
      await this.#party.join();
      while (!this.#closed.signal.aborted) {
        const allocation = await this.#allocate();
        if (!allocation) return;
        const ended = AbortSignal.any([allocation.changed, this.#closed.signal, ...allocation.leases.map((l) => l.signal)]);
        const fencingTokens = new Map(allocation.items.map((item, i) => [item, allocation.leases[i]!.fencingToken]));
        yield { items: allocation.items, signal: ended, fencingTokens };
        await whenAborted(ended); // the body returned early: the assignment holds until it ends
        await this.#releaseAll();
      }
    } catch (err) {
      if (!this.#closed.signal.aborted) throw err;
    } finally {
      await this.close();
    }
  }

  /**
   * Waits for a stable party, splits the set and locks our items; starts over when the
   * party changes meanwhile. `undefined` once closed.
   */
  async #allocate(): Promise<Allocation | undefined> {
    for (let round = 0; round < 100_000 && !this.#closed.signal.aborted; round++) {
      const stable = await this.#stableMembers();
      if (!stable) return undefined;
      const mine = split(this.identifier, stable.members, this.items);
      if (!mine) {
        await whenAborted(AbortSignal.any([stable.changed, this.#closed.signal])); // our node is being re-created
        continue;
      }
      const stop = AbortSignal.any([stable.changed, this.#closed.signal]);
      try {
        for (const item of mine) this.#leases.push(await this.#lock(item).acquire({ signal: stop }));
        if (!stop.aborted && this.#leases.every((l) => l.isHeld)) return { items: mine, leases: this.#leases, changed: stable.changed };
      } catch (err) {
        if (!stop.aborted && !isTransient(err)) throw err;
      }
      await this.#releaseAll();
    }
    return undefined;
  }

  /**
   * The party's members once its listing stayed unchanged for `timeBoundary` (kazoo's
   * PatientChildrenWatch), with a signal that aborts at the next change (or at SUSPENDED,
   * when changes could be missed). `undefined` once closed.
   */
  async #stableMembers(): Promise<{ members: string[]; changed: AbortSignal } | undefined> {
    const scope = new Scope('SetPartitioner', this.path, { signal: this.#closed.signal });
    while (!this.#closed.signal.aborted) {
      const changed = this.#changeSignal();
      let children: string[];
      try {
        await untilConnected(this.#zk, scope);
        children = await this.#zk.getChildren(`${this.path}/party`, { watch: () => changed.abort() });
      } catch (err) {
        changed.abort();
        if (this.#closed.signal.aborted) return undefined;
        if (!isTransient(err) && !(err instanceof NoNodeError)) throw err;
        if (err instanceof NoNodeError) await scope.race(new Promise((r) => setTimeout(r, 100))).catch(() => {}); // our member node re-creates it
        continue;
      }
      const settle = deferred();
      const timer = setTimeout(() => settle.resolve(), this.#timeBoundary);
      changed.signal.addEventListener('abort', () => settle.resolve(), { once: true });
      await settle.promise;
      clearTimeout(timer);
      if (!changed.signal.aborted) return { members: children.map((c) => c.slice(c.indexOf('-') + 1)), changed: changed.signal };
    }
    return undefined;
  }

  /** A controller aborted by a change the party listing may not show: the connection leaving CONNECTED, or close(). */
  #changeSignal(): AbortController {
    const changed = new AbortController();
    const unobserve = this.#zk.observe({ state: (s) => s !== ConnectionState.CONNECTED && changed.abort() });
    const onClose = () => changed.abort();
    this.#closed.signal.addEventListener('abort', onClose, { once: true });
    changed.signal.addEventListener('abort', () => {
      unobserve();
      this.#closed.signal.removeEventListener('abort', onClose);
    }, { once: true });
    if (this.#closed.signal.aborted) changed.abort();
    return changed;
  }

  #lock(item: string): Lock {
    let lock = this.#locks.get(item);
    if (!lock) this.#locks.set(item, (lock = new Lock(this.#zk, `${this.path}/locks/${item}`, { naming: 'kazoo' })));
    return lock;
  }

  async #releaseAll(): Promise<void> {
    const leases = this.#leases;
    this.#leases = [];
    await Promise.all(leases.map((l) => l.release()));
  }
}

/** kazoo's split: the sorted items from our place among the sorted members, every n-th. `undefined` when we are not a member. */
function split(identifier: string, members: string[], items: readonly string[]): string[] | undefined {
  const workers = [...members].sort();
  const i = workers.indexOf(identifier);
  if (i < 0) return undefined;
  return items.filter((_, k) => k % workers.length === i);
}
