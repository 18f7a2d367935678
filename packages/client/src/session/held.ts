import { NO_PASSWORD, type ConnectAnswer, type SessionKey } from './handshake.js';

/**
 * What the client holds of its session between connections: the key (id and
 * password), the negotiated timeout, the last zxid seen, and since when the server
 * has been out of reach — the clock by which a suspended session is declared lost.
 */
export class HeldSession {
  key: SessionKey = { sessionId: 0n, password: NO_PASSWORD };
  lastZxid = 0n;
  /** The timeout the server granted (0 while no session is held). */
  timeout = 0;
  /** Whether the granting server is read-only. */
  readOnly = false;
  /** Whether a session was ever established (a reconnect, not a first connect). */
  seen = false;
  /** When the server was last heard from before the connection dropped (`performance.now()`). */
  disconnectedAt = 0;

  constructor(resume?: SessionKey) {
    if (resume) this.key = { ...resume };
  }

  get id(): bigint {
    return this.key.sessionId;
  }

  /** Takes what the server granted; returns whether it is the held session, resumed. */
  take(answer: Extract<ConnectAnswer, { expired: false }>): boolean {
    const resumed = this.key.sessionId !== 0n && answer.sessionId === this.key.sessionId;
    this.key = { sessionId: answer.sessionId, password: answer.password };
    this.timeout = answer.timeout;
    this.readOnly = answer.readOnly;
    return resumed;
  }

  /** Forgets the session key (expired, lost or closed); `timeout` too unless `keepTimeout` (a closed client still reports what it had). */
  forget(keepTimeout = false): void {
    this.key = { sessionId: 0n, password: NO_PASSWORD };
    if (!keepTimeout) this.timeout = 0;
  }

  sawZxid(zxid: bigint): void {
    if (zxid > this.lastZxid) this.lastZxid = zxid;
  }

  /** Whether the server has been out of reach for longer than the session timeout. */
  overdue(now: number): boolean {
    return this.key.sessionId !== 0n && this.timeout > 0 && now - this.disconnectedAt > this.timeout;
  }
}
