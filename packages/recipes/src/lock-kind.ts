// Which queue a Lock object joins when it is not a plain Lock: the sides of a
// ReadWriteLock, a Semaphore, a LeaderLatch. Kept beside the Lock objects (not in their
// constructor's type), so the published API shows none of it. Not exported.
import { InvalidArgumentError } from '@zookit/client';
import { decideExclusive, type QueueKind } from './contender.js';

/** The queue of one Lock object and how its errors name it. */
export interface LockSpec {
  kind: QueueKind;
  /** Whether waiters watch the children (any departure can free a slot). */
  watchesChildren: boolean;
  /** The recipe's name in errors (`LockTimeoutError.recipe`). */
  recipe: string;
}

/** A plain Lock's queue. */
const PLAIN_LOCK: LockSpec = { kind: { role: 'lock', decide: decideExclusive }, watchesChildren: false, recipe: 'Lock' };

const specs = new WeakMap<object, LockSpec>();

/** Gives `lock` another queue (call right after constructing it). */
export function setLockSpec<L extends object>(lock: L, spec: LockSpec): L {
  specs.set(lock, spec);
  return lock;
}

/** The queue `lock` joins. */
export function lockSpec(lock: object): LockSpec {
  return specs.get(lock) ?? PLAIN_LOCK;
}

/** Bad options of a Lock (or a Semaphore) throw before anything is sent. */
export function checkLockOptions(options: { identifier?: unknown; naming?: unknown; revocable?: unknown; suspendedGrace?: unknown }): void {
  if (options.identifier !== undefined && typeof options.identifier !== 'string') throw new InvalidArgumentError('identifier', 'must be a string');
  if (options.naming !== undefined && options.naming !== 'curator' && options.naming !== 'kazoo') {
    throw new InvalidArgumentError('naming', `must be 'curator' or 'kazoo', got ${String(options.naming)}`);
  }
  if (options.revocable !== undefined && typeof options.revocable !== 'boolean') throw new InvalidArgumentError('revocable', 'must be a boolean');
  const grace = options.suspendedGrace;
  if (grace !== undefined && (typeof grace !== 'number' || !(grace >= 0))) {
    throw new InvalidArgumentError('suspendedGrace', `must be a number of ms >= 0, got ${String(grace)}`);
  }
}
