// The recipes' view of the connection: state waits on the client's observer channel
// (never on user-visible listeners), and user callbacks run isolated. Not exported.
import {
  ClientClosedError, ConnectionState, SessionExpiredError, isRetryable, type ZooKeeperClient,
} from '@zookit/client';
import { deferred, type Scope } from './wait.js';

/** A connection observer: told of every state change and of closing, before any user listener. */
export interface ConnectionObserver {
  state?(state: ConnectionState, previous: ConnectionState): void;
  closing?(): void;
}

/** Subscribes `observer` to the client's internal channel; returns the unsubscribe function. */
export function observe(zk: ZooKeeperClient, observer: ConnectionObserver): () => void {
  // TEMPORARY until the client's observe() lands: the public events.
  const onState = (s: ConnectionState, p: ConnectionState) => observer.state?.(s, p);
  const onClosing = () => observer.closing?.();
  zk.on('state', onState);
  zk.on('closing', onClosing);
  return () => {
    zk.off('state', onState);
    zk.off('closing', onClosing);
  };
}

/** Runs a user callback isolated: a throw or a rejection is reported on the client's `'error'` event, never to us. */
export function runCallback<A extends unknown[]>(zk: ZooKeeperClient, label: string, fn: (...args: A) => unknown, ...args: A): void {
  // TEMPORARY until the client's runCallback() lands.
  try {
    const r = fn(...args);
    if (r instanceof Promise) r.catch((e: unknown) => zk.emit('error', e instanceof Error ? e : new Error(String(e))));
  } catch (e) {
    zk.emit('error', e instanceof Error ? e : new Error(String(e)));
  }
  void label;
}

/**
 * Runs a user callback isolated and resolves with what it returned (awaited), or
 * `undefined` if it threw or rejected (reported by the client, once). Never rejects.
 */
export function callIsolated<A extends unknown[]>(zk: ZooKeeperClient, label: string, fn: (...args: A) => unknown, ...args: A): Promise<unknown> {
  let result: unknown;
  runCallback(zk, label, (...a: A) => (result = fn(...a)), ...args);
  return Promise.resolve(result).catch(() => undefined);
}

/**
 * Resolves with the next state the client reports; rejects with ClientClosedError once
 * the client is closing (a closed client reports nothing more, so every wait ends here).
 */
export function nextState(zk: ZooKeeperClient): Promise<ConnectionState> {
  if (zk.closed) return Promise.reject(new ClientClosedError());
  const next = deferred<ConnectionState>();
  const unsubscribe = observe(zk, {
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
