/** Largest frame length the scanner believes; anything else is not ZooKeeper framing. */
const MAX_FRAME = 64 * 1024 * 1024;

/** A frame whose header has been seen. */
export interface ScannedFrame {
  /** Offset of the frame's length prefix in the current chunk (≤ 0 if it began in an earlier chunk). */
  start: number;
  /** Body length from the 4-byte prefix. */
  length: number;
  /** The first `headerLength` body bytes (xid, type for requests; xid for replies). */
  header: Buffer;
}

/**
 * Follows ZooKeeper's length-prefixed framing in one direction of a TCP stream without
 * buffering the stream: it only copies the few header bytes it needs. The first frame on
 * a connection (ConnectRequest / ConnectResponse) has no request or reply header and is
 * not reported. If the bytes stop looking like ZooKeeper frames (a 4lw exchange, or a
 * corrupt length) the scanner gives up for the rest of the connection.
 */
export class FrameScanner {
  private skip = 0;
  private partial: Buffer = Buffer.alloc(0);
  private first = true;
  private broken = false;

  /** @param headerLength - body bytes to capture per frame (8 for requests, 4 for replies) */
  constructor(private readonly headerLength: number) {}

  /** True once the stream stopped looking like ZooKeeper frames. */
  get gaveUp(): boolean {
    return this.broken;
  }

  /**
   * Scan a chunk. `onFrame` is called for each frame whose header completes in this chunk;
   * returning `true` stops scanning (the caller is cutting the connection).
   */
  feed(chunk: Buffer, onFrame: (frame: ScannedFrame) => boolean): void {
    let pos = 0;
    let frameStart = -this.partial.length;
    // Each iteration consumes at least one byte, so this ends within chunk.length steps.
    while (pos < chunk.length && !this.broken) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - pos);
        pos += n;
        this.skip -= n;
        continue;
      }
      if (this.partial.length === 0) frameStart = pos;
      const need = 4 + (this.first ? 0 : this.headerLength);
      const take = Math.min(need - this.partial.length, chunk.length - pos);
      this.partial = Buffer.concat([this.partial, chunk.subarray(pos, pos + take)]);
      pos += take;
      if (this.partial.length < need) break;
      const length = this.partial.readInt32BE(0);
      if (length < need - 4 || length > MAX_FRAME) {
        this.broken = true;
        break;
      }
      const header = this.partial.subarray(4);
      const wasFirst = this.first;
      this.first = false;
      this.skip = length - (need - 4);
      this.partial = Buffer.alloc(0);
      if (!wasFirst && onFrame({ start: frameStart, length, header })) return;
    }
  }
}
