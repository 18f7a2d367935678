import { OpCode, Writer, Xid } from '@zookit/protocol';
import { ConnectionLossError } from '../errors.js';
import type { SocketTransport } from '../transport/socket-transport.js';

/**
 * The session's clock: one interval timer (a twelfth of the session timeout,
 * 20 ms to 1 s) that pings when the client has been quiet for a third of the
 * timeout and drops a connection silent for two thirds of it. Every other
 * per-tick check of the session runs from the same timer (`onTick`).
 */
export class Heartbeat {
  #timer: NodeJS.Timeout | null = null;
  #lastRecv = 0;
  #lastSend = 0;
  #sentSinceTick = false;
  readonly #onTick: (now: number) => void;

  constructor(onTick: (now: number) => void) {
    this.#onTick = onTick;
  }

  /** When the server was last heard from (performance.now() ms; 0 before that). */
  get lastHeardAt(): number {
    return this.#lastRecv;
  }

  /** (Re)starts the timer with the interval that suits `sessionTimeout`. */
  start(sessionTimeout: number): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = setInterval(() => this.#tick(), Math.max(20, Math.min(1000, Math.floor(sessionTimeout / 12))));
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** A frame arrived. Stamped per frame, not per tick: after a stalled event loop the first tick must see the real silence. */
  heard(): void {
    this.#lastRecv = performance.now();
  }

  /** Something was written (noted cheaply; the tick turns it into a time). */
  sent(): void {
    this.#sentSinceTick = true;
  }

  /** A session was just established: both clocks start now. */
  reset(): void {
    this.#lastRecv = performance.now();
    this.#lastSend = this.#lastRecv;
  }

  /**
   * On a live connection: drops it when the server was silent past the read timeout
   * (returns when it was last heard from, the start of the session clock), or pings when due.
   */
  check(now: number, transport: SocketTransport, sessionTimeout: number): number | undefined {
    const readTimeout = (sessionTimeout * 2) / 3;
    if (now - this.#lastRecv > readTimeout) {
      transport.destroy(new ConnectionLossError({ op: 'ping' }, `no data from the server for ${Math.round(now - this.#lastRecv)} ms`));
      return this.#lastRecv;
    }
    if (now - this.#lastSend >= readTimeout / 2) {
      const w = new Writer(16);
      w.int(Xid.ping).int(OpCode.ping);
      transport.send(w.frame());
      this.#lastSend = now;
    }
    return undefined;
  }

  #tick(): void {
    const now = performance.now();
    if (this.#sentSinceTick) {
      this.#lastSend = now;
      this.#sentSinceTick = false;
    }
    this.#onTick(now);
  }
}
