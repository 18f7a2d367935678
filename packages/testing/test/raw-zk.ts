// A deliberately tiny raw ZooKeeper session for the harness's own tests
// (@zookit/testing does not depend on @zookit/client). Only what the tests need:
// handshake, create / createTTL / getData / exists, with bounded waits. Every
// byte is encoded and decoded by @zookit/protocol.
import net from 'node:net';
import tls from 'node:tls';
import {
  CreateFlag,
  OpCode,
  Reader,
  Writer,
  readConnectResponse,
  readGetData,
  readReplyHeader,
  readStat,
  writeConnectRequest,
  writeCreate,
  writePathWatch,
  writeRequestHeader,
  type Acl,
  type ConnectResponse,
} from '@zookit/protocol';
import { FrameReader } from '../src/frame-reader.js';

const OPEN_ACL: Acl[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

export interface Reply {
  xid: number;
  zxid: bigint;
  err: number;
  /** The reply body after its header. */
  body: Reader;
}

export class RawSession {
  readonly #frames: FrameReader;
  #xid = 1;
  response!: ConnectResponse;
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    this.#frames = new FrameReader(socket);
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
    const w = new Writer();
    writeConnectRequest(w, {
      protocolVersion: 0,
      lastZxidSeen: 0n,
      timeOut: opts.timeoutMs ?? 4000,
      sessionId: opts.sessionId ?? 0n,
      passwd: opts.password ?? Buffer.alloc(16),
      readOnly: false,
    });
    socket.write(w.frame());
    s.response = readConnectResponse(new Reader(await s.#frames.next(opts.waitMs ?? 5000)));
    return s;
  }

  /** Sends one request and waits for its reply, skipping notifications and pings. */
  async request(type: number, body: (w: Writer) => void, waitMs = 5000): Promise<Reply> {
    const xid = this.#xid++;
    const w = new Writer();
    writeRequestHeader(w, xid, type);
    body(w);
    this.socket.write(w.frame());
    for (let i = 0; i < 100; i++) {
      const r = new Reader(await this.#frames.next(waitMs));
      const header = readReplyHeader(r);
      if (header.xid === xid) return { ...header, body: r };
    }
    throw new Error('too many unrelated frames');
  }

  /** flags: a CreateFlag (0 persistent, 1 ephemeral). */
  create(path: string, data: Buffer, flags: number = CreateFlag.PERSISTENT): Promise<Reply> {
    return this.request(OpCode.create, (w) => writeCreate(w, path, data, OPEN_ACL, flags));
  }

  createTTL(path: string, data: Buffer, ttlMs: bigint): Promise<Reply> {
    return this.request(OpCode.createTTL, (w) => writeCreate(w, path, data, OPEN_ACL, CreateFlag.PERSISTENT_WITH_TTL, ttlMs));
  }

  async getData(path: string): Promise<{ err: number; data: Buffer | undefined }> {
    const r = await this.request(OpCode.getData, (w) => writePathWatch(w, path, false));
    if (r.err !== 0) return { err: r.err, data: undefined };
    return { err: 0, data: Buffer.from(readGetData(r.body).data) };
  }

  /** Returns the node's ephemeralOwner, or undefined if it does not exist. */
  async exists(path: string): Promise<bigint | undefined> {
    const r = await this.request(OpCode.exists, (w) => writePathWatch(w, path, false));
    if (r.err !== 0) return undefined;
    return readStat(r.body).ephemeralOwner;
  }

  async close(): Promise<void> {
    if (!this.socket.destroyed) {
      try {
        await this.request(OpCode.closeSession, () => {}, 2000);
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
