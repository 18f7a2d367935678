import { WatchOverflowError } from '../errors.js';

/** Options of {@link AsyncQueue}. */
export interface AsyncQueueOptions {
  /** More unread values than this end the queue with WatchOverflowError (default: unbounded). */
  maxBuffered?: number | undefined;
  signal?: AbortSignal | undefined;
  /** On abort: end quietly (`'end'`), or reject the reader with the signal's reason (`'reject'`). */
  onAbort: 'end' | 'reject';
  /** Called once when the queue ends (unless ended with `cleanup = false`); return() awaits it. */
  cleanup?: () => unknown;
}

/**
 * The client's one async iterator: values pushed by a callback, buffered (never
 * dropped), read with `for await`. Ends on `end()`, a `break` (return()), or the signal.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  readonly #o: AsyncQueueOptions;
  readonly #buffer: T[] = [];
  #waiter: { resolve(r: IteratorResult<T>): void; reject(e: unknown): void } | null = null;
  #done = false;
  #error: unknown;
  #cleaned: Promise<unknown> = Promise.resolve();
  readonly #onAbort = () => this.end(this.#o.onAbort === 'reject' ? this.#o.signal!.reason : undefined);

  constructor(options: AsyncQueueOptions) {
    this.#o = options;
    if (options.signal?.aborted) this.#onAbort();
    else options.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Hands `value` to the waiting reader, or buffers it. */
  push(value: T): void {
    if (this.#done) return;
    if (this.#waiter) {
      const w = this.#waiter;
      this.#waiter = null;
      w.resolve({ value, done: false });
    } else if (this.#buffer.length >= (this.#o.maxBuffered ?? Infinity)) {
      this.end(new WatchOverflowError(`more than ${this.#o.maxBuffered} unread events`));
    } else this.#buffer.push(value);
  }

  /** Ends the queue: the reader gets what is buffered, then `error` (thrown once) or the end. */
  end(error?: unknown, cleanup = true): void {
    if (this.#done) return;
    this.#done = true;
    this.#error = error;
    this.#o.signal?.removeEventListener('abort', this.#onAbort);
    if (cleanup && this.#o.cleanup) this.#cleaned = Promise.resolve().then(this.#o.cleanup).catch(() => {});
    const w = this.#waiter;
    this.#waiter = null;
    if (!w) return;
    if (error !== undefined) w.reject(error);
    else w.resolve({ value: undefined, done: true });
  }

  async next(): Promise<IteratorResult<T>> {
    if (this.#buffer.length > 0) return { value: this.#buffer.shift()!, done: false };
    if (this.#done) {
      const e = this.#error;
      this.#error = undefined;
      if (e !== undefined) throw e;
      return { value: undefined, done: true };
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  async return(): Promise<IteratorResult<T>> {
    this.end();
    this.#buffer.length = 0;
    await this.#cleaned;
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
