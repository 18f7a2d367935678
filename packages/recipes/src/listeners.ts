// A small typed emitter whose listeners run isolated through the client's runCallback, and
// the way recipes report a failure that is not a callback's (not exported as such).
import type { ZooKeeperClient } from '@zookit/client';

/** Reports `err` on the client's `'error'` event; a throwing error listener cannot break the caller. */
export function report(zk: ZooKeeperClient, err: unknown): void {
  try {
    zk.emit('error', err instanceof Error ? err : new Error(String(err)));
  } catch {
    // The error listener itself failed: nothing left to tell.
  }
}

type Fn = (...args: never[]) => unknown;

/**
 * A typed emitter whose listeners run isolated (`zk.runCallback`): one that throws (or
 * rejects) is reported once on the client's `'error'` event as a `CallbackError` and never
 * stops the others or the recipe.
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
    for (const l of list) this.#zk.runCallback(`${this.#label} '${String(event)}' listener`, l.fn as (...a: unknown[]) => unknown, ...args);
  }

  /** Drops every listener. */
  protected removeAllListeners(): void {
    this.#listeners.clear();
  }
}
