// The client's diagnostics channels (node:diagnostics_channel): stable names and
// message shapes, part of the public API. Nothing is built or published while a
// channel has no subscriber. No message carries a secret: no session password, no
// auth data, no SASL credentials.
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
