import { EventEmitter } from 'eventemitter3';
import { ClientClosedError, InvalidArgumentError, OperationTimeoutError } from './errors.js';
import type { ConnectionObserver, ConnectionState } from './types.js';
import { waitFor } from './wait.js';
import { AsyncQueue } from './watches/async-queue.js';

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

type Listener = (...args: never[]) => unknown;

/** What runs each listener isolated: the client's dispatcher (only `invoke` is needed here). */
interface ListenerRunner {
  invoke(label: string, fn: Listener, thisArg: unknown, args: readonly unknown[], quiet: boolean): void;
}

/** What the connection-event side needs of the dispatcher: observers and isolated calls. */
interface ConnectionRunner extends ListenerRunner {
  observe(observer: ConnectionObserver): () => void;
  run(label: string, fn: Listener, ...args: unknown[]): void;
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
class IsolatedEmitter<E extends object> extends EventEmitter<E> {
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
    if (typeof fn !== 'function') throw new InvalidArgumentError('listener', 'must be a function');
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

/**
 * The client's connection-event side: observers, isolated user callbacks, the
 * state-listener shorthand, and waiting on or iterating over state changes.
 * `ZooKeeperClient` extends it and supplies `state` and `closed`.
 */
export abstract class ConnectionEvents extends IsolatedEmitter<ClientEvents> {
  readonly #dispatcher: ConnectionRunner;

  protected constructor(dispatcher: ConnectionRunner) {
    super(dispatcher);
    this.#dispatcher = dispatcher;
  }

  /** The current connection state. */
  abstract get state(): ConnectionState;

  /** True once the client is closed for good. */
  abstract get closed(): boolean;

  /**
   * Adds a connection observer, for libraries built on the client (recipes, caches):
   * observers are told of every state change and of `closing` BEFORE any `'state'` or
   * `'closing'` event listener, each isolated (a throw is reported on `'error'`, never
   * stops another), so a user listener that throws cannot hide a transition from them.
   * Returns the function that removes the observer.
   *
   * ```ts
   * const unobserve = zk.observe({ state: (s) => { if (s === 'LOST') cache.clear(); } });
   * ```
   */
  observe(observer: ConnectionObserver): () => void {
    return this.#dispatcher.observe(observer);
  }

  /**
   * Runs a user-supplied callback isolated, the way the client runs its own listeners:
   * a synchronous throw or a rejected returned promise is reported once on `'error'` as
   * a `CallbackError` carrying `label` (and through the logger; printed as a process
   * warning when neither exists). Never lets `fn`'s failure escape, never leaves an
   * unhandled rejection. @throws InvalidArgumentError when `fn` is not a function.
   */
  runCallback<A extends unknown[]>(label: string, fn: (...args: A) => unknown, ...args: A): void {
    if (typeof fn !== 'function') throw new InvalidArgumentError('fn', 'must be a function');
    this.#dispatcher.run(String(label), fn as (...a: never[]) => unknown, ...args);
  }

  /** Adds a connection-state listener (or, with an event name, any event listener). */
  override addListener(listener: StateListener): this;
  override addListener<T extends Names<ClientEvents>>(event: T, fn: Fn<ClientEvents, T>, context?: unknown): this;
  override addListener(a: unknown, b?: unknown, c?: unknown): this {
    if (typeof a === 'function') return super.addListener('state', a as StateListener);
    return super.addListener(a as 'state', b as StateListener, c);
  }

  /** Removes a connection-state listener (or, with an event name, any event listener). */
  override removeListener(listener: StateListener): this;
  override removeListener<T extends Names<ClientEvents>>(event: T, fn?: Fn<ClientEvents, T>, context?: unknown, once?: boolean): this;
  override removeListener(a: unknown, b?: unknown, c?: unknown, d?: boolean): this {
    if (typeof a === 'function') return super.removeListener('state', a as StateListener);
    return super.removeListener(a as 'state', b as StateListener, c, d);
  }

  /**
   * Resolves when the client is in `state` (at once if it already is).
   * Rejects with the signal's reason, OperationTimeoutError after `timeout` ms, or
   * ClientClosedError once the client is closed (it will never get there).
   */
  waitForState(state: ConnectionState, options: { timeout?: number; signal?: AbortSignal } = {}): Promise<void> {
    if (this.state === state) return Promise.resolve();
    if (this.closed) return Promise.reject(new ClientClosedError(`the client is closed; it will not reach ${state}`));
    return waitFor<void>((settle) => this.#dispatcher.observe({
      state: (s) => {
        if (s === state) settle.resolve();
        else if (this.closed) settle.reject(new ClientClosedError(`the client was closed before reaching ${state}`));
      },
    }), {
      ...options,
      timeoutError: () => new OperationTimeoutError({ op: 'waitForState' }, `OPERATIONTIMEOUT: state ${state} not reached within ${options.timeout} ms (now ${this.state})`),
    });
  }

  /**
   * The state changes as an async iterator (`for await (const { state } of zk.states())`);
   * it ends on `break` or when `signal` aborts. Changes are buffered, never dropped.
   */
  states(options: { signal?: AbortSignal } = {}): AsyncIterableIterator<{ state: ConnectionState; previous: ConnectionState }> {
    let unobserve = (): void => {};
    const queue = new AsyncQueue<{ state: ConnectionState; previous: ConnectionState }>({ signal: options.signal, onAbort: 'end', cleanup: () => unobserve() });
    unobserve = this.#dispatcher.observe({ state: (state, previous) => queue.push({ state, previous }) });
    return queue;
  }
}
