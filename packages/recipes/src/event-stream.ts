// A buffered async iterator fed by a recipe (not exported as such).
import { WatchOverflowError } from '@zookit/client';

/**
 * Items pushed by a producer, read with `for await`. Buffered up to `maxBuffered` (then the
 * stream ends with WatchOverflowError rather than grow without bound); ends on `break`,
 * on the signal (rejecting with its reason) or when the producer calls `end()`.
 */
export class EventStream<T> implements AsyncIterableIterator<T> {
  readonly #buffer: T[] = [];
  readonly #maxBuffered: number;
  readonly #signal: AbortSignal | undefined;
  readonly #onDone: () => void;
  #waiter: { resolve(r: IteratorResult<T>): void; reject(e: unknown): void } | null = null;
  #done = false;
  #error: unknown;

  constructor(options: { signal?: AbortSignal | undefined; maxBuffered?: number | undefined }, onDone: () => void) {
    this.#maxBuffered = options.maxBuffered ?? 100_000;
    this.#signal = options.signal;
    this.#onDone = onDone;
    if (this.#signal?.aborted) this.end(this.#signal.reason);
    else this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  readonly #onAbort = () => this.end(this.#signal!.reason);

  /** Adds an item (ignored once ended). */
  push(item: T): void {
    if (this.#done) return;
    if (this.#waiter) {
      const w = this.#waiter;
      this.#waiter = null;
      w.resolve({ value: item, done: false });
    } else if (this.#buffer.length >= this.#maxBuffered) {
      this.end(new WatchOverflowError(`more than ${this.#maxBuffered} unread events`));
    } else this.#buffer.push(item);
  }

  /** Ends the stream; buffered items are still read, then `error` (if any) is thrown. */
  end(error?: unknown): void {
    if (this.#done) return;
    this.#done = true;
    this.#error = error;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#onDone();
    const w = this.#waiter;
    this.#waiter = null;
    if (!w) return;
    if (error !== undefined) {
      this.#error = undefined;
      w.reject(error);
    } else w.resolve({ value: undefined, done: true });
  }

  async next(): Promise<IteratorResult<T>> {
    if (this.#buffer.length > 0) return { value: this.#buffer.shift()!, done: false };
    if (this.#done) {
      const e = this.#error;
      this.#error = undefined;
      if (e !== undefined) throw e;
      return { value: undefined, done: true };
    }
    return new Promise((resolve, reject) => (this.#waiter = { resolve, reject }));
  }

  async return(): Promise<IteratorResult<T>> {
    this.end();
    this.#buffer.length = 0;
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
