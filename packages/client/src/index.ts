export { ZooKeeperClient, sessionCredentials } from './client.js';
export type { ClientEvents, StateListener } from './events.js';
export type { ClientOptions, Logger, SaslOptions, SessionCredentials, TlsOptions } from './options.js';
export type { GetDataResult } from '@zookit/protocol';
export { ConnectionState, EventType } from './types.js';
export type {
  Stat, Acl, Id, WatchedEvent, Watcher, WatchOptions, WatcherType, ClientInfo, ConnectionObserver, CreateOptions, TransactionResult, MultiReadResult,
  Transaction,
} from './types.js';
export {
  Perms, OPEN_ACL_UNSAFE, CREATOR_ALL_ACL, READ_ACL_UNSAFE, ANYONE_ID_UNSAFE, AUTH_IDS, makeAcl, makeDigestAcl, digestId,
} from './acl.js';
export { retry, type RetryPolicy } from './retry.js';
export { validatePath, joinPath, parentOf, basename } from './paths.js';
export { JuteDecodeError } from '@zookit/protocol';
export * from './errors.js';
export { CHANNELS } from './channels.js';
export type { ConnectMessage, RequestMessage, ServerAddress, SessionMessage, StateMessage, WatchMessage } from './channels.js';
