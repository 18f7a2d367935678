import { FrameTooLargeError, ProtocolError } from '../errors.js';

/**
 * Splits a byte stream into length-prefixed frames. A length above `maxFrameSize`
 * (or negative) fails before anything is allocated for it. Whole frames inside
 * one chunk are handed out as views, without a copy.
 */
export class Framer {
  readonly #maxFrameSize: number;
  readonly #onFrame: (frame: Buffer) => void;
  /** Bytes of a partial length prefix or of a chunk tail shorter than 4. */
  #head: Buffer | null = null;
  /** The frame being filled across chunks. */
  #partial: Buffer | null = null;
  #filled = 0;

  constructor(maxFrameSize: number, onFrame: (frame: Buffer) => void) {
    this.#maxFrameSize = maxFrameSize;
    this.#onFrame = onFrame;
  }

  /** Feeds a chunk; throws a ProtocolError (or FrameTooLargeError) on a bad length. */
  push(chunk: Buffer): void {
    let buf = chunk;
    let pos = 0;
    if (this.#partial) {
      const want = this.#partial.length - this.#filled;
      const n = Math.min(want, buf.length);
      buf.copy(this.#partial, this.#filled, 0, n);
      this.#filled += n;
      pos = n;
      if (this.#filled < this.#partial.length) return;
      const frame = this.#partial;
      this.#partial = null;
      this.#onFrame(frame);
    } else if (this.#head) {
      buf = Buffer.concat([this.#head, buf]);
      this.#head = null;
    }
    while (buf.length - pos >= 4) {
      const len = buf.readInt32BE(pos);
      if (len < 0) throw new ProtocolError(`invalid frame length ${len}`);
      if (len > this.#maxFrameSize) throw new FrameTooLargeError(len, this.#maxFrameSize);
      const start = pos + 4;
      if (buf.length - start >= len) {
        pos = start + len;
        this.#onFrame(buf.subarray(start, pos));
      } else {
        this.#partial = Buffer.allocUnsafe(len);
        this.#filled = buf.copy(this.#partial, 0, start);
        return;
      }
    }
    if (pos < buf.length) this.#head = Buffer.from(buf.subarray(pos));
  }

  /** Bytes of an unfinished frame (for diagnostics). */
  get pending(): number {
    return (this.#partial ? this.#filled : 0) + (this.#head?.length ?? 0);
  }
}
