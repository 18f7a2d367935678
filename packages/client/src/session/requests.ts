import { Writer, type Reader } from '@zookit/protocol';
import { ConnectionLossError, ProtocolError, RequestTooLargeError } from '../errors.js';
import type { SocketTransport } from '../transport/socket-transport.js';
import { PendingQueue } from './pending-queue.js';
import type { RequestMessage } from '../channels.js';
import type { WatchSpec } from './watch-sink.js';

/**
 * Decodes a reply body. Called with the reply's error code when the request
 * accepts that code as an answer (e.g. NONODE for exists); otherwise only on success.
 */
export type Decoder<T> = (r: Reader, err: number) => T;

/** One request, from submit() to its reply. */
export interface Request {
  xid: number;
  type: number;
  op: string;
  path: string | undefined;
  frame: Buffer;
  decode: Decoder<unknown>;
  acceptErr: number;
  /** The watch the request leaves when it succeeds. */
  watch: WatchSpec | undefined;
  resolve(value: unknown): void;
  reject(error: Error): void;
  queuedAt: number;
  /** The `zookit:request` trace context, when traced. */
  trace: RequestMessage | undefined;
}

/**
 * The request queues: `pending` (sent, awaiting replies in order; a reply matches
 * the head by xid) and `queued` (waiting for a connection). Owns the xid counter.
 */
export class RequestQueue {
  #xid = 1;
  readonly #pending = new PendingQueue<Request>();
  readonly #queued = new PendingQueue<Request>();
  readonly #maxRequestSize: number;

  constructor(maxRequestSize: number) {
    this.#maxRequestSize = maxRequestSize;
  }

  get inFlight(): { sent: number; queued: number } {
    return { sent: this.#pending.length, queued: this.#queued.length };
  }

  nextXid(): number {
    const x = this.#xid;
    this.#xid = x >= 0x7fffffff ? 1 : x + 1;
    return x;
  }

  /** Encodes a request; sends it on `transport` when connected, else queues it. */
  enqueue(
    type: number, op: string, path: string | undefined, write: (w: Writer) => void, decode: Decoder<unknown>,
    acceptErr: number, watch: WatchSpec | undefined, transport: SocketTransport | null, trace?: RequestMessage,
  ): Promise<unknown> {
    const xid = this.nextXid();
    if (trace) trace.xid = xid;
    const w = new Writer(128);
    w.int(xid).int(type);
    write(w);
    if (w.length > this.#maxRequestSize) return Promise.reject(new RequestTooLargeError(op, w.length, this.#maxRequestSize));
    return new Promise((resolve, reject) => {
      const req: Request = { xid, type, op, path, frame: w.frame(), decode, acceptErr, watch, resolve, reject, queuedAt: 0, trace };
      if (transport) {
        this.#pending.push(req);
        transport.send(req.frame);
      } else {
        req.queuedAt = performance.now();
        this.#queued.push(req);
      }
    });
  }

  /** Sends what waited for a connection, in order (to `server`, which traced requests record). */
  flushQueued(transport: SocketTransport, server: { host: string; port: number } | null): void {
    for (const r of this.#queued.drain()) {
      if (r.trace && server) r.trace.server = { address: server.host, port: server.port };
      this.#pending.push(r);
      transport.send(r.frame);
    }
  }

  /** The request a reply with `xid` answers: the oldest one sent. A mismatch is a protocol error. */
  take(xid: number): Request {
    const req = this.#pending.peek();
    if (!req || req.xid !== xid) {
      throw new ProtocolError(`reply xid ${xid} does not match the oldest request's xid ${req ? req.xid : '(none)'}`);
    }
    this.#pending.shift();
    return req;
  }

  /** Rejects every sent request with `error(request)`. */
  rejectSent(error: (r: Request) => Error): void {
    for (const r of this.#pending.drain()) r.reject(error(r));
  }

  /** Rejects every request waiting for a connection with `error(request)`. */
  rejectQueued(error: (r: Request) => Error): void {
    for (const r of this.#queued.drain()) r.reject(error(r));
  }

  /** The connection dropped: every sent request's outcome is unknown (the oldest gets `first` when given). */
  loseSent(cause: Error | undefined, first?: Error): void {
    const lost = this.#pending.drain();
    if (first) lost.shift()?.reject(first);
    for (const r of lost) r.reject(new ConnectionLossError({ op: r.op, path: r.path, ...(cause ? { cause } : {}) }));
  }

  /** Rejects queued requests older than `timeout` ms. */
  expireQueued(now: number, timeout: number): void {
    if (this.#queued.length === 0 || timeout <= 0) return;
    const deadline = now - timeout;
    for (const r of this.#queued.removeWhere((q) => q.queuedAt < deadline)) {
      r.reject(new ConnectionLossError({ op: r.op, path: r.path }, `CONNECTIONLOSS: ${r.path ?? ''} (${r.op}) waited ${timeout} ms for a connection`));
    }
  }
}
