// The recipes' event emitter: the base of every recipe with events, and of evented classes
// in libraries built on the recipes (@zookit/discovery). Every listener runs isolated.
import { InvalidArgumentError, type ZooKeeperClient } from '@zookit/client';
import type { EventMap, RecipeEvents } from './events.js';

interface Entry {
  fn: (...args: never[]) => unknown;
  once: boolean;
}

/**
 * The base of every recipe with events (and of evented classes in libraries built on the
 * recipes): {@link RecipeEvents} — `on`, `once`, `off`, `listenerCount` — with each listener
 * run isolated through the client's `runCallback`, so a throw or a rejected promise is
 * reported once on the client's `'error'` event and never stops the next listener. A
 * `once` listener is removed before it runs. Subclasses emit with the protected `emit`.
 * `on`/`once` throw InvalidArgumentError for a listener that is not a function.
 *
 * ```ts
 * class Heartbeat extends RecipeEmitter<{ beat: (n: number) => unknown }> {
 *   constructor(zk: ZooKeeperClient) { super(zk, 'Heartbeat'); }
 *   tick(n: number): void { this.emit('beat', n); }
 * }
 * ```
 */
export class RecipeEmitter<E extends EventMap<E>> implements RecipeEvents<E> {
  readonly #zk: ZooKeeperClient;
  readonly #label: string;
  readonly #listeners = new Map<string, Entry[]>();

  /** @param label - names the emitter in reports of a failed listener (`<label> '<event>' listener`) */
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
  protected emit<K extends keyof E & string>(event: K, ...args: Parameters<E[K]>): void {
    const list = this.#listeners.get(event);
    if (!list) return;
    if (list.some((e) => e.once)) this.#set(event, list.filter((e) => !e.once));
    for (const { fn } of list) this.#zk.runCallback(`${this.#label} '${event}' listener`, fn as (...a: Parameters<E[K]>) => unknown, ...args);
  }

  #add(event: string, fn: (...args: never[]) => unknown, once: boolean): this {
    // Checked here, not at emit: runCallback would throw in the middle of a recipe's work.
    if (typeof fn !== 'function') throw new InvalidArgumentError('listener', 'must be a function');
    this.#set(event, [...(this.#listeners.get(event) ?? []), { fn, once }]);
    return this;
  }

  /** Lists are replaced, never changed in place: an emit in progress keeps its snapshot. */
  #set(event: string, list: Entry[]): void {
    if (list.length) this.#listeners.set(event, list);
    else this.#listeners.delete(event);
  }
}
