import net from 'node:net';
import { SessionExpiryError } from './errors.js';

/** The credentials of a live session (a bearer secret: never log `password`). */
export interface SessionCredentials {
  /** 64-bit session id. */
  sessionId: bigint;
  /** Session password (16 bytes from the server). */
  password: Buffer;
  /** Host of the server the session is attached to. */
  host: string;
  /** Port of that server. */
  port: number;
}

/** Options for {@link expireSession} and {@link expireSessionById}. */
export interface ExpireSessionOptions {
  /** Bound on the whole exchange (default 10000 ms). */
  timeoutMs?: number;
  /** Connect the twin to the first host of this connect string instead of the session's own server. */
  connectString?: string;
  /** Session timeout requested by the twin's ConnectRequest (default 30000 ms). */
  requestedTimeoutMs?: number;
}

/** What {@link expireSession} observed. */
export interface ExpireSessionResult {
  /** True if the server said the session no longer existed (nothing to close). */
  alreadyExpired: boolean;
}

/** Symbol under which `@zookit/client` exposes session credentials to this package. */
export const SESSION_CREDENTIALS = Symbol.for('zookit.sessionCredentials');

const CLOSE_SESSION = -11;

/** Build `[int length][body]`. */
function frame(body: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeInt32BE(body.length);
  return Buffer.concat([len, body]);
}

/** Serialize a ConnectRequest (protocol version 0). */
export function encodeConnectRequest(sessionId: bigint, password: Buffer, timeoutMs: number, lastZxidSeen = 0n, readOnly = false): Buffer {
  const body = Buffer.alloc(4 + 8 + 4 + 8 + 4 + password.length + 1);
  let o = 0;
  o = body.writeInt32BE(0, o); // protocolVersion
  o = body.writeBigInt64BE(lastZxidSeen, o);
  o = body.writeInt32BE(timeoutMs, o);
  o = body.writeBigInt64BE(BigInt.asIntN(64, sessionId), o);
  o = body.writeInt32BE(password.length, o);
  o += password.copy(body, o);
  body.writeUInt8(readOnly ? 1 : 0, o);
  return frame(body);
}

/** A parsed ConnectResponse. */
export interface ConnectResponse {
  protocolVersion: number;
  timeOut: number;
  sessionId: bigint;
  password: Buffer;
  readOnly: boolean | undefined;
}

/** Parse a ConnectResponse body (without the length prefix). */
export function decodeConnectResponse(body: Buffer): ConnectResponse {
  if (body.length < 20) throw new SessionExpiryError(`ConnectResponse too short (${body.length} bytes)`);
  const protocolVersion = body.readInt32BE(0);
  const timeOut = body.readInt32BE(4);
  const sessionId = body.readBigInt64BE(8);
  const pwLen = body.readInt32BE(16);
  if (pwLen < -1 || 20 + Math.max(0, pwLen) > body.length) throw new SessionExpiryError(`ConnectResponse has a bad password length ${pwLen}`);
  const password = Buffer.from(body.subarray(20, 20 + Math.max(0, pwLen)));
  const rest = 20 + Math.max(0, pwLen);
  const readOnly = body.length > rest ? body.readUInt8(rest) !== 0 : undefined;
  return { protocolVersion, timeOut, sessionId, password, readOnly };
}

/**
 * Reads length-prefixed frames from a socket, one at a time, with a size bound.
 * `next()` rejects if the socket closes first.
 */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  private waiter: { resolve: (b: Buffer) => void; reject: (e: Error) => void } | undefined;
  private ended: Error | undefined;

  constructor(
    socket: net.Socket,
    private readonly maxFrame = 16 * 1024 * 1024,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      this.pump();
    });
    const end = (err?: Error): void => {
      this.ended ??= err ?? new Error('connection closed by the server');
      this.pump();
    };
    socket.on('end', () => end());
    socket.on('close', () => end());
    socket.on('error', (e) => end(e));
  }

  /** Resolve with the next frame body. */
  next(): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.pump();
    });
  }

  private pump(): void {
    const w = this.waiter;
    if (!w) return;
    if (this.buf.length >= 4) {
      const len = this.buf.readInt32BE(0);
      if (len < 0 || len > this.maxFrame) {
        this.waiter = undefined;
        w.reject(new Error(`bad frame length ${len}`));
        return;
      }
      if (this.buf.length >= 4 + len) {
        const body = this.buf.subarray(4, 4 + len);
        this.buf = this.buf.subarray(4 + len);
        this.waiter = undefined;
        w.resolve(body);
        return;
      }
    }
    if (this.ended) {
      this.waiter = undefined;
      w.reject(this.ended);
    }
  }
}

function firstHost(connectString: string): { host: string; port: number } {
  const first = connectString.split('/')[0]?.split(',')[0]?.trim() ?? '';
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(first);
  if (!m) throw new SessionExpiryError(`cannot parse host:port from connect string ${JSON.stringify(connectString)}`);
  return { host: m[1]!, port: Number(m[2]) };
}

/**
 * Expire a session on the server side: open a twin connection with the same session id
 * and password, then send closeSession. The server drops the victim's own connection
 * when the twin attaches, deletes the session's ephemerals when it closes, and the
 * victim learns the session expired when it reconnects.
 *
 * @returns `{ alreadyExpired: true }` if the server reported the session gone (or the
 *   password wrong) at connect time
 * @throws {@link SessionExpiryError} on timeout, refused connection or an unexpected reply
 */
export async function expireSessionById(credentials: SessionCredentials, options: ExpireSessionOptions = {}): Promise<ExpireSessionResult> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  // The server closes the victim's connection as soon as the twin's ConnectRequest is
  // read, before it answers the twin; a victim that reconnects within that window takes
  // the session back, and the server closes the twin without a ConnectResponse. Try again
  // then (a few times, within the timeout): the race is rare and needs a loaded machine.
  for (let attempt = 1; ; attempt++) {
    try {
      return await expireOnce(credentials, options, Math.max(1, deadline - Date.now()));
    } catch (err) {
      const lostRace = err instanceof SessionExpiryError && err.message.startsWith('no ConnectResponse');
      if (!lostRace || attempt >= 5 || Date.now() >= deadline) throw err;
    }
  }
}

async function expireOnce(credentials: SessionCredentials, options: ExpireSessionOptions, timeoutMs: number): Promise<ExpireSessionResult> {
  const { host, port } = options.connectString ? firstHost(options.connectString) : credentials;
  const idHex = `0x${BigInt.asUintN(64, credentials.sessionId).toString(16)}`;
  const socket = net.connect({ host, port });
  socket.setNoDelay(true);
  const reader = new FrameReader(socket, 1024 * 1024);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SessionExpiryError(`expiring session ${idHex} via ${host}:${port} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  const exchange = async (): Promise<ExpireSessionResult> => {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    // ConnectRequest and closeSession leave in one write: the server holds the
    // second until the session is re-attached to this connection, then closes it,
    // before the victim (whose connection was just taken) can reconnect and take
    // the session back.
    const header = Buffer.alloc(8);
    header.writeInt32BE(1, 0); // xid
    header.writeInt32BE(CLOSE_SESSION, 4);
    socket.write(Buffer.concat([encodeConnectRequest(credentials.sessionId, credentials.password, options.requestedTimeoutMs ?? 30_000), frame(header)]));
    let response: ConnectResponse;
    try {
      response = decodeConnectResponse(await reader.next());
    } catch (err) {
      // Servers close the socket instead of answering in some refusal cases (e.g. zxid ahead).
      throw new SessionExpiryError(`no ConnectResponse for session ${idHex} from ${host}:${port}: ${(err as Error).message}`, { cause: err });
    }
    if (response.timeOut <= 0) return { alreadyExpired: true };
    try {
      const reply = await reader.next();
      if (reply.length >= 16) {
        const err = reply.readInt32BE(12);
        if (err !== 0) throw new SessionExpiryError(`closeSession for ${idHex} failed with ZooKeeper error ${err}`);
      }
    } catch (err) {
      if (err instanceof SessionExpiryError) throw err;
      // The server may close the connection right after the reply; the session is closed then.
    }
    return { alreadyExpired: false };
  };
  try {
    return await Promise.race([exchange(), timeout]);
  } catch (err) {
    if (err instanceof SessionExpiryError) throw err;
    throw new SessionExpiryError(`expiring session ${idHex} via ${host}:${port} failed: ${(err as Error).message}`, { cause: err });
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}

/**
 * Expire a `@zookit/client` session on the server side (see {@link expireSessionById}).
 * Reads the credentials from `client[Symbol.for('zookit.sessionCredentials')]()`, so this
 * package does not depend on `@zookit/client`.
 *
 * @throws {@link SessionExpiryError} if the client exposes no credentials (not connected)
 */
export async function expireSession(client: object, options: ExpireSessionOptions = {}): Promise<ExpireSessionResult> {
  const getter = (client as Record<symbol, unknown>)[SESSION_CREDENTIALS];
  if (typeof getter !== 'function') throw new SessionExpiryError('client does not expose session credentials (Symbol.for("zookit.sessionCredentials"))');
  const credentials = (getter as () => SessionCredentials | undefined).call(client);
  if (!credentials) throw new SessionExpiryError('client has no session to expire (not connected yet?)');
  return expireSessionById(credentials, options);
}
