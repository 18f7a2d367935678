// The recipes' one way to wait: a deferred promise, and a scope that ends a wait on the
// caller's signal, a timeout or cancel(). Not exported from the package.
import { InvalidArgumentError } from '@zookit/client';
import { RecipeTimeoutError } from './errors.js';

/** A promise with its settle functions outside it. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

/** A new {@link Deferred}. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Options of a wait: the caller's signal and a timeout in ms. */
export interface WaitOptions {
  signal?: AbortSignal | undefined;
  timeout?: number | undefined;
}

/** The timeout error class of a scope: RecipeTimeoutError or a subclass. */
export type TimeoutErrorClass = new (recipe: string, path: string, timeout: number) => RecipeTimeoutError;

/**
 * The cancellation of one wait: the caller's signal, an optional timeout and `abort()`.
 * Costs nothing until something is awaited: no AbortController, no timer and no listener
 * on the caller's signal exist outside `race()`, and the deadline is checked by clock.
 */
export class Scope {
  readonly #signal: AbortSignal | undefined;
  readonly #timeout: number | undefined;
  readonly #deadline: number;
  readonly #recipe: string;
  readonly #path: string;
  readonly #timeoutError: TimeoutErrorClass;
  #reason: unknown;
  #aborted = false;
  #timedOut = false;
  #racing: Deferred<never> | undefined;

  /**
   * @param timeoutError the error of a passed timeout, naming `recipe` and `path` (default {@link RecipeTimeoutError})
   * @throws InvalidArgumentError for a timeout that is not a non-negative number, or a signal that is not an AbortSignal
   */
  constructor(recipe: string, path: string, options: WaitOptions = {}, timeoutError: TimeoutErrorClass = RecipeTimeoutError) {
    const { timeout } = options;
    if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout >= 0))) {
      throw new InvalidArgumentError('timeout', `must be a non-negative number of ms, got ${String(timeout)}`);
    }
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw new InvalidArgumentError('signal', 'must be an AbortSignal');
    this.#signal = options.signal;
    this.#timeout = timeout;
    this.#deadline = timeout === undefined ? Infinity : performance.now() + timeout;
    this.#recipe = recipe;
    this.#path = path;
    this.#timeoutError = timeoutError;
  }

  /** Whether the wait is over (aborted, cancelled or timed out); sets the reason. */
  get aborted(): boolean {
    if (this.#aborted) return true;
    if (this.#signal?.aborted) this.abort(this.#signal.reason);
    else if (this.#deadline !== Infinity && performance.now() >= this.#deadline) this.#expire();
    return this.#aborted;
  }

  /** The timeout passed (by the clock, or by the timer: a timer may fire a little before the clock agrees). */
  #expire(): void {
    if (this.#aborted) return;
    this.#timedOut = true;
    this.abort(new this.#timeoutError(this.#recipe, this.#path, this.#timeout!));
  }

  /** Why the wait ended (only meaningful once `aborted`). */
  get reason(): unknown {
    return this.#reason;
  }

  /** Whether it ended by its own timeout (not the caller's signal or `abort()`). */
  get timedOut(): boolean {
    return this.aborted && this.#timedOut;
  }

  /** Ends the wait with `reason` (first reason wins); a pending `race()` rejects with it. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#racing?.reject(reason);
  }

  /** Throws the reason if the wait is over. */
  check(): void {
    if (this.aborted) throw this.#reason;
  }

  /** `p`, or a rejection with the reason as soon as the wait ends, whichever comes first (one race at a time). */
  async race<T>(p: Promise<T>): Promise<T> {
    if (this.aborted) {
      p.catch(() => {});
      return Promise.reject(this.#reason);
    }
    const ended = deferred<never>();
    this.#racing = ended;
    const onAbort = () => this.abort(this.#signal!.reason);
    this.#signal?.addEventListener('abort', onAbort, { once: true });
    const timer = this.#deadline === Infinity ? undefined : setTimeout(() => this.#expire(), Math.max(0, this.#deadline - performance.now()));
    try {
      return await Promise.race([p, ended.promise]);
    } finally {
      if (timer) clearTimeout(timer);
      this.#signal?.removeEventListener('abort', onAbort);
      this.#racing = undefined;
      p.catch(() => {});
    }
  }
}

/** Resolves once `signal` aborts (at once if it has). */
export function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  const d = deferred();
  signal.addEventListener('abort', () => d.resolve(), { once: true });
  return d.promise;
}
