import type { Acl, GetDataResult, Stat } from '@zookit/protocol';

export type { Stat, Id, Acl, ClientInfo } from '@zookit/protocol';

/** The connection states of the listener API (kazoo's). */
export const ConnectionState = {
  /** A live connection and a live session. */
  CONNECTED: 'CONNECTED',
  /** The connection dropped; the session may still be alive on the server. */
  SUSPENDED: 'SUSPENDED',
  /** The session is gone: every ephemeral node of it is gone. Also the state before `start()` and after `stop()`. */
  LOST: 'LOST',
  /** Connected to a read-only server (partitioned from the quorum); writes fail. */
  READ_ONLY: 'READ_ONLY',
} as const;
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

/** Watch event types (kazoo's), plus `NONE` for a state change delivered to a watch. */
export const EventType = {
  CREATED: 'CREATED',
  DELETED: 'DELETED',
  CHANGED: 'CHANGED',
  CHILD: 'CHILD',
  NONE: 'NONE',
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

/** What a watch receives. `state` is the connection state when it fired. */
export interface WatchedEvent {
  type: EventType;
  state: ConnectionState;
  /** The node's path, without the chroot. */
  path: string;
}

/** A watch callback. */
export type Watcher = (event: WatchedEvent) => void;

/** Options of reads that can leave a one-shot watch. */
export interface WatchOptions {
  /** Called once with the next event for the node. */
  watch?: Watcher;
}

/** Which watches `removeWatches` removes. */
export type WatcherType = 'data' | 'children' | 'persistent' | 'any';

/** Options of `create`. */
export interface CreateOptions {
  /** Deleted when the session ends. */
  ephemeral?: boolean;
  /** The server appends a 10-digit sequence number to the name. */
  sequential?: boolean;
  /** A container node: deleted by the server once its last child is gone. */
  container?: boolean;
  /** A persistent node deleted after this many ms without changes once it has no children (server needs `extendedTypesEnabled`). */
  ttl?: number;
  /** The node's ACL (default: the client's `defaultAcl`). */
  acl?: readonly Acl[];
  /** Create missing parents (as persistent nodes without data). */
  makePath?: boolean;
  /** Resolve with `{ path, stat }` (uses create2). */
  withStat?: boolean;
}

/** What one operation of a committed transaction gives back. */
export type TransactionResult = string | { path: string; stat: Stat } | Stat | true | Error;

/** What one read of `multiRead` gives back. */
export type MultiReadResult = GetDataResult | string[] | Error;

/**
 * A transaction (ZooKeeper `multi`): every operation applies, or none does.
 * `commit()` resolves with one result per operation; when the transaction
 * failed, every result is an Error (the failing operation's own, the others
 * `RolledBackError`). Invalid arguments throw when the operation is added.
 *
 * ```ts
 * const results = await zk.transaction().check('/a', 3).create('/a/b', 'x').commit();
 * ```
 */
export interface Transaction {
  /** Number of operations added. */
  readonly size: number;
  /** Adds a create (result: the created path, or `{ path, stat }` with `withStat`). */
  create(path: string, data?: Buffer | Uint8Array | string | null, options?: Omit<CreateOptions, 'makePath'>): this;
  /** Adds a delete (result: true). */
  delete(path: string, version?: number): this;
  /** Adds a setData (result: the new Stat). */
  setData(path: string, data: Buffer | Uint8Array | string | null, version?: number): this;
  /** Same as `setData`. */
  set(path: string, data: Buffer | Uint8Array | string | null, version?: number): this;
  /** Adds a version check: the transaction fails unless the node exists with `version` (-1: any). Result: true. */
  check(path: string, version?: number): this;
  /** Sends the transaction. A transaction commits once. */
  commit(options?: { signal?: AbortSignal }): Promise<TransactionResult[]>;
}

/**
 * A connection observer for libraries built on the client (recipes, caches): see
 * `ZooKeeperClient.observe`. Both methods are optional.
 */
export interface ConnectionObserver {
  /** Called on every state transition, before any `'state'` listener. */
  state?(state: ConnectionState, previous: ConnectionState): void;
  /** Called once when the client is closing for good, before any `'closing'` listener. */
  closing?(): void;
}
