import type { HostPort, SessionConfig } from '../config.js';
import { InvalidArgumentError, ProtocolError, ZooKitError, type AuthFailedError } from '../errors.js';
import type { Logger } from '../options.js';
import { SocketTransport } from '../transport/socket-transport.js';
import type { ConnectAnswer, Handshake, HandshakeStep } from './handshake.js';
import type { HeldSession } from './held.js';
import type { Phase } from './phases.js';

/** What a connection tells the session that opened it. Only the session's current connection is heard. */
export interface ConnectionOwner {
  isCurrent(connection: Connection): boolean;
  phase(): Phase;
  enter(next: Phase): void;
  /** A frame arrived (the heartbeat's clock). */
  heard(): void;
  /** The server granted a session; returns whether it is the one held, resumed. */
  established(answer: Extract<ConnectAnswer, { expired: false }>): boolean;
  /** The handshake is complete (after SASL, if any): the session is usable. */
  connected(resumed: boolean): void;
  /** The handshake ended without a session; `expired`: the one held is gone. The socket closes next, and a new one opens at once. */
  restart(expired: boolean): void;
  /** SASL credentials were refused: the client stops. */
  refused(error: AuthFailedError): void;
  /** A reply or a notification, once connected. */
  reply(frame: Buffer): void;
  /** The socket is gone; `error` says why (undefined: closed by the server). */
  closed(error: Error | undefined): void;
  log(level: keyof Logger, message: string, meta?: Record<string, unknown>): void;
}

/**
 * One socket to one server and its handshake: the ConnectRequest once the socket is
 * up, then each frame to the handshake's step for the phase (connect response,
 * closing a locally-lost session, SASL), then replies to the session.
 */
export class Connection {
  readonly transport: SocketTransport;
  readonly #handshake: Handshake;
  readonly #held: HeldSession;
  readonly #owner: ConnectionOwner;

  /** Throws InvalidArgumentError when Node refuses the connection options at once (a TLS key that does not decrypt, say). */
  constructor(target: HostPort, config: SessionConfig, handshake: Handshake, held: HeldSession, owner: ConnectionOwner) {
    this.#handshake = handshake;
    this.#held = held;
    this.#owner = owner;
    try {
      this.transport = new SocketTransport(
        { host: target.host, port: target.port, maxFrameSize: config.maxFrameSize, tls: config.tls },
        { onConnect: () => this.#onConnect(), onFrame: (frame) => this.#onFrame(frame), onClose: (err) => this.#onClose(err) },
      );
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new InvalidArgumentError('tls', `the connection options were refused: ${reason}`);
    }
  }

  #onConnect(): void {
    if (!this.#owner.isCurrent(this)) return;
    this.#owner.enter('handshake');
    this.transport.send(this.#handshake.request(this.#held.key, this.#held.lastZxid));
  }

  #onFrame(frame: Buffer): void {
    const owner = this.#owner;
    if (!owner.isCurrent(this)) return;
    owner.heard();
    try {
      const phase = owner.phase();
      if (phase === 'handshake') this.#step(this.#handshake.onConnectResponse(frame));
      else if (phase === 'zombie') this.#step(this.#handshake.onZombieReply(frame));
      else if (phase === 'sasl') this.#step(this.#handshake.onSaslReply(frame));
      else owner.reply(frame);
    } catch (err) {
      const e = err instanceof ZooKitError ? err : new ProtocolError(`bad reply: ${String(err)}`, { cause: err });
      owner.log('warn', 'dropping the connection', { reason: e.message });
      this.transport.destroy(e);
    }
  }

  /** Applies what the handshake decided. */
  #step(step: HandshakeStep): void {
    switch (step.do) {
      case 'wait':
        return;
      case 'send':
        if (step.phase) this.#owner.enter(step.phase);
        return this.transport.send(step.frame);
      case 'restart':
        this.#owner.restart(step.expired);
        return this.transport.destroy();
      case 'established':
        return this.#step(this.#handshake.startSasl(this.#owner.established(step.answer)));
      case 'connected':
        if (this.#owner.phase() === 'sasl') this.#owner.log('info', 'SASL authenticated', { mechanism: 'DIGEST-MD5' });
        return this.#owner.connected(step.resumed);
      case 'fail':
        this.#owner.log('error', 'SASL authentication failed; the client stops', { code: (step.error.cause as { code?: number }).code });
        return this.#owner.refused(step.error);
    }
  }

  #onClose(err: Error | undefined): void {
    if (this.#owner.isCurrent(this)) this.#owner.closed(err);
  }
}
