import { CallbackError } from '../errors.js';

/**
 * Where a failed callback is reported. `quiet` is set when the callback that failed
 * was itself an `'error'` listener: it is then logged, never re-emitted (no recursion).
 */
export type FailureReporter = (error: CallbackError, quiet: boolean) => void;

/**
 * The one place user callbacks are invoked. Each runs isolated: a synchronous throw
 * or a rejected returned promise becomes one {@link CallbackError} for the reporter,
 * and never stops the next callback.
 */
export class Dispatcher {
  #report: FailureReporter = () => {};

  /** Sets where failures go (the client, once it exists). */
  reportTo(report: FailureReporter): void {
    this.#report = report;
  }

  /** Runs `fn(...args)` isolated. */
  run(label: string, fn: (...args: never[]) => unknown, ...args: unknown[]): void {
    this.invoke(label, fn, undefined, args, false);
  }

  /** Runs `fn` with `thisArg` and `args`, isolated; `quiet` for `'error'` listeners. */
  invoke(label: string, fn: (...args: never[]) => unknown, thisArg: unknown, args: readonly unknown[], quiet: boolean): void {
    let result: unknown;
    try {
      result = (fn as (...a: unknown[]) => unknown).apply(thisArg, args as unknown[]);
    } catch (err) {
      this.#fail(label, err, quiet);
      return;
    }
    if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
      (result as PromiseLike<unknown>).then(undefined, (err: unknown) => this.#fail(label, err, quiet));
    }
  }

  #fail(label: string, cause: unknown, quiet: boolean): void {
    try {
      this.#report(new CallbackError(label, cause), quiet);
    } catch {
      // The reporter isolates its own listeners; nothing may escape from here.
    }
  }
}
