// Isolated user callbacks and a small typed emitter built on them (not exported as such).
import { ZooKitError, type ZooKeeperClient } from '@zookit/client';

/** A user callback threw or rejected; reported on the client's `'error'` event. */
export class ListenerError extends ZooKitError {
  /** Which callback failed (e.g. `TreeCache 'changed' listener`). */
  readonly label: string;
  constructor(label: string, cause: unknown) {
    super(`${label} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.label = label;
  }
}

/** Reports `err` on the client's `'error'` event; a throwing error listener cannot break the caller. */
export function report(zk: ZooKeeperClient, err: unknown): void {
  try {
    zk.emit('error', err instanceof Error ? err : new Error(String(err)));
  } catch {
    // The error listener itself failed: nothing left to tell.
  }
}

/** Runs a user callback isolated: a throw or a rejected promise is reported once, never propagated. */
export function runIsolated(zk: ZooKeeperClient, label: string, fn: (...args: never[]) => unknown, args: unknown[]): void {
  try {
    const r = (fn as (...a: unknown[]) => unknown)(...args);
    if (r !== null && typeof r === 'object' && typeof (r as PromiseLike<unknown>).then === 'function') {
      (r as PromiseLike<unknown>).then(undefined, (err: unknown) => report(zk, new ListenerError(label, err)));
    }
  } catch (err) {
    report(zk, new ListenerError(label, err));
  }
}

type Fn = (...args: never[]) => unknown;

/**
 * A typed emitter whose listeners run isolated: one that throws (or rejects) is reported
 * on the client's `'error'` event and never stops the others or the recipe.
 */
export class IsolatedEmitter<E extends { [K in keyof E]: Fn }> {
  readonly #zk: ZooKeeperClient;
  readonly #label: string;
  readonly #listeners = new Map<keyof E, Array<{ fn: Fn; once: boolean }>>();

  constructor(zk: ZooKeeperClient, label: string) {
    this.#zk = zk;
    this.#label = label;
  }

  /** Adds a listener. */
  on<K extends keyof E>(event: K, fn: E[K]): this {
    return this.#add(event, fn, false);
  }

  /** Adds a listener called at most once. */
  once<K extends keyof E>(event: K, fn: E[K]): this {
    return this.#add(event, fn, true);
  }

  /** Removes a listener (every registration of it). */
  off<K extends keyof E>(event: K, fn: E[K]): this {
    const list = this.#listeners.get(event);
    if (list) this.#listeners.set(event, list.filter((l) => l.fn !== fn));
    return this;
  }

  /** Number of listeners of `event`. */
  listenerCount(event: keyof E): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  #add(event: keyof E, fn: Fn, once: boolean): this {
    if (typeof fn !== 'function') throw new TypeError('listener must be a function');
    const list = this.#listeners.get(event) ?? [];
    list.push({ fn, once });
    this.#listeners.set(event, list);
    return this;
  }

  /** Calls every listener of `event`, each isolated. */
  protected emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void {
    const list = this.#listeners.get(event);
    if (!list || list.length === 0) return;
    if (list.some((l) => l.once)) this.#listeners.set(event, list.filter((l) => !l.once));
    for (const l of list) runIsolated(this.#zk, `${this.#label} '${String(event)}' listener`, l.fn, args);
  }

  /** Drops every listener. */
  protected removeAllListeners(): void {
    this.#listeners.clear();
  }
}
