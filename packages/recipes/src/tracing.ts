// The recipes' diagnostics channel `zookit:recipe` (node:diagnostics_channel): a stable
// name and message shape, part of the public API. Nothing is built or published while
// it has no subscriber.
import diagnostics_channel from 'node:diagnostics_channel';
import { CHANNELS } from '@zookit/client';
import type { LossReason } from './errors.js';

/**
 * A `zookit:recipe` message: a Lock, ReadLock, WriteLock, Semaphore, Election or
 * LeaderLatch lease acquired (`waitMs`: from the start of the acquire), released, or
 * lost (`reason`: why; `holdMs`: how long it was held).
 */
export type RecipeMessage = {
  /** The recipe (`Lock`, `ReadLock`, `WriteLock`, `Semaphore`, `Election`, `LeaderLatch`). */
  recipe: string;
  /** The recipe's path (the container of the contenders). */
  path: string;
  /** The holder node. */
  node: string;
  /** The session that owns the node, `0x`-prefixed hex. */
  sessionId: string;
  /** The lease's fencing token (the holder node's creation zxid). */
  fencingToken: bigint;
} & (
  | { event: 'acquired'; waitMs: number }
  | { event: 'released'; holdMs: number }
  | { event: 'lost'; reason: Exclude<LossReason, 'released'>; holdMs: number }
);

const recipeChannel = diagnostics_channel.channel(CHANNELS.recipe);

/** What a lease publishes about itself. */
export interface LeaseTrace {
  recipe: string;
  path: string;
}

type Holder = { path: string; sessionId: bigint; fencingToken: bigint };

function base(trace: LeaseTrace, lease: Holder) {
  return { recipe: trace.recipe, path: trace.path, node: lease.path, sessionId: `0x${lease.sessionId.toString(16)}`, fencingToken: lease.fencingToken };
}

/** Publishes an acquisition that took `waitMs`. */
export function publishAcquired(trace: LeaseTrace, lease: Holder, waitMs: number): void {
  if (recipeChannel.hasSubscribers) recipeChannel.publish({ ...base(trace, lease), event: 'acquired', waitMs } satisfies RecipeMessage);
}

/** Publishes the end of a lease held for `holdMs`. */
export function publishEnded(trace: LeaseTrace, lease: Holder, reason: LossReason, holdMs: number): void {
  if (!recipeChannel.hasSubscribers) return;
  const msg: RecipeMessage = reason === 'released'
    ? { ...base(trace, lease), event: 'released', holdMs }
    : { ...base(trace, lease), event: 'lost', reason, holdMs };
  recipeChannel.publish(msg);
}
