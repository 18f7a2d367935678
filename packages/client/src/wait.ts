/** How a wait ends: `resolve`, or `reject` with an error. */
export interface Settle<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * The client's one "wait for an event, with a timeout and a signal": `subscribe`
 * starts listening and returns its unsubscribe; whichever comes first of its
 * settle, the signal (its reason) or the timeout (`timeoutError()`) ends the wait,
 * and everything is cleaned up.
 */
export function waitFor<T>(
  subscribe: (settle: Settle<T>) => () => void,
  options: { timeout?: number | undefined; signal?: AbortSignal | undefined; timeoutError(): Error },
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
    const timer = timeout === undefined ? undefined : setTimeout(() => finish() && reject(options.timeoutError()), timeout);
    signal?.addEventListener('abort', onAbort, { once: true });
    unsubscribe = subscribe({
      resolve: (v) => finish() && resolve(v),
      reject: (e) => finish() && reject(e),
    });
    if (done) unsubscribe();
  });
}
