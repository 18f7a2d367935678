// The user's handler of a queue consumer, run isolated. Not exported (the types are).

import type { ZooKeeperClient } from '@zookit/client';

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

/**
 * Runs the handler isolated (a throw or rejection is reported once on the client's
 * `'error'` event) and resolves with whether it succeeded. Never rejects.
 */
export function runHandler(zk: ZooKeeperClient, label: string, handler: QueueHandler, item: QueueItem, ctx: QueueHandlerContext): Promise<boolean> {
  let outcome: Promise<boolean> = Promise.resolve(false);
  zk.runCallback(label, () => {
    outcome = Promise.resolve(false); // a synchronous throw leaves it false
    const result = handler(item, ctx);
    const settled = Promise.resolve(result);
    outcome = settled.then(() => true, () => false);
    return settled;
  });
  return outcome;
}
