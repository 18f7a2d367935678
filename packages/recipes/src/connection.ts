// The recipes' view of the connection: state waits on the client's observer channel
// (zk.observe: before any user listener, which cannot break it), and user callbacks with
// a result run isolated. Not exported.
import {
  ClientClosedError, ConnectionState, SessionExpiredError, isRetryable, type ZooKeeperClient,
} from '@zookit/client';
import { deferred, type Scope } from './wait.js';

/**
 * Runs a user callback isolated and resolves with what it returned (awaited), or
 * `undefined` if it threw or rejected (reported by the client, once). Never rejects.
 */
export function callIsolated<A extends unknown[]>(zk: ZooKeeperClient, label: string, fn: (...args: A) => unknown, ...args: A): Promise<unknown> {
  let result: unknown;
  zk.runCallback(label, (...a: A) => (result = fn(...a)), ...args);
  return Promise.resolve(result).catch(() => undefined);
}

/**
 * Resolves with the next state the client reports; rejects with ClientClosedError once
 * the client is closing (a closed client reports nothing more, so every wait ends here).
 */
export function nextState(zk: ZooKeeperClient): Promise<ConnectionState> {
  if (zk.closed) return Promise.reject(new ClientClosedError());
  const next = deferred<ConnectionState>();
  const unsubscribe = zk.observe({
    state: (s) => {
      unsubscribe();
      next.resolve(s);
    },
    closing: () => {
      unsubscribe();
      next.reject(new ClientClosedError());
    },
  });
  return next.promise;
}

/** Waits (cancellably) until the client is CONNECTED. */
export async function untilConnected(zk: ZooKeeperClient, scope?: Scope): Promise<void> {
  while (zk.state !== ConnectionState.CONNECTED) {
    await (scope ? scope.race(nextState(zk)) : nextState(zk));
  }
}

/** Whether `err` means "try again once connected": lost connection, request timeout or a lost session. */
export function isTransient(err: unknown): boolean {
  return isRetryable(err) || err instanceof SessionExpiredError;
}

/** Reports a recipe's background failure (not a callback's) on the client's `'error'` event; a throwing error listener cannot break the caller. */
export function report(zk: ZooKeeperClient, err: unknown): void {
  try {
    zk.emit('error', err instanceof Error ? err : new Error(String(err)));
  } catch {
    // The error listener itself failed: nothing left to tell.
  }
}
