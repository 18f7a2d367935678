// The recipes' diagnostics channel `zookit:recipe` (node:diagnostics_channel): its message
// shape, a stable part of the public API.
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
