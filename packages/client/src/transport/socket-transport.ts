import net from 'node:net';
import tls from 'node:tls';
import { ProtocolError, ZooKitError } from '../errors.js';
import type { TlsOptions } from '../options.js';
import { Framer } from './framer.js';


export interface TransportHandlers {
  onConnect(): void;
  onFrame(frame: Buffer): void;
  /** Called once, when the socket is gone; `error` says why (undefined for a clean close by the peer). */
  onClose(error: Error | undefined): void;
}

export interface TransportOptions {
  host: string;
  port: number;
  maxFrameSize: number;
  tls?: TlsOptions | undefined;
}

/**
 * One socket to one server: length-prefixed framing in, one write per tick out.
 * Knows nothing of ZooKeeper semantics.
 */
export class SocketTransport {
  readonly #socket: net.Socket;
  readonly #framer: Framer;
  readonly #handlers: TransportHandlers;
  #queue: Buffer[] = [];
  #queued = 0;
  #closed = false;
  #error: Error | undefined;

  constructor(options: TransportOptions, handlers: TransportHandlers) {
    this.#handlers = handlers;
    this.#framer = new Framer(options.maxFrameSize, (f) => this.#handlers.onFrame(f));
    if (options.tls) {
      const servername = options.tls.servername ?? (net.isIP(options.host) ? undefined : options.host);
      this.#socket = tls.connect({ ...options.tls, host: options.host, port: options.port, ...(servername ? { servername } : {}) });
      this.#socket.once('secureConnect', () => this.#handlers.onConnect());
    } else {
      this.#socket = net.connect({ host: options.host, port: options.port });
      this.#socket.once('connect', () => this.#handlers.onConnect());
    }
    this.#socket.setNoDelay(true);
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on('error', (err) => {
      this.#error ??= err;
    });
    this.#socket.on('close', () => this.#finish());
  }

  #onData(chunk: Buffer): void {
    if (this.#closed) return;
    try {
      this.#framer.push(chunk);
    } catch (err) {
      this.destroy(err instanceof ZooKitError ? err : new ProtocolError(String(err), { cause: err }));
    }
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue = [];
    this.#handlers.onClose(this.#error);
  }

  /** Local address, for diagnostics. */
  get localPort(): number | undefined {
    return this.#socket.localPort;
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Queues a frame; everything queued in one tick leaves in one write. */
  send(frame: Buffer): void {
    if (this.#closed) return;
    this.#queue.push(frame);
    this.#queued += frame.length;
    if (this.#queue.length === 1) queueMicrotask(this.#flush);
  }

  readonly #flush = (): void => {
    const q = this.#queue;
    if (q.length === 0 || this.#closed) return;
    const total = this.#queued;
    this.#queue = [];
    this.#queued = 0;
    this.#socket.write(q.length === 1 ? q[0]! : Buffer.concat(q, total));
  };

  /** Closes the socket; `error` becomes the reason given to `onClose`. */
  destroy(error?: Error): void {
    if (this.#closed) return;
    if (error) this.#error ??= error;
    this.#socket.destroy();
    // 'close' follows asynchronously; report now so callers see one ordered world.
    this.#finish();
  }

  /** Sends what is queued, then half-closes. */
  end(): void {
    this.#flush();
    this.#socket.end();
  }
}
