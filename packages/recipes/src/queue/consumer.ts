// The at-least-once consumer of DistributedQueue: one listing at a time, workers that lock
// an item with an ephemeral node, run the handler and acknowledge in one transaction.
// Not exported (DistributedQueue.consume returns its stop function).
import {
  ClientClosedError, ConnectionState, EventType, NoNodeError, NodeExistsError, RolledBackError, joinPath,
  type Stat, type WatchedEvent, type ZooKeeperClient,
} from '@zookit/client';
import { callIsolated, isTransient, nextState, report, untilConnected } from '../connection.js';
import { OwnershipLostError, RecipeDataError } from '../errors.js';
import { guaranteedDelete } from '../nodes.js';
import { deferred, type Deferred } from '../wait.js';
import { compareItems, type ItemName, type QueueFormat } from './format.js';
import type { ConsumerStats, QueueHandler } from './types.js';

/** Ms a consumer pauses after an unexpected error before it lists again (no busy loop). */
const ERROR_PAUSE = 250;

/** The most candidates a consumer moves back after a collision with another consumer. */
const SPREAD = 16;

/** How a consumer ends an item. */
type Finish = 'ack' | 'requeue' | 'delete';

/** Settings of one consumer (validated by DistributedQueue). */
export interface ConsumerSettings {
  concurrency: number;
  grace: number;
  onError: 'requeue' | 'delete';
  label: string;
  lockData: Buffer;
}

export class QueueConsumer {
  readonly stats: ConsumerStats = { listings: 0, acked: 0, failed: 0, lost: 0, contended: 0 };
  readonly done: Promise<void>;
  readonly #zk: ZooKeeperClient;
  readonly #fmt: QueueFormat;
  readonly #handler: QueueHandler;
  readonly #s: ConsumerSettings;
  readonly #ensure: (again?: boolean) => Promise<void>;
  readonly #stopping = deferred();
  readonly #active = new Set<{ ac: AbortController; path: string }>();
  /** Items this consumer holds or is locking: never handed to a second worker. */
  readonly #mine = new Set<string>();
  readonly #unobserve: () => void;
  #candidates: ItemName[] = [];
  #stopped = false;
  #dirty = true;
  #lockedByOthers = false;
  /** Collided with another consumer since the last listing. */
  #crowded = false;
  #wake: Deferred<void> | undefined;
  #listing: Promise<void> | undefined;
  #dueTimer: ReturnType<typeof setTimeout> | undefined;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;

  /** @param ensure creates the items and locks parents (once; `again` after they were found missing) */
  constructor(zk: ZooKeeperClient, fmt: QueueFormat, handler: QueueHandler, ensure: (again?: boolean) => Promise<void>, settings: ConsumerSettings) {
    this.#zk = zk;
    this.#ensure = ensure;
    this.#fmt = fmt;
    this.#handler = handler;
    this.#s = settings;
    this.#unobserve = zk.observe({ state: this.#onState, closing: this.#onClosing });
    const workers = Array.from({ length: settings.concurrency }, () => this.#work());
    this.done = Promise.all(workers).then(() => this.#cleanup());
  }

  /** Takes no new item; resolves once the items in hand are finished. */
  stop(): Promise<void> {
    this.#stopped = true;
    this.#stopping.resolve();
    this.#notify();
    return this.done;
  }

  #cleanup(): void {
    this.#unobserve();
    if (this.#dueTimer) clearTimeout(this.#dueTimer);
    if (this.#graceTimer) clearTimeout(this.#graceTimer);
  }

  #notify(): void {
    this.#dirty = true;
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.resolve();
  }

  readonly #onWatch = (event: WatchedEvent): void => {
    if (event.type !== EventType.NONE || event.state === ConnectionState.CONNECTED) this.#notify();
  };

  readonly #onLocksWatch = (event: WatchedEvent): void => this.#onWatch(event);

  readonly #onState = (state: ConnectionState): void => {
    if (state === ConnectionState.CONNECTED) {
      if (this.#graceTimer) clearTimeout(this.#graceTimer);
      this.#graceTimer = undefined;
      this.#notify();
    } else if (state === ConnectionState.SUSPENDED) {
      if (this.#s.grace <= 0) this.#abortAll('suspended');
      else if (Number.isFinite(this.#s.grace)) this.#graceTimer ??= setTimeout(() => this.#abortAll('suspended'), this.#s.grace);
    } else if (state === ConnectionState.LOST) {
      this.#abortAll('lost');
    }
  };

  readonly #onClosing = (): void => {
    this.#stopped = true;
    this.#stopping.resolve();
    this.#abortAll('closed');
    this.#notify();
  };

  #abortAll(reason: 'suspended' | 'lost' | 'closed'): void {
    this.#graceTimer = undefined;
    for (const a of this.#active) a.ac.abort(new OwnershipLostError(a.path, reason));
  }

  async #work(): Promise<void> {
    while (!this.#stopped) {
      try {
        const item = await this.#next();
        if (item) await this.#process(item);
      } catch (err) {
        if (err instanceof ClientClosedError || this.#zk.closed) return;
        if (err instanceof NoNodeError) {
          await this.#ensure(true).catch(() => {}); // the queue's parents were deleted: create them again
        } else if (!isTransient(err)) {
          report(this.#zk, err);
          await Promise.race([new Promise((r) => setTimeout(r, ERROR_PAUSE)), this.#stopping.promise]);
        }
        if (this.#zk.state !== ConnectionState.CONNECTED) await Promise.race([nextState(this.#zk).catch(() => {}), this.#stopping.promise]);
      }
    }
  }

  /** The next item to try, from the latest listing; lists again (one listing at a time) when none is left. */
  async #next(): Promise<ItemName | undefined> {
    for (;;) {
      if (this.#stopped) return undefined;
      const item = this.#candidates.shift();
      if (item) return item;
      if (!this.#dirty) {
        this.#wake ??= deferred();
        await this.#wake.promise;
        continue;
      }
      await (this.#listing ??= this.#list().finally(() => (this.#listing = undefined)));
    }
  }

  /**
   * Lists the items (leaving one watch) and, while some were found locked by another
   * consumer, the locks too (a consumer that dies frees its items only there).
   */
  async #list(): Promise<void> {
    await Promise.race([untilConnected(this.#zk), this.#stopping.promise]);
    if (this.#stopped) return;
    await this.#ensure();
    this.#dirty = false;
    this.stats.listings++;
    const watchLocks = this.#lockedByOthers;
    const [children, locks] = await Promise.all([
      this.#zk.getChildren(this.#fmt.items, { watch: this.#onWatch }),
      watchLocks ? this.#zk.getChildren(this.#fmt.locks, { watch: this.#onLocksWatch }) : undefined,
    ]).catch((err: unknown) => {
      this.#dirty = true; // list again once the caller has dealt with the error
      throw err;
    });
    const taken = new Set(locks);
    const now = Date.now();
    let due = Infinity;
    let lockedByOthers = false;
    const items: ItemName[] = [];
    for (const name of children) {
      const parsed = this.#fmt.parse(name);
      if (!parsed || this.#mine.has(name)) continue;
      if (taken.has(name)) lockedByOthers = true;
      else if (parsed.until > now) due = Math.min(due, parsed.until);
      else items.push(parsed);
    }
    if (watchLocks) {
      this.#lockedByOthers = lockedByOthers;
      // Nothing held by others any more: drop the locks watch (one listing watch while idle).
      if (!lockedByOthers) void this.#zk.removeWatches(this.#fmt.locks, this.#onLocksWatch, { type: 'children' }).catch(() => {});
    }
    this.#candidates = items.sort(compareItems);
    // Other consumers work on this queue: start a little way down the list, not where they all start.
    if (this.#crowded) this.#spread();
    this.#crowded = false;
    if (this.#dueTimer) clearTimeout(this.#dueTimer);
    this.#dueTimer = Number.isFinite(due) ? setTimeout(() => this.#notify(), Math.min(due - now + 1, 2 ** 31 - 1)) : undefined;
  }

  /** Locks `item` (the item is read in the same round trip), runs the handler, finishes it. */
  async #process(item: ItemName): Promise<void> {
    const lockPath = joinPath(this.#fmt.locks, item.name);
    const itemPath = joinPath(this.#fmt.items, item.name);
    const session = this.#zk.sessionId;
    this.#mine.add(item.name);
    try {
      const locking = this.#zk.create(lockPath, this.#s.lockData, { ephemeral: true, withStat: true });
      const reading = this.#zk.get(itemPath);
      reading.catch(() => {});
      let lock: Stat;
      try {
        lock = (await locking).stat;
      } catch (err) {
        if (isTransient(err)) void this.#dropIfOurs(lockPath, session); // the lock may have been created
        if (!(err instanceof NodeExistsError)) throw err;
        this.#contended();
        this.#lockedByOthers = true;
        return;
      }
      let data: Buffer;
      try {
        data = (await reading).data;
      } catch (err) {
        await guaranteedDelete(this.#zk, lockPath, session);
        if (err instanceof NoNodeError) this.#contended();
        else throw err;
        return;
      }
      const ok = await this.#handle(item, lockPath, data, lock.czxid);
      const how: Finish = ok ? 'ack' : this.#s.onError;
      const finished = await this.#finish(item, { lockPath, itemPath, data, session }, how);
      if (!finished) this.stats.lost++;
      else if (ok) this.stats.acked++;
      else this.stats.failed++;
    } finally {
      this.#mine.delete(item.name);
    }
  }

  /** After a lock create whose reply was lost: once connected, deletes the lock if our session holds it. */
  async #dropIfOurs(lockPath: string, session: bigint): Promise<void> {
    try {
      await untilConnected(this.#zk);
      const stat = await this.#zk.exists(lockPath);
      if (stat !== null && stat.ephemeralOwner === session) await this.#zk.delete(lockPath, { version: stat.version });
    } catch {
      // gone with the session, or deleted meanwhile
    }
  }

  /**
   * Another consumer got there first: it is likely working down the same list, so move a
   * few of the next candidates (a random number, up to {@link SPREAD}) to the end of ours,
   * and do the same with the next listing. Consumers spread over the queue instead of
   * colliding item after item; a lone consumer never collides and keeps the queue order.
   */
  #contended(): void {
    this.stats.contended++;
    this.#crowded = true;
    this.#spread();
  }

  /** Moves 1 to {@link SPREAD} of the next candidates (at random) to the end. */
  #spread(): void {
    const n = 1 + Math.floor(Math.random() * Math.min(SPREAD, this.#candidates.length));
    if (n < this.#candidates.length) this.#candidates.push(...this.#candidates.splice(0, n));
  }

  /** Runs the handler once per payload of the item (Curator may pack several); false if one failed. */
  async #handle(item: ItemName, lockPath: string, data: Buffer, token: bigint): Promise<boolean> {
    let payloads: Buffer[];
    try {
      payloads = this.#fmt.decode(data);
    } catch (err) {
      report(this.#zk, new RecipeDataError(joinPath(this.#fmt.items, item.name), (err as Error).message));
      return false;
    }
    const entry = { ac: new AbortController(), path: lockPath };
    this.#active.add(entry);
    if (this.#zk.sessionId === 0n || this.#zk.state === ConnectionState.LOST) entry.ac.abort(new OwnershipLostError(lockPath, 'lost'));
    try {
      for (const payload of payloads) {
        const ctx = { signal: entry.ac.signal, fencingToken: token };
        const queueItem = { name: item.name, data: payload, priority: item.priority };
        // `true` only when the handler resolved: a throw or a rejection is reported and resolves undefined.
        const ok = await callIsolated(this.#zk, this.#s.label, async () => {
          await this.#handler(queueItem, ctx);
          return true;
        });
        if (ok !== true) return false;
      }
      return true;
    } finally {
      this.#active.delete(entry);
    }
  }

  /**
   * One transaction: our lock is still there, delete the item (re-create it at the tail
   * to re-queue), delete the lock. A lost reply is resolved by looking at our lock (only
   * we delete it). False when the lock was lost: the item is left to another consumer.
   */
  async #finish(item: ItemName, at: { lockPath: string; itemPath: string; data: Buffer; session: bigint }, how: Finish): Promise<boolean> {
    for (let attempt = 0; attempt < 100; attempt++) {
      if (this.#zk.sessionId !== at.session) return false;
      const txn = this.#zk.transaction().check(at.lockPath).delete(at.itemPath);
      if (how === 'requeue') txn.create(joinPath(this.#fmt.items, item.prefix), at.data, { sequential: true });
      txn.delete(at.lockPath);
      try {
        const results = await txn.commit();
        const failure = results.find((r) => r instanceof Error && !(r instanceof RolledBackError));
        if (!failure) return true;
        if (results[0] instanceof NoNodeError) return false; // our lock is gone
        if (results[1] instanceof NoNodeError) {
          await guaranteedDelete(this.#zk, at.lockPath, at.session); // someone took the item (take())
          return true;
        }
        throw failure;
      } catch (err) {
        if (!isTransient(err)) {
          await guaranteedDelete(this.#zk, at.lockPath, at.session); // never keep an item locked by a live session
          throw err;
        }
        await untilConnected(this.#zk);
        if (this.#zk.sessionId !== at.session) return false;
        const stat = await this.#zk.exists(at.lockPath);
        if (stat === null || stat.ephemeralOwner !== at.session) return true; // the transaction was applied
      }
    }
    return false;
  }
}
