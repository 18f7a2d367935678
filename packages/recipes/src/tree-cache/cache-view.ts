// The part every cache view shares: lifecycle, staleness, listeners and the event stream.
import { ClientClosedError, type ZooKeeperClient } from '@zookit/client';
import { RecipeStateError } from '../errors.js';
import { EventStream } from '../event-stream.js';
import { RecipeEmitter } from '../emitter.js';
import { CacheEngine } from './engine.js';
import type { CachedNode, CacheChange, CacheEvent, CacheEvents, TreeCacheOptions } from './types.js';

/** Base of {@link TreeCache}, {@link NodeCache} and {@link ChildrenCache}: one engine, one view of it. */
export abstract class CacheView extends RecipeEmitter<CacheEvents> implements AsyncDisposable {
  /** The cached root. */
  readonly path: string;
  readonly #engine: CacheEngine;
  readonly #zk: ZooKeeperClient;
  readonly #streams = new Set<EventStream<CacheEvent>>();
  #started: Promise<void> | undefined;
  #settleStart: { resolve(): void; reject(e: unknown): void } | undefined;

  protected constructor(zk: ZooKeeperClient, path: string, options: TreeCacheOptions, label: string) {
    super(zk, label);
    this.#zk = zk;
    this.#engine = new CacheEngine(zk, path, options, {
      change: (c) => {
        if (this.shows(c.path)) this.#publish(c);
      },
      ready: (first) => {
        if (first) this.#settleStart?.resolve();
        this.#publish({ type: first ? 'initialized' : 'resynced' });
      },
      stale: () => this.emit('stale'),
      failed: (error) => this.#settleStart?.reject(error),
    });
    this.path = path;
  }

  /** Whether a change at `path` belongs to this view. */
  protected abstract shows(path: string): boolean;

  /** The cached node at `path` (undefined when absent or not cached), for the subclasses' reads. */
  protected cachedNode(path: string): CachedNode | undefined {
    return this.#engine.get(path);
  }

  /** The cached children names of `path`, sorted (undefined when `path` is not cached). */
  protected cachedChildren(path: string): string[] | undefined {
    return this.#engine.children(path);
  }

  /** Every cached path. */
  protected cachedPaths(): IterableIterator<string> {
    return this.#engine.paths();
  }

  /** How many nodes are cached. */
  protected get cachedCount(): number {
    return this.#engine.size;
  }

  /** True until the first load is done, from SUSPENDED/LOST until the rebuild after it is done, and after close. */
  get stale(): boolean {
    return this.#engine.stale || this.#engine.closed;
  }

  /**
   * Starts the watch and the first load; resolves once it is complete (`'initialized'`).
   * Waits for a connection if there is none. Rejects with ClientClosedError if the client
   * closes first, RecipeStateError if the cache is closed first, and with the server's error
   * when the first load fails for another reason than the connection (e.g. NoAuth, or a server
   * before 3.6 without persistent watches); the cache then retries after the next reconnect.
   */
  start(): Promise<void> {
    if (this.#started) return this.#started;
    this.#started = new Promise<void>((resolve, reject) => {
      const unobserve = this.#zk.observe({ closing: () => this.#settleStart?.reject(new ClientClosedError('the client closed before the cache was initialized')) });
      this.#settleStart = {
        resolve: () => {
          unobserve();
          resolve();
        },
        reject: (e) => {
          unobserve();
          reject(e);
        },
      };
    });
    if (this.#zk.closed) this.#settleStart!.reject(new ClientClosedError());
    else if (this.#engine.closed) this.#settleStart!.reject(new RecipeStateError('the cache is closed'));
    else this.#engine.start();
    return this.#started;
  }

  /**
   * The same stream as the listeners, as an async iterator: every change, `initialized`,
   * `resynced`. Ends on `break`, when `signal` aborts (rejecting with its reason) or on `close()`.
   */
  events(options: { signal?: AbortSignal; maxBuffered?: number } = {}): AsyncIterableIterator<CacheEvent> {
    const stream: EventStream<CacheEvent> = new EventStream<CacheEvent>(options, () => this.#streams.delete(stream));
    if (!this.#engine.closed) this.#streams.add(stream);
    else stream.end();
    return stream;
  }

  /** Stops watching; the view stays readable (and stale). Idempotent. */
  async close(): Promise<void> {
    this.#settleStart?.reject(new RecipeStateError('the cache was closed before it was initialized'));
    for (const s of [...this.#streams]) s.end();
    await this.#engine.close();
  }

  /** `await using cache = ...` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #publish(event: CacheEvent): void {
    for (const s of this.#streams) s.push(event);
    if (event.type === 'initialized' || event.type === 'resynced') this.emit(event.type);
    else this.emit(event.type, event as CacheChange);
  }
}
