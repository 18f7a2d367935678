/**
 * The error tree of zookit. Everything the client throws or rejects with is a
 * {@link ZooKitError}; everything the server (or the session) refused is a
 * {@link ZooKeeperError} carrying the numeric code, the operation and the path.
 */

import { ProtocolError, ZooKitError } from '@zookit/protocol';

// The root of the tree and the wire layer's errors live with the codec.
export { ProtocolError, ZooKitError };

/** Facts attached to an error raised by a ZooKeeper operation. */
export interface ErrorContext {
  /** The operation, as ZooKeeper names it (`getData`, `create`, ...). */
  op?: string | undefined;
  /** The path as the caller wrote it (without the chroot). */
  path?: string | undefined;
  cause?: unknown;
}

/** The server, or the session, said no. `code` is ZooKeeper's error code. */
export class ZooKeeperError extends ZooKitError {
  /** ZooKeeper's numeric error code (for example -101 for NONODE). */
  readonly code: number;
  /** ZooKeeper's name of the code (for example `NONODE`). */
  readonly codeName: string;
  /** The operation that failed. */
  readonly op: string | undefined;
  /** The path the operation was about, as the caller wrote it. */
  readonly path: string | undefined;

  constructor(code: number, context: ErrorContext = {}, message?: string) {
    const codeName = CODE_NAMES[code] ?? `UNKNOWN(${code})`;
    const where = [context.path, context.op ? `(${context.op})` : undefined].filter(Boolean).join(' ');
    super(message ?? (where ? `${codeName}: ${where}` : codeName), context.cause === undefined ? undefined : { cause: context.cause });
    this.code = code;
    this.codeName = codeName;
    this.op = context.op;
    this.path = context.path;
  }
}

/** ZooKeeper's error codes, by name. */
export const ErrorCode = {
  OK: 0,
  SYSTEMERROR: -1,
  RUNTIMEINCONSISTENCY: -2,
  DATAINCONSISTENCY: -3,
  CONNECTIONLOSS: -4,
  MARSHALLINGERROR: -5,
  UNIMPLEMENTED: -6,
  OPERATIONTIMEOUT: -7,
  BADARGUMENTS: -8,
  UNKNOWNSESSION: -12,
  NEWCONFIGNOQUORUM: -13,
  RECONFIGINPROGRESS: -14,
  APIERROR: -100,
  NONODE: -101,
  NOAUTH: -102,
  BADVERSION: -103,
  NOCHILDRENFOREPHEMERALS: -108,
  NODEEXISTS: -110,
  NOTEMPTY: -111,
  SESSIONEXPIRED: -112,
  INVALIDCALLBACK: -113,
  INVALIDACL: -114,
  AUTHFAILED: -115,
  SESSIONMOVED: -118,
  NOTREADONLY: -119,
  EPHEMERALONLOCALSESSION: -120,
  NOWATCHER: -121,
  REQUESTTIMEOUT: -122,
  RECONFIGDISABLED: -123,
  SESSIONCLOSEDREQUIRESASLAUTH: -124,
  QUOTAEXCEEDED: -125,
  THROTTLEDOP: -127,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const CODE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(ErrorCode).map(([name, code]) => [code, name]),
);

function codeClass(code: number) {
  return class extends ZooKeeperError {
    /** The ZooKeeper code every instance of this class carries. */
    static readonly code = code;
    constructor(context: ErrorContext = {}, message?: string) {
      super(code, context, message);
    }
  };
}

/** SYSTEMERROR (-1): a server-side failure. */
export class SystemZooKeeperError extends codeClass(ErrorCode.SYSTEMERROR) {}
/** RUNTIMEINCONSISTENCY (-2). In a failed transaction it marks the operations rolled back. */
export class RuntimeInconsistencyError extends codeClass(ErrorCode.RUNTIMEINCONSISTENCY) {}
/** An operation of a failed transaction that was not applied because another one failed. */
export class RolledBackError extends RuntimeInconsistencyError {}
/** DATAINCONSISTENCY (-3). */
export class DataInconsistencyError extends codeClass(ErrorCode.DATAINCONSISTENCY) {}
/** CONNECTIONLOSS (-4): the connection dropped with the request in flight; the outcome of a write is unknown. Retryable. */
export class ConnectionLossError extends codeClass(ErrorCode.CONNECTIONLOSS) {}
/** MARSHALLINGERROR (-5). */
export class MarshallingError extends codeClass(ErrorCode.MARSHALLINGERROR) {}
/** UNIMPLEMENTED (-6): the server does not support the operation (TTL nodes without `extendedTypesEnabled`, reconfig on a standalone server). */
export class UnimplementedError extends codeClass(ErrorCode.UNIMPLEMENTED) {}
/** OPERATIONTIMEOUT (-7): the request waited longer than its deadline; the outcome is unknown. Retryable. */
export class OperationTimeoutError extends codeClass(ErrorCode.OPERATIONTIMEOUT) {}
/** BADARGUMENTS (-8): the server refused the arguments. */
export class BadArgumentsError extends codeClass(ErrorCode.BADARGUMENTS) {}
/** UNKNOWNSESSION (-12). */
export class UnknownSessionError extends codeClass(ErrorCode.UNKNOWNSESSION) {}
/** NEWCONFIGNOQUORUM (-13). */
export class NewConfigNoQuorumError extends codeClass(ErrorCode.NEWCONFIGNOQUORUM) {}
/** RECONFIGINPROGRESS (-14). */
export class ReconfigInProgressError extends codeClass(ErrorCode.RECONFIGINPROGRESS) {}
/** APIERROR (-100). */
export class ApiError extends codeClass(ErrorCode.APIERROR) {}
/** NONODE (-101): the node does not exist. */
export class NoNodeError extends codeClass(ErrorCode.NONODE) {}
/** NOAUTH (-102): the ACL does not allow the operation. */
export class NoAuthError extends codeClass(ErrorCode.NOAUTH) {}
/** BADVERSION (-103): the version given does not match the node's. */
export class BadVersionError extends codeClass(ErrorCode.BADVERSION) {}
/** NOCHILDRENFOREPHEMERALS (-108): ephemeral nodes cannot have children. */
export class NoChildrenForEphemeralsError extends codeClass(ErrorCode.NOCHILDRENFOREPHEMERALS) {}
/** NODEEXISTS (-110): the node already exists. */
export class NodeExistsError extends codeClass(ErrorCode.NODEEXISTS) {}
/** NOTEMPTY (-111): the node has children. */
export class NotEmptyError extends codeClass(ErrorCode.NOTEMPTY) {}
/** SESSIONEXPIRED (-112): the session is gone, and every ephemeral node of it. Not retried by default. */
export class SessionExpiredError extends codeClass(ErrorCode.SESSIONEXPIRED) {}
/** INVALIDCALLBACK (-113). */
export class InvalidCallbackError extends codeClass(ErrorCode.INVALIDCALLBACK) {}
/** INVALIDACL (-114): the ACL is malformed or empty. */
export class InvalidACLError extends codeClass(ErrorCode.INVALIDACL) {}
/** AUTHFAILED (-115): the server refused the credentials; the client stops. */
export class AuthFailedError extends codeClass(ErrorCode.AUTHFAILED) {}
/** SESSIONMOVED (-118): the session moved to another server. */
export class SessionMovedError extends codeClass(ErrorCode.SESSIONMOVED) {}
/** NOTREADONLY (-119): a write sent to a read-only server. */
export class NotReadOnlyError extends codeClass(ErrorCode.NOTREADONLY) {}
/** EPHEMERALONLOCALSESSION (-120). */
export class EphemeralOnLocalSessionError extends codeClass(ErrorCode.EPHEMERALONLOCALSESSION) {}
/** NOWATCHER (-121): no such watch to remove. */
export class NoWatcherError extends codeClass(ErrorCode.NOWATCHER) {}
/** REQUESTTIMEOUT (-122). */
export class RequestTimeoutError extends codeClass(ErrorCode.REQUESTTIMEOUT) {}
/** RECONFIGDISABLED (-123): dynamic reconfiguration is off on the server. */
export class ReconfigDisabledError extends codeClass(ErrorCode.RECONFIGDISABLED) {}
/** SESSIONCLOSEDREQUIRESASLAUTH (-124): the server requires SASL authentication. */
export class SessionClosedRequireSaslAuthError extends codeClass(ErrorCode.SESSIONCLOSEDREQUIRESASLAUTH) {}
/** QUOTAEXCEEDED (-125). */
export class QuotaExceededError extends codeClass(ErrorCode.QUOTAEXCEEDED) {}
/** THROTTLEDOP (-127): the server throttled the request. */
export class ThrottledOpError extends codeClass(ErrorCode.THROTTLEDOP) {}

/** The caller passed something invalid; nothing was sent. */
export class InvalidArgumentError extends ZooKitError {
  /** Which argument was wrong. */
  readonly argument: string;
  constructor(argument: string, problem: string) {
    super(`invalid ${argument}: ${problem}`);
    this.argument = argument;
  }
}

/** A request is larger than the server accepts (`jute.maxbuffer`); nothing was sent. */
export class RequestTooLargeError extends InvalidArgumentError {
  readonly size: number;
  readonly limit: number;
  constructor(op: string, size: number, limit: number) {
    super('request', `${op} request of ${size} bytes exceeds the limit of ${limit} bytes (jute.maxbuffer)`);
    this.size = size;
    this.limit = limit;
  }
}

/** A reply frame was larger than the client's inbound limit (`maxFrameSize`); the connection was recycled. */
export class FrameTooLargeError extends ProtocolError {
  readonly size: number;
  readonly limit: number;
  constructor(size: number, limit: number) {
    super(`reply frame of ${size} bytes exceeds the client's limit of ${limit} bytes (maxFrameSize)`);
    this.size = size;
    this.limit = limit;
  }
}

/** The server's TLS certificate did not verify (wrong CA, wrong name, expired); `cause` is Node's error. */
export class TlsCertificateError extends ZooKitError {}

/** The client was closed; the request was not (or will not be) answered. */
export class ClientClosedError extends ZooKitError {
  constructor(message = 'the client is closed') {
    super(message);
  }
}

/** Why connecting to one host failed, as `start()` saw it last. */
export interface HostFailure {
  /** The host, as host:port. */
  host: string;
  /** The last error of a connection attempt to it (`code` is Node's: ECONNREFUSED, ENOTFOUND, ...). */
  error: Error;
}

/**
 * `start()` gave up: no server could be reached within its timeout (`start({ timeout })`
 * or `connectTimeout`). The message says when every host refused the connection or
 * could not be resolved; `failures` has the last error per host, `cause` the last one.
 */
export class ConnectTimeoutError extends ZooKitError {
  /** The hosts tried, as host:port. */
  readonly hosts: string[];
  /** The last failure of each host that failed (hosts that never answered at all may be missing). */
  readonly failures: HostFailure[];
  constructor(timeout: number, hosts: string[], cause?: unknown, failures: HostFailure[] = []) {
    super(`could not connect to ZooKeeper within ${timeout} ms (tried ${hosts.join(', ')})${describeFailures(hosts, failures)}`, cause === undefined ? undefined : { cause });
    this.hosts = hosts;
    this.failures = failures;
  }
}

function describeFailures(hosts: string[], failures: HostFailure[]): string {
  if (failures.length === 0) return '';
  const codes = new Set(failures.map((f) => (f.error as { code?: unknown }).code));
  const all = failures.length >= hosts.length;
  const summary = all && codes.size === 1 && codes.has('ECONNREFUSED') ? ': every host refused the connection'
    : all && [...codes].every((c) => c === 'ENOTFOUND' || c === 'EAI_AGAIN') ? ': no host name could be resolved'
      : all && [...codes].every((c) => c === 'ECONNREFUSED' || c === 'ENOTFOUND' || c === 'EAI_AGAIN') ? ': every host refused the connection or could not be resolved'
        : '';
  return `${summary} (${failures.map((f) => `${f.host}: ${f.error.message}`).join('; ')})`;
}

/**
 * A user-supplied callback (a state or event listener, a watch, an observer) threw
 * or returned a rejected promise. Reported on the client's `'error'` event and the
 * logger; it never stops another callback. `cause` is what was thrown.
 */
export class CallbackError extends ZooKitError {
  /** Which callback failed (for example `'state' listener`, `watch /app`). */
  readonly label: string;
  constructor(label: string, cause: unknown) {
    super(`${label} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.label = label;
  }
}

/** More watch events arrived than the consumer read; the stream ended rather than grow without bound. */
export class WatchOverflowError extends ZooKitError {}

/** A request was made before `start()`: nothing was sent. Call `await zk.start()` first. */
export class ClientNotStartedError extends ZooKitError {
  constructor(op: string) {
    super(`${op} was called before start(); call await zk.start() first`);
  }
}

/**
 * Whether retrying the operation that failed with `err` is sensible: the
 * connection dropped or the request timed out, so the outcome is unknown.
 */
export function isRetryable(err: unknown): boolean {
  return err instanceof ConnectionLossError || err instanceof OperationTimeoutError;
}
