// Small helpers shared by the recipes (not exported from the package).
import {
  ClientClosedError, ConnectionState, InvalidArgumentError, NodeExistsError, NoNodeError, SessionExpiredError, isRetryable, type ZooKeeperClient,
} from '@zookit/client';
import { LockTimeoutError } from './errors.js';

/**
 * Resolves with the next state the client reports; rejects with ClientClosedError once
 * the client is closing (a closed client reports nothing more, so every wait ends here).
 */
export function nextState(zk: ZooKeeperClient): Promise<ConnectionState> {
  if (zk.closed) return Promise.reject(new ClientClosedError());
  return new Promise((resolve, reject) => {
    const onState = (s: ConnectionState) => {
      zk.off('closing', onClosing);
      resolve(s);
    };
    const onClosing = () => {
      zk.off('state', onState);
      reject(new ClientClosedError());
    };
    zk.once('state', onState);
    zk.once('closing', onClosing);
  });
}

/**
 * Cancellation of one wait: the caller's signal and an optional timeout, as one signal.
 * `race(p)` rejects with the signal's reason (or {@link LockTimeoutError}) as soon as it aborts.
 */
export class Canceller implements Disposable {
  readonly signal: AbortSignal;
  readonly #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(path: string, options: { signal?: AbortSignal | undefined; timeout?: number | undefined }) {
    const own = new AbortController();
    const { timeout } = options;
    if (timeout !== undefined) {
      if (!Number.isFinite(timeout) || timeout < 0) throw new RangeError(`timeout must be a non-negative number of ms, got ${timeout}`);
      this.#timer = setTimeout(() => own.abort(new LockTimeoutError(path, timeout)), timeout);
    }
    this.signal = options.signal ? AbortSignal.any([options.signal, own.signal]) : own.signal;
  }

  /** Throws the abort reason if cancelled. */
  check(): void {
    this.signal.throwIfAborted();
  }

  /** `p`, or a rejection with the abort reason, whichever comes first. */
  race<T>(p: Promise<T>): Promise<T> {
    const signal = this.signal;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (e) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
  }

  [Symbol.dispose](): void {
    if (this.#timer) clearTimeout(this.#timer);
  }
}

/** Waits (cancellably) until the client is CONNECTED. */
export async function untilConnected(zk: ZooKeeperClient, c?: Canceller): Promise<void> {
  while (zk.state !== ConnectionState.CONNECTED) {
    await (c ? c.race(nextState(zk)) : nextState(zk));
  }
}

/** Whether `err` means "try again once connected": lost connection, request timeout or a lost session. */
export function isTransient(err: unknown): boolean {
  return isRetryable(err) || err instanceof SessionExpiredError;
}

/**
 * Deletes `path`, an ephemeral node of session `session`, surviving connection loss: it
 * retries after every reconnect and counts as done once the node is gone (NoNode) or the
 * session is (its ephemerals went with it). Never rejects for those reasons.
 */
export async function guaranteedDelete(zk: ZooKeeperClient, path: string, session: bigint): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (zk.sessionId !== session || session === 0n) return;
    try {
      await zk.delete(path);
      return;
    } catch (err) {
      if (err instanceof NoNodeError || err instanceof SessionExpiredError) return;
      if (!isRetryable(err)) throw err;
    }
    if (zk.sessionId !== session) return;
    if (zk.state !== ConnectionState.CONNECTED) await nextState(zk);
  }
}

/** Creates `path` as a container node (missing parents as plain nodes) unless it exists. */
export async function ensureContainer(zk: ZooKeeperClient, path: string): Promise<void> {
  try {
    await zk.create(path, null, { container: true, makePath: true });
  } catch (err) {
    if (!(err instanceof NodeExistsError)) throw err;
  }
}

/** Validates a recipe path argument early. */
export function checkPath(path: string): string {
  if (typeof path !== 'string' || !path.startsWith('/') || path.length < 2 || path.endsWith('/')) {
    throw new InvalidArgumentError('path', `must be an absolute node path, got ${JSON.stringify(path)}`);
  }
  return path;
}

/** Node data from a string identifier. */
export function toData(identifier: string | Buffer | undefined): Buffer {
  if (identifier === undefined) return Buffer.alloc(0);
  return Buffer.isBuffer(identifier) ? identifier : Buffer.from(identifier, 'utf8');
}
