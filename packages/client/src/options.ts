import { InvalidArgumentError } from './errors.js';
import type { Logger } from './session/session.js';
import type { SaslOptions } from './session/sasl.js';
import type { TlsOptions } from './transport/socket-transport.js';
import type { Acl } from './types.js';

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
}

export const DEFAULTS = {
  hosts: '127.0.0.1:2181',
  sessionTimeout: 10_000,
  connectTimeout: 15_000,
  maxFrameSize: 4 * 1024 * 1024,
  maxRequestSize: 0xfffff,
  maxReconnectDelay: 2_000,
} as const;

/** Throws InvalidArgumentError when `options` has a key not in `allowed`. */
export function checkOptions(options: object | undefined, allowed: readonly string[], argument = 'options'): void {
  if (options === undefined || options === null) return;
  if (typeof options !== 'object') throw new InvalidArgumentError(argument, 'must be an object');
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new InvalidArgumentError(argument, `unknown option "${key}"`);
  }
}

export function checkDuration(value: unknown, name: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new InvalidArgumentError(name, `must be a number of milliseconds >= ${min}`);
  }
  return value;
}

export function checkVersion(value: unknown, name = 'version'): number {
  if (value === undefined) return -1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < -1 || value > 0x7fffffff) {
    throw new InvalidArgumentError(name, 'must be an integer >= -1');
  }
  return value;
}

/** Node data from a Buffer, Uint8Array or string (UTF-8). */
export function toData(data: unknown, argument = 'data'): Buffer {
  if (data === undefined || data === null) return EMPTY;
  if (Buffer.isBuffer(data)) return data;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new InvalidArgumentError(argument, 'must be a Buffer, Uint8Array or string');
}

const EMPTY = Buffer.alloc(0);
