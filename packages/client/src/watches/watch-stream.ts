import { ZooKitError } from '../errors.js';
import { EventType, type Watcher, type WatchedEvent } from '../types.js';

interface WatchStreamOptions {
  add(fn: Watcher): Promise<void>;
  remove(fn: Watcher): Promise<void>;
  signal: AbortSignal | undefined;
  maxBuffered: number;
}

/** More events arrived than the consumer read; the stream ended rather than grow without bound. */
export class WatchOverflowError extends ZooKitError {}

/** A persistent watch as an async iterator; cleans up on `return()` (a `break`). */
export class WatchStream implements AsyncIterableIterator<WatchedEvent> {
  readonly #o: WatchStreamOptions;
  readonly #buffer: WatchedEvent[] = [];
  #waiter: { resolve(r: IteratorResult<WatchedEvent>): void; reject(e: unknown): void } | null = null;
  #done = false;
  #error: unknown;
  readonly #ready: Promise<void>;
  readonly #listener: Watcher = (event) => this.#push(event);

  constructor(options: WatchStreamOptions) {
    this.#o = options;
    this.#ready = options.add(this.#listener);
    this.#ready.catch((err) => this.#finish(err));
    if (options.signal?.aborted) this.#finish(options.signal.reason);
    else options.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  readonly #onAbort = () => this.#finish(this.#o.signal!.reason);

  #push(event: WatchedEvent): void {
    if (this.#done) return;
    const last = event.type === EventType.NONE;
    if (this.#waiter) {
      const w = this.#waiter;
      this.#waiter = null;
      w.resolve({ value: event, done: false });
    } else if (this.#buffer.length >= this.#o.maxBuffered) {
      this.#finish(new WatchOverflowError(`more than ${this.#o.maxBuffered} unread events`));
      return;
    } else this.#buffer.push(event);
    if (last) this.#finish(undefined, false);
  }

  #finish(error: unknown, removeWatch = true): void {
    if (this.#done) return;
    this.#done = true;
    this.#error = error;
    this.#o.signal?.removeEventListener('abort', this.#onAbort);
    if (removeWatch) void this.#ready.then(() => this.#o.remove(this.#listener), () => {});
    const w = this.#waiter;
    this.#waiter = null;
    if (w) {
      if (error !== undefined) w.reject(error);
      else w.resolve({ value: undefined, done: true });
    }
  }

  async next(): Promise<IteratorResult<WatchedEvent>> {
    const value = this.#buffer.shift();
    if (value) return { value, done: false };
    if (this.#done) {
      if (this.#error !== undefined) {
        const e = this.#error;
        this.#error = undefined;
        throw e;
      }
      return { value: undefined, done: true };
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  async return(): Promise<IteratorResult<WatchedEvent>> {
    this.#finish(undefined);
    this.#buffer.length = 0;
    await this.#ready.then(() => this.#o.remove(this.#listener), () => {});
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
