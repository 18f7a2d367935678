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
