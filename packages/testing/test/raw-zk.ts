// A deliberately tiny raw ZooKeeper protocol helper for the harness's own tests
// (@zookit/client is developed separately). Only what the tests need: handshake,
// create / createTTL / getData / exists, with bounded waits.
import net from 'node:net';
import tls from 'node:tls';
import { decodeConnectResponse, encodeConnectRequest, type ConnectResponse } from '../src/expire-session.js';

export const OP = { create: 1, delete: 2, exists: 3, getData: 4, createTTL: 21, closeSession: -11 } as const;

function frame(body: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeInt32BE(body.length);
  return Buffer.concat([len, body]);
}
function int(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}
function long(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return b;
}
function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([int(b.length), b]);
}
function buf(b: Buffer): Buffer {
  return Buffer.concat([int(b.length), b]);
}
const OPEN_ACL = Buffer.concat([int(1), int(31), str('world'), str('anyone')]);

export interface Reply {
  xid: number;
  zxid: bigint;
  err: number;
  body: Buffer;
}

export class RawSession {
  private buf: Buffer = Buffer.alloc(0);
  private waiters: { resolve: (b: Buffer) => void; reject: (e: Error) => void }[] = [];
  private closedErr: Error | undefined;
  private xid = 1;
  response!: ConnectResponse;
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (c: Buffer) => {
      this.buf = Buffer.concat([this.buf, c]);
      this.pump();
    });
    const end = (e?: Error): void => {
      this.closedErr ??= e ?? new Error('closed');
      this.pump();
    };
    socket.on('close', () => end());
    socket.on('error', (e) => end(e));
  }

  /** Connect and complete the handshake (new session unless credentials are given). */
  static async connect(
    host: string,
    port: number,
    opts: { timeoutMs?: number; sessionId?: bigint; password?: Buffer; waitMs?: number; tls?: tls.ConnectionOptions } = {},
  ): Promise<RawSession> {
    const socket = opts.tls ? tls.connect({ ...opts.tls, host, port }) : net.connect({ host, port });
    const s = new RawSession(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once(opts.tls ? 'secureConnect' : 'connect', resolve);
      socket.once('error', reject);
    });
    socket.write(encodeConnectRequest(opts.sessionId ?? 0n, opts.password ?? Buffer.alloc(16), opts.timeoutMs ?? 4000));
    s.response = decodeConnectResponse(await s.next(opts.waitMs ?? 5000));
    return s;
  }

  next(waitMs = 5000): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== ok);
        reject(new Error(`no frame within ${waitMs} ms`));
      }, waitMs);
      const ok = (b: Buffer): void => {
        clearTimeout(timer);
        resolve(b);
      };
      this.waiters.push({
        resolve: ok,
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.pump();
    });
  }

  private pump(): void {
    while (this.waiters.length > 0) {
      if (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readInt32BE(0)) {
        const len = this.buf.readInt32BE(0);
        const body = this.buf.subarray(4, 4 + len);
        this.buf = this.buf.subarray(4 + len);
        this.waiters.shift()!.resolve(body);
      } else if (this.closedErr) {
        this.waiters.shift()!.reject(this.closedErr);
      } else return;
    }
  }

  async request(type: number, payload: Buffer, waitMs = 5000): Promise<Reply> {
    const xid = this.xid++;
    this.socket.write(frame(Buffer.concat([int(xid), int(type), payload])));
    // Skip notifications (xid -1) and pings (xid -2).
    for (let i = 0; i < 100; i++) {
      const b = await this.next(waitMs);
      const r = { xid: b.readInt32BE(0), zxid: b.readBigInt64BE(4), err: b.readInt32BE(12), body: b.subarray(16) };
      if (r.xid === xid) return r;
    }
    throw new Error('too many unrelated frames');
  }

  /** flags: 0 persistent, 1 ephemeral. */
  create(path: string, data: Buffer, flags = 0): Promise<Reply> {
    return this.request(OP.create, Buffer.concat([str(path), buf(data), OPEN_ACL, int(flags)]));
  }

  createTTL(path: string, data: Buffer, ttlMs: bigint): Promise<Reply> {
    // CreateMode PERSISTENT_WITH_TTL = 5
    return this.request(OP.createTTL, Buffer.concat([str(path), buf(data), OPEN_ACL, int(5), long(ttlMs)]));
  }

  async getData(path: string): Promise<{ err: number; data: Buffer | undefined }> {
    const r = await this.request(OP.getData, Buffer.concat([str(path), Buffer.from([0])]));
    if (r.err !== 0) return { err: r.err, data: undefined };
    const len = r.body.readInt32BE(0);
    return { err: 0, data: len < 0 ? Buffer.alloc(0) : Buffer.from(r.body.subarray(4, 4 + len)) };
  }

  /** Returns the node's ephemeralOwner, or undefined if it does not exist. */
  async exists(path: string): Promise<bigint | undefined> {
    const r = await this.request(OP.exists, Buffer.concat([str(path), Buffer.from([0])]));
    if (r.err !== 0) return undefined;
    // Stat: czxid, mzxid, ctime, mtime (4 longs), version, cversion, aversion (3 ints), ephemeralOwner
    return r.body.readBigInt64BE(8 * 4 + 4 * 3);
  }

  async close(): Promise<void> {
    if (!this.socket.destroyed) {
      try {
        await this.request(OP.closeSession, Buffer.alloc(0), 2000);
      } catch {
        // already closed
      }
    }
    this.socket.destroy();
  }
}

/** Resolves when the socket closes; rejects after `ms`. */
export function closedWithin(s: RawSession, ms: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`socket still open after ${ms} ms`)), ms);
    void s.closed.then(() => {
      clearTimeout(t);
      resolve();
    });
  });
}
