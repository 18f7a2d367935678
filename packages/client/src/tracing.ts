// The client's diagnostics channels (node:diagnostics_channel): stable names and
// message shapes, part of the public API. Nothing is built or published while a
// channel has no subscriber. No message carries a secret: no session password, no
// auth data, no SASL credentials.
import diagnostics_channel from 'node:diagnostics_channel';
import { ConnectionLossError } from './errors.js';
import type { ConnectionState } from './types.js';

/** The channel names, as published (stable). */
export const CHANNELS = {
  /** TracingChannel: every request (`tracing:zookit:request:start`, `:end`, `:asyncStart`, `:asyncEnd`, `:error`). */
  request: 'zookit:request',
  /** TracingChannel: each connection attempt, through the handshake. */
  connect: 'zookit:connect',
  /** Channel: connection state changes ({@link StateMessage}). */
  state: 'zookit:state',
  /** Channel: session established, expired, lost by the clock, closed ({@link SessionMessage}). */
  session: 'zookit:session',
  /** Channel: watch events delivered, watches re-registered after a reconnect ({@link WatchMessage}). */
  watch: 'zookit:watch',
  /** Channel (published by `@zookit/recipes`): locks, semaphores, elections acquired, released, lost. */
  recipe: 'zookit:recipe',
} as const;

/** A server, as `server.address`/`server.port`. */
export interface ServerAddress {
  address: string;
  port: number;
}

/**
 * The context of one `zookit:request` trace. Filled in as the request goes: `xid` once
 * encoded, `server` once sent; at the end `result` (except for getACL) or `error`, and `code`: ZooKeeper's code name (`OK`, `NONODE`, ...) or, for an error that is not a
 * server's answer (a closed client, a request too large), the error's class name.
 */
export interface RequestMessage {
  /** The operation as ZooKeeper names it (`getData`, `create`, `multi`, ...). */
  op: string;
  /** The path as the caller gave it (without the chroot); undefined for multi and multiRead. */
  path: string | undefined;
  xid: number;
  /** The session id, `0x`-prefixed hex (`0x0` before the first session). */
  sessionId: string;
  /** The server the request was sent to; null while it waits for a connection. */
  server: ServerAddress | null;
  /** Number of operations, for `multi` and `multiRead`. */
  ops?: number;
  code?: string;
  result?: unknown;
  error?: unknown;
}

/** The context of one `zookit:connect` trace: an attempt to one server, through the handshake. */
export interface ConnectMessage {
  server: ServerAddress;
  /** The session id asked to resume (`0x0`: a new session). */
  sessionId: string;
  /** Whether this client had a connection before (an attempt to get back, not the first). */
  reconnect: boolean;
  /** At the end: `connected`, `failed`, `expired` (the server refused the held session) or `closed` (the client stopped). */
  outcome?: 'connected' | 'failed' | 'expired' | 'closed';
  /** When connected: the session timeout the server granted (ms). */
  negotiatedTimeout?: number;
  /** When connected: whether the server is read-only. */
  readOnly?: boolean;
  /** When connected: whether the held session was resumed. */
  resumed?: boolean;
  error?: unknown;
}

/** A `zookit:state` message. */
export interface StateMessage {
  state: ConnectionState;
  previous: ConnectionState;
  sessionId: string;
}

/** A `zookit:session` message. `lost`: disconnected for longer than the session timeout (the client's clock). */
export type SessionMessage =
  | { event: 'established'; sessionId: string; timeout: number; readOnly: boolean; server: ServerAddress }
  | { event: 'expired' | 'lost' | 'closed'; sessionId: string };

/** A `zookit:watch` message: watchers called for an event, watches dropped with the session, or SetWatches sent after a reconnect. */
export type WatchMessage =
  | { event: 'delivered'; type: string; path: string; watchers: number }
  | { event: 'dropped'; watchers: number }
  | { event: 'rearmed'; paths: number; batches: number };

const requestChannel = diagnostics_channel.tracingChannel<RequestMessage, RequestMessage>(CHANNELS.request);
const connectChannel = diagnostics_channel.tracingChannel<ConnectMessage, ConnectMessage>(CHANNELS.connect);
export const stateChannel = diagnostics_channel.channel(CHANNELS.state);
export const sessionChannel = diagnostics_channel.channel(CHANNELS.session);
export const watchChannel = diagnostics_channel.channel(CHANNELS.watch);

type AnyTracingChannel = ReturnType<typeof diagnostics_channel.tracingChannel>;
/** `TracingChannel.hasSubscribers` came with Node 20.13 and 22.0; before, ask its five channels. */
const tracingHasSubscribers: (tc: AnyTracingChannel) => boolean = 'hasSubscribers' in requestChannel
  ? (tc) => tc.hasSubscribers
  : (tc) => tc.start.hasSubscribers || tc.end.hasSubscribers || tc.asyncStart.hasSubscribers || tc.asyncEnd.hasSubscribers || tc.error.hasSubscribers;

/** Whether anything listens on `zookit:request` (checked per request: no allocation when nothing does). */
export function requestTraced(): boolean {
  return tracingHasSubscribers(requestChannel);
}

/** `0x`-prefixed hex, as the server logs session ids. */
export function hexId(id: bigint): string {
  return `0x${id.toString(16)}`;
}

/** The code name an error ends a request with. */
function codeOf(err: unknown): string {
  if (err && typeof err === 'object' && 'codeName' in err && typeof err.codeName === 'string') return err.codeName;
  return err instanceof Error ? err.constructor.name : 'Error';
}

/**
 * Runs `send` inside a `zookit:request` trace: `start` and `end` around the send,
 * then `error` (on failure), `asyncStart` and `asyncEnd` once the reply settled, with
 * `code` set. A getACL's result is left out (digest ACLs carry password hashes).
 */
export function traceRequest<T>(ctx: RequestMessage, send: () => Promise<T>): Promise<T> {
  const ch = requestChannel;
  const settled = (): void => {
    ch.asyncStart.publish(ctx);
    ch.asyncEnd.publish(ctx);
  };
  return ch.start.runStores(ctx, () => {
    try {
      return send().then((value) => {
        ctx.code = 'OK';
        if (ctx.op !== 'getACL') ctx.result = value;
        settled();
        return value;
      }, (err: unknown) => {
        ctx.code = codeOf(err);
        ctx.error = err;
        ch.error.publish(ctx);
        settled();
        throw err;
      });
    } finally {
      ch.end.publish(ctx);
    }
  });
}

/** One `zookit:connect` trace at a time: begun with an attempt, ended by its outcome. */
export class ConnectTrace {
  #ctx: ConnectMessage | null = null;

  begin(host: string, port: number, sessionId: bigint, reconnect: boolean): void {
    this.#ctx = null;
    if (!tracingHasSubscribers(connectChannel)) return;
    const ctx: ConnectMessage = { server: { address: host, port }, sessionId: hexId(sessionId), reconnect };
    this.#ctx = ctx;
    connectChannel.start.publish(ctx);
    connectChannel.end.publish(ctx);
  }

  connected(negotiatedTimeout: number, readOnly: boolean, resumed: boolean): void {
    const ctx = this.#take();
    if (!ctx) return;
    ctx.negotiatedTimeout = negotiatedTimeout;
    ctx.readOnly = readOnly;
    ctx.resumed = resumed;
    this.#finish(ctx, 'connected');
  }

  /** The attempt ended without a session; a failed one carries its `error` (a ConnectionLossError when the server just closed). */
  ended(outcome: 'failed' | 'expired' | 'closed', error: Error | undefined): void {
    const ctx = this.#take();
    if (!ctx) return;
    if (outcome === 'failed') {
      ctx.error = error ?? new ConnectionLossError({ op: 'connect' }, 'CONNECTIONLOSS: the server closed the connection during the handshake');
      connectChannel.error.publish(ctx);
    }
    this.#finish(ctx, outcome);
  }

  #take(): ConnectMessage | null {
    const ctx = this.#ctx;
    this.#ctx = null;
    return ctx;
  }

  #finish(ctx: ConnectMessage, outcome: NonNullable<ConnectMessage['outcome']>): void {
    ctx.outcome = outcome;
    connectChannel.asyncStart.publish(ctx);
    connectChannel.asyncEnd.publish(ctx);
  }
}
