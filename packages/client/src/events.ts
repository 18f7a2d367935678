import { EventEmitter } from 'eventemitter3';
import type { ConnectionState } from './types.js';

/** Events the client emits (eventemitter3, typed). Every listener runs isolated. */
export interface ClientEvents {
  /** Once per transition, in order. SUSPENDED→CONNECTED: same session; LOST→CONNECTED: a new session. */
  state: (state: ConnectionState, previous: ConnectionState) => void;
  /** The client is closing for good (`stop()`, failed auth, a start() that timed out): emitted once, before the session is closed, so holders can step down first. */
  closing: () => void;
  /** A failure outside any request: a listener or watch threw (a `CallbackError`), authentication failed. */
  error: (error: Error) => void;
}

/** A connection-state listener. */
export type StateListener = (state: ConnectionState, previous: ConnectionState) => void;

/**
 * A connection observer for libraries built on the client (recipes, caches): see
 * `ZooKeeperClient.observe`. Both methods are optional.
 */
export interface ConnectionObserver {
  /** Called on every state transition, before any `'state'` listener. */
  state?(state: ConnectionState, previous: ConnectionState): void;
  /** Called once when the client is closing for good, before any `'closing'` listener. */
  closing?(): void;
}

type Listener = (...args: never[]) => unknown;

/** What runs each listener isolated: the client's dispatcher (only `invoke` is needed here). */
interface ListenerRunner {
  invoke(label: string, fn: Listener, thisArg: unknown, args: readonly unknown[], quiet: boolean): void;
}

type Names<E extends object> = EventEmitter.EventNames<E>;
type Fn<E extends object, T extends Names<E>> = EventEmitter.EventListener<E, T>;

const ORIGINAL = Symbol('original listener');

/**
 * An eventemitter3 emitter whose listeners each run isolated through the client's
 * dispatcher: a listener that throws (or rejects) is reported and never
 * stops the listeners after it. `'error'` listeners are reported quietly (logged,
 * not re-emitted).
 */
export class IsolatedEmitter<E extends object> extends EventEmitter<E> {
  readonly #dispatcher: ListenerRunner;
  readonly #wrappers = new WeakMap<Listener, Map<PropertyKey, Listener>>();

  protected constructor(dispatcher: ListenerRunner) {
    super();
    this.#dispatcher = dispatcher;
  }

  override on<T extends Names<E>>(event: T, fn: Fn<E, T>, context?: unknown): this {
    return super.on(event, this.#wrap(event, fn), context);
  }

  override addListener<T extends Names<E>>(event: T, fn: Fn<E, T>, context?: unknown): this {
    return super.on(event, this.#wrap(event, fn), context);
  }

  override once<T extends Names<E>>(event: T, fn: Fn<E, T>, context?: unknown): this {
    return super.once(event, this.#wrap(event, fn), context);
  }

  override removeListener<T extends Names<E>>(event: T, fn?: Fn<E, T>, context?: unknown, once?: boolean): this {
    const wrapper = fn === undefined ? undefined : this.#wrappers.get(fn as Listener)?.get(event as PropertyKey);
    return super.removeListener(event, (wrapper ?? fn) as Fn<E, T> | undefined, context, once);
  }

  override off<T extends Names<E>>(event: T, fn?: Fn<E, T>, context?: unknown, once?: boolean): this {
    return this.removeListener(event, fn, context, once);
  }

  override listeners<T extends Names<E>>(event: T): Array<Fn<E, T>> {
    return super.listeners(event).map((w) => ((w as { [ORIGINAL]?: Fn<E, T> })[ORIGINAL] ?? w));
  }

  #wrap<T extends Names<E>>(event: T, fn: Fn<E, T>): Fn<E, T> {
    if (typeof fn !== 'function') return fn;
    let perEvent = this.#wrappers.get(fn as Listener);
    const existing = perEvent?.get(event as PropertyKey);
    if (existing) return existing as Fn<E, T>;
    const dispatcher = this.#dispatcher;
    const label = `'${String(event)}' listener`;
    const quiet = event === 'error';
    const wrapper = function (this: unknown, ...args: unknown[]): void {
      dispatcher.invoke(label, fn as Listener, this, args, quiet);
    };
    Object.defineProperty(wrapper, ORIGINAL, { value: fn });
    if (!perEvent) this.#wrappers.set(fn as Listener, (perEvent = new Map()));
    perEvent.set(event as PropertyKey, wrapper as Listener);
    return wrapper as Fn<E, T>;
  }
}
