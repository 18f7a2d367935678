import { OpCode, Writer, Xid, writeAuthPacket } from '@zookit/protocol';
import { ErrorCode, type ZooKeeperError } from '../errors.js';
import { errorFromCode } from '../error-codes.js';
import type { SocketTransport } from '../transport/socket-transport.js';

interface AuthEntry {
  scheme: string;
  auth: Buffer;
  settled: boolean;
  resolve(): void;
  reject(error: Error): void;
}

/** The credentials added with addAuth: sent on every connection, answered in order. */
export class AuthList {
  readonly #entries: AuthEntry[] = [];
  #inFlight: AuthEntry[] = [];

  /** Adds credentials; sends them now when `transport` is given (connected). */
  add(scheme: string, auth: Buffer, transport: SocketTransport | null): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry: AuthEntry = { scheme, auth, settled: false, resolve, reject };
      this.#entries.push(entry);
      if (transport) this.#send(entry, transport);
    });
  }

  /** A new connection: every credential goes again, before any request. */
  sendAll(transport: SocketTransport): void {
    this.#inFlight = [];
    for (const a of this.#entries) this.#send(a, transport);
  }

  /** The connection dropped: answers for what was sent will not come. */
  forgetSent(): void {
    this.#inFlight = [];
  }

  /**
   * An auth reply arrived. Returns the error when the server refused the oldest
   * credential in flight (it is then dropped); `terminal` when the server closes the session (AUTHFAILED).
   */
  onReply(err: number): { error: ZooKeeperError; terminal: boolean; scheme: string | undefined } | undefined {
    const entry = this.#inFlight.shift();
    if (err === 0) {
      if (entry) settle(entry);
      return undefined;
    }
    const error = errorFromCode(err, { op: 'auth', ...(entry ? { path: entry.scheme } : {}) });
    if (entry) {
      const i = this.#entries.indexOf(entry);
      if (i >= 0) this.#entries.splice(i, 1);
      settle(entry, error);
    }
    return { error, terminal: err === ErrorCode.AUTHFAILED, scheme: entry?.scheme };
  }

  /** The client closed: every unsettled addAuth rejects with `reason`. */
  rejectAll(reason: Error): void {
    for (const a of this.#entries) settle(a, reason);
  }

  #send(entry: AuthEntry, transport: SocketTransport): void {
    const w = new Writer(64 + entry.auth.length);
    w.int(Xid.auth).int(OpCode.auth);
    writeAuthPacket(w, entry.scheme, entry.auth);
    this.#inFlight.push(entry);
    transport.send(w.frame());
  }
}

function settle(entry: AuthEntry, error?: Error): void {
  if (entry.settled) return;
  entry.settled = true;
  if (error) entry.reject(error);
  else entry.resolve();
}
