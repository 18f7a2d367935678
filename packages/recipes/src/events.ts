/** Listener signatures by event name. */
export type EventMap<E> = { [K in keyof E]: (...args: never[]) => unknown };

/**
 * Events of a recipe object. Each listener runs isolated: a throw or a rejected promise
 * is reported once on the client's `'error'` event, never stops another listener and
 * never changes the recipe's state.
 */
export interface RecipeEvents<E extends EventMap<E>> {
  /** Calls `listener` on every `event`. */
  on<K extends keyof E & string>(event: K, listener: E[K]): this;
  /** Calls `listener` on the next `event` only. */
  once<K extends keyof E & string>(event: K, listener: E[K]): this;
  /** Removes `listener` (every registration of it), or every listener of `event` without one. */
  off<K extends keyof E & string>(event: K, listener?: E[K]): this;
  /** How many listeners `event` has. */
  listenerCount(event: keyof E & string): number;
}
