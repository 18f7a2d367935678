// The error class for a ZooKeeper error code (not exported from the entry: the client's own use).
import {
  ApiError, AuthFailedError, BadArgumentsError, BadVersionError, ConnectionLossError, DataInconsistencyError,
  EphemeralOnLocalSessionError, InvalidACLError, InvalidCallbackError, MarshallingError, NewConfigNoQuorumError,
  NoAuthError, NoChildrenForEphemeralsError, NoNodeError, NoWatcherError, NodeExistsError, NotEmptyError,
  NotReadOnlyError, OperationTimeoutError, QuotaExceededError, ReconfigDisabledError, ReconfigInProgressError,
  RequestTimeoutError, RuntimeInconsistencyError, SessionClosedRequireSaslAuthError, SessionExpiredError,
  SessionMovedError, SystemZooKeeperError, ThrottledOpError, UnimplementedError, UnknownSessionError,
  ZooKeeperError, type ErrorContext,
} from './errors.js';

type CodeErrorClass = new (context?: ErrorContext, message?: string) => ZooKeeperError;

const BY_CODE = new Map<number, CodeErrorClass>(
  [
    SystemZooKeeperError, RuntimeInconsistencyError, DataInconsistencyError, ConnectionLossError,
    MarshallingError, UnimplementedError, OperationTimeoutError, BadArgumentsError, UnknownSessionError,
    NewConfigNoQuorumError, ReconfigInProgressError, ApiError, NoNodeError, NoAuthError, BadVersionError,
    NoChildrenForEphemeralsError, NodeExistsError, NotEmptyError, SessionExpiredError, InvalidCallbackError,
    InvalidACLError, AuthFailedError, SessionMovedError, NotReadOnlyError, EphemeralOnLocalSessionError,
    NoWatcherError, RequestTimeoutError, ReconfigDisabledError, SessionClosedRequireSaslAuthError,
    QuotaExceededError, ThrottledOpError,
  ].map((cls) => [cls.code, cls] as const),
);

/**
 * The error for a ZooKeeper code: its own class when the code is known, a plain
 * {@link ZooKeeperError} carrying the number when it is not (never a crash).
 */
export function errorFromCode(code: number, context: ErrorContext = {}): ZooKeeperError {
  const cls = BY_CODE.get(code);
  return cls ? new cls(context) : new ZooKeeperError(code, context);
}
