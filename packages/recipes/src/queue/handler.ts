// The user's handler of a queue consumer, run isolated. Not exported (the types are, from types.ts).

import type { ZooKeeperClient } from '@zookit/client';
import type { QueueHandler, QueueHandlerContext, QueueItem } from './types.js';

/**
 * Runs the handler isolated (a throw or rejection is reported once on the client's
 * `'error'` event) and resolves with whether it succeeded. Never rejects.
 */
export function runHandler(zk: ZooKeeperClient, label: string, handler: QueueHandler, item: QueueItem, ctx: QueueHandlerContext): Promise<boolean> {
  let outcome: Promise<boolean> = Promise.resolve(false); // a synchronous throw leaves it false
  zk.runCallback(label, () => {
    const result = handler(item, ctx);
    const settled = Promise.resolve(result);
    outcome = settled.then(() => true, () => false);
    return settled;
  });
  return outcome;
}
