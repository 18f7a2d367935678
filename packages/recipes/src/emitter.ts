// The recipes' event emitter: every listener runs isolated. Not exported (RecipeEvents is).
import type { ZooKeeperClient } from '@zookit/client';
import type { EventMap, RecipeEvents } from './events.js';

interface Entry {
  fn: (...args: never[]) => unknown;
  once: boolean;
}

/** The implementation of {@link RecipeEvents}: emits through the client's `runCallback`. */
export class Emitter<E extends EventMap<E>> implements RecipeEvents<E> {
  readonly #zk: ZooKeeperClient;
  readonly #label: string;
  readonly #listeners = new Map<string, Entry[]>();

  constructor(zk: ZooKeeperClient, label: string) {
    this.#zk = zk;
    this.#label = label;
  }

  on<K extends keyof E & string>(event: K, listener: E[K]): this {
    return this.#add(event, listener, false);
  }

  once<K extends keyof E & string>(event: K, listener: E[K]): this {
    return this.#add(event, listener, true);
  }

  off<K extends keyof E & string>(event: K, listener?: E[K]): this {
    const list = this.#listeners.get(event);
    if (!list) return this;
    this.#set(event, listener ? list.filter((e) => e.fn !== listener) : []);
    return this;
  }

  listenerCount(event: keyof E & string): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /** Calls every listener of `event`, each isolated, in registration order. */
  emit<K extends keyof E & string>(event: K, ...args: Parameters<E[K]>): void {
    const list = this.#listeners.get(event);
    if (!list) return;
    if (list.some((e) => e.once)) this.#set(event, list.filter((e) => !e.once));
    for (const { fn } of list) this.#zk.runCallback(`${this.#label} '${event}' listener`, fn as (...a: Parameters<E[K]>) => unknown, ...args);
  }

  #add(event: string, fn: (...args: never[]) => unknown, once: boolean): this {
    this.#set(event, [...(this.#listeners.get(event) ?? []), { fn, once }]);
    return this;
  }

  /** Lists are replaced, never changed in place: an emit in progress keeps its snapshot. */
  #set(event: string, list: Entry[]): void {
    if (list.length) this.#listeners.set(event, list);
    else this.#listeners.delete(event);
  }
}
