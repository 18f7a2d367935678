import net from 'node:net';
import { Conn, END, type CutEvent, type FaultProxyStats, type ProxyConnection } from './proxy-connection.js';

/**
 * Inspect or rewrite bytes in one direction. Return the bytes to forward (possibly a new
 * buffer), or `null` to drop the chunk.
 */
export type DataInterceptor = (chunk: Buffer, conn: ProxyConnection) => Buffer | null;

/** Options for {@link FaultProxy.start}. */
export interface FaultProxyOptions {
  /** Where to forward connections. */
  target: { host: string; port: number };
  /** Interceptor for client→server bytes (applied before framing is scanned). */
  onClientData?: DataInterceptor;
  /** Interceptor for server→client bytes. */
  onServerData?: DataInterceptor;
}

/** Current fault mode of a {@link FaultProxy}. */
export type FaultMode = 'pass' | 'blackhole' | 'refuse';

/** Handle returned by {@link FaultProxy.cutAfterRequest}. */
export interface CutAfterRequestHandle {
  /** Resolves when the cut happened, or with `undefined` if cancelled or the proxy closed. */
  readonly fired: Promise<CutEvent | undefined>;
  /** Disarm (no-op after firing). */
  cancel(): void;
}

interface Armed {
  opcode: number;
  resolve: (e: CutEvent | undefined) => void;
}

/**
 * An in-process TCP proxy on `127.0.0.1:0` in front of one ZooKeeper server, with faults
 * a test can switch at any time: `cut`, `blackhole`, `delay`, `refuse`, `heal`, byte
 * interceptors, and a frame-aware one-shot `cutAfterRequest`.
 *
 * @example
 * ```ts
 * await using proxy = await FaultProxy.start({ target: { host: zk.host, port: zk.port } });
 * const client = connect(proxy.connectString);
 * proxy.blackhole();   // partition
 * proxy.heal();        // back to pass-through
 * ```
 */
export class FaultProxy implements AsyncDisposable {
  /** Always `127.0.0.1`. */
  readonly host = '127.0.0.1';
  /** Interceptor for client→server bytes (can be changed at any time). */
  onClientData: DataInterceptor | undefined;
  /** Interceptor for server→client bytes (can be changed at any time). */
  onServerData: DataInterceptor | undefined;
  private modeValue: FaultMode = 'pass';
  private delayValue = 0;
  private readonly conns = new Set<Conn>();
  private readonly statsValue: FaultProxyStats = {
    bytesClientToServer: 0,
    bytesServerToClient: 0,
    droppedClientToServer: 0,
    droppedServerToClient: 0,
    accepted: 0,
    refused: 0,
    cut: 0,
  };
  private nextId = 1;
  private armed: Armed | undefined;
  private closed = false;

  private constructor(
    private readonly server: net.Server,
    /** Port the proxy listens on. */
    readonly port: number,
    /** Where connections are forwarded. */
    readonly target: { host: string; port: number },
    options: FaultProxyOptions,
  ) {
    this.onClientData = options.onClientData;
    this.onServerData = options.onServerData;
    server.on('connection', (socket) => this.accept(socket));
  }

  /** Start listening on a free loopback port. */
  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: false });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: 0 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', () => undefined);
    const port = (server.address() as net.AddressInfo).port;
    return new FaultProxy(server, port, { ...options.target }, options);
  }

  /** `127.0.0.1:<port>` for a client. */
  get connectString(): string {
    return `${this.host}:${this.port}`;
  }

  /** Open proxied connections. */
  get connections(): number {
    return this.conns.size;
  }

  /** Snapshot of the counters. */
  get stats(): FaultProxyStats {
    return { ...this.statsValue };
  }

  /** Current mode. */
  get mode(): FaultMode {
    return this.modeValue;
  }

  /** Current forwarding delay in ms. */
  get delayMs(): number {
    return this.delayValue;
  }

  /** Destroy every current connection (both sides). New connections are still forwarded. */
  cut(): void {
    for (const c of [...this.conns]) {
      this.statsValue.cut++;
      c.destroy();
    }
  }

  /**
   * Forward nothing in either direction, on current and new connections, while keeping
   * the sockets open (a silent partition). New connections are accepted.
   */
  blackhole(): void {
    this.modeValue = 'blackhole';
  }

  /** Delay forwarding in both directions by `ms` (order is preserved). `0` removes the delay. */
  delay(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`delay must be a non-negative number, got ${ms}`);
    this.delayValue = ms;
  }

  /** Close new connections immediately (existing ones are kept). */
  refuse(): void {
    this.modeValue = 'refuse';
  }

  /**
   * Back to pass-through with no delay. Connections that lost bytes to a black-hole are
   * cut (their byte streams are no longer consistent), so clients reconnect.
   */
  heal(): void {
    this.modeValue = 'pass';
    this.delayValue = 0;
    for (const c of [...this.conns]) {
      if (c.dropped) {
        this.statsValue.cut++;
        c.destroy();
      }
    }
  }

  /**
   * One-shot: when a client→server request frame with this opcode (e.g. 1 = create,
   * 15 = create2, 5 = setData, 14 = multi, -11 = closeSession) has been forwarded, destroy
   * that connection just before the server's reply to it would be relayed. The server
   * executes the request; the client never sees the outcome. Arming again replaces a
   * previous arm.
   */
  cutAfterRequest(opcode: number): CutAfterRequestHandle {
    this.armed?.resolve(undefined);
    let resolve!: (e: CutEvent | undefined) => void;
    const fired = new Promise<CutEvent | undefined>((r) => {
      resolve = r;
    });
    const armed: Armed = { opcode, resolve };
    this.armed = armed;
    return {
      fired,
      cancel: () => {
        if (this.armed === armed) this.armed = undefined;
        resolve(undefined);
      },
    };
  }

  /** Stop listening and destroy every connection. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.armed?.resolve(undefined);
    this.armed = undefined;
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of [...this.conns]) c.destroy();
    await done;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private accept(client: net.Socket): void {
    client.on('error', () => undefined);
    if (this.closed || this.modeValue === 'refuse') {
      this.statsValue.refused++;
      client.destroy();
      return;
    }
    this.statsValue.accepted++;
    client.setNoDelay(true);
    const upstream = net.connect({ host: this.target.host, port: this.target.port, allowHalfOpen: true });
    upstream.setNoDelay(true);
    upstream.on('error', () => undefined);
    const conn = new Conn(this.nextId++, client, upstream, this.statsValue, (c) => this.conns.delete(c));
    this.conns.add(conn);
    // A connection created during a black-hole is silent from its first byte.
    if (this.modeValue === 'blackhole') conn.dropped = true;

    client.on('data', (chunk: Buffer) => this.fromClient(conn, chunk));
    upstream.on('data', (chunk: Buffer) => this.fromServer(conn, chunk));
    client.on('end', () => {
      if (this.modeValue === 'blackhole') conn.dropped = true;
      else conn.toServer.push(END, this.delayValue);
    });
    upstream.on('end', () => {
      if (this.modeValue === 'blackhole') conn.dropped = true;
      else conn.toClient.push(END, this.delayValue);
    });
    // An error on either side ends the whole connection.
    client.on('close', (hadError) => {
      if (hadError) conn.destroy();
    });
    upstream.on('close', (hadError) => {
      if (hadError) conn.destroy();
    });
  }

  private fromClient(conn: Conn, raw: Buffer): void {
    if (this.modeValue === 'blackhole') {
      conn.dropped = true;
      this.statsValue.droppedClientToServer += raw.length;
      return;
    }
    const chunk = this.onClientData ? this.onClientData(raw, conn) : raw;
    if (chunk === null) {
      this.statsValue.droppedClientToServer += raw.length;
      return;
    }
    const armed = this.armed;
    if (armed && !conn.cutXid) {
      conn.requestScanner.feed(chunk, (frame) => {
        const { xid, type } = frame;
        if (type !== armed.opcode || this.armed !== armed) return false;
        this.armed = undefined;
        conn.cutXid = { xid, opcode: type, resolve: armed.resolve };
        return true;
      });
      // The scanner stopped early on a hit; it would lose track of framing, but this
      // connection is about to be cut anyway.
    } else if (!conn.cutXid) {
      conn.requestScanner.feed(chunk, () => false);
    }
    if (chunk.length > 0) conn.toServer.push(chunk, this.delayValue);
  }

  private fromServer(conn: Conn, raw: Buffer): void {
    if (this.modeValue === 'blackhole') {
      conn.dropped = true;
      this.statsValue.droppedServerToClient += raw.length;
      return;
    }
    let forward = raw;
    let cutHere = false;
    const target = conn.cutXid;
    conn.replyScanner.feed(raw, (frame) => {
      if (!target || frame.xid !== target.xid) return false;
      forward = raw.subarray(0, Math.max(0, frame.start));
      cutHere = true;
      return true;
    });
    const chunk = forward.length > 0 && this.onServerData ? this.onServerData(forward, conn) : forward;
    if (chunk === null) this.statsValue.droppedServerToClient += forward.length;
    else if (chunk.length > 0) conn.toClient.push(chunk, this.delayValue);
    if (cutHere && target) {
      const event: CutEvent = { connectionId: conn.id, xid: target.xid, opcode: target.opcode };
      conn.cutXid = undefined;
      this.statsValue.cut++;
      // Let already-queued bytes before the reply go out only if there is no delay; with a
      // delay they are dropped with the connection (the reply is never relayed either way).
      conn.destroy();
      target.resolve(event);
    }
  }
}
