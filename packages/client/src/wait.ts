/** How a wait ends: `resolve`, or `reject` with an error. */
export interface Settle<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * The client's one "wait for an event, with a timeout and a signal": `subscribe`
 * starts listening and returns its unsubscribe; whichever comes first of its
 * settle, the signal (rejects with its reason) or the timeout (rejects with
 * `timeoutError()`, or resolves when there is none) ends the wait, and everything
 * is cleaned up.
 */
export function waitFor<T = void>(
  subscribe: (settle: Settle<T>) => () => void,
  options: { timeout?: number | undefined; signal?: AbortSignal | undefined; timeoutError?: () => Error },
): Promise<T> {
  const { signal, timeout } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    let unsubscribe: (() => void) | undefined;
    let done = false;
    const finish = (): boolean => {
      if (done) return false;
      done = true;
      unsubscribe?.();
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const onAbort = () => finish() && reject(signal!.reason);
    const onTimeout = () => finish() && (options.timeoutError ? reject(options.timeoutError()) : resolve(undefined as T));
    const timer = timeout === undefined ? undefined : setTimeout(onTimeout, timeout);
    signal?.addEventListener('abort', onAbort, { once: true });
    unsubscribe = subscribe({
      resolve: (v) => finish() && resolve(v),
      reject: (e) => finish() && reject(e),
    });
    if (done) unsubscribe();
  });
}

/** The client's one promise-with-its-resolve (for "resolves once this happens"). */
export function deferred<T = void>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
