export { ZooKeeperClient, sessionCredentials } from './client.js';
export type { ClientEvents, ConnectionObserver, CreateOptions, StateListener, WatchOptions, WatcherType } from './client.js';
export type { ClientOptions } from './options.js';
export type { Logger } from './session/session.js';
export type { SaslOptions } from './session/sasl.js';
export type { TlsOptions } from './transport/socket-transport.js';
export { Transaction } from './transaction-builder.js';
export type { TransactionResult, MultiReadResult } from './transaction.js';
export type { GetDataResult } from './jute/records.js';
export { ConnectionState, EventType } from './types.js';
export type { Stat, Acl, Id, WatchedEvent, Watcher, ClientInfo } from './types.js';
export {
  Perms, OPEN_ACL_UNSAFE, CREATOR_ALL_ACL, READ_ACL_UNSAFE, ANYONE_ID_UNSAFE, AUTH_IDS, makeAcl, makeDigestAcl, digestId,
} from './acl.js';
export { retry, type RetryPolicy } from './retry.js';
export { validatePath, joinPath, parentOf, basename } from './paths.js';
export { WatchOverflowError } from './watches/watch-stream.js';
export { JuteDecodeError } from './jute/reader.js';
export * from './errors.js';
