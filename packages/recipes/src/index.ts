/**
 * `@zookit/recipes`: locks, elections, barriers, counters and watch helpers on ZooKeeper,
 * safe under session loss. Every queueing recipe shares one sequential-contender core.
 * @packageDocumentation
 */
export { Lock, type LockOptions, type AcquireOptions } from './lock.js';
export { VALIDITY_MARGIN, type Lease, type LeaseEvents } from './lease.js';
export type { RecipeEvents, EventMap } from './events.js';
export { RecipeEmitter } from './emitter.js';
export type { RecipeMessage } from './recipe-message.js';
export { ReadWriteLock } from './read-write-lock.js';
export { Semaphore, type SemaphoreOptions } from './semaphore.js';
export { Election, type ElectionOptions, type RunForeverOptions } from './election.js';
export { LeaderLatch, type LeaderLatchEvents, type LeaderLatchOptions } from './leader-latch.js';
export { Barrier } from './barrier.js';
export { DoubleBarrier } from './double-barrier.js';
export { Counter, type CounterOptions } from './counter.js';
export { DataWatch, type DataWatchCallback } from './data-watch.js';
export { ChildrenWatch, type ChildrenWatchCallback } from './children-watch.js';
export {
  DistributedQueue, type DistributedQueueOptions, type PutOptions, type ConsumeOptions, type StopConsuming,
} from './queue/queue.js';
export type {
  QueueItem, QueueHandler, QueueHandlerContext, QueueFormatName, ConsumerStats, TakeOptions,
} from './queue/types.js';
export { parseChild, sortContenders, compareSeq, type Naming, type ParsedChild, type ContenderKind } from './node-names.js';
export {
  RecipeTimeoutError, LockTimeoutError, RecipeDataError, OwnershipLostError, RecipeStateError, OutcomeUnknownError, CancelledError,
  type LossReason,
} from './errors.js';
export { TreeCache } from './tree-cache/tree-cache.js';
export { NodeCache } from './tree-cache/node-cache.js';
export { ChildrenCache } from './tree-cache/children-cache.js';
export type { CachedNode, CacheChange, CacheEvent, CacheEvents, TreeCacheOptions } from './tree-cache/types.js';
export { SharedValue, type SharedValueEvents } from './shared-value.js';
export { SharedCount, encodeCount, decodeCount, type SharedCountEvents } from './shared-count.js';
export { PersistentNode, type PersistentNodeMode, type PersistentNodeOptions, type PersistentNodeEvents } from './persistent-node.js';
export { GroupMember, type GroupMemberEvents } from './group-member.js';
export { Party, ShallowParty } from './party.js';
export { SetPartitioner, type SetPartitionerOptions, type Assignment } from './set-partitioner.js';
export { TimedLease, type TimedLeaseOptions, type HeldTimedLease } from './timed-lease.js';
