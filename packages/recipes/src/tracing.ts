// Publishing on the recipes' diagnostics channel `zookit:recipe` (its message shape:
// recipe-message.ts). Nothing is built or published while it has no subscriber. Not exported.
import diagnostics_channel from 'node:diagnostics_channel';
import { CHANNELS } from '@zookit/client';
import type { LossReason } from './errors.js';
import type { RecipeMessage } from './recipe-message.js';

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
