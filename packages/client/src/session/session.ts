import net from 'node:net';
import {
  AuthFailedError,
  ClientClosedError,
  ConnectionLossError,
  ConnectTimeoutError,
  ErrorCode,
  FrameTooLargeError,
  InvalidArgumentError,
  ProtocolError,
  RequestTooLargeError,
  SessionClosedRequireSaslAuthError,
  SessionExpiredError,
  TlsCertificateError,
  ZooKitError,
  errorFromCode,
} from '../errors.js';
import { OpCode, WireEventType, Xid } from '../jute/opcodes.js';
import { Reader } from '../jute/reader.js';
import {
  readConnectResponse,
  readReplyHeader,
  readWatcherEvent,
  writeAuthPacket,
  writeConnectRequest,
} from '../jute/records.js';
import { Writer } from '../jute/writer.js';
import { stripChroot } from '../paths.js';
import { SocketTransport, type TlsOptions } from '../transport/socket-transport.js';
import { ConnectionState, EventType, type Watcher, type WatchedEvent } from '../types.js';
import { WatchRegistry } from '../watches/registry.js';
import { setWatchesFrames } from '../watches/set-watches.js';
import { HostProvider, type HostPort } from './host-provider.js';
import { PendingQueue } from './pending-queue.js';
import { DigestMd5Client, type SaslOptions } from './sasl.js';

/** A logger hook: any of the four levels may be left out. Secrets are never passed to it. */
export interface Logger {
  debug?(message: string, meta?: Record<string, unknown>): void;
  info?(message: string, meta?: Record<string, unknown>): void;
  warn?(message: string, meta?: Record<string, unknown>): void;
  error?(message: string, meta?: Record<string, unknown>): void;
}

export interface SessionOptions {
  hosts: HostPort[];
  chroot: string;
  sessionTimeout: number;
  connectTimeout: number;
  requestTimeout: number;
  readOnly: boolean;
  maxFrameSize: number;
  maxRequestSize: number;
  maxReconnectDelay: number;
  randomizeHosts: boolean;
  tls: TlsOptions | undefined;
  logger: Logger | undefined;
  sasl: SaslOptions | undefined;
  onState(state: ConnectionState, previous: ConnectionState): void;
  onError(error: Error): void;
  /** The session is about to close for good (stop(), or a terminal failure): called once, before the closeSession leaves. */
  onClosing(): void;
  /** Delivers a watch event to a user's watcher (isolated by the caller). */
  onWatch(fn: Watcher, event: WatchedEvent): void;
}

/**
 * Decodes a reply body. Called with the reply's error code when the request
 * accepts that code as an answer (e.g. NONODE for exists); otherwise only on success.
 */
export type Decoder<T> = (r: Reader, err: number) => T;

interface Request {
  xid: number;
  type: number;
  op: string;
  path: string | undefined;
  frame: Buffer;
  decode: Decoder<unknown>;
  acceptErr: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
  queuedAt: number;
}

interface AuthEntry {
  scheme: string;
  auth: Buffer;
  settled: boolean;
  resolve(): void;
  reject(error: Error): void;
}

const NO_PASSWORD = Buffer.alloc(16);
const SET_WATCHES_BATCH_BYTES = 128 * 1024;
const INITIAL_RECONNECT_DELAY = 50;

type Phase = 'idle' | 'connecting' | 'handshake' | 'sasl' | 'zombie' | 'connected' | 'closing' | 'closed';

/**
 * The session state machine: host list, handshake, pings and read timeout,
 * reconnect with backoff, auth and watch re-registration after a reconnect,
 * expiry (from the server, or by the clock while disconnected). It owns the
 * pending-request FIFO; replies are matched to its head by xid.
 */
export class Session {
  readonly watches = new WatchRegistry();
  readonly #o: SessionOptions;
  readonly #hosts: HostProvider;

  #phase: Phase = 'idle';
  #state: ConnectionState = ConnectionState.LOST;
  #transport: SocketTransport | null = null;
  #current: HostPort | null = null;
  #sessionId = 0n;
  #password: Buffer = NO_PASSWORD;
  #lastZxid = 0n;
  #negotiatedTimeout = 0;
  #seenRwServer = false;
  /** A session we declared lost locally; closed on the server at the next connection. */
  #zombie: { sessionId: bigint; password: Buffer } | null = null;
  #reconnectNow = false;
  #resumed = false;
  #closingAnnounced = false;
  #certFailures = 0;
  #seenSession = false;
  #probing = false;
  #probeDelay = 50;
  #nextProbe = 0;
  #probeIndex = 0;
  #readOnlyServer = false;
  #sasl: DigestMd5Client | null = null;
  #saslXid = 0;

  #xid = 1;
  readonly #pending = new PendingQueue<Request>();
  /** Requests waiting for a connection. */
  readonly #queued = new PendingQueue<Request>();
  readonly #auths: AuthEntry[] = [];
  #authInFlight: AuthEntry[] = [];

  #timer: NodeJS.Timeout | null = null;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #attemptStarted = 0;
  #failures = 0;
  #lastRecv = 0;
  #lastSend = 0;
  #sentSinceTick = false;
  #disconnectedAt = 0;
  #lastError: Error | undefined;

  #startWaiters: Array<{ resolve(): void; reject(e: Error): void }> = [];
  #closeWaiter: (() => void) | null = null;

  constructor(options: SessionOptions) {
    this.#o = options;
    this.#hosts = new HostProvider(options.hosts, options.randomizeHosts);
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get sessionId(): bigint {
    return this.#sessionId;
  }

  get negotiatedTimeout(): number {
    return this.#negotiatedTimeout;
  }

  get lastZxid(): bigint {
    return this.#lastZxid;
  }

  get lastHeardAt(): number {
    return this.#lastRecv;
  }

  get isClosed(): boolean {
    return this.#phase === 'closed' || this.#phase === 'closing';
  }

  get connectedHost(): HostPort | null {
    return this.#phase === 'connected' ? this.#current : null;
  }

  /** The session id and password, for the testing harness only (see `sessionCredentials`). */
  credentials(): { sessionId: bigint; password: Buffer; host: string; port: number } | undefined {
    if (this.#phase !== 'connected' || !this.#current) return undefined;
    return { sessionId: this.#sessionId, password: Buffer.from(this.#password), ...this.#current };
  }

  /** Number of requests sent and not answered, and waiting for a connection. */
  get inFlight(): { sent: number; queued: number } {
    return { sent: this.#pending.length, queued: this.#queued.length };
  }

  // --- lifecycle ------------------------------------------------------------

  /** Starts connecting; resolves once CONNECTED (or READ_ONLY). */
  start(): Promise<void> {
    if (this.isClosed) return Promise.reject(new ClientClosedError());
    if (this.#phase === 'connected') return Promise.resolve();
    const p = new Promise<void>((resolve, reject) => this.#startWaiters.push({ resolve, reject }));
    if (this.#phase === 'idle') {
      this.#timer = setInterval(() => this.#tick(), this.#tickInterval());
      this.#timer.unref();
      this.#connect();
    }
    const timeout = this.#o.connectTimeout;
    const t = setTimeout(() => {
      if (this.#phase === 'connected') return;
      const err = new ConnectTimeoutError(timeout, this.#hosts.list(), this.#lastError);
      void this.close(err);
    }, timeout);
    t.unref();
    return p.finally(() => clearTimeout(t));
  }

  /** Closes the session on the server (bounded wait) and stops everything. Idempotent. */
  async close(reason: Error = new ClientClosedError()): Promise<void> {
    if (this.#phase === 'closed') return;
    if (this.#phase === 'closing') {
      await new Promise<void>((resolve) => {
        const prev = this.#closeWaiter;
        this.#closeWaiter = () => {
          prev?.();
          resolve();
        };
      });
      return;
    }
    this.#announceClosing();
    const t = this.#phase === 'connected' ? this.#transport : null;
    // Sent while still 'connected', so it goes out now, behind what is in flight.
    const closing = t
      ? this.#enqueue(OpCode.closeSession, 'closeSession', undefined, () => {}, () => undefined, 0)
      : null;
    this.#phase = 'closing';
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    for (const r of this.#queued.drain()) r.reject(reason);
    if (t && closing) {
      await new Promise<void>((resolve) => {
        const bound = setTimeout(resolve, Math.min(2000, Math.max(200, this.#negotiatedTimeout / 3)));
        bound.unref();
        this.#closeWaiter = () => {
          clearTimeout(bound);
          resolve();
        };
        closing.then(() => t.end(), () => {}).finally(() => this.#closeWaiter?.());
      });
    }
    this.#finishClose(reason);
  }

  #announceClosing(): void {
    if (this.#closingAnnounced) return;
    this.#closingAnnounced = true;
    try {
      this.#o.onClosing();
    } catch (err) {
      this.#reportCallbackError(err);
    }
  }

  #finishClose(reason: Error): void {
    if (this.#phase === 'closed') return;
    this.#announceClosing();
    this.#phase = 'closed';
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    const t = this.#transport;
    this.#transport = null;
    t?.destroy();
    for (const r of this.#pending.drain()) r.reject(reason instanceof ClientClosedError ? new ConnectionLossError({ op: r.op, path: r.path }) : reason);
    for (const r of this.#queued.drain()) r.reject(reason);
    for (const a of this.#auths) this.#settleAuth(a, reason);
    this.#dropWatches();
    this.#sessionId = 0n;
    this.#password = NO_PASSWORD;
    this.#setState(ConnectionState.LOST);
    for (const w of this.#startWaiters.splice(0)) w.reject(reason);
    const cw = this.#closeWaiter;
    this.#closeWaiter = null;
    cw?.();
  }

  // --- requests ---------------------------------------------------------------

  /**
   * Encodes and sends a request (or queues it until connected). The promise
   * settles with the decoded reply, or with the typed error for the reply code.
   */
  submit<T>(type: number, op: string, path: string | undefined, write: (w: Writer) => void, decode: Decoder<T>, acceptErr = 0): Promise<T> {
    if (this.isClosed) return Promise.reject(new ClientClosedError());
    return this.#enqueue(type, op, path, write, decode, acceptErr) as Promise<T>;
  }

  #enqueue(type: number, op: string, path: string | undefined, write: (w: Writer) => void, decode: Decoder<unknown>, acceptErr: number): Promise<unknown> {
    const xid = this.#nextXid();
    const w = new Writer(128);
    w.int(xid).int(type);
    write(w);
    if (w.length > this.#o.maxRequestSize) {
      return Promise.reject(new RequestTooLargeError(op, w.length, this.#o.maxRequestSize));
    }
    return new Promise((resolve, reject) => {
      const req: Request = {
        xid,
        type,
        op,
        path,
        frame: w.frame(),
        decode,
        acceptErr,
        resolve,
        reject,
        queuedAt: 0,
      };
      if (this.#phase === 'connected' && this.#transport) {
        this.#pending.push(req);
        this.#transport.send(req.frame);
        this.#sentSinceTick = true;
      } else {
        req.queuedAt = performance.now();
        this.#queued.push(req);
      }
    });
  }

  #nextXid(): number {
    const x = this.#xid;
    this.#xid = x >= 0x7fffffff ? 1 : x + 1;
    return x;
  }

  /** Adds credentials to the session; they are re-sent after every reconnect. */
  addAuth(scheme: string, auth: Buffer): Promise<void> {
    if (this.isClosed) return Promise.reject(new ClientClosedError());
    return new Promise((resolve, reject) => {
      const entry: AuthEntry = { scheme, auth, settled: false, resolve, reject };
      this.#auths.push(entry);
      if (this.#phase === 'connected') this.#sendAuth(entry);
    });
  }

  #sendAuth(entry: AuthEntry): void {
    const w = new Writer(64 + entry.auth.length);
    w.int(Xid.auth).int(OpCode.auth);
    writeAuthPacket(w, entry.scheme, entry.auth);
    this.#authInFlight.push(entry);
    this.#transport?.send(w.frame());
  }

  #settleAuth(entry: AuthEntry, error?: Error): void {
    if (entry.settled) return;
    entry.settled = true;
    if (error) entry.reject(error);
    else entry.resolve();
  }

  // --- connection -------------------------------------------------------------

  #connect(): void {
    if (this.isClosed) return;
    this.#reconnectTimer = null;
    const target = this.#hosts.next();
    this.#current = target;
    this.#phase = 'connecting';
    this.#attemptStarted = performance.now();
    this.#log('debug', 'connecting', { host: target.host, port: target.port });
    let transport: SocketTransport;
    try {
      transport = new SocketTransport(
        { host: target.host, port: target.port, maxFrameSize: this.#o.maxFrameSize, tls: this.#o.tls },
        {
          onConnect: () => this.#onSocketConnect(transport),
          onFrame: (frame) => this.#onFrame(transport, frame),
          onClose: (err) => this.#onSocketClose(transport, err),
        },
      );
    } catch (err) {
      // Options Node refuses at once (a TLS key that does not decrypt, say): retrying cannot help.
      const reason = err instanceof Error ? err.message : String(err);
      queueMicrotask(() => this.#finishClose(new InvalidArgumentError('tls', `the connection options were refused: ${reason}`)));
      return;
    }
    this.#transport = transport;
  }

  #onSocketConnect(transport: SocketTransport): void {
    if (transport !== this.#transport) return;
    this.#phase = 'handshake';
    const zombie = this.#zombie;
    const resume = zombie ?? (this.#seenRwServer || !this.#o.readOnly ? { sessionId: this.#sessionId, password: this.#password } : null);
    const w = new Writer(64);
    writeConnectRequest(w, {
      protocolVersion: 0,
      lastZxidSeen: this.#lastZxid,
      timeOut: this.#o.sessionTimeout,
      sessionId: resume?.sessionId ?? 0n,
      passwd: resume?.password ?? NO_PASSWORD,
      readOnly: this.#o.readOnly,
    });
    transport.send(w.frame());
  }

  #onFrame(transport: SocketTransport, frame: Buffer): void {
    if (transport !== this.#transport) return;
    // Stamped per frame, not per tick: after a stalled event loop the first tick must
    // see how long the server has really been silent.
    this.#lastRecv = performance.now();
    try {
      if (this.#phase === 'handshake') this.#onConnectResponse(transport, frame);
      else if (this.#phase === 'zombie') this.#onZombieReply(transport, frame);
      else if (this.#phase === 'sasl') this.#onSaslReply(transport, frame);
      else this.#onReply(transport, frame);
    } catch (err) {
      const e = err instanceof ZooKitError ? err : new ProtocolError(`bad reply: ${String(err)}`, { cause: err });
      this.#log('warn', 'dropping the connection', { reason: e.message });
      transport.destroy(e);
    }
  }

  #onConnectResponse(transport: SocketTransport, frame: Buffer): void {
    if (frame.length === 16) {
      // A bare ReplyHeader instead of a ConnectResponse: the server refused the
      // session (a read-only server without local sessions answers NOTREADONLY).
      const err = frame.readInt32BE(12);
      throw new ProtocolError(`the server refused the handshake with ${errorFromCode(err).codeName} (${err})`);
    }
    const res = readConnectResponse(new Reader(frame));
    if (this.#zombie) {
      if (res.timeOut <= 0) {
        this.#zombie = null;
        this.#reconnectNow = true;
        transport.destroy();
        return;
      }
      // The locally-lost session still lives on the server: close it, so its
      // ephemeral nodes do not block others for another session timeout.
      this.#phase = 'zombie';
      const w = new Writer(16);
      w.int(this.#nextXid()).int(OpCode.closeSession);
      transport.send(w.frame());
      return;
    }
    if (res.timeOut <= 0) {
      this.#expire(new SessionExpiredError({ op: 'connect' }));
      this.#reconnectNow = true;
      transport.destroy();
      return;
    }
    if (res.passwd.length !== 16 && res.sessionId !== 0n) throw new ProtocolError(`session password of ${res.passwd.length} bytes`);
    if (this.#sessionId !== 0n && res.sessionId !== this.#sessionId) {
      // A different session than the one we held (leaving a read-only server's local session).
      this.#expire(new SessionExpiredError({ op: 'connect' }));
    }
    const resumed = this.#sessionId !== 0n && res.sessionId === this.#sessionId;
    this.#sessionId = res.sessionId;
    this.#password = res.passwd;
    this.#negotiatedTimeout = res.timeOut;
    if (!res.readOnly) this.#seenRwServer = true;
    this.#lastRecv = performance.now();
    this.#lastSend = this.#lastRecv;
    if (this.#timer) {
      clearInterval(this.#timer);
      this.#timer = setInterval(() => this.#tick(), this.#tickInterval());
      this.#timer.unref();
    }
    this.#log('info', resumed ? 'session resumed' : 'session established', {
      sessionId: `0x${res.sessionId.toString(16)}`,
      timeout: res.timeOut,
      host: this.#current?.host,
      port: this.#current?.port,
      readOnly: res.readOnly,
    });
    this.#resumed = resumed;
    this.#readOnlyServer = res.readOnly;
    if (this.#o.sasl) {
      // SASL first, before anything else: a server enforcing it closes the
      // session on any other request.
      this.#phase = 'sasl';
      this.#sasl = new DigestMd5Client(this.#o.sasl);
      this.#sendSasl(transport, this.#sasl.initial());
      return;
    }
    this.#completeConnect(transport);
  }

  #sendSasl(transport: SocketTransport, token: Buffer): void {
    const w = new Writer(64 + token.length);
    this.#saslXid = this.#nextXid();
    w.int(this.#saslXid).int(OpCode.sasl).buffer(token);
    transport.send(w.frame());
  }

  #onSaslReply(transport: SocketTransport, frame: Buffer): void {
    const r = new Reader(frame);
    const hdr = readReplyHeader(r);
    if (hdr.xid !== this.#saslXid) return; // pings, notifications
    if (hdr.err !== 0) {
      // 3.8 answers bad credentials with AUTHFAILED, or with SESSIONCLOSEDREQUIRESASLAUTH under enforcement.
      const cause = errorFromCode(hdr.err, { op: 'sasl' });
      const e = new AuthFailedError({ op: 'sasl', cause }, `AUTHFAILED: SASL DIGEST-MD5 authentication refused by the server (${cause.codeName})`);
      this.#log('error', 'SASL authentication failed; the client stops', { code: hdr.err });
      this.#o.onError(e);
      this.#finishClose(e);
      return;
    }
    const next = this.#sasl!.next(r.buffer() ?? Buffer.alloc(0));
    if (next === null) {
      this.#sasl = null;
      this.#log('info', 'SASL authenticated', { mechanism: 'DIGEST-MD5' });
      this.#completeConnect(transport);
    } else this.#sendSasl(transport, next);
  }

  /** The session is usable: send auth, re-register watches, flush what waited, announce. */
  #completeConnect(transport: SocketTransport): void {
    this.#phase = 'connected';
    this.#seenSession = true;
    this.#certFailures = 0;
    this.#failures = 0;
    this.#lastError = undefined;
    const resumed = this.#resumed;
    // Order matters: auth first, then watches, then what waited for us.
    this.#authInFlight = [];
    for (const a of this.#auths) this.#sendAuth(a);
    if (resumed) this.#sendSetWatches(transport);
    for (const r of this.#queued.drain()) {
      this.#pending.push(r);
      transport.send(r.frame);
    }
    this.#sentSinceTick = true;
    this.#probeDelay = 50;
    this.#nextProbe = 0;
    this.#setState(this.#readOnlyServer ? ConnectionState.READ_ONLY : ConnectionState.CONNECTED);
    for (const w of this.#startWaiters.splice(0)) w.resolve();
  }

  #sendSetWatches(transport: SocketTransport): void {
    for (const frame of setWatchesFrames(this.watches, this.#lastZxid, SET_WATCHES_BATCH_BYTES)) transport.send(frame);
  }


  #onReply(transport: SocketTransport, frame: Buffer): void {
    const r = new Reader(frame);
    const hdr = readReplyHeader(r);
    if (hdr.zxid > this.#lastZxid) this.#lastZxid = hdr.zxid;
    switch (hdr.xid) {
      case Xid.notification:
        this.#onNotification(r);
        return;
      case Xid.ping:
        return;
      case Xid.setWatches:
        if (hdr.err !== 0) this.#log('warn', 're-registering watches failed', { code: hdr.err });
        return;
      case Xid.auth:
        this.#onAuthReply(transport, hdr.err);
        return;
    }
    const req = this.#pending.peek();
    if (!req || req.xid !== hdr.xid) {
      throw new ProtocolError(`reply xid ${hdr.xid} does not match the oldest request's xid ${req ? req.xid : '(none)'}`);
    }
    this.#pending.shift();
    if (hdr.err !== 0 && hdr.err !== req.acceptErr) {
      const e = errorFromCode(hdr.err, { op: req.op, path: req.path });
      req.reject(e);
      if (hdr.err === ErrorCode.SESSIONCLOSEDREQUIRESASLAUTH) {
        // The server demands SASL and closed the session: retrying cannot help.
        this.#log('error', 'the server requires SASL authentication; the client stops');
        this.#o.onError(e);
        this.#finishClose(e);
      }
      return;
    }
    let value: unknown;
    try {
      value = req.decode(r, hdr.err);
    } catch (err) {
      if (err instanceof ProtocolError) {
        req.reject(new ProtocolError(`${err.message} in the ${req.op} reply`, { cause: err }));
        throw err;
      }
      req.reject(err as Error);
      return;
    }
    req.resolve(value);
  }

  #onZombieReply(transport: SocketTransport, frame: Buffer): void {
    const hdr = readReplyHeader(new Reader(frame));
    if (hdr.xid < 0) return;
    // The old session is closed on the server: start afresh.
    this.#zombie = null;
    this.#reconnectNow = true;
    transport.destroy();
  }

  #onAuthReply(transport: SocketTransport, err: number): void {
    const entry = this.#authInFlight.shift();
    if (err === 0) {
      if (entry) this.#settleAuth(entry);
      return;
    }
    const e = errorFromCode(err, { op: 'auth', ...(entry ? { path: entry.scheme } : {}) });
    if (entry) {
      const i = this.#auths.indexOf(entry);
      if (i >= 0) this.#auths.splice(i, 1);
      this.#settleAuth(entry, e);
    }
    if (err === ErrorCode.AUTHFAILED) {
      // Terminal, as in every ZooKeeper client: the server closes the session.
      this.#log('error', 'authentication failed; the client stops', { scheme: entry?.scheme });
      this.#o.onError(e);
      this.#finishClose(new AuthFailedError({ op: 'auth' }));
    }
  }

  #onNotification(r: Reader): void {
    const ev = readWatcherEvent(r);
    if (ev.type === WireEventType.None) return;
    if (ev.type < WireEventType.NodeCreated || ev.type > WireEventType.PersistentWatchRemoved) {
      // The server has dropped whatever watch this was; reconnecting re-registers ours.
      throw new ProtocolError(`notification with an unknown event type ${ev.type}`);
    }
    const fns = this.watches.collect(ev.type, ev.path);
    if (fns.size === 0) return;
    const type = WIRE_EVENT[ev.type];
    if (!type) return;
    const event: WatchedEvent = { type, state: this.#state, path: stripChroot(this.#o.chroot, ev.path) };
    for (const fn of fns) this.#deliver(fn, event);
  }

  #deliver(fn: Watcher, event: WatchedEvent): void {
    queueMicrotask(() => this.#o.onWatch(fn, event));
  }

  #reportCallbackError(err: unknown): void {
    this.#log('error', 'a watch or listener threw', { error: err instanceof Error ? err.message : String(err) });
    this.#o.onError(err instanceof Error ? err : new Error(String(err)));
  }

  #onSocketClose(transport: SocketTransport, err: Error | undefined): void {
    if (transport !== this.#transport) return;
    this.#transport = null;
    const wasConnected = this.#phase === 'connected';
    if (err) this.#lastError = err;
    if (this.#phase === 'closed' || this.#phase === 'closing') {
      if (this.#phase === 'closing') this.#closeWaiter?.();
      return;
    }
    if (!err && !wasConnected) {
      const where = `${this.#current?.host}:${this.#current?.port}`;
      this.#lastError = new ConnectionLossError({ op: 'connect' }, `${where} closed the connection during the handshake (a TLS port reached without TLS, or a server refusing this client)`);
    }
    this.#log(wasConnected ? 'warn' : 'debug', wasConnected ? 'connection lost' : 'connection attempt failed', {
      host: this.#current?.host,
      port: this.#current?.port,
      reason: err ? err.message : 'closed by the server',
    });
    this.#authInFlight = [];
    const lost = this.#pending.drain();
    // A reply too large for us is most likely the oldest request's: that one gets the real reason.
    if (err instanceof FrameTooLargeError) lost.shift()?.reject(err);
    for (const r of lost) r.reject(new ConnectionLossError({ op: r.op, path: r.path, ...(err ? { cause: err } : {}) }));
    if (wasConnected) {
      this.#disconnectedAt = performance.now();
      if (this.#state === ConnectionState.CONNECTED || this.#state === ConnectionState.READ_ONLY) {
        this.#setState(ConnectionState.SUSPENDED);
      }
      // Reconnect at once to the next host after a working connection drops.
      this.#phase = 'idle';
      this.#connect();
      return;
    }
    this.#phase = 'idle';
    if (this.#reconnectNow) {
      this.#reconnectNow = false;
      this.#connect();
      return;
    }
    this.#failures++;
    if (err instanceof SessionClosedRequireSaslAuthError || err instanceof AuthFailedError) {
      this.#finishClose(err);
      return;
    }
    // Every host refused our TLS view of it before we ever had a session: a
    // misconfiguration that waiting will not fix, so fail now instead of at connectTimeout.
    this.#certFailures = isCertificateError(err) ? this.#certFailures + 1 : 0;
    if (this.#certFailures >= this.#hosts.size && !this.#seenSession) {
      this.#finishClose(new TlsCertificateError(`every server's TLS certificate was refused: ${err!.message}`, { cause: err }));
      return;
    }
    const cycles = Math.floor(this.#failures / this.#hosts.size);
    const delay = this.#failures % this.#hosts.size !== 0 ? 0 : backoff(cycles, this.#o.maxReconnectDelay);
    this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
  }

  /**
   * While on a read-only server, look for a read-write one with the `isro`
   * four-letter word, backing off from 100 ms to 60 s (as the Java client does);
   * when one answers `rw`, drop this connection and go there.
   */
  #probeForRw(now: number): void {
    if (this.#state !== ConnectionState.READ_ONLY || this.#probing || now < this.#nextProbe) return;
    const candidates = this.#hosts.others(this.#current);
    if (candidates.length === 0) return;
    const target = candidates[this.#probeIndex++ % candidates.length]!;
    this.#probing = true;
    this.#probeDelay = Math.min(60_000, this.#probeDelay * 2);
    this.#nextProbe = now + this.#probeDelay;
    probeReadWrite(target, Math.min(1000, this.#probeDelay)).then((rw) => {
      this.#probing = false;
      if (!rw || this.#state !== ConnectionState.READ_ONLY || this.#phase !== 'connected') return;
      this.#log('info', 'found a read-write server; moving there', { host: target.host, port: target.port });
      this.#hosts.prefer(target);
      this.#transport?.destroy(new ConnectionLossError({ op: 'connect' }, 'moving from a read-only to a read-write server'));
    });
  }

  /** Fired by the timer: pings, read timeout, connect timeout, local expiry, queued deadlines. */
  #tick(): void {
    const now = performance.now();
    this.#probeForRw(now);
    if (this.#sentSinceTick) {
      this.#lastSend = now;
      this.#sentSinceTick = false;
    }
    const t = this.#transport;
    if ((this.#phase === 'connecting' || this.#phase === 'handshake' || this.#phase === 'sasl') && t) {
      const limit = Math.max(1000, Math.min(this.#o.connectTimeout, this.#o.sessionTimeout / this.#hosts.size));
      if (now - this.#attemptStarted > limit) {
        t.destroy(new ConnectionLossError({ op: 'connect' }, `no answer from ${this.#current?.host}:${this.#current?.port} within ${Math.round(limit)} ms`));
      }
    } else if (this.#phase === 'connected' && t) {
      const readTimeout = (this.#negotiatedTimeout * 2) / 3;
      if (now - this.#lastRecv > readTimeout) {
        const silence = now - this.#lastRecv;
        const lastHeard = this.#lastRecv;
        t.destroy(new ConnectionLossError({ op: 'ping' }, `no data from the server for ${Math.round(silence)} ms`));
        // The session clock runs from when we last heard from the server.
        this.#disconnectedAt = lastHeard;
      } else if (now - this.#lastSend >= readTimeout / 2) {
        const w = new Writer(16);
        w.int(Xid.ping).int(OpCode.ping);
        t.send(w.frame());
        this.#lastSend = now;
      }
    }
    if (this.#state === ConnectionState.SUSPENDED && this.#sessionId !== 0n && this.#negotiatedTimeout > 0) {
      if (now - this.#disconnectedAt > this.#negotiatedTimeout) {
        this.#log('warn', 'disconnected for longer than the session timeout: the session is treated as lost');
        this.#zombie = { sessionId: this.#sessionId, password: this.#password };
        this.#expire(new SessionExpiredError({ op: 'connect' }, 'SESSIONEXPIRED: disconnected for longer than the session timeout'));
      }
    }
    if (this.#queued.length > 0 && this.#o.requestTimeout > 0) {
      const deadline = now - this.#o.requestTimeout;
      for (const r of this.#queued.removeWhere((q) => q.queuedAt < deadline)) {
        r.reject(new ConnectionLossError({ op: r.op, path: r.path }, `CONNECTIONLOSS: ${r.path ?? ''} (${r.op}) waited ${this.#o.requestTimeout} ms for a connection`));
      }
    }
  }

  #tickInterval(): number {
    const base = this.#negotiatedTimeout || this.#o.sessionTimeout;
    return Math.max(20, Math.min(1000, Math.floor(base / 12)));
  }

  /** The session is gone: reject everything, drop watches with a LOST event, start afresh. */
  #expire(reason: SessionExpiredError): void {
    this.#log('warn', 'session expired', { sessionId: `0x${this.#sessionId.toString(16)}` });
    this.#sessionId = 0n;
    this.#password = NO_PASSWORD;
    this.#negotiatedTimeout = 0;
    for (const r of this.#pending.drain()) r.reject(new SessionExpiredError({ op: r.op, path: r.path }));
    for (const r of this.#queued.drain()) r.reject(new SessionExpiredError({ op: r.op, path: r.path }));
    this.#setState(ConnectionState.LOST);
    this.#dropWatches();
    this.#lastError = reason;
  }

  #dropWatches(): void {
    for (const [path, fn] of this.watches.drain()) {
      this.#deliver(fn, { type: EventType.NONE, state: ConnectionState.LOST, path: stripChroot(this.#o.chroot, path) });
    }
  }

  #setState(next: ConnectionState): void {
    const prev = this.#state;
    if (prev === next) return;
    this.#state = next;
    this.#log('info', `state ${prev} -> ${next}`);
    queueMicrotask(() => {
      try {
        this.#o.onState(next, prev);
      } catch (err) {
        this.#reportCallbackError(err);
      }
    });
  }

  #log(level: keyof Logger, message: string, meta?: Record<string, unknown>): void {
    const fn = this.#o.logger?.[level];
    if (!fn) return;
    try {
      fn.call(this.#o.logger, message, meta);
    } catch {
      // A logger must not break the session.
    }
  }
}

const WIRE_EVENT: Record<number, WatchedEvent['type']> = {
  [WireEventType.NodeCreated]: EventType.CREATED,
  [WireEventType.NodeDeleted]: EventType.DELETED,
  [WireEventType.NodeDataChanged]: EventType.CHANGED,
  [WireEventType.NodeChildrenChanged]: EventType.CHILD,
};

/** Node's codes for a server certificate that did not verify. */
function isCertificateError(err: Error | undefined): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT_ALTNAME_INVALID|UNABLE_TO_GET_ISSUER/.test(code));
}

/** Asks a server with `isro` whether it serves writes; false on any failure. */
function probeReadWrite(target: HostPort, timeout: number): Promise<boolean> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = net.connect({ host: target.host, port: target.port });
    const done = (rw: boolean) => {
      socket.destroy();
      resolve(rw);
    };
    socket.setTimeout(timeout, () => done(false));
    socket.on('connect', () => socket.write('isro'));
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('end', () => done(answer.trim() === 'rw'));
    socket.on('error', () => done(false));
  });
}

/** Exponential backoff with jitter in [50%, 100%] of the step, capped. */
function backoff(cycles: number, max: number): number {
  const step = Math.min(max, INITIAL_RECONNECT_DELAY * 2 ** Math.min(cycles, 16));
  return Math.round(step * (0.5 + Math.random() * 0.5));
}
