import { WireEventType } from '@zookit/protocol';
import { CallbackError, InvalidArgumentError } from '../errors.js';
import type { Logger } from '../options.js';
import { logSafely } from '../log.js';
import { stripChroot } from '../chroot.js';
import type { WatchKind, WatchSink, WatchSpec } from '../session/watch-sink.js';
import { ConnectionState, EventType, type ConnectionObserver, type Watcher, type WatchedEvent, type WatcherType } from '../types.js';
import { WatchRegistry } from './registry.js';
import { setWatchesFrames } from './set-watches.js';
import { watchChannel } from '../tracing.js';

/** The client's emitter, as the dispatcher uses it (its listeners are isolated by the dispatcher too). */
export interface EventSink {
  listenerCount(event: 'error'): number;
  emit(event: 'state', state: ConnectionState, previous: ConnectionState): boolean;
  emit(event: 'closing'): boolean;
  emit(event: 'error', error: Error): boolean;
}

const SET_WATCHES_BATCH_BYTES = 128 * 1024;

const WIRE_EVENT: Record<number, WatchedEvent['type']> = {
  [WireEventType.NodeCreated]: EventType.CREATED,
  [WireEventType.NodeDeleted]: EventType.DELETED,
  [WireEventType.NodeDataChanged]: EventType.CHANGED,
  [WireEventType.NodeChildrenChanged]: EventType.CHILD,
};

/**
 * The one place user callbacks are invoked, and the one path of watches: the
 * session hands it a request's watch when the reply arrives, every notification
 * in arrival order, the end of the session (every watch gets a NONE event) and
 * the reconnect (SetWatches frames). Each callback runs isolated: a synchronous
 * throw or a rejected returned promise becomes one {@link CallbackError} for the
 * reporter, and never stops the next callback.
 */
export class Dispatcher implements WatchSink {
  readonly #registry = new WatchRegistry();
  readonly #chroot: string;
  readonly #logger: Logger | undefined;
  readonly #observers = new Set<ConnectionObserver>();
  #events: EventSink | undefined;

  constructor(chroot: string, logger: Logger | undefined) {
    this.#chroot = chroot;
    this.#logger = logger;
  }

  /** The emitter that gets `'state'`, `'closing'` and `'error'` (the client, once it exists). */
  attach(events: EventSink): void {
    this.#events = events;
  }

  // --- connection events ------------------------------------------------------------

  /** Adds an observer, told before any event listener; returns its unsubscribe. */
  observe(observer: ConnectionObserver): () => void {
    if (observer === null || typeof observer !== 'object') throw new InvalidArgumentError('observer', 'must be an object with state() and/or closing()');
    for (const key of ['state', 'closing'] as const) {
      if (observer[key] !== undefined && typeof observer[key] !== 'function') throw new InvalidArgumentError(`observer.${key}`, 'must be a function');
    }
    // A copy per call: observing one object twice gives two independent subscriptions.
    const entry: ConnectionObserver = {};
    if (observer.state) entry.state = observer.state.bind(observer);
    if (observer.closing) entry.closing = observer.closing.bind(observer);
    this.#observers.add(entry);
    return () => void this.#observers.delete(entry);
  }

  /** A state transition: observers first, then the `'state'` listeners. */
  state(state: ConnectionState, previous: ConnectionState): void {
    for (const o of this.#observers) if (o.state) this.run('state observer', o.state, state, previous);
    this.#events?.emit('state', state, previous);
  }

  /** The client is closing: observers first, then the `'closing'` listeners. */
  closing(): void {
    for (const o of this.#observers) if (o.closing) this.run('closing observer', o.closing);
    this.#events?.emit('closing');
  }

  // --- callbacks -----------------------------------------------------------------

  /** Runs `fn(...args)` isolated. */
  run(label: string, fn: (...args: never[]) => unknown, ...args: unknown[]): void {
    this.invoke(label, fn, undefined, args, false);
  }

  /** Runs `fn` with `thisArg` and `args`, isolated; `quiet` for `'error'` listeners. */
  invoke(label: string, fn: (...args: never[]) => unknown, thisArg: unknown, args: readonly unknown[], quiet: boolean): void {
    let result: unknown;
    try {
      result = (fn as (...a: unknown[]) => unknown).apply(thisArg, args as unknown[]);
    } catch (err) {
      this.#fail(label, err, quiet);
      return;
    }
    if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
      (result as PromiseLike<unknown>).then(undefined, (err: unknown) => this.#fail(label, err, quiet));
    }
  }

  /**
   * The session's terminal failure (credentials refused, say), already logged by the session:
   * to the `'error'` listeners; with none and no logger, a process warning. Never lost.
   */
  report(error: Error): void {
    this.#emitError(error, this.#logger?.error !== undefined);
  }

  /**
   * A callback failed: to the logger, and to the `'error'` listeners (unless it was
   * one of them: `quiet`, no recursion); with neither, a process warning. Never lost, never thrown.
   */
  #fail(label: string, cause: unknown, quiet: boolean): void {
    const error = new CallbackError(label, cause);
    const logged = logSafely(this.#logger, 'error', 'a callback failed', { label, error: cause instanceof Error ? cause.message : String(cause) });
    if (quiet) {
      if (!logged) process.emitWarning(error);
    } else this.#emitError(error, logged);
  }

  #emitError(error: Error, logged: boolean): void {
    if (this.#events && this.#events.listenerCount('error') > 0) this.#events.emit('error', error);
    else if (!logged) process.emitWarning(error);
  }

  // --- watches (the session's side) ------------------------------------------------

  register(watch: WatchSpec, err: number): void {
    // An exists watch on a node that exists is a data watch, as the server keeps it.
    const kind = watch.kind === 'exist' && err === 0 ? 'data' : watch.kind;
    this.#registry.add(kind, watch.path, watch.fn);
  }

  notify(type: number, serverPath: string, state: ConnectionState): void {
    const fns = this.#registry.collect(type, serverPath);
    const eventType = WIRE_EVENT[type];
    if (fns.size === 0 || !eventType) return;
    const event: WatchedEvent = { type: eventType, state, path: stripChroot(this.#chroot, serverPath) };
    if (watchChannel.hasSubscribers) watchChannel.publish({ event: 'delivered', type: eventType, path: event.path, watchers: fns.size });
    // After the reply being resolved now, as the server ordered them.
    queueMicrotask(() => this.#deliver(fns, event));
  }

  dropAll(): void {
    const drained = this.#registry.drain();
    if (drained.length === 0) return;
    if (watchChannel.hasSubscribers) watchChannel.publish({ event: 'dropped', watchers: drained.length });
    queueMicrotask(() => {
      for (const [path, fn] of drained) {
        this.#deliver([fn], { type: EventType.NONE, state: ConnectionState.LOST, path: stripChroot(this.#chroot, path) });
      }
    });
  }

  rearmFrames(relativeZxid: bigint): Buffer[] {
    const frames = setWatchesFrames(this.#registry, relativeZxid, SET_WATCHES_BATCH_BYTES);
    if (frames.length > 0 && watchChannel.hasSubscribers) {
      let paths = 0;
      for (const kind of KINDS_OF.any) paths += this.#registry.paths(kind).length;
      watchChannel.publish({ event: 'rearmed', paths, batches: frames.length });
    }
    return frames;
  }

  #deliver(fns: Iterable<Watcher>, event: WatchedEvent): void {
    for (const fn of fns) this.invoke(`watch ${event.path}`, fn, undefined, [event], false);
  }

  // --- watches (the client's side) ---------------------------------------------------

  /**
   * Removes `fn`'s watches of `type` at the server path (every watcher's when no `fn`).
   * Returns the watcher type to remove on the server (which keeps one watch per kind
   * and path) when none of it is left here, else null.
   * @throws InvalidArgumentError when there was no such watch.
   */
  removeWatchers(type: WatcherType, serverPath: string, fn?: Watcher): number | null {
    const kinds = KINDS_OF[type];
    if (!kinds) throw new InvalidArgumentError('type', `must be one of ${Object.keys(KINDS_OF).join(', ')}`);
    let found = false;
    for (const k of kinds) {
      if (this.#registry.has(k, serverPath, fn)) found = true;
      this.#registry.remove(k, serverPath, fn);
    }
    if (!found) throw new InvalidArgumentError('listener', `no ${type} watch at ${stripChroot(this.#chroot, serverPath)}`);
    const wireKinds = type === 'persistent' || type === 'any' ? KINDS_OF.any : kinds;
    if (wireKinds.some((k) => this.#registry.has(k, serverPath))) return null;
    return type === 'data' ? 2 : type === 'children' ? 1 : 3;
  }
}

const KINDS_OF: Record<WatcherType, readonly WatchKind[]> = {
  data: ['data', 'exist'],
  children: ['child'],
  persistent: ['persistent', 'persistentRecursive'],
  any: ['data', 'exist', 'child', 'persistent', 'persistentRecursive'],
};
