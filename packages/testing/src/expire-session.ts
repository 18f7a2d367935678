import net from 'node:net';
import { OpCode, Reader, Writer, readConnectResponse, readReplyHeader, writeConnectRequest, writeRequestHeader } from '@zookit/protocol';
import { SessionExpiryError } from './errors.js';
import { FrameReader } from './frame-reader.js';

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

/** The frames that attach a twin to the session and close it, in one buffer. */
function attachAndClose(credentials: SessionCredentials, timeOut: number): Buffer {
  const connect = new Writer();
  writeConnectRequest(connect, {
    protocolVersion: 0,
    lastZxidSeen: 0n,
    timeOut,
    sessionId: BigInt.asIntN(64, credentials.sessionId),
    passwd: credentials.password,
    readOnly: false,
  });
  const close = new Writer();
  writeRequestHeader(close, 1, OpCode.closeSession);
  return Buffer.concat([connect.frame(), close.frame()]);
}

/** Waits for the closeSession reply; a server that closes the connection instead has closed the session too. */
async function closeReply(reader: FrameReader, idHex: string): Promise<void> {
  let err: number;
  try {
    err = readReplyHeader(new Reader(await reader.next())).err;
  } catch {
    return;
  }
  if (err !== 0) throw new SessionExpiryError(`closeSession for ${idHex} failed with ZooKeeper error ${err}`);
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
    socket.write(attachAndClose(credentials, options.requestedTimeoutMs ?? 30_000));
    let timeOut: number;
    try {
      timeOut = readConnectResponse(new Reader(await reader.next())).timeOut;
    } catch (err) {
      // Servers close the socket instead of answering in some refusal cases (e.g. zxid ahead).
      throw new SessionExpiryError(`no ConnectResponse for session ${idHex} from ${host}:${port}: ${(err as Error).message}`, { cause: err });
    }
    if (timeOut <= 0) return { alreadyExpired: true };
    await closeReply(reader, idHex);
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
