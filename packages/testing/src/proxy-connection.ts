// The proxy's per-connection plumbing: ordered (optionally delayed) forwarding in each
// direction, the frame scanners, and the counters and events a test reads.
import type net from 'node:net';
import { FrameScanner } from './frame-scanner.js';

/** A proxied TCP connection, as seen by interceptors. */
export interface ProxyConnection {
  /** 1-based sequence number of the connection on this proxy. */
  readonly id: number;
  /** Socket to the client (accepted by the proxy). */
  readonly client: net.Socket;
  /** Socket to the target server. */
  readonly upstream: net.Socket;
  /** Destroy both sockets now. */
  destroy(): void;
}

/** Byte and connection counters of a {@link FaultProxy}. */
export interface FaultProxyStats {
  /** Bytes forwarded client→server. */
  bytesClientToServer: number;
  /** Bytes forwarded server→client. */
  bytesServerToClient: number;
  /** Bytes dropped client→server (black-hole or interceptor). */
  droppedClientToServer: number;
  /** Bytes dropped server→client (black-hole or interceptor). */
  droppedServerToClient: number;
  /** Connections accepted and forwarded. */
  accepted: number;
  /** Connections closed immediately in `refuse` mode. */
  refused: number;
  /** Connections destroyed by `cut()`, `heal()` or `cutAfterRequest()`. */
  cut: number;
}

/** What a `cutAfterRequest` cut hit. */
export interface CutEvent {
  /** Connection that was cut. */
  connectionId: number;
  /** xid of the request whose reply was withheld. */
  xid: number;
  /** Opcode that triggered the cut. */
  opcode: number;
}
export const END = Symbol('end');

/** Writes chunks to a socket, optionally after a delay, preserving order. */
export class Forwarder {
  private queue: { due: number; data: Buffer | typeof END }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastDue = 0;

  constructor(
    private readonly target: net.Socket,
    private readonly onWritten: (n: number) => void,
  ) {}

  push(data: Buffer | typeof END, delayMs: number): void {
    if (delayMs <= 0 && this.queue.length === 0) {
      this.write(data);
      return;
    }
    const due = Math.max(Date.now() + delayMs, this.lastDue);
    this.lastDue = due;
    this.queue.push({ due, data });
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.queue.length === 0) return;
    const wait = Math.max(0, this.queue[0]!.due - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const now = Date.now();
      while (this.queue.length > 0 && this.queue[0]!.due <= now) this.write(this.queue.shift()!.data);
      this.schedule();
    }, wait);
  }

  private write(data: Buffer | typeof END): void {
    if (this.target.destroyed) return;
    if (data === END) {
      this.target.end();
      return;
    }
    this.target.write(data);
    this.onWritten(data.length);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
  }
}

export class Conn implements ProxyConnection {
  readonly toServer: Forwarder;
  readonly toClient: Forwarder;
  readonly requestScanner = new FrameScanner('request');
  readonly replyScanner = new FrameScanner('reply');
  /** Bytes were dropped (black-hole): the stream is inconsistent, cut it on heal. */
  dropped = false;
  /** xid whose reply must not be relayed (cutAfterRequest). */
  cutXid: { xid: number; opcode: number; resolve: (e: CutEvent | undefined) => void } | undefined;
  private closedSides = 0;

  constructor(
    readonly id: number,
    readonly client: net.Socket,
    readonly upstream: net.Socket,
    stats: FaultProxyStats,
    private readonly onGone: (c: Conn) => void,
  ) {
    this.toServer = new Forwarder(upstream, (n) => (stats.bytesClientToServer += n));
    this.toClient = new Forwarder(client, (n) => (stats.bytesServerToClient += n));
    const closed = (): void => {
      this.closedSides++;
      if (this.closedSides === 2) this.finish();
    };
    client.once('close', closed);
    upstream.once('close', closed);
  }

  destroy(): void {
    this.client.destroy();
    this.upstream.destroy();
    this.finish();
  }

  private finished = false;
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.toServer.dispose();
    this.toClient.dispose();
    this.cutXid?.resolve(undefined);
    this.cutXid = undefined;
    this.onGone(this);
  }
}
