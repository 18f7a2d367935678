import type net from 'node:net';

/**
 * Reads ZooKeeper's length-prefixed frames from a socket, one at a time, with a size
 * bound. `next()` rejects if the socket closes first, or when its wait runs out.
 * @internal
 */
export class FrameReader {
  #buf: Buffer = Buffer.alloc(0);
  #waiter: { resolve: (b: Buffer) => void; reject: (e: Error) => void } | undefined;
  #ended: Error | undefined;
  readonly #maxFrame: number;

  constructor(socket: net.Socket, maxFrame = 16 * 1024 * 1024) {
    this.#maxFrame = maxFrame;
    socket.on('data', (chunk: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, chunk]);
      this.#pump();
    });
    const end = (err?: Error): void => {
      this.#ended ??= err ?? new Error('connection closed by the server');
      this.#pump();
    };
    socket.on('end', () => end());
    socket.on('close', () => end());
    socket.on('error', (e) => end(e));
  }

  /** Resolves with the next frame body (without its length prefix); one caller at a time. */
  next(waitMs?: number): Promise<Buffer> {
    if (this.#waiter) return Promise.reject(new Error('FrameReader.next() is already waiting'));
    return new Promise<Buffer>((resolve, reject) => {
      const timer = waitMs === undefined ? undefined : setTimeout(() => {
        this.#waiter = undefined;
        reject(new Error(`no frame within ${waitMs} ms`));
      }, waitMs);
      const settle = (): void => {
        clearTimeout(timer);
        this.#waiter = undefined;
      };
      this.#waiter = {
        resolve: (b) => { settle(); resolve(b); },
        reject: (e) => { settle(); reject(e); },
      };
      this.#pump();
    });
  }

  #pump(): void {
    const w = this.#waiter;
    if (!w) return;
    if (this.#buf.length >= 4) {
      const len = this.#buf.readInt32BE(0);
      if (len < 0 || len > this.#maxFrame) {
        w.reject(new Error(`bad frame length ${len}`));
        return;
      }
      if (this.#buf.length >= 4 + len) {
        const body = this.#buf.subarray(4, 4 + len);
        this.#buf = this.#buf.subarray(4 + len);
        w.resolve(body);
        return;
      }
    }
    if (this.#ended) w.reject(this.#ended);
  }
}
