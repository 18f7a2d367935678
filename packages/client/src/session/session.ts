import { OpCode, Reader, readReplyHeader, type Writer } from '@zookit/protocol';
import {
  AuthFailedError,
  ClientClosedError,
  ClientNotStartedError,
  ConnectionLossError,
  FrameTooLargeError,
  InvalidArgumentError,
  ProtocolError,
  SessionClosedRequireSaslAuthError,
  SessionExpiredError,
  ZooKitError,
} from '../errors.js';
import type { Logger } from '../options.js';
import type { HostPort, SessionConfig } from '../config.js';
import { SocketTransport } from '../transport/socket-transport.js';
import { ConnectionState } from '../types.js';
import { ConnectAttempts } from './attempts.js';
import { AuthList } from './auths.js';
import { Handshake, NO_PASSWORD, type ConnectAnswer, type HandshakeStep, type SessionKey } from './handshake.js';
import { Heartbeat } from './heartbeat.js';
import { HostProvider } from './host-provider.js';
import { ReadWriteProbe } from './read-only-probe.js';
import { canMove, type Phase, type SessionHooks } from './phases.js';
import { routeReply, type ReplyContext } from './replies.js';
import { RequestQueue, type Decoder } from './requests.js';
import { deferred, waitFor } from '../wait.js';
import type { RequestMessage } from '../channels.js';
import { ConnectTrace, hexId, requestTraced, sessionChannel, stateChannel, traceRequest } from '../tracing.js';
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
  #transport: SocketTransport | null = null;
  #current: HostPort | null = null;
  #key: SessionKey = { sessionId: 0n, password: NO_PASSWORD };
  #lastZxid = 0n;
  #negotiatedTimeout = 0;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #reconnectNow = false;
  #disconnectedAt = 0;
  #readOnlyServer = false;
  #seenSession = false;
  #closingAnnounced = false;
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
    if (config.resume) this.#key = { ...config.resume };
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get sessionId(): bigint {
    return this.#phase === 'new' ? 0n : this.#key.sessionId;
  }

  get negotiatedTimeout(): number {
    return this.#negotiatedTimeout;
  }

  get lastZxid(): bigint {
    return this.#lastZxid;
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
    return { sessionId: this.#key.sessionId, password: Buffer.from(this.#key.password), ...this.#current };
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
    this.#announceClosing();
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
      }, { timeout: Math.min(2000, Math.max(200, this.#negotiatedTimeout / 3)) });
    }
    this.#finishClose(reason);
  }

  #announceClosing(): void {
    if (this.#closingAnnounced) return;
    this.#closingAnnounced = true;
    this.#hooks.onClosing();
  }

  #finishClose(reason: Error): void {
    if (this.#phase === 'closed') return;
    this.#announceClosing();
    this.#enter('closed');
    this.#connectTrace.ended('closed', undefined);
    if (this.#key.sessionId !== 0n && sessionChannel.hasSubscribers) sessionChannel.publish({ event: 'closed', sessionId: hexId(this.#key.sessionId) });
    this.#heartbeat.stop();
    this.#cancelReconnect();
    const t = this.#transport;
    this.#transport = null;
    t?.destroy();
    this.#requests.rejectSent((r) => (reason instanceof ClientClosedError ? new ConnectionLossError({ op: r.op, path: r.path }) : reason));
    this.#requests.rejectQueued(() => reason);
    this.#auths.rejectAll(reason);
    this.#hooks.watches.dropAll();
    this.#key = { sessionId: 0n, password: NO_PASSWORD };
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
    const ctx: RequestMessage = { op, path, xid: 0, sessionId: hexId(this.#key.sessionId), server: t && cur ? { address: cur.host, port: cur.port } : null };
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
    this.#connectTrace.begin(target.host, target.port, this.#key.sessionId, this.#seenSession);
    this.#log('debug', 'connecting', { host: target.host, port: target.port });
    let transport: SocketTransport;
    try {
      transport = new SocketTransport(
        { host: target.host, port: target.port, maxFrameSize: this.#c.maxFrameSize, tls: this.#c.tls },
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
    this.#enter('handshake');
    transport.send(this.#handshake.request(this.#key, this.#lastZxid));
  }

  #onFrame(transport: SocketTransport, frame: Buffer): void {
    if (transport !== this.#transport) return;
    this.#heartbeat.heard();
    try {
      if (this.#phase === 'handshake') this.#step(transport, this.#handshake.onConnectResponse(frame));
      else if (this.#phase === 'zombie') this.#step(transport, this.#handshake.onZombieReply(frame));
      else if (this.#phase === 'sasl') this.#step(transport, this.#handshake.onSaslReply(frame));
      else this.#onReply(frame);
    } catch (err) {
      const e = err instanceof ZooKitError ? err : new ProtocolError(`bad reply: ${String(err)}`, { cause: err });
      this.#log('warn', 'dropping the connection', { reason: e.message });
      transport.destroy(e);
    }
  }

  /** Applies what the handshake decided. */
  #step(transport: SocketTransport, step: HandshakeStep): void {
    switch (step.do) {
      case 'wait':
        return;
      case 'send':
        if (step.phase) this.#enter(step.phase);
        return transport.send(step.frame);
      case 'restart':
        this.#connectTrace.ended(step.expired ? 'expired' : 'failed', undefined);
        if (step.expired) this.#expire(new SessionExpiredError({ op: 'connect' }));
        this.#reconnectNow = true;
        return transport.destroy();
      case 'established':
        return this.#step(transport, this.#handshake.startSasl(this.#established(step.answer)));
      case 'connected':
        if (this.#phase === 'sasl') this.#log('info', 'SASL authenticated', { mechanism: 'DIGEST-MD5' });
        return this.#completeConnect(transport, step.resumed);
      case 'fail':
        this.#log('error', 'SASL authentication failed; the client stops', { code: (step.error.cause as { code?: number }).code });
        return this.#fail(step.error, step.error);
    }
  }

  /** The server granted a session: take it (a different one than held means the held one is gone). Returns whether it was resumed. */
  #established(answer: Extract<ConnectAnswer, { expired: false }>): boolean {
    if (this.#key.sessionId !== 0n && answer.sessionId !== this.#key.sessionId) {
      // A different session than the one we held (leaving a read-only server's local session).
      this.#expire(new SessionExpiredError({ op: 'connect' }));
    }
    const resumed = this.#key.sessionId !== 0n && answer.sessionId === this.#key.sessionId;
    this.#key = { sessionId: answer.sessionId, password: answer.password };
    this.#negotiatedTimeout = answer.timeout;
    this.#readOnlyServer = answer.readOnly;
    this.#heartbeat.reset();
    this.#heartbeat.start(answer.timeout);
    if (!resumed && sessionChannel.hasSubscribers && this.#current) {
      const server = { address: this.#current.host, port: this.#current.port };
      sessionChannel.publish({ event: 'established', sessionId: hexId(answer.sessionId), timeout: answer.timeout, readOnly: answer.readOnly, server });
    }
    this.#log('info', resumed ? 'session resumed' : 'session established', {
      sessionId: `0x${answer.sessionId.toString(16)}`, timeout: answer.timeout, host: this.#current?.host, port: this.#current?.port, readOnly: answer.readOnly,
    });
    return resumed;
  }

  /** The session is usable: send auth, re-register watches, flush what waited, announce. */
  #completeConnect(transport: SocketTransport, resumed: boolean): void {
    this.#enter('connected');
    this.#seenSession = true;
    this.#attempts.succeeded();
    // Order matters: auth first, then watches, then what waited for us.
    this.#auths.sendAll(transport);
    if (resumed) for (const frame of this.#hooks.watches.rearmFrames(this.#lastZxid)) transport.send(frame);
    this.#requests.flushQueued(transport, this.#current);
    this.#heartbeat.sent();
    this.#probe.reset();
    this.#connectTrace.connected(this.#negotiatedTimeout, this.#readOnlyServer, resumed);
    this.#setState(this.#readOnlyServer ? ConnectionState.READ_ONLY : ConnectionState.CONNECTED);
    for (const w of this.#startWaiters.splice(0)) w.resolve();
  }

  #onReply(frame: Buffer): void {
    const r = new Reader(frame);
    const hdr = readReplyHeader(r);
    if (hdr.zxid > this.#lastZxid) this.#lastZxid = hdr.zxid;
    routeReply(this.#replies, hdr.xid, hdr.err, r);
  }

  /** A terminal failure: reported on 'error', then the client closes with `reason`. */
  #fail(reported: Error, reason: Error): void {
    this.#hooks.onError(reported);
    this.#finishClose(reason);
  }

  #onSocketClose(transport: SocketTransport, err: Error | undefined): void {
    if (transport !== this.#transport) return;
    this.#transport = null;
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
    const next = this.#attempts.failed(this.#current, err, this.#seenSession);
    if (typeof next !== 'number') return this.#finishClose(next);
    this.#reconnectTimer = setTimeout(() => this.#connect(), next);
  }

  /** A working connection dropped: SUSPENDED, and reconnect at once to the next host. */
  #onConnectionLost(err: Error | undefined): void {
    if (err) this.#attempts.lastError = err;
    this.#disconnectedAt = performance.now();
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
      const lastHeard = this.#heartbeat.check(now, t, this.#negotiatedTimeout);
      // The session clock runs from when we last heard from the server.
      if (lastHeard !== undefined) this.#disconnectedAt = lastHeard;
    }
    if (this.#state === ConnectionState.SUSPENDED && this.#key.sessionId !== 0n && this.#negotiatedTimeout > 0 && now - this.#disconnectedAt > this.#negotiatedTimeout) {
      this.#log('warn', 'disconnected for longer than the session timeout: the session is treated as lost');
      this.#handshake.abandon(this.#key);
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
    this.#log('warn', 'session expired', { sessionId: `0x${this.#key.sessionId.toString(16)}` });
    if (sessionChannel.hasSubscribers) sessionChannel.publish({ event, sessionId: hexId(this.#key.sessionId) });
    this.#key = { sessionId: 0n, password: NO_PASSWORD };
    this.#negotiatedTimeout = 0;
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
    if (stateChannel.hasSubscribers) stateChannel.publish({ state: next, previous: prev, sessionId: hexId(this.#key.sessionId) });
    queueMicrotask(() => this.#hooks.onState(next, prev));
  }

  #log(level: keyof Logger, message: string, meta?: Record<string, unknown>): void {
    const fn = this.#c.logger?.[level];
    if (!fn) return;
    try {
      fn.call(this.#c.logger, message, meta);
    } catch {
      // A logger must not break the session.
    }
  }
}
