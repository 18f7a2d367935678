import { Reader, readReplyHeader, readRequestHeader } from '@zookit/protocol';

/** Largest frame length the scanner believes; anything else is not ZooKeeper framing. */
const MAX_FRAME = 64 * 1024 * 1024;

/** A frame whose header has been seen. */
export interface ScannedFrame {
  /** Offset of the frame's length prefix in the current chunk (≤ 0 if it began in an earlier chunk). */
  start: number;
  /** Body length from the 4-byte prefix. */
  length: number;
  /** The xid of the request or reply. */
  xid: number;
  /** The opcode (requests only). */
  type?: number;
}

/** Which direction a scanner follows: requests (header xid, type) or replies (header xid, zxid, err). */
export type FrameDirection = 'request' | 'reply';

const HEADER_LENGTH: Record<FrameDirection, number> = { request: 8, reply: 16 };

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

  private readonly headerLength: number;

  /** @param direction - what the stream carries */
  constructor(private readonly direction: FrameDirection) {
    this.headerLength = HEADER_LENGTH[direction];
  }

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
      const r = new Reader(this.partial);
      const length = r.int();
      if (length < need - 4 || length > MAX_FRAME) {
        this.broken = true;
        break;
      }
      const wasFirst = this.first;
      this.first = false;
      this.skip = length - (need - 4);
      this.partial = Buffer.alloc(0);
      if (!wasFirst && onFrame({ start: frameStart, length, ...this.header(r) })) return;
    }
  }

  private header(r: Reader): { xid: number; type?: number } {
    if (this.direction === 'request') return readRequestHeader(r);
    return { xid: readReplyHeader(r).xid };
  }
}
