import { inspect } from 'node:util';
import type { EventEmitter } from 'eventemitter3';
import { OPEN_ACL_UNSAFE } from './acl.js';
import {
  type CallbackError,
  ClientClosedError,
  ErrorCode,
  InvalidArgumentError,
  NoNodeError,
  NodeExistsError,
  NotEmptyError,
  OperationTimeoutError,
  errorFromCode,
} from './errors.js';
import { CreateFlag, OpCode } from './jute/opcodes.js';
import type { Reader } from './jute/reader.js';
import {
  readAcls,
  readClientInfos,
  readGetData,
  readStat,
  writeCreate,
  writePathInt,
  writePathVersion,
  writePathWatch,
  writeReconfig,
  writeSetAcl,
  writeSetData,
  type GetDataResult,
} from './jute/records.js';
import type { Writer } from './jute/writer.js';
import { DEFAULTS, checkDuration, checkOptions, checkVersion, toData, type ClientOptions } from './options.js';
import { joinPath, parentOf, prependChroot, stripChroot, validatePath } from './paths.js';
import { retry, type RetryPolicy } from './retry.js';
import { parseConnectString } from './session/host-provider.js';
import { checkSaslOptions } from './session/sasl.js';
import { Session, type Decoder } from './session/session.js';
import { Transaction } from './transaction-builder.js';
import { readMulti, writeMulti, type MultiOp, type MultiReadResult, type TransactionResult } from './transaction.js';
import { ConnectionState, type Acl, type ClientInfo, type Stat, type Watcher, type WatchedEvent } from './types.js';
import { WatchStream } from './watches/watch-stream.js';
import { Dispatcher } from './watches/dispatcher.js';
import { IsolatedEmitter } from './isolated-emitter.js';
import type { Logger } from './session/session.js';
import type { WatchKind } from './watches/registry.js';

/** Events the client emits (eventemitter3, typed). */
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
 * {@link ZooKeeperClient.observe}. Both methods are optional.
 */
export interface ConnectionObserver {
  /** Called on every state transition, before any `'state'` listener. */
  state?(state: ConnectionState, previous: ConnectionState): void;
  /** Called once when the client is closing for good, before any `'closing'` listener. */
  closing?(): void;
}

/** Options of `create`. */
export interface CreateOptions {
  /** Deleted when the session ends. */
  ephemeral?: boolean;
  /** The server appends a 10-digit sequence number to the name. */
  sequential?: boolean;
  /** A container node: deleted by the server once its last child is gone. */
  container?: boolean;
  /** A persistent node deleted after this many ms without changes once it has no children (server needs `extendedTypesEnabled`). */
  ttl?: number;
  /** The node's ACL (default: the client's `defaultAcl`). */
  acl?: readonly Acl[];
  /** Create missing parents (as persistent nodes without data). */
  makePath?: boolean;
  /** Resolve with `{ path, stat }` (uses create2). */
  withStat?: boolean;
}

/** Options of reads that can leave a one-shot watch. */
export interface WatchOptions {
  /** Called once with the next event for the node. */
  watch?: Watcher;
}

/** Which watches `removeWatches` removes. */
export type WatcherType = 'data' | 'children' | 'persistent' | 'any';

/** The key under which the client hands its session credentials to `@zookit/testing` (to expire the session on the server). */
export const sessionCredentials: unique symbol = Symbol.for('zookit.sessionCredentials') as never;

const CREATE_KEYS = ['ephemeral', 'sequential', 'container', 'ttl', 'acl', 'makePath', 'withStat'] as const;
const MAX_TTL = 2 ** 40 - 1;
const ACCEPT_ANY = 1;

/**
 * A ZooKeeper client: one session, many requests pipelined on one connection,
 * watches, and a connection-state listener with kazoo's states.
 *
 * ```ts
 * const zk = new ZooKeeperClient({ hosts: '127.0.0.1:2181' });
 * await zk.start();
 * await zk.create('/app', 'hello');
 * ```
 */
export class ZooKeeperClient extends IsolatedEmitter<ClientEvents> implements AsyncDisposable {
  readonly #session: Session;
  readonly #dispatcher: Dispatcher;
  readonly #logger: Logger | undefined;
  readonly #observers = new Set<ConnectionObserver>();
  readonly #chroot: string;
  readonly #defaultAcl: readonly Acl[];
  readonly #hosts: string;

  constructor(options: ClientOptions = {}) {
    const dispatcher = new Dispatcher();
    super(dispatcher);
    this.#dispatcher = dispatcher;
    this.#logger = options.logger;
    dispatcher.reportTo((error, quiet) => this.#report(error, quiet));
    checkOptions(options, [
      'hosts', 'sessionTimeout', 'connectTimeout', 'requestTimeout', 'readOnly', 'defaultAcl', 'authData',
      'maxFrameSize', 'maxRequestSize', 'maxReconnectDelay', 'randomizeHosts', 'tls', 'logger', 'sasl',
    ]);
    checkSaslOptions(options.sasl);
    const { hosts, chroot } = parseConnectString(options.hosts ?? DEFAULTS.hosts);
    const sessionTimeout = checkDuration(options.sessionTimeout, 'sessionTimeout', 1) ?? DEFAULTS.sessionTimeout;
    this.#chroot = chroot;
    this.#hosts = options.hosts ?? DEFAULTS.hosts;
    this.#defaultAcl = options.defaultAcl ?? OPEN_ACL_UNSAFE;
    this.#session = new Session({
      hosts,
      chroot,
      sessionTimeout,
      connectTimeout: checkDuration(options.connectTimeout, 'connectTimeout', 1) ?? DEFAULTS.connectTimeout,
      requestTimeout: checkDuration(options.requestTimeout, 'requestTimeout') ?? sessionTimeout,
      readOnly: options.readOnly ?? false,
      maxFrameSize: checkDuration(options.maxFrameSize, 'maxFrameSize', 1024) ?? DEFAULTS.maxFrameSize,
      maxRequestSize: checkDuration(options.maxRequestSize, 'maxRequestSize', 64) ?? DEFAULTS.maxRequestSize,
      maxReconnectDelay: checkDuration(options.maxReconnectDelay, 'maxReconnectDelay') ?? DEFAULTS.maxReconnectDelay,
      randomizeHosts: options.randomizeHosts ?? true,
      tls: options.tls,
      logger: options.logger,
      sasl: options.sasl ? { ...options.sasl } : undefined,
      onState: (state, previous) => this.#onState(state, previous),
      onError: (error) => this.emit('error', error),
      onClosing: () => this.#onClosing(),
      onWatch: (fn, event) => dispatcher.run(`watch ${event.path}`, fn, event),
    });
    for (const a of options.authData ?? []) void this.addAuth(a.scheme, a.credential).catch(() => {});
  }

  // --- session -------------------------------------------------------------------

  /** The current connection state (`LOST` before `start()` and after `stop()`). */
  get state(): ConnectionState {
    return this.#session.state;
  }

  /** The session id (0n without a session). */
  get sessionId(): bigint {
    return this.#session.sessionId;
  }

  /** The session timeout the server granted, in ms (0 without a session). */
  get sessionTimeout(): number {
    return this.#session.negotiatedTimeout;
  }

  /** When the server was last heard from (any frame, pings included), in `performance.now()` ms; 0 before that. */
  get lastHeardAt(): number {
    return this.#session.lastHeardAt;
  }

  /** The highest zxid this client has seen. */
  get lastZxid(): bigint {
    return this.#session.lastZxid;
  }

  /** The chroot of the connect string ('' when none). */
  get chroot(): string {
    return this.#chroot;
  }

  /** True once `stop()` was called (or the client stopped for good: auth failed, start() timed out). */
  get closed(): boolean {
    return this.#session.isClosed;
  }

  /** Requests sent and not yet answered, and requests waiting for a connection. */
  get inFlight(): { sent: number; queued: number } {
    return this.#session.inFlight;
  }

  /**
   * Connects; resolves once CONNECTED (or READ_ONLY).
   * @throws ConnectTimeoutError when no session is established within `connectTimeout` (the client is then closed).
   */
  start(): Promise<void> {
    return this.#session.start();
  }

  /** Closes the session (its ephemeral nodes go) and the connection; state LOST. Idempotent. */
  stop(): Promise<void> {
    return this.#session.close();
  }

  /** Same as `stop()`. */
  close(): Promise<void> {
    return this.stop();
  }

  /** `await using zk = ...` closes the client at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /**
   * Adds a connection observer, for libraries built on the client (recipes, caches):
   * observers are told of every state change and of `closing` BEFORE any `'state'` or
   * `'closing'` event listener, each isolated (a throw is reported on `'error'`, never
   * stops another), so a user listener that throws cannot hide a transition from them.
   * Returns the function that removes the observer.
   *
   * ```ts
   * const unobserve = zk.observe({ state: (s) => { if (s === 'LOST') lease.abort(); } });
   * ```
   */
  observe(observer: ConnectionObserver): () => void {
    if (observer === null || typeof observer !== 'object') throw new InvalidArgumentError('observer', 'must be an object with state() and/or closing()');
    for (const key of ['state', 'closing'] as const) {
      if (observer[key] !== undefined && typeof observer[key] !== 'function') throw new InvalidArgumentError(`observer.${key}`, 'must be a function');
    }
    // A copy per call: observing the same object twice gives two independent subscriptions.
    const entry: ConnectionObserver = { ...observer };
    if (observer.state) entry.state = observer.state.bind(observer);
    if (observer.closing) entry.closing = observer.closing.bind(observer);
    this.#observers.add(entry);
    return () => {
      this.#observers.delete(entry);
    };
  }

  /**
   * Runs a user-supplied callback isolated, the way the client runs its own listeners:
   * a synchronous throw or a rejected returned promise is reported once on `'error'` as
   * a {@link CallbackError} carrying `label` (and through the logger; printed as a
   * process warning when neither exists). Never throws, never leaves an unhandled rejection.
   */
  runCallback<A extends unknown[]>(label: string, fn: (...args: A) => unknown, ...args: A): void {
    this.#dispatcher.run(String(label), fn as (...a: never[]) => unknown, ...args);
  }

  #onState(state: ConnectionState, previous: ConnectionState): void {
    for (const o of this.#observers) if (o.state) this.#dispatcher.run('state observer', o.state, state, previous);
    this.emit('state', state, previous);
  }

  #onClosing(): void {
    for (const o of this.#observers) if (o.closing) this.#dispatcher.run('closing observer', o.closing);
    this.emit('closing');
  }

  /** Where a failed callback goes: the logger, the `'error'` event, or else a process warning. */
  #report(error: CallbackError, quiet: boolean): void {
    let logged = false;
    const log = this.#logger?.error;
    if (log) {
      try {
        log.call(this.#logger, 'a callback failed', { label: error.label, error: errorMessage(error.cause) });
        logged = true;
      } catch {
        // A logger must not break the client.
      }
    }
    if (!quiet && this.listenerCount('error') > 0) {
      this.emit('error', error);
      return;
    }
    if (!logged) process.emitWarning(error);
  }

  /** Adds a connection-state listener (or, with an event name, any event listener). */
  override addListener(listener: StateListener): this;
  override addListener<T extends EventEmitter.EventNames<ClientEvents>>(event: T, fn: EventEmitter.EventListener<ClientEvents, T>, context?: unknown): this;
  override addListener(a: unknown, b?: unknown, c?: unknown): this {
    if (typeof a === 'function') return super.addListener('state', a as StateListener);
    return super.addListener(a as 'state', b as StateListener, c);
  }

  /** Removes a connection-state listener (or, with an event name, any event listener). */
  override removeListener(listener: StateListener): this;
  override removeListener<T extends EventEmitter.EventNames<ClientEvents>>(event: T, fn?: EventEmitter.EventListener<ClientEvents, T>, context?: unknown, once?: boolean): this;
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
    if (this.#session.isClosed) return Promise.reject(new ClientClosedError(`the client is closed; it will not reach ${state}`));
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        this.off('state', onState);
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const onState = (s: ConnectionState) => {
        if (s === state) {
          cleanup();
          resolve();
        } else if (this.#session.isClosed) {
          cleanup();
          reject(new ClientClosedError(`the client was closed before reaching ${state}`));
        }
      };
      const onAbort = () => {
        cleanup();
        reject(options.signal!.reason);
      };
      const timer = options.timeout === undefined ? undefined : setTimeout(() => {
        cleanup();
        reject(new OperationTimeoutError({ op: 'waitForState' }, `OPERATIONTIMEOUT: state ${state} not reached within ${options.timeout} ms (now ${this.state})`));
      }, options.timeout);
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.on('state', onState);
    });
  }

  /**
   * The state changes as an async iterator (`for await (const { state } of zk.states())`);
   * it ends on `break` or when `signal` aborts. Changes are buffered, never dropped.
   */
  async *states(options: { signal?: AbortSignal } = {}): AsyncGenerator<{ state: ConnectionState; previous: ConnectionState }> {
    const buffer: Array<{ state: ConnectionState; previous: ConnectionState }> = [];
    let wake: (() => void) | null = null;
    const onState = (state: ConnectionState, previous: ConnectionState) => {
      buffer.push({ state, previous });
      wake?.();
    };
    const onAbort = () => wake?.();
    this.on('state', onState);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        while (buffer.length > 0) yield buffer.shift()!;
        if (options.signal?.aborted) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
    } finally {
      this.off('state', onState);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Adds credentials (e.g. `addAuth('digest', 'user:password')`); they are re-sent after every reconnect. */
  addAuth(scheme: string, credential: string | Uint8Array): Promise<void> {
    if (typeof scheme !== 'string' || !scheme) return Promise.reject(new InvalidArgumentError('scheme', 'must be a non-empty string'));
    let auth: Buffer;
    try {
      auth = toData(credential, 'credential');
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#session.addAuth(scheme, auth);
  }

  /** Runs `fn`, retrying on connection loss with exponential backoff and jitter (kazoo's KazooRetry). */
  retry<T>(fn: () => Promise<T>, policy?: RetryPolicy): Promise<T> {
    return retry(fn, policy);
  }

  // --- reads ---------------------------------------------------------------------

  /** The node's Stat, or null when it does not exist. A `watch` fires on creation, change or deletion. */
  exists(path: string, options: WatchOptions = {}): Promise<Stat | null> {
    return this.#read(path, options, OpCode.exists, 'exists', (r, err, sp, watch) => {
      if (err === ErrorCode.NONODE) {
        if (watch) this.#session.watches.add('exist', sp, watch);
        return null;
      }
      const stat = readStat(r);
      if (watch) this.#session.watches.add('data', sp, watch);
      return stat;
    }, ErrorCode.NONODE);
  }

  /** The node's data and Stat. @throws NoNodeError */
  get(path: string, options: WatchOptions = {}): Promise<GetDataResult> {
    return this.#read(path, options, OpCode.getData, 'getData', (r, _err, sp, watch) => {
      const res = readGetData(r);
      if (watch) this.#session.watches.add('data', sp, watch);
      return res;
    });
  }

  /** The names of the node's children (with `includeStat`, also its Stat). @throws NoNodeError */
  getChildren(path: string, options?: WatchOptions & { includeStat?: false }): Promise<string[]>;
  getChildren(path: string, options: WatchOptions & { includeStat: true }): Promise<{ children: string[]; stat: Stat }>;
  getChildren(path: string, options: WatchOptions & { includeStat?: boolean } = {}): Promise<string[] | { children: string[]; stat: Stat }> {
    const withStat = options.includeStat === true;
    return this.#read(path, options, withStat ? OpCode.getChildren2 : OpCode.getChildren, 'getChildren', (r, _err, sp, watch) => {
      const children = r.strings();
      const res = withStat ? { children, stat: readStat(r) } : children;
      if (watch) this.#session.watches.add('child', sp, watch);
      return res;
    }, 0, ['watch', 'includeStat']);
  }

  /** A read that may leave a one-shot watch: `decode` gets the server path and the watcher to register. */
  #read<T>(
    path: string,
    options: WatchOptions,
    type: number,
    op: string,
    decode: (r: Reader, err: number, serverPath: string, watch: Watcher | undefined) => T,
    acceptErr = 0,
    keys: readonly string[] = ['watch'],
  ): Promise<T> {
    const watch = options.watch;
    let serverPath = '';
    return this.#call(path, type, op, (sp) => {
      checkOptions(options, keys);
      if (watch !== undefined && typeof watch !== 'function') throw new InvalidArgumentError('watch', 'must be a function');
      serverPath = sp;
      return (w) => writePathWatch(w, sp, watch !== undefined);
    }, (r, err) => decode(r, err, serverPath, watch), acceptErr);
  }

  /** The node's ACL and Stat. */
  getAcls(path: string): Promise<{ acls: Acl[]; stat: Stat }> {
    return this.#call(path, OpCode.getACL, 'getACL', (sp) => (w) => w.string(sp), (r) => ({ acls: readAcls(r), stat: readStat(r) }));
  }

  /** The number of nodes under `path`, at any depth (3.6+). */
  getAllChildrenNumber(path: string): Promise<number> {
    return this.#call(path, OpCode.getAllChildrenNumber, 'getAllChildrenNumber', (sp) => (w) => w.string(sp), (r) => r.int());
  }

  /** Paths of this session's ephemeral nodes under `prefix` (3.6+). */
  getEphemerals(prefix = '/'): Promise<string[]> {
    return this.#call(prefix, OpCode.getEphemerals, 'getEphemerals', (sp) => (w) => w.string(sp), (r) => r.strings().map((p) => stripChroot(this.#chroot, p)));
  }

  /** Identities authenticated on this session (3.7+). */
  whoAmI(): Promise<ClientInfo[]> {
    return this.#session.submit(OpCode.whoAmI, 'whoAmI', undefined, () => {}, (r) => readClientInfos(r));
  }

  /** Waits until the server this client talks to has caught up with the leader for `path`. */
  sync(path: string): Promise<void> {
    return this.#call(path, OpCode.sync, 'sync', (sp) => (w) => w.string(sp), () => undefined);
  }

  /** The ensemble's configuration (`/zookeeper/config`, never chrooted). */
  getConfig(options: WatchOptions = {}): Promise<GetDataResult> {
    const sp = '/zookeeper/config';
    const watch = options.watch;
    return this.#session.submit(OpCode.getData, 'getConfig', sp, (w) => writePathWatch(w, sp, watch !== undefined), (r) => {
      const res = readGetData(r);
      if (watch) this.#session.watches.add('data', sp, watch);
      return res;
    });
  }

  /** Changes the ensemble's membership (needs `reconfigEnabled` on the server). */
  reconfig(options: { joining?: string; leaving?: string; newMembers?: string; fromConfig?: bigint }): Promise<GetDataResult> {
    return this.#session.submit(OpCode.reconfig, 'reconfig', undefined, (w) => writeReconfig(w, options.joining ?? null, options.leaving ?? null, options.newMembers ?? null, options.fromConfig ?? -1n), (r) => readGetData(r));
  }

  /** Reads several nodes in one round trip (3.6+); each result is the read's value or its Error. */
  multiRead(ops: ReadonlyArray<{ op: 'get' | 'getChildren'; path: string }>): Promise<MultiReadResult[]> {
    let encoded: MultiOp[];
    try {
      encoded = ops.map(({ op, path }) => {
        validatePath(path);
        if (op !== 'get' && op !== 'getChildren') throw new InvalidArgumentError('op', `"${String(op)}" is not a read`);
        const sp = prependChroot(this.#chroot, path);
        return { type: op === 'get' ? OpCode.getData : OpCode.getChildren, op: op === 'get' ? 'getData' : 'getChildren', path, write: (w: Writer) => writePathWatch(w, sp, false) };
      });
    } catch (err) {
      return Promise.reject(err);
    }
    if (encoded.length === 0) return Promise.resolve([]);
    return this.#session.submit(OpCode.multiRead, 'multiRead', undefined, (w) => writeMulti(w, encoded), (r) => readMulti(r, encoded, (p) => p, true) as MultiReadResult[], ACCEPT_ANY);
  }

  // --- writes --------------------------------------------------------------------

  /**
   * Creates a node; resolves with its path (the real one for sequential nodes),
   * or `{ path, stat }` with `withStat`.
   * @throws NodeExistsError, NoNodeError (parent missing), NoChildrenForEphemeralsError, UnimplementedError (TTL off)
   */
  create(path: string, data?: Buffer | Uint8Array | string | null, options?: CreateOptions & { withStat?: false }): Promise<string>;
  create(path: string, data: Buffer | Uint8Array | string | null | undefined, options: CreateOptions & { withStat: true }): Promise<{ path: string; stat: Stat }>;
  create(path: string, data?: Buffer | Uint8Array | string | null, options: CreateOptions = {}): Promise<string | { path: string; stat: Stat }> {
    let op: MultiOp;
    try {
      op = this.#createOp(path, data, options);
    } catch (err) {
      return Promise.reject(err);
    }
    const send = () => this.#session.submit(op.type, 'create', path, op.write, (r) => {
      const created = stripChroot(this.#chroot, r.str());
      return op.type === OpCode.create || !options.withStat ? created : { path: created, stat: readStat(r) };
    });
    if (!options.makePath) return send();
    return send().catch(async (err) => {
      if (!(err instanceof NoNodeError)) throw err;
      await this.ensurePath(parentOf(path));
      return send();
    });
  }

  #createOp(path: string, data: unknown, options: CreateOptions): MultiOp {
    checkOptions(options, CREATE_KEYS);
    const sequential = options.sequential === true;
    validatePath(path, sequential);
    const buf = toData(data);
    const acl = options.acl ?? this.#defaultAcl;
    if (!Array.isArray(acl) || acl.length === 0) throw new InvalidArgumentError('acl', 'must be a non-empty array of ACL entries');
    const sp = prependChroot(this.#chroot, path);
    if (options.ttl !== undefined) {
      if (!Number.isInteger(options.ttl) || options.ttl <= 0 || options.ttl > MAX_TTL) throw new InvalidArgumentError('ttl', `must be an integer in (0, ${MAX_TTL}]`);
      if (options.ephemeral || options.container) throw new InvalidArgumentError('ttl', 'cannot be combined with ephemeral or container');
      const flags = sequential ? CreateFlag.PERSISTENT_SEQUENTIAL_WITH_TTL : CreateFlag.PERSISTENT_WITH_TTL;
      const ttl = BigInt(options.ttl);
      return { type: OpCode.createTTL, op: 'create', path, write: (w) => writeCreate(w, sp, buf, acl, flags, ttl) };
    }
    if (options.container) {
      if (options.ephemeral || sequential) throw new InvalidArgumentError('container', 'cannot be ephemeral or sequential');
      return { type: OpCode.createContainer, op: 'create', path, write: (w) => writeCreate(w, sp, buf, acl, CreateFlag.CONTAINER) };
    }
    const flags = (options.ephemeral ? 1 : 0) | (sequential ? 2 : 0);
    return { type: options.withStat ? OpCode.create2 : OpCode.create, op: 'create', path, write: (w) => writeCreate(w, sp, buf, acl, flags) };
  }

  /** Creates `path` and every missing parent, without data. Resolves when it exists. */
  async ensurePath(path: string, options: { acl?: readonly Acl[] } = {}): Promise<void> {
    validatePath(path);
    checkOptions(options, ['acl']);
    const full = prependChroot(this.#chroot, path);
    if (full === '/') return;
    if (this.#chroot && (await this.exists(path)) !== null) return;
    const acl = options.acl ?? this.#defaultAcl;
    // Every prefix in one pipelined burst: the server applies them in order.
    const prefixes: string[] = [];
    for (let i = full.indexOf('/', 1); i !== -1; i = full.indexOf('/', i + 1)) prefixes.push(full.slice(0, i));
    prefixes.push(full);
    const results = await Promise.allSettled(
      prefixes.map((sp) => this.#session.submit(OpCode.create, 'create', stripChroot(this.#chroot, sp), (w) => writeCreate(w, sp, null, acl, 0), () => undefined)),
    );
    const last = results[results.length - 1]!;
    if (last.status === 'fulfilled' || last.reason instanceof NodeExistsError) return;
    const first = results.find((r) => r.status === 'rejected' && !(r.reason instanceof NodeExistsError)) as PromiseRejectedResult;
    throw first.reason;
  }

  /** Replaces the node's data; `version` (default -1, any) must match. @throws BadVersionError, NoNodeError */
  set(path: string, data: Buffer | Uint8Array | string | null, options: { version?: number } = {}): Promise<Stat> {
    return this.#call(path, OpCode.setData, 'setData', (sp) => {
      checkOptions(options, ['version']);
      const buf = toData(data);
      const version = checkVersion(options.version);
      return (w) => writeSetData(w, sp, buf, version);
    }, readStat);
  }

  /** Replaces the node's ACL; `version` is the ACL version (aversion). */
  setAcls(path: string, acls: readonly Acl[], options: { version?: number } = {}): Promise<Stat> {
    return this.#call(path, OpCode.setACL, 'setACL', (sp) => {
      checkOptions(options, ['version']);
      if (!Array.isArray(acls) || acls.length === 0) throw new InvalidArgumentError('acls', 'must be a non-empty array');
      const version = checkVersion(options.version);
      return (w) => writeSetAcl(w, sp, acls, version);
    }, readStat);
  }

  /**
   * Deletes a node; with `recursive`, its subtree first (children first, tolerating
   * nodes that vanish meanwhile). @throws NoNodeError (not with recursive), NotEmptyError, BadVersionError
   */
  delete(path: string, options: { version?: number; recursive?: boolean } = {}): Promise<void> {
    let version: number;
    try {
      checkOptions(options, ['version', 'recursive']);
      validatePath(path);
      version = checkVersion(options.version);
    } catch (err) {
      return Promise.reject(err);
    }
    if (options.recursive) return this.#deleteTree(path, version);
    return this.#call(path, OpCode.delete, 'delete', (sp) => (w) => writePathVersion(w, sp, version), () => undefined);
  }

  async #deleteTree(path: string, version: number): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
      let children: string[];
      try {
        children = await this.getChildren(path);
      } catch (err) {
        if (err instanceof NoNodeError) return;
        throw err;
      }
      await Promise.all(children.map((c) => this.#deleteTree(joinPath(path, c), -1)));
      if (path === '/') return;
      try {
        await this.delete(path, { version });
        return;
      } catch (err) {
        if (err instanceof NoNodeError) return;
        if (!(err instanceof NotEmptyError)) throw err;
        // A child appeared meanwhile: go round again (bounded).
      }
    }
    throw new NotEmptyError({ op: 'delete', path }, `NOTEMPTY: ${path} (delete): children kept appearing`);
  }

  /** Starts a transaction: add operations, then `commit()`. */
  transaction(): Transaction {
    return new Transaction({
      createOp: (path, data, options) => this.#createOp(path, data, options),
      chroot: this.#chroot,
      submitMulti: (ops) =>
        this.#session.submit(OpCode.multi, 'multi', undefined, (w) => writeMulti(w, ops), (r, err) => {
          if (err !== 0 && r.remaining === 0) throw errorFromCode(err, { op: 'multi' });
          return readMulti(r, ops, (p) => stripChroot(this.#chroot, p), false) as TransactionResult[];
        }, ACCEPT_ANY),
    });
  }

  /**
   * Validates the path, lets `build` check the rest and return the body writer (a throw
   * becomes a rejection, before anything is sent), then submits.
   */
  #call<T>(path: string, type: number, op: string, build: (serverPath: string) => (w: Writer) => void, decode: Decoder<T>, acceptErr = 0): Promise<T> {
    let write: (w: Writer) => void;
    try {
      validatePath(path);
      write = build(prependChroot(this.#chroot, path));
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#session.submit(type, op, path, write, decode, acceptErr);
  }

  // --- watches -------------------------------------------------------------------

  /**
   * Adds a persistent watch (3.6+): `listener` gets every event at `path` (with
   * `recursive`, in its subtree, except child events) until removed.
   */
  addWatch(path: string, listener: Watcher, options: { recursive?: boolean } = {}): Promise<void> {
    if (typeof listener !== 'function') return Promise.reject(new InvalidArgumentError('listener', 'must be a function'));
    const kind: WatchKind = options.recursive ? 'persistentRecursive' : 'persistent';
    let serverPath = '';
    return this.#call(path, OpCode.addWatch, 'addWatch', (sp) => {
      checkOptions(options, ['recursive']);
      serverPath = sp;
      return (w) => writePathInt(w, sp, options.recursive ? 1 : 0);
    }, () => {
      this.#session.watches.add(kind, serverPath, listener);
    });
  }

  /**
   * Removes watches at `path`: `listener`'s, or every one of `type` when no listener
   * is given. The server is told once no watch of that type is left here.
   */
  async removeWatches(path: string, listener?: Watcher, options: { type?: WatcherType; local?: boolean } = {}): Promise<void> {
    validatePath(path);
    checkOptions(options, ['type', 'local']);
    const type = options.type ?? 'any';
    const kinds: Record<WatcherType, WatchKind[]> = {
      data: ['data', 'exist'],
      children: ['child'],
      persistent: ['persistent', 'persistentRecursive'],
      any: ['data', 'exist', 'child', 'persistent', 'persistentRecursive'],
    };
    if (!kinds[type]) throw new InvalidArgumentError('type', `must be one of ${Object.keys(kinds).join(', ')}`);
    const sp = prependChroot(this.#chroot, path);
    const reg = this.#session.watches;
    let found = false;
    for (const k of kinds[type]) {
      if (reg.has(k, sp, listener)) found = true;
      reg.remove(k, sp, listener);
    }
    if (!found) throw new InvalidArgumentError('listener', `no ${type} watch at ${path}`);
    if (options.local) return;
    const left = (ks: WatchKind[]) => ks.some((k) => reg.has(k, sp));
    // The server knows one watch per kind and path; remove it there once none is left here.
    const wire = type === 'data' ? 2 : type === 'children' ? 1 : 3;
    const wireKinds = type === 'persistent' || type === 'any' ? kinds.any : kinds[type];
    if (left(wireKinds)) return;
    try {
      await this.#session.submit(OpCode.removeWatches, 'removeWatches', path, (w) => writePathInt(w, sp, wire), () => undefined);
    } catch (err) {
      if (!(err instanceof Error && 'code' in err && err.code === ErrorCode.NOWATCHER)) throw err;
    }
  }

  /**
   * A persistent watch as an async iterator of events; ends on `break`, on the
   * signal (rejecting with its reason) or when the session is lost (after a `NONE`/`LOST` event).
   */
  watch(path: string, options: { recursive?: boolean; signal?: AbortSignal; maxBuffered?: number } = {}): AsyncIterableIterator<WatchedEvent> {
    validatePath(path);
    checkOptions(options, ['recursive', 'signal', 'maxBuffered']);
    return new WatchStream({
      add: (fn) => this.addWatch(path, fn, { recursive: options.recursive ?? false }),
      remove: (fn) => (this.state === ConnectionState.LOST ? Promise.resolve() : this.removeWatches(path, fn, { type: 'persistent' }).catch(() => {})),
      signal: options.signal,
      maxBuffered: options.maxBuffered ?? 10_000,
    });
  }

  // --- diagnostics -----------------------------------------------------------------

  /** For `@zookit/testing` only: the session id and password, to expire the session on the server. */
  [sessionCredentials](): { sessionId: bigint; password: Buffer; host: string; port: number } | undefined {
    if (this.#session.isClosed) throw new ClientClosedError();
    return this.#session.credentials();
  }

  /** Never shows the session password. */
  [inspect.custom](): string {
    return `ZooKeeperClient { hosts: '${this.#hosts}', state: '${this.state}', sessionId: 0x${this.sessionId.toString(16)} }`;
  }

  /** Never shows the session password. */
  toJSON(): Record<string, string> {
    return { hosts: this.#hosts, state: this.state, sessionId: `0x${this.sessionId.toString(16)}` };
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
