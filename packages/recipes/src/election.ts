import { ClientClosedError, InvalidArgumentError, type ZooKeeperClient } from '@zookit/client';
import { decideExclusive } from './contender.js';
import { CancelledError, OwnershipLostError, RecipeStateError } from './errors.js';
import type { Lease } from './lease.js';
import { report } from './connection.js';
import { endLease } from './ownership.js';
import { deferred } from './wait.js';
import { setLockSpec } from './lock-kind.js';
import { Lock, type LockOptions } from './lock.js';

/** Options of {@link Election}. */
export interface ElectionOptions extends Omit<LockOptions, 'identifier'> {}

/** Options of {@link Election.runForever}. */
export interface RunForeverOptions {
  /**
   * ms to wait before re-entering the queue after a term, given how many terms in a row
   * failed (`fn` threw, or leadership ended before `fn` could start; 0 after a clean
   * return). A number: that delay after every term. Default: 0 after a clean return,
   * else 100 ms doubling up to 10 s.
   */
  backoff?: number | ((failures: number) => number);
  /** Stops the loop when it aborts (like `cancel()`). */
  signal?: AbortSignal;
}

/** The default backoff: none after a clean term, then 100 ms doubling up to 10 s. */
const defaultBackoff = (failures: number): number => (failures === 0 ? 0 : Math.min(10_000, 100 * 2 ** (failures - 1)));

/**
 * Leader election as a scope (kazoo's `Election`): `run(fn)` waits until this candidate
 * leads, runs `fn(signal)`, and gives up leadership when `fn` settles. `signal` aborts
 * when leadership is lost (SUSPENDED past the grace period, or LOST), so the work can
 * stop; the next leader is elected only after our node is gone.
 *
 * ```ts
 * const election = new Election(zk, '/election/svc', 'node-1');
 * await election.run(async (signal) => serve(signal));
 * ```
 */
export class Election {
  /** The election's path. */
  readonly path: string;
  /** This candidate's identifier (its node's data). */
  readonly identifier: string;
  readonly #lock: Lock;
  readonly #zk: ZooKeeperClient;
  /** Stops the running `runForever()` loop. */
  #stop: AbortController | undefined;

  constructor(zk: ZooKeeperClient, path: string, identifier: string, options: ElectionOptions = {}) {
    this.#zk = zk;
    const spec = { kind: { role: 'lock', decide: decideExclusive }, watchesChildren: false, recipe: 'Election' } as const;
    this.#lock = setLockSpec(new Lock(zk, path, { ...options, identifier }), spec);
    this.path = this.#lock.path;
    this.identifier = identifier;
  }

  /** True while this candidate leads. */
  get isLeader(): boolean {
    return this.#lock.isAcquired;
  }

  /**
   * Waits for leadership, then runs `fn` with a signal that aborts when leadership is
   * lost, and the leadership's lease (its `fencingToken` grows with every new leader);
   * leadership is released when `fn` settles. Resolves with `fn`'s result.
   * @throws CancelledError after `cancel()`; the signal's reason if `options.signal` aborts first;
   *   OwnershipLostError if leadership ended before `fn` could start (`fn` is then not called)
   */
  async run<T>(fn: (signal: AbortSignal, lease: Lease) => T | Promise<T>, options: { signal?: AbortSignal } = {}): Promise<T> {
    const lease = await this.#lock.acquire(options.signal ? { signal: options.signal } : {});
    try {
      // Leadership can end before `fn` gets to run (the session lost right after the grant).
      lease.signal.throwIfAborted();
      return await fn(lease.signal, lease);
    } finally {
      await lease.release();
    }
  }

  /**
   * Curator's `autoRequeue`: runs for leadership again and again. Each term runs
   * `fn(signal, lease)` as in {@link run}; when it ends (`fn` returns or throws, or
   * leadership is lost and `fn` then settles) the candidate waits `backoff` and re-enters
   * the queue. A throw from `fn` is reported on the client's `'error'` event as a
   * `CallbackError` and never stops the loop. Resolves once stopped: by `cancel()`,
   * `close()`, `options.signal`, or the client closing. `fn` should stop when `signal`
   * aborts: the next term starts only after it settles.
   * @throws InvalidArgumentError for a bad `fn` or option; RecipeStateError while a loop already runs
   */
  async runForever(fn: (signal: AbortSignal, lease: Lease) => unknown, options: RunForeverOptions = {}): Promise<void> {
    const backoff = checkRunForever(fn, options);
    if (this.#stop) throw new RecipeStateError(`${this.path}: runForever() is already running on this Election object`);
    const stop = (this.#stop = new AbortController());
    const onAbort = () => stop.abort(options.signal!.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    try {
      for (let failures = 0; !stop.signal.aborted && !this.#zk.closed; ) {
        failures = (await this.#term(fn, stop.signal)) ? 0 : failures + 1;
        if (stop.signal.aborted || this.#zk.closed) break;
        await pause(this.#delay(backoff, failures), stop.signal);
      }
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      if (this.#stop === stop) this.#stop = undefined;
    }
  }

  /** One term of `runForever()`: whether it ended cleanly (`fn` returned). Never throws. */
  async #term(fn: (signal: AbortSignal, lease: Lease) => unknown, stop: AbortSignal): Promise<boolean> {
    let threw = false;
    try {
      await this.run(async (signal, lease) => {
        try {
          await fn(signal, lease);
        } catch (err) {
          threw = true;
          this.#zk.runCallback('Election.runForever fn', () => { throw err; });
        }
      }, { signal: stop });
      return !threw;
    } catch (err) {
      // Stopped while waiting, or the client closed: the loop ends. Anything else (leadership
      // lost before fn started, a server error) is a failed term: back off and queue again.
      const quiet = stop.aborted || this.#zk.closed || err instanceof CancelledError || err instanceof ClientClosedError || err instanceof OwnershipLostError;
      if (!quiet) report(this.#zk, err);
      return false;
    }
  }

  /** The backoff before the next term; a throwing backoff function is reported and the default used. */
  #delay(backoff: number | ((failures: number) => number), failures: number): number {
    if (typeof backoff === 'number') return backoff;
    try {
      const ms = backoff(failures);
      if (typeof ms === 'number' && ms >= 0) return ms;
      throw new InvalidArgumentError('backoff', `must return a number of ms >= 0, got ${String(ms)}`);
    } catch (err) {
      this.#zk.runCallback('Election.runForever backoff', () => { throw err; });
      return defaultBackoff(failures);
    }
  }

  /** Cancels a `run()` that is still waiting for leadership, and stops `runForever()` (a term in progress finishes first). */
  cancel(): void {
    this.#stop?.abort(new CancelledError(`${this.path}: election cancelled`));
    this.#lock.cancel();
  }

  /**
   * Stops `runForever()` and gives up leadership now: a waiting attempt is cancelled, a
   * held leadership's signal aborts (reason `closed`) and its node is deleted. Resolves
   * once the node is gone. Idempotent.
   */
  async close(): Promise<void> {
    this.cancel();
    const lease = this.#lock.lease;
    if (lease) await endLease(lease, 'closed');
  }

  /** Identifiers of every candidate in queue order, the leader first. */
  contenders(): Promise<string[]> {
    return this.#lock.contenders();
  }
}

/** Checks `runForever()`'s arguments before anything is sent; returns the backoff. */
function checkRunForever(fn: unknown, options: RunForeverOptions): number | ((failures: number) => number) {
  if (typeof fn !== 'function') throw new InvalidArgumentError('fn', 'must be a function');
  const { backoff = defaultBackoff, signal } = options;
  if (typeof backoff === 'number' ? !(backoff >= 0) : typeof backoff !== 'function') {
    throw new InvalidArgumentError('backoff', `must be a number of ms >= 0 or a function, got ${String(backoff)}`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new InvalidArgumentError('signal', 'must be an AbortSignal');
  return backoff;
}

/** Waits `ms`, or less if `signal` aborts (never rejects). */
async function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return;
  const done = deferred();
  const timer = setTimeout(() => done.resolve(), ms);
  const onAbort = () => done.resolve();
  signal.addEventListener('abort', onAbort, { once: true });
  await done.promise;
  clearTimeout(timer);
  signal.removeEventListener('abort', onAbort);
}
