import { OpCode, Reader, readReplyHeader, type Writer } from '@zookit/protocol';
import {
  AuthFailedError,
  ClientClosedError,
  ClientNotStartedError,
  ConnectionLossError,
  FrameTooLargeError,
  SessionClosedRequireSaslAuthError,
  SessionExpiredError,
} from '../errors.js';
import type { Logger } from '../options.js';
import type { HostPort, SessionConfig } from '../config.js';
import type { SocketTransport } from '../transport/socket-transport.js';
import { ConnectionState } from '../types.js';
import { ConnectAttempts } from './attempts.js';
import { AuthList } from './auths.js';
import { Connection, type ConnectionOwner } from './connection.js';
import { Handshake, type ConnectAnswer } from './handshake.js';
import { HeldSession } from './held.js';
import { Heartbeat } from './heartbeat.js';
import { HostProvider } from './host-provider.js';
import { ReadWriteProbe } from './read-only-probe.js';
import { canMove, type Phase, type SessionHooks } from './phases.js';
import { routeReply, type ReplyContext } from './replies.js';
import { RequestQueue, type Decoder } from './requests.js';
import { deferred, waitFor } from '../wait.js';
import type { RequestMessage } from '../channels.js';
import { ConnectTrace, hexId, publishSession, requestTraced, stateChannel, traceRequest } from '../tracing.js';
import { logSafely } from '../log.js';
import type { WatchSpec } from './watch-sink.js';

export type { Decoder } from './requests.js';
export type { SessionHooks } from './phases.js';

/**
 * The session state machine: host list, handshake, pings and read timeout,
 * reconnect with backoff, auth and watch re-registration after a reconnect,
 * expiry (from the server, or by the clock while disconnected). Replies are
 * matched to the head of the request FIFO by xid.
 */
export class Session {
  readonly #c: SessionConfig;
  readonly #hooks: SessionHooks;
  readonly #hosts: HostProvider;
  readonly #requests: RequestQueue;
  readonly #auths = new AuthList();
  readonly #heartbeat = new Heartbeat((now) => this.#tick(now));
  readonly #attempts: ConnectAttempts;
  readonly #probe: ReadWriteProbe;
  readonly #replies: ReplyContext;
  readonly #handshake: Handshake;
  readonly #connectTrace = new ConnectTrace();

  #phase: Phase = 'new';
  #state: ConnectionState = ConnectionState.LOST;
  #conn: Connection | null = null;
  #current: HostPort | null = null;
  readonly #held: HeldSession;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #reconnectNow = false;
  #startWaiters: Array<{ resolve(): void; reject(e: Error): void }> = [];
  /** While closing: called when the socket is gone. */
  #socketGone: (() => void) | null = null;
  readonly #closed = deferred();

  constructor(config: SessionConfig, hooks: SessionHooks) {
    this.#c = config;
    this.#hooks = hooks;
    this.#hosts = new HostProvider(config.hosts, config.randomizeHosts);
    this.#requests = new RequestQueue(config.maxRequestSize);
    this.#attempts = new ConnectAttempts(this.#hosts, config.maxReconnectDelay);
    this.#probe = new ReadWriteProbe(this.#hosts);
    this.#handshake = new Handshake(config, () => this.#requests.nextXid());
    this.#replies = {
      requests: this.#requests,
      auths: this.#auths,
      watches: hooks.watches,
      state: () => this.#state,
      log: (level, message, meta) => this.#log(level, message, meta),
      fail: (reported, reason) => this.#fail(reported, reason),
    };
    this.#held = new HeldSession(config.resume);
  }

  get #transport(): SocketTransport | null {
    return this.#conn?.transport ?? null;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get sessionId(): bigint {
    return this.#phase === 'new' ? 0n : this.#held.id;
  }

  get negotiatedTimeout(): number {
    return this.#held.timeout;
  }

  get lastZxid(): bigint {
    return this.#held.lastZxid;
  }

  get lastHeardAt(): number {
    return this.#heartbeat.lastHeardAt;
  }

  get isClosed(): boolean {
    return this.#phase === 'closed' || this.#phase === 'closing';
  }

  /** The session id and password and the server, while connected. */
  credentials(): { sessionId: bigint; password: Buffer; host: string; port: number } | undefined {
    if (this.#phase !== 'connected' || !this.#current) return undefined;
    return { sessionId: this.#held.id, password: Buffer.from(this.#held.key.password), ...this.#current };
  }

  get inFlight(): { sent: number; queued: number } {
    return this.#requests.inFlight;
  }

  // --- the one transition function -------------------------------------------------

  /** Every phase change goes through here; a move the table (phases.ts) does not list is logged as a bug. */
  #enter(next: Phase): void {
    const from = this.#phase;
    if (!canMove(from, next)) this.#log('error', `session phase ${from} -> ${next} is not a transition of the machine`);
    this.#phase = next;
  }

  // --- lifecycle ------------------------------------------------------------------

  /** Starts connecting; resolves once CONNECTED (or READ_ONLY), rejects after `timeout` ms. */
  start(timeout = this.#c.connectTimeout): Promise<void> {
    if (this.isClosed) return Promise.reject(new ClientClosedError());
    if (this.#phase === 'connected') return Promise.resolve();
    const p = new Promise<void>((resolve, reject) => this.#startWaiters.push({ resolve, reject }));
    if (this.#phase === 'new') {
      this.#heartbeat.start(this.#c.sessionTimeout);
      this.#connect();
    }
    const t = setTimeout(() => {
      if (this.#phase !== 'connected') void this.close(this.#attempts.timeoutError(timeout));
    }, timeout);
    t.unref();
    return p.finally(() => clearTimeout(t));
  }

  /** Closes the session on the server (bounded wait) and stops everything. Idempotent. */
  async close(reason: Error = new ClientClosedError()): Promise<void> {
    if (this.#phase === 'closed') return;
    if (this.#phase === 'closing') return this.#closed.promise;
    this.#hooks.onClosing();
    const t = this.#phase === 'connected' ? this.#transport : null;
    // Sent while still 'connected', so it goes out now, behind what is in flight.
    const closing = t ? this.#requests.enqueue(OpCode.closeSession, 'closeSession', undefined, () => {}, () => undefined, 0, undefined, t) : null;
    this.#enter('closing');
    this.#cancelReconnect();
    this.#requests.rejectQueued(() => reason);
    if (t && closing) {
      // Bounded: the closeSession's answer, or the socket's end, whichever comes first.
      await waitFor((settle) => {
        this.#socketGone = () => settle.resolve();
        void closing.then(() => t.end(), () => {}).finally(() => settle.resolve());
        return () => (this.#socketGone = null);
      }, { timeout: Math.min(2000, Math.max(200, this.#held.timeout / 3)) });
    }
    this.#finishClose(reason);
  }

  #finishClose(reason: Error): void {
    if (this.#phase === 'closed') return;
    if (this.#phase !== 'closing') this.#hooks.onClosing(); // close() said it already
    this.#enter('closed');
    this.#connectTrace.ended('closed', undefined);
    if (this.#held.id !== 0n) publishSession(() => ({ event: 'closed', sessionId: hexId(this.#held.id) }));
    this.#heartbeat.stop();
    this.#cancelReconnect();
    const t = this.#transport;
    this.#conn = null;
    t?.destroy();
    this.#requests.rejectSent((r) => (reason instanceof ClientClosedError ? new ConnectionLossError({ op: r.op, path: r.path }) : reason));
    this.#requests.rejectQueued(() => reason);
    this.#auths.rejectAll(reason);
    this.#hooks.watches.dropAll();
    this.#held.forget(true);
    this.#setState(ConnectionState.LOST);
    for (const w of this.#startWaiters.splice(0)) w.reject(reason);
    this.#closed.resolve();
  }

  #cancelReconnect(): void {
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
  }

  // --- requests -------------------------------------------------------------------

  /**
   * Encodes and sends a request (or queues it until connected). The promise settles
   * with the decoded reply, or with the typed error for the reply code; on success
   * the request's `watch` is registered before it resolves.
   */
  submit<T>(
    type: number, op: string, path: string | undefined, write: (w: Writer) => void, decode: Decoder<T>, acceptErr = 0, watch?: WatchSpec, ops?: number,
  ): Promise<T> {
    if (this.isClosed) return Promise.reject(new ClientClosedError());
    if (this.#phase === 'new') return Promise.reject(new ClientNotStartedError(op));
    const t = this.#phase === 'connected' ? this.#transport : null;
    if (t) this.#heartbeat.sent();
    if (!requestTraced()) return this.#requests.enqueue(type, op, path, write, decode, acceptErr, watch, t) as Promise<T>;
    const cur = this.#current;
    const ctx: RequestMessage = { op, path, xid: 0, sessionId: hexId(this.#held.id), server: t && cur ? { address: cur.host, port: cur.port } : null };
    if (ops !== undefined) ctx.ops = ops;
    return traceRequest(ctx, () => this.#requests.enqueue(type, op, path, write, decode, acceptErr, watch, t, ctx) as Promise<T>);
  }

  /** Adds credentials to the session; they are re-sent after every reconnect. */
  addAuth(scheme: string, auth: Buffer): Promise<void> {
    if (this.isClosed) return Promise.reject(new ClientClosedError());
    return this.#auths.add(scheme, auth, this.#phase === 'connected' ? this.#transport : null);
  }

  // --- connection -----------------------------------------------------------------

  #connect(): void {
    if (this.isClosed) return;
    this.#reconnectTimer = null;
    const target = this.#hosts.next();
    this.#current = target;
    this.#enter('connecting');
    this.#attempts.began();
    this.#connectTrace.begin(target.host, target.port, this.#held.id, this.#held.seen);
    this.#log('debug', 'connecting', { host: target.host, port: target.port });
    try {
      this.#conn = new Connection(target, this.#c, this.#handshake, this.#held, this.#owner);
    } catch (err) {
      // Options Node refuses at once: retrying cannot help.
      queueMicrotask(() => this.#finishClose(err as Error));
    }
  }

  /** What the current connection tells the session. */
  readonly #owner: ConnectionOwner = {
    isCurrent: (conn) => conn === this.#conn,
    phase: () => this.#phase,
    enter: (next) => this.#enter(next),
    heard: () => this.#heartbeat.heard(),
    established: (answer) => this.#established(answer),
    connected: (resumed) => this.#completeConnect(resumed),
    restart: (expired) => {
      this.#connectTrace.ended(expired ? 'expired' : 'failed', undefined);
      if (expired) this.#expire(new SessionExpiredError({ op: 'connect' }));
      this.#reconnectNow = true;
    },
    refused: (error) => this.#fail(error, error),
    reply: (frame) => this.#onReply(frame),
    closed: (err) => this.#onSocketClose(err),
    log: (level, message, meta) => this.#log(level, message, meta),
  };

  /** The server granted a session: take it (a different one than held means the held one is gone). Returns whether it was resumed. */
  #established(answer: Extract<ConnectAnswer, { expired: false }>): boolean {
    // A different session than the one we held (leaving a read-only server's local session): the held one is gone.
    if (this.#held.id !== 0n && answer.sessionId !== this.#held.id) this.#expire(new SessionExpiredError({ op: 'connect' }));
    const resumed = this.#held.take(answer);
    this.#heartbeat.reset();
    this.#heartbeat.start(answer.timeout);
    const cur = this.#current;
    if (!resumed && cur) publishSession(() => ({ event: 'established', sessionId: hexId(answer.sessionId), timeout: answer.timeout, readOnly: answer.readOnly, server: { address: cur.host, port: cur.port } }));
    this.#log('info', resumed ? 'session resumed' : 'session established', {
      sessionId: hexId(answer.sessionId), timeout: answer.timeout, host: this.#current?.host, port: this.#current?.port, readOnly: answer.readOnly,
    });
    return resumed;
  }

  /** The session is usable: send auth, re-register watches, flush what waited, announce. */
  #completeConnect(resumed: boolean): void {
    const transport = this.#transport!;
    this.#enter('connected');
    this.#held.seen = true;
    this.#attempts.succeeded();
    // Order matters: auth first, then watches, then what waited for us.
    this.#auths.sendAll(transport);
    if (resumed) for (const frame of this.#hooks.watches.rearmFrames(this.#held.lastZxid)) transport.send(frame);
    this.#requests.flushQueued(transport, this.#current);
    this.#heartbeat.sent();
    this.#probe.reset();
    this.#connectTrace.connected(this.#held.timeout, this.#held.readOnly, resumed);
    this.#setState(this.#held.readOnly ? ConnectionState.READ_ONLY : ConnectionState.CONNECTED);
    for (const w of this.#startWaiters.splice(0)) w.resolve();
  }

  #onReply(frame: Buffer): void {
    const r = new Reader(frame);
    const hdr = readReplyHeader(r);
    this.#held.sawZxid(hdr.zxid);
    routeReply(this.#replies, hdr.xid, hdr.err, r);
  }

  /** A terminal failure: reported on 'error', then the client closes with `reason`. */
  #fail(reported: Error, reason: Error): void {
    this.#hooks.onError(reported);
    this.#finishClose(reason);
  }

  #onSocketClose(err: Error | undefined): void {
    this.#conn = null;
    this.#connectTrace.ended(this.isClosed ? 'closed' : 'failed', err);
    if (this.#phase === 'closed' || this.#phase === 'closing') {
      if (this.#phase === 'closing') this.#socketGone?.();
      return;
    }
    const wasConnected = this.#phase === 'connected';
    this.#log(wasConnected ? 'warn' : 'debug', wasConnected ? 'connection lost' : 'connection attempt failed', {
      host: this.#current?.host, port: this.#current?.port, reason: err ? err.message : 'closed by the server',
    });
    this.#auths.forgetSent();
    // A reply too large for us is most likely the oldest request's: that one gets the real reason.
    this.#requests.loseSent(err, err instanceof FrameTooLargeError ? err : undefined);
    this.#enter('idle');
    if (wasConnected) return this.#onConnectionLost(err);
    if (this.#reconnectNow) {
      this.#reconnectNow = false;
      return this.#connect();
    }
    if (err instanceof SessionClosedRequireSaslAuthError || err instanceof AuthFailedError) return this.#finishClose(err);
    const next = this.#attempts.failed(this.#current, err, this.#held.seen);
    if (typeof next !== 'number') return this.#finishClose(next);
    this.#reconnectTimer = setTimeout(() => this.#connect(), next);
  }

  /** A working connection dropped: SUSPENDED, and reconnect at once to the next host. */
  #onConnectionLost(err: Error | undefined): void {
    if (err) this.#attempts.lastError = err;
    this.#held.disconnectedAt = performance.now();
    if (this.#state === ConnectionState.CONNECTED || this.#state === ConnectionState.READ_ONLY) this.#setState(ConnectionState.SUSPENDED);
    this.#connect();
  }

  // --- the clock ------------------------------------------------------------------

  /** Every tick: read-write probe, connect timeout, pings and read timeout, expiry by the clock, queued deadlines. */
  #tick(now: number): void {
    if (this.#state === ConnectionState.READ_ONLY) this.#probe.maybeProbe(now, this.#current, (host) => this.#moveToRw(host));
    const t = this.#transport;
    if ((this.#phase === 'connecting' || this.#phase === 'handshake' || this.#phase === 'sasl') && t) {
      const limit = this.#attempts.overdue(now, this.#c.connectTimeout, this.#c.sessionTimeout);
      if (limit !== undefined) t.destroy(new ConnectionLossError({ op: 'connect' }, `no answer from ${this.#current?.host}:${this.#current?.port} within ${Math.round(limit)} ms`));
    } else if (this.#phase === 'connected' && t) {
      const lastHeard = this.#heartbeat.check(now, t, this.#held.timeout);
      // The session clock runs from when we last heard from the server.
      if (lastHeard !== undefined) this.#held.disconnectedAt = lastHeard;
    }
    if (this.#state === ConnectionState.SUSPENDED && this.#held.overdue(now)) {
      this.#log('warn', 'disconnected for longer than the session timeout: the session is treated as lost');
      this.#handshake.abandon(this.#held.key);
      this.#expire(new SessionExpiredError({ op: 'connect' }, 'SESSIONEXPIRED: disconnected for longer than the session timeout'), 'lost');
    }
    this.#requests.expireQueued(now, this.#c.requestTimeout);
  }

  #moveToRw(host: HostPort): void {
    if (this.#state !== ConnectionState.READ_ONLY || this.#phase !== 'connected') return;
    this.#log('info', 'found a read-write server; moving there', { host: host.host, port: host.port });
    this.#hosts.prefer(host);
    this.#transport?.destroy(new ConnectionLossError({ op: 'connect' }, 'moving from a read-only to a read-write server'));
  }

  /** The session is gone: reject everything, drop watches with a LOST event, start afresh. */
  #expire(reason: SessionExpiredError, event: 'expired' | 'lost' = 'expired'): void {
    this.#log('warn', 'session expired', { sessionId: hexId(this.#held.id) });
    publishSession(() => ({ event, sessionId: hexId(this.#held.id) }));
    this.#held.forget();
    this.#requests.rejectSent((r) => new SessionExpiredError({ op: r.op, path: r.path }));
    this.#requests.rejectQueued((r) => new SessionExpiredError({ op: r.op, path: r.path }));
    this.#setState(ConnectionState.LOST);
    this.#hooks.watches.dropAll();
    this.#attempts.lastError = reason;
  }

  #setState(next: ConnectionState): void {
    const prev = this.#state;
    if (prev === next) return;
    this.#state = next;
    this.#log('info', `state ${prev} -> ${next}`);
    if (stateChannel.hasSubscribers) stateChannel.publish({ state: next, previous: prev, sessionId: hexId(this.#held.id) });
    queueMicrotask(() => this.#hooks.onState(next, prev));
  }

  #log(level: keyof Logger, message: string, meta?: Record<string, unknown>): void {
    logSafely(this.#c.logger, level, message, meta);
  }
}
