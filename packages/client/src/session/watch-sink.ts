import type { ConnectionState, Watcher } from '../types.js';

/** The kinds of watch the server keeps. */
export type WatchKind = 'data' | 'exist' | 'child' | 'persistent' | 'persistentRecursive';

/**
 * The watch a request leaves behind when it succeeds: `fn` on `path` (the server
 * path, chroot included). An `exist` watch becomes a `data` watch when the node
 * exists (the reply's error code is 0), as ZooKeeper registers it.
 */
export interface WatchSpec {
  readonly kind: WatchKind;
  readonly path: string;
  readonly fn: Watcher;
}

/**
 * What the session needs from the watch layer above it (implemented by the
 * dispatcher): it registers a request's watch when the reply arrives, routes
 * notifications, drops every watch when the session is gone, and re-registers
 * them after a reconnect.
 */
export interface WatchSink {
  /** A request carrying `watch` was answered with `err` (0, or the code it accepts): register the watch. */
  register(watch: WatchSpec, err: number): void;
  /** A notification arrived (wire event type, server path), in order with the replies around it. */
  notify(type: number, serverPath: string, state: ConnectionState): void;
  /** The session is gone: every watch ends, with a NONE event in state LOST. */
  dropAll(): void;
  /** The SetWatches frames that re-register every watch on a resumed session. */
  rearmFrames(relativeZxid: bigint): Buffer[];
}
