import {
  BadVersionError, InvalidArgumentError, NoNodeError, joinPath, validatePath, type ZooKeeperClient,
} from '@zookit/client';
import { isTransient, untilConnected } from '../connection.js';
import { OutcomeUnknownError, RecipeDataError } from '../errors.js';
import { recipePath } from '../nodes.js';
import { Scope, deferred } from '../wait.js';
import { QueueConsumer } from './consumer.js';
import { compareItems, queueFormat, type ItemName, type QueueFormat } from './format.js';
import type { ConsumerStats, QueueFormatName, QueueHandler, QueueItem, TakeOptions } from './types.js';

/** Options of {@link DistributedQueue}. */
export interface DistributedQueueOptions {
  /**
   * The wire format (default `zookit`): `curator` shares the queue with Curator's
   * `DistributedQueue`/`DistributedPriorityQueue`/`DistributedDelayQueue` built with a
   * lock path; `kazoo` with kazoo's `LockingQueue`.
   */
  format?: QueueFormatName;
  /** The `curator` format only (required there): the lock path the Curator consumers were built with. */
  lockPath?: string;
}

/** Options of {@link DistributedQueue.put}. */
export interface PutOptions {
  /** Lower comes out first. zookit and curator: a 32-bit integer (default 0); kazoo: 0 to 999 (default 100). */
  priority?: number;
  /** Ms before the item is handed out (zookit and curator; a Curator item has a priority or a delay, not both). */
  delay?: number;
}

/** Options of {@link DistributedQueue.consume}. */
export interface ConsumeOptions {
  /** Items handled at once by this consumer (default 1). */
  concurrency?: number;
  /** Ms the handler's signal waits in `SUSPENDED` before it aborts (default 0: at once; `Infinity`: only at `LOST`). */
  grace?: number;
  /** What happens to an item whose handler threw: `requeue` (default: to the tail) or `delete`. */
  onError?: 'requeue' | 'delete';
}

/** Stops a consumer: it takes no new item, and the promise resolves once the items in hand are finished. */
export type StopConsuming = (() => Promise<void>) & { readonly stats: ConsumerStats };

/**
 * A queue of items in ZooKeeper, consumed at least once (`consume`) or at most once
 * (`take`), in the wire format of zookit, Curator or kazoo.
 *
 * ```ts
 * const q = new DistributedQueue(zk, '/queues/jobs');
 * await q.put(Buffer.from('job'), { priority: 5 });
 * const stop = q.consume(async (item, { signal, fencingToken }) => {
 *   await doWork(item.data, { signal, fencingToken });
 * }, { concurrency: 4 });
 * await stop();
 * ```
 */
export class DistributedQueue {
  /** The queue's path. */
  readonly path: string;
  /** The wire format. */
  readonly format: QueueFormatName;
  readonly #zk: ZooKeeperClient;
  readonly #fmt: QueueFormat;
  readonly #consumers = new Set<QueueConsumer>();
  readonly #lockData: Buffer;
  /** Payloads of a Curator node taken with several in it, handed out by the next `take()` calls. */
  readonly #taken: QueueItem[] = [];
  #ensured: Promise<void> | undefined;

  /** @throws InvalidArgumentError for a bad path, format or lock path */
  constructor(zk: ZooKeeperClient, path: string, options: DistributedQueueOptions = {}) {
    this.#zk = zk;
    this.path = recipePath(path);
    if (options.lockPath !== undefined) validatePath(options.lockPath);
    this.#fmt = queueFormat(options.format ?? 'zookit', this.path, options.lockPath);
    this.format = this.#fmt.name;
    // kazoo's LockingQueue writes a random hex id into its lock nodes; so do we.
    this.#lockData = Buffer.from(crypto.randomUUID().replaceAll('-', ''), 'ascii');
  }

  /** Creates the items and locks parents once (persistent, as Curator and kazoo do); `again` after they were found missing. */
  #ensure(again = false): Promise<void> {
    if (again) this.#ensured = undefined;
    this.#ensured ??= Promise.all([this.#zk.ensurePath(this.#fmt.items), this.#zk.ensurePath(this.#fmt.locks)]).then(
      () => {},
      (err: unknown) => {
        this.#ensured = undefined;
        throw err;
      },
    );
    return this.#ensured;
  }

  /**
   * Adds an item; resolves with its node name.
   * @throws InvalidArgumentError for data that is not bytes, or a priority/delay the format cannot hold
   * @throws OutcomeUnknownError when the create's reply was lost: the item may or may not be in the queue
   */
  async put(data: Buffer | Uint8Array | string, options: PutOptions = {}): Promise<string> {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data instanceof Uint8Array ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : undefined;
    if (!bytes) throw new InvalidArgumentError('data', 'must be a Buffer, Uint8Array or string');
    const { priority, delay } = options;
    if (priority !== undefined && typeof priority !== 'number') throw new InvalidArgumentError('priority', 'must be a number');
    if (delay !== undefined && (typeof delay !== 'number' || !(delay >= 0) || !Number.isFinite(delay))) {
      throw new InvalidArgumentError('delay', `must be a non-negative number of ms, got ${String(delay)}`);
    }
    const prefix = this.#fmt.prefix(priority, delay === undefined ? undefined : Date.now() + Math.ceil(delay));
    const payload = this.#fmt.encode(bytes);
    await this.#ensure();
    const itemPrefix = joinPath(this.#fmt.items, prefix);
    const create = () => this.#zk.create(itemPrefix, payload, { sequential: true });
    try {
      const created = await create().catch(async (err: unknown) => {
        if (!(err instanceof NoNodeError)) throw err;
        await this.#ensure(true); // the queue was deleted meanwhile
        return create();
      });
      return created.slice(created.lastIndexOf('/') + 1);
    } catch (err) {
      // A sequential name is chosen by the server: a lost reply leaves no way to find out whether it made one.
      if (isTransient(err)) throw new OutcomeUnknownError(itemPrefix, err, 'the reply to the sequential create was lost');
      throw err;
    }
  }

  /**
   * Consumes items at least once: each is locked with an ephemeral node, handed to
   * `handler` with a signal and a fencing token, and acknowledged in one transaction
   * (our lock still exists, delete the item, delete the lock) when the handler resolves.
   * A handler that throws has its item re-queued at the tail (or deleted, by option); a
   * consumer that dies or loses its session leaves its items to another. The handler runs
   * isolated: its failures are reported on the client's `'error'` event.
   * @returns the function that stops this consumer
   * @throws InvalidArgumentError for a handler that is not a function or bad options
   */
  consume(handler: QueueHandler, options: ConsumeOptions = {}): StopConsuming {
    if (typeof handler !== 'function') throw new InvalidArgumentError('handler', 'must be a function');
    const { concurrency = 1, grace = 0, onError = 'requeue' } = options;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new InvalidArgumentError('concurrency', `must be a positive integer, got ${String(concurrency)}`);
    if (typeof grace !== 'number' || !(grace >= 0)) throw new InvalidArgumentError('grace', `must be a non-negative number of ms, got ${String(grace)}`);
    if (onError !== 'requeue' && onError !== 'delete') throw new InvalidArgumentError('onError', `must be 'requeue' or 'delete', got ${String(onError)}`);
    const consumer = new QueueConsumer(this.#zk, this.#fmt, handler, (again) => this.#ensure(again), {
      concurrency, grace, onError, label: `DistributedQueue ${this.path} handler`, lockData: this.#lockData,
    });
    this.#consumers.add(consumer);
    void consumer.done.then(() => this.#consumers.delete(consumer));
    return Object.assign(() => consumer.stop(), { stats: consumer.stats });
  }

  /** Stops every consumer of this queue object; resolves once their items in hand are finished. */
  async close(): Promise<void> {
    await Promise.all([...this.#consumers].map((c) => c.stop()));
  }

  /**
   * Takes the next item at most once: reads it and deletes it with its version (items
   * locked by an at-least-once consumer are skipped). Waits for one until `timeout`/`signal`.
   * @throws RecipeTimeoutError when none came within `timeout`
   * @throws OutcomeUnknownError when the reply to the delete was lost and the item is gone (taken by us or by another)
   */
  async take(options: TakeOptions = {}): Promise<QueueItem> {
    const scope = new Scope('DistributedQueue.take', this.path, options);
    const buffered = this.#taken.shift();
    if (buffered) return buffered;
    await scope.race(this.#ensure());
    let changed = deferred();
    const onChange = () => changed.resolve();
    try {
      for (;;) {
        await scope.race(untilConnected(this.#zk));
        changed = deferred();
        const { ready, due } = await scope.race(this.#available(onChange));
        for (const item of ready) {
          // Not raced with the timeout: an item deleted for us is returned, never dropped.
          const got = await this.#takeOne(item);
          if (got) return got;
          scope.check();
        }
        if (ready.length > 0) continue; // all were taken by others: list again
        const timer = Number.isFinite(due) ? setTimeout(onChange, Math.max(1, due - Date.now() + 1)) : undefined;
        try {
          await scope.race(changed.promise);
        } finally {
          if (timer) clearTimeout(timer);
        }
      }
    } finally {
      // Our listener only; the server's watch goes too unless another listener on this client needs it.
      void this.#zk.removeWatches(this.#fmt.items, onChange, { type: 'children' }).catch(() => {});
    }
  }

  /** The items not locked and due, in queue order (leaving `onChange` on the listing), and the next due time. */
  async #available(onChange: () => void): Promise<{ ready: ItemName[]; due: number }> {
    const [children, locks] = await Promise.all([
      this.#zk.getChildren(this.#fmt.items, { watch: onChange }),
      this.#zk.getChildren(this.#fmt.locks),
    ]);
    const taken = new Set(locks);
    const now = Date.now();
    let due = Infinity;
    const ready: ItemName[] = [];
    for (const name of children) {
      const item = this.#fmt.parse(name);
      if (!item || taken.has(name)) continue;
      if (item.until > now) due = Math.min(due, item.until);
      else ready.push(item);
    }
    return { ready: ready.sort(compareItems), due };
  }

  /** Reads and deletes (versioned) one item; `undefined` if another got it first. */
  async #takeOne(item: ItemName): Promise<QueueItem | undefined> {
    const path = joinPath(this.#fmt.items, item.name);
    let read;
    try {
      read = await this.#zk.get(path);
    } catch (err) {
      if (err instanceof NoNodeError) return undefined;
      throw err;
    }
    try {
      await this.#zk.delete(path, { version: read.stat.version });
    } catch (err) {
      if (err instanceof NoNodeError || err instanceof BadVersionError) return undefined;
      if (!isTransient(err)) throw err;
      await untilConnected(this.#zk);
      if ((await this.#zk.exists(path)) !== null) return undefined; // not deleted: tried again by the caller's next round
      throw new OutcomeUnknownError(path, err, 'the reply to the delete was lost and the item is gone');
    }
    let payloads: Buffer[];
    try {
      payloads = this.#fmt.decode(read.data);
    } catch (err) {
      throw new RecipeDataError(path, (err as Error).message);
    }
    const [first, ...rest] = payloads.map((data) => ({ name: item.name, data, priority: item.priority }));
    this.#taken.push(...rest);
    return first ?? { name: item.name, data: Buffer.alloc(0), priority: item.priority };
  }
}
