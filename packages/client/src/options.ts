import type tls from 'node:tls';
import type { Acl } from './types.js';

/** A logger hook: any of the four levels may be left out. Secrets are never passed to it. */
export interface Logger {
  debug?(message: string, meta?: Record<string, unknown>): void;
  info?(message: string, meta?: Record<string, unknown>): void;
  warn?(message: string, meta?: Record<string, unknown>): void;
  error?(message: string, meta?: Record<string, unknown>): void;
}

/** TLS options for the connection: Node's own `tls.connect` options. */
export type TlsOptions = Omit<tls.ConnectionOptions, 'host' | 'port' | 'socket'>;

/** SASL credentials for the session. Only DIGEST-MD5 is implemented. */
export interface SaslOptions {
  mechanism: 'DIGEST-MD5';
  username: string;
  password: string;
  /** Authorization id, when it differs from the username. */
  authzid?: string;
  /** Protocol and server name of the digest-uri; ZooKeeper's defaults are `zookeeper` and `zk-sasl-md5`. */
  protocol?: string;
  serverName?: string;
}

/** A session to resume (kazoo's `client_id`): the id and password of a live session. */
export interface SessionCredentials {
  /** The session id (`zk.sessionId` of the client that opened it). */
  id: bigint;
  /** The session password, 16 bytes. */
  password: Uint8Array;
}

/** Options of {@link ZooKeeperClient}. Durations are in milliseconds. */
export interface ClientOptions {
  /** Connect string: `host:port[,host:port...][/chroot]`. Default `127.0.0.1:2181`. */
  hosts?: string;
  /** Requested session timeout; the server clamps it to its [min, max]. Default 10,000. */
  sessionTimeout?: number;
  /** How long `start()` waits for a session before rejecting. Default 15,000. */
  connectTimeout?: number;
  /** How long a request issued while disconnected waits for a connection before rejecting. Default: `sessionTimeout`; 0 waits until the session is lost. */
  requestTimeout?: number;
  /** Allow read-only servers (partitioned from the quorum); state `READ_ONLY` there. Default false. */
  readOnly?: boolean;
  /** ACL for created nodes when `create` gets none. Default `OPEN_ACL_UNSAFE`. */
  defaultAcl?: readonly Acl[];
  /** Credentials sent on every connection, before any request: `[{ scheme: 'digest', credential: 'user:pw' }]`. */
  authData?: ReadonlyArray<{ scheme: string; credential: string | Uint8Array }>;
  /** Largest reply frame accepted, in bytes. Default 4 MiB (above the server's 1 MiB `jute.maxbuffer`). */
  maxFrameSize?: number;
  /** Largest request sent, in bytes. Default 1,048,575 (the server's `jute.maxbuffer`). */
  maxRequestSize?: number;
  /** Upper bound of the reconnect backoff. Default 2,000. */
  maxReconnectDelay?: number;
  /** Shuffle the host list (default true). */
  randomizeHosts?: boolean;
  /** Connect with TLS (Node's `tls.connect` options: `ca`, `cert`, `key`, `servername`, ...). */
  tls?: TlsOptions;
  /** SASL authentication on every connection, before any request: `{ mechanism: 'DIGEST-MD5', username, password }`. */
  sasl?: SaslOptions;
  /** Receives the client's log lines; secrets are never passed to it. */
  logger?: Logger;
  /**
   * Resume this session instead of starting a new one (kazoo's `client_id`), e.g. in a
   * process that takes over from another: `{ id, password }` from `zk.session` of the
   * client that opened it. When the server says it expired, the client starts a new one (state LOST first).
   */
  session?: SessionCredentials;
}
