import { OpCode, Reader, Writer, readConnectResponse, readReplyHeader, writeConnectRequest } from '@zookit/protocol';
import { AuthFailedError, ProtocolError } from '../errors.js';
import { errorFromCode } from '../error-codes.js';
import type { SaslOptions } from '../options.js';
import { DigestMd5Client } from './sasl.js';

/** Session id and password; a zero id asks for a new session. */
export interface SessionKey {
  sessionId: bigint;
  password: Buffer;
}

export const NO_PASSWORD = Buffer.alloc(16);

/** The ConnectRequest frame: resume `key` (or start a session when its id is 0). */
function connectFrame(key: SessionKey | null, lastZxid: bigint, sessionTimeout: number, readOnly: boolean): Buffer {
  const w = new Writer(64);
  writeConnectRequest(w, {
    protocolVersion: 0,
    lastZxidSeen: lastZxid,
    timeOut: sessionTimeout,
    sessionId: key?.sessionId ?? 0n,
    passwd: key?.password ?? NO_PASSWORD,
    readOnly,
  });
  return w.frame();
}

/** What the server answered to a ConnectRequest. */
export type ConnectAnswer =
  | { expired: true }
  | { expired: false; sessionId: bigint; password: Buffer; timeout: number; readOnly: boolean };

/** Reads a ConnectResponse. @throws ProtocolError when the server refused the handshake or sent nonsense. */
function readConnectAnswer(frame: Buffer): ConnectAnswer {
  if (frame.length === 16) {
    // A bare ReplyHeader instead of a ConnectResponse: the server refused the
    // session (a read-only server without local sessions answers NOTREADONLY).
    const err = frame.readInt32BE(12);
    throw new ProtocolError(`the server refused the handshake with ${errorFromCode(err).codeName} (${err})`);
  }
  const res = readConnectResponse(new Reader(frame));
  if (res.timeOut <= 0) return { expired: true };
  if (res.passwd.length !== 16 && res.sessionId !== 0n) throw new ProtocolError(`session password of ${res.passwd.length} bytes`);
  return { expired: false, sessionId: res.sessionId, password: res.passwd, timeout: res.timeOut, readOnly: res.readOnly };
}

/** A closeSession request (for a session declared lost locally but still alive on the server). */
function closeSessionFrame(xid: number): Buffer {
  const w = new Writer(16);
  w.int(xid).int(OpCode.closeSession);
  return w.frame();
}

/** Whether `frame` is the answer to our closeSession (anything but a ping or notification). */
function isCloseReply(frame: Buffer): boolean {
  return readReplyHeader(new Reader(frame)).xid >= 0;
}

/** What the session does next, as the handshake decides from a frame. */
export type HandshakeStep =
  /** A frame that is not ours (a ping, a notification): nothing. */
  | { do: 'wait' }
  /** Send `frame`; enter `phase` first when given. */
  | { do: 'send'; frame: Buffer; phase?: 'zombie' | 'sasl' }
  /** Drop this connection and connect again at once; `expired`: the session held is gone. */
  | { do: 'restart'; expired: boolean }
  /** The server granted a session: the session takes it, then calls `startSasl`. */
  | { do: 'established'; answer: Extract<ConnectAnswer, { expired: false }> }
  /** The session is usable (after SASL, if any). */
  | { do: 'connected'; resumed: boolean }
  /** A terminal failure (SASL credentials refused). */
  | { do: 'fail'; error: AuthFailedError };

/**
 * The handshake of each connection: the ConnectRequest (resuming the session held,
 * or first closing one declared lost locally: the "zombie"), the ConnectResponse,
 * and the SASL steps. It decides; the session applies the step.
 */
export class Handshake {
  readonly #c: { sessionTimeout: number; readOnly: boolean; sasl: SaslOptions | undefined };
  readonly #nextXid: () => number;
  #zombie: SessionKey | null = null;
  #seenRwServer = false;
  #sasl: { exchange: SaslExchange; resumed: boolean } | null = null;

  constructor(config: { sessionTimeout: number; readOnly: boolean; sasl: SaslOptions | undefined }, nextXid: () => number) {
    this.#c = config;
    this.#nextXid = nextXid;
  }

  /** The session was declared lost locally: close it on the server at the next connection. */
  abandon(key: SessionKey): void {
    this.#zombie = key;
  }

  /** The ConnectRequest of a new connection. A read-only client resumes only once it has seen a read-write server. */
  request(held: SessionKey, lastZxid: bigint): Buffer {
    const key = this.#zombie ?? (this.#seenRwServer || !this.#c.readOnly ? held : null);
    return connectFrame(key, lastZxid, this.#c.sessionTimeout, this.#c.readOnly);
  }

  onConnectResponse(frame: Buffer): HandshakeStep {
    const answer = readConnectAnswer(frame);
    if (this.#zombie) {
      if (answer.expired) {
        this.#zombie = null;
        return { do: 'restart', expired: false };
      }
      // The locally-lost session still lives on the server: close it, so its
      // ephemeral nodes do not block others for another session timeout.
      return { do: 'send', frame: closeSessionFrame(this.#nextXid()), phase: 'zombie' };
    }
    if (answer.expired) return { do: 'restart', expired: true };
    if (!answer.readOnly) this.#seenRwServer = true;
    return { do: 'established', answer };
  }

  onZombieReply(frame: Buffer): HandshakeStep {
    if (!isCloseReply(frame)) return { do: 'wait' };
    // The old session is closed on the server: start afresh.
    this.#zombie = null;
    return { do: 'restart', expired: false };
  }

  /** After a session was established: SASL first when configured (a server enforcing it closes the session on any other request). */
  startSasl(resumed: boolean): HandshakeStep {
    if (!this.#c.sasl) return { do: 'connected', resumed };
    const exchange = new SaslExchange(this.#c.sasl, this.#nextXid);
    this.#sasl = { exchange, resumed };
    return { do: 'send', frame: exchange.first(), phase: 'sasl' };
  }

  onSaslReply(frame: Buffer): HandshakeStep {
    const sasl = this.#sasl!;
    let next: Buffer | 'done' | null;
    try {
      next = sasl.exchange.onFrame(frame);
    } catch (err) {
      if (err instanceof AuthFailedError) return { do: 'fail', error: err };
      throw err;
    }
    if (next === null) return { do: 'wait' };
    if (next !== 'done') return { do: 'send', frame: next };
    this.#sasl = null;
    return { do: 'connected', resumed: sasl.resumed };
  }
}

/** The SASL DIGEST-MD5 steps after the ConnectResponse, before any other request. */
export class SaslExchange {
  readonly #client: DigestMd5Client;
  readonly #nextXid: () => number;
  #xid = 0;

  constructor(options: SaslOptions, nextXid: () => number) {
    this.#client = new DigestMd5Client(options);
    this.#nextXid = nextXid;
  }

  /** The first frame to send. */
  first(): Buffer {
    return this.#frame(this.#client.initial());
  }

  /**
   * A frame arrived during the exchange: null when it is not ours (a ping, a
   * notification), 'done' when authenticated, else the next frame to send.
   * @throws AuthFailedError when the server refused the credentials.
   */
  onFrame(frame: Buffer): Buffer | 'done' | null {
    const r = new Reader(frame);
    const hdr = readReplyHeader(r);
    if (hdr.xid !== this.#xid) return null;
    if (hdr.err !== 0) {
      // 3.8 answers bad credentials with AUTHFAILED, or with SESSIONCLOSEDREQUIRESASLAUTH under enforcement.
      const cause = errorFromCode(hdr.err, { op: 'sasl' });
      throw new AuthFailedError({ op: 'sasl', cause }, `AUTHFAILED: SASL DIGEST-MD5 authentication refused by the server (${cause.codeName})`);
    }
    const next = this.#client.next(r.buffer() ?? Buffer.alloc(0));
    return next === null ? 'done' : this.#frame(next);
  }

  #frame(token: Buffer): Buffer {
    const w = new Writer(64 + token.length);
    this.#xid = this.#nextXid();
    w.int(this.#xid).int(OpCode.sasl).buffer(token);
    return w.frame();
  }
}
