// The public types of the distributed queue (exported from the entry).

/** A queue's wire format: `zookit`, Curator's `DistributedQueue` (with a lock path) or kazoo's `LockingQueue`. */
export type QueueFormatName = 'zookit' | 'curator' | 'kazoo';

/** One item handed to a handler or returned by `take()`. */
export interface QueueItem {
  /** The item's node name (under the queue's items path). */
  readonly name: string;
  /** The payload. */
  readonly data: Buffer;
  /** The item's priority (lower first; 0 when the format has none). */
  readonly priority: number;
}

/** What a handler gets beside the item. */
export interface QueueHandlerContext {
  /**
   * Aborts (reason: `OwnershipLostError`) when our hold on the item may be gone: on
   * `SUSPENDED` after the consumer's `grace`, on `LOST`, when the client closes. The
   * item is then acknowledged only if our lock survived; otherwise another consumer gets it.
   */
  readonly signal: AbortSignal;
  /** The lock node's creation zxid: larger for every later holder of an item. */
  readonly fencingToken: bigint;
}

/** An at-least-once handler: resolve to acknowledge; throw or reject to re-queue (or delete, by option). */
export type QueueHandler = (item: QueueItem, context: QueueHandlerContext) => unknown;

/** Counters of a consumer, for tests and metrics. */
export interface ConsumerStats {
  /** Listings of the items (each leaves one watch). */
  listings: number;
  /** Items acknowledged (handler succeeded, item deleted). */
  acked: number;
  /** Items re-queued or deleted after a handler failure. */
  failed: number;
  /** Items whose lock was lost before the acknowledgement (left to another consumer). */
  lost: number;
  /** Lock attempts that found the item taken or gone. */
  contended: number;
}

/** Options of `take()`: how long to wait for an item. */
export interface TakeOptions {
  /** Aborts the wait (rejecting with the signal's reason). */
  signal?: AbortSignal | undefined;
  /** In ms: a RecipeTimeoutError when no item came by then. */
  timeout?: number | undefined;
}
