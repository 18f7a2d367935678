import { inspect } from 'node:util';
import { OpCode, readAcls, readClientInfos, readGetData, readStat, writePathVersion, writeReconfig, type GetDataResult, type Reader } from '@zookit/protocol';
import { OPEN_ACL_UNSAFE } from './acl.js';
import { ClientClosedError, ErrorCode, InvalidArgumentError } from './errors.js';
import { ConnectionEvents } from './events.js';
import { Operations } from './operations.js';
import { type ClientOptions } from './options.js';
import { DEFAULT_HOSTS, checkDuration, checkOptions, checkVersion, resolveOptions, toData } from './config.js';
import { validatePath } from './paths.js';
import { stripChroot } from './chroot.js';
import { retry, type RetryPolicy } from './retry.js';
import { Session } from './session/session.js';
import { hexId } from './tracing.js';
import { deleteTree, ensurePath, type TreeOps } from './tree.js';
import { Dispatcher } from './watches/dispatcher.js';
import { watchStream } from './watches/watch-stream.js';
import {
  ConnectionState, type Acl, type ClientInfo, type CreateOptions, type MultiReadResult, type Stat, type Transaction, type Watcher, type WatchedEvent,
  type WatchOptions, type WatcherType,
} from './types.js';

/**
 * The method that gives a client's live session id and password, and the server it
 * is connected to (undefined while disconnected): `zk[sessionCredentials]()`. Pass
 * `{ id: sessionId, password }` as the `session` option of another client to resume
 * the session there (kazoo's `client_id`); `@zookit/testing` uses it to expire sessions.
 */
export const sessionCredentials: unique symbol = Symbol.for('zookit.sessionCredentials') as never;

const READ_KEYS = ['watch'];
const CHILDREN_KEYS = ['watch', 'includeStat'];

/**
 * A ZooKeeper client: one session, many requests pipelined on one connection,
 * watches, and a connection-state listener with kazoo's states. Every callback
 * it is given runs isolated; the connection-event methods (`observe`, `runCallback`,
 * `waitForState`, `states`, listeners) come from `ConnectionEvents`.
 *
 * ```ts
 * const zk = new ZooKeeperClient({ hosts: '127.0.0.1:2181' });
 * await zk.start();
 * await zk.create('/app', 'hello');
 * ```
 */
export class ZooKeeperClient extends ConnectionEvents implements AsyncDisposable {
  readonly #session: Session;
  readonly #ops: Operations;
  readonly #chroot: string;
  readonly #hosts: string;
  readonly #tree: TreeOps;

  constructor(options: ClientOptions = {}) {
    const config = resolveOptions(options);
    const dispatcher = new Dispatcher(config.chroot, config.logger);
    super(dispatcher);
    dispatcher.attach(this);
    this.#chroot = config.chroot;
    this.#hosts = options.hosts ?? DEFAULT_HOSTS;
    this.#session = new Session(config, {
      onState: (state, previous) => dispatcher.state(state, previous),
      onError: (error) => dispatcher.report(error),
      onClosing: () => dispatcher.closing(),
      watches: dispatcher,
    });
    this.#ops = new Operations(this.#session, dispatcher, config.chroot, options.defaultAcl ?? OPEN_ACL_UNSAFE);
    this.#tree = {
      chroot: config.chroot,
      exists: (p) => this.exists(p),
      getChildren: (p) => this.getChildren(p),
      createEmpty: (sp) => this.#ops.createEmpty(sp),
      deleteNode: (p, version) => this.delete(p, { version }),
    };
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
   * Connects; resolves once CONNECTED (or READ_ONLY). Requests made before `start()`
   * reject with `ClientNotStartedError`.
   * @param options.timeout how long to wait for a session, in ms (default: the `connectTimeout` option, 15 s).
   * @throws ConnectTimeoutError when no session is established in time (the client is then closed); its
   *   message says when every host refused the connection or could not be resolved, `failures` has each host's error.
   */
  start(options: { timeout?: number } = {}): Promise<void> {
    let timeout: number | undefined;
    try {
      checkOptions(options, ['timeout']);
      timeout = checkDuration(options.timeout, 'timeout', 1);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#session.start(timeout);
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
    return this.#ops.read(path, options, READ_KEYS, OpCode.exists, 'exists', decodeExists, 'exist', ErrorCode.NONODE);
  }

  /** The node's data and Stat. @throws NoNodeError */
  get(path: string, options: WatchOptions = {}): Promise<GetDataResult> {
    return this.#ops.read(path, options, READ_KEYS, OpCode.getData, 'getData', readGetData, 'data');
  }

  /** The names of the node's children (with `includeStat`, also its Stat). @throws NoNodeError */
  getChildren(path: string, options?: WatchOptions & { includeStat?: false }): Promise<string[]>;
  getChildren(path: string, options: WatchOptions & { includeStat: true }): Promise<{ children: string[]; stat: Stat }>;
  getChildren(path: string, options: WatchOptions & { includeStat?: boolean } = {}): Promise<string[] | { children: string[]; stat: Stat }> {
    if (options?.includeStat === true) return this.#ops.read(path, options, CHILDREN_KEYS, OpCode.getChildren2, 'getChildren', decodeChildren2, 'child');
    return this.#ops.read(path, options, CHILDREN_KEYS, OpCode.getChildren, 'getChildren', decodeChildren, 'child');
  }

  /** The node's ACL and Stat. */
  getAcls(path: string): Promise<{ acls: Acl[]; stat: Stat }> {
    return this.#ops.call(path, OpCode.getACL, 'getACL', (sp) => (w) => w.string(sp), (r) => ({ acls: readAcls(r), stat: readStat(r) }));
  }

  /** The number of nodes under `path`, at any depth (3.6+). */
  getAllChildrenNumber(path: string): Promise<number> {
    return this.#ops.call(path, OpCode.getAllChildrenNumber, 'getAllChildrenNumber', (sp) => (w) => w.string(sp), (r) => r.int());
  }

  /** Paths of this session's ephemeral nodes under `prefix` (3.6+). */
  getEphemerals(prefix = '/'): Promise<string[]> {
    return this.#ops.call(prefix, OpCode.getEphemerals, 'getEphemerals', (sp) => (w) => w.string(sp), (r) => r.strings().map((p) => stripChroot(this.#chroot, p)));
  }

  /** Identities authenticated on this session (3.7+). */
  whoAmI(): Promise<ClientInfo[]> {
    return this.#session.submit(OpCode.whoAmI, 'whoAmI', undefined, () => {}, (r) => readClientInfos(r));
  }

  /** Waits until the server this client talks to has caught up with the leader for `path`. */
  sync(path: string): Promise<void> {
    return this.#ops.call(path, OpCode.sync, 'sync', (sp) => (w) => w.string(sp), () => undefined);
  }

  /** The ensemble's configuration (`/zookeeper/config`, never chrooted). */
  getConfig(options: WatchOptions = {}): Promise<GetDataResult> {
    return this.#ops.getConfig(options);
  }

  /** Changes the ensemble's membership (needs `reconfigEnabled` on the server). */
  reconfig(options: { joining?: string; leaving?: string; newMembers?: string; fromConfig?: bigint }): Promise<GetDataResult> {
    return this.#session.submit(OpCode.reconfig, 'reconfig', undefined, (w) => writeReconfig(w, options.joining ?? null, options.leaving ?? null, options.newMembers ?? null, options.fromConfig ?? -1n), (r) => readGetData(r));
  }

  /** Reads several nodes in one round trip (3.6+); each result is the read's value or its Error. */
  multiRead(ops: ReadonlyArray<{ op: 'get' | 'getChildren'; path: string }>): Promise<MultiReadResult[]> {
    return this.#ops.multiRead(ops);
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
    return this.#ops.create(path, data, options, (p) => this.ensurePath(p));
  }

  /** Creates `path` and every missing parent, without data. Resolves when it exists. */
  async ensurePath(path: string, options: { acl?: readonly Acl[] } = {}): Promise<void> {
    validatePath(path);
    checkOptions(options, ['acl']);
    const acl = options.acl;
    if (acl === undefined) return ensurePath(this.#tree, path);
    return ensurePath({ ...this.#tree, createEmpty: (sp) => this.#ops.createEmpty(sp, acl) }, path);
  }

  /** Replaces the node's data; `version` (default -1, any) must match. @throws BadVersionError, NoNodeError */
  set(path: string, data: Buffer | Uint8Array | string | null, options: { version?: number } = {}): Promise<Stat> {
    return this.#ops.set(path, data, options);
  }

  /** Replaces the node's ACL; `version` is the ACL version (aversion). */
  setAcls(path: string, acls: readonly Acl[], options: { version?: number } = {}): Promise<Stat> {
    return this.#ops.setAcls(path, acls, options);
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
    if (options.recursive) return deleteTree(this.#tree, path, version);
    return this.#ops.call(path, OpCode.delete, 'delete', (sp) => (w) => writePathVersion(w, sp, version), () => undefined);
  }

  /** Starts a transaction: add operations, then `commit()`. */
  transaction(): Transaction {
    return this.#ops.transaction();
  }

  // --- watches -------------------------------------------------------------------

  /**
   * Adds a persistent watch (3.6+): `listener` gets every event at `path` (with
   * `recursive`, in its subtree, except child events) until removed.
   */
  addWatch(path: string, listener: Watcher, options: { recursive?: boolean } = {}): Promise<void> {
    return this.#ops.addWatch(path, listener, options);
  }

  /**
   * Removes watches at `path`: `listener`'s, or every one of `type` when no listener
   * is given. The server is told once no watch of that type is left here.
   */
  removeWatches(path: string, listener?: Watcher, options: { type?: WatcherType; local?: boolean } = {}): Promise<void> {
    return this.#ops.removeWatches(path, listener, options);
  }

  /**
   * A persistent watch as an async iterator of events; ends on `break`, on the
   * signal (rejecting with its reason) or when the session is lost (after a `NONE`/`LOST` event).
   */
  watch(path: string, options: { recursive?: boolean; signal?: AbortSignal; maxBuffered?: number } = {}): AsyncIterableIterator<WatchedEvent> {
    validatePath(path);
    checkOptions(options, ['recursive', 'signal', 'maxBuffered']);
    return watchStream({
      add: (fn) => this.addWatch(path, fn, { recursive: options.recursive ?? false }),
      remove: (fn) => (this.state === ConnectionState.LOST ? Promise.resolve() : this.removeWatches(path, fn, { type: 'persistent' }).catch(() => {})),
      signal: options.signal,
      maxBuffered: options.maxBuffered ?? 10_000,
    });
  }

  // --- diagnostics -----------------------------------------------------------------

  /**
   * The live session's id and password and the server it is on (undefined while
   * disconnected): resume it elsewhere with the `session: { id, password }` option.
   * Never logged or shown by the client. @throws ClientClosedError after `stop()`.
   */
  [sessionCredentials](): { sessionId: bigint; password: Buffer; host: string; port: number } | undefined {
    if (this.#session.isClosed) throw new ClientClosedError();
    return this.#session.credentials();
  }

  /** Never shows the session password. */
  [inspect.custom](): string {
    return `ZooKeeperClient { hosts: '${this.#hosts}', state: '${this.state}', sessionId: ${hexId(this.sessionId)} }`;
  }

  /** Never shows the session password. */
  toJSON(): Record<string, string> {
    return { hosts: this.#hosts, state: this.state, sessionId: hexId(this.sessionId) };
  }
}

function decodeExists(r: Reader, err: number): Stat | null {
  return err === ErrorCode.NONODE ? null : readStat(r);
}

function decodeChildren(r: Reader): string[] {
  return r.strings();
}

function decodeChildren2(r: Reader): { children: string[]; stat: Stat } {
  const children = r.strings();
  return { children, stat: readStat(r) };
}
