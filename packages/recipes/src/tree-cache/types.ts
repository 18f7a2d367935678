import type { Stat } from '@zookit/client';

/** A cached node: its data (null with `dataless`) and its Stat as last read. */
export interface CachedNode {
  readonly data: Buffer | null;
  readonly stat: Stat;
}

/**
 * A change of the cached view. `created`: a node appeared (or was re-created: then a
 * `deleted` of the old one comes first); `changed`: its data changed (`mzxid` moved),
 * `previous` is the node before; `deleted`: it is gone, `data`/`stat` are its last known ones.
 */
export interface CacheChange {
  readonly type: 'created' | 'changed' | 'deleted';
  readonly path: string;
  readonly data: Buffer | null;
  readonly stat: Stat;
  readonly previous?: CachedNode;
}

/** What `events()` yields: every change, plus `initialized` (first load done) and `resynced` (a rebuild done). */
export type CacheEvent = CacheChange | { readonly type: 'initialized' } | { readonly type: 'resynced' };

/** Listeners of a cache. A listener may be async: a throw or a rejection is reported on the client's `'error'` event. */
export interface CacheEvents {
  created: (event: CacheChange) => unknown;
  changed: (event: CacheChange) => unknown;
  deleted: (event: CacheChange) => unknown;
  /** The first load is complete (after its `created` events). */
  initialized: () => unknown;
  /** A rebuild after a reconnect or a new session is complete (after its difference events); `stale` is false again. */
  resynced: () => unknown;
  /** The cache went stale: the connection was suspended or the session lost. */
  stale: () => unknown;
}

/** Options of {@link TreeCache}. */
export interface TreeCacheOptions {
  /** Depth below the root that is cached: 0 the root only, 1 its children, … (default: unlimited). */
  maxDepth?: number;
  /** Which nodes below the root are cached; a node it rejects is left out with its whole subtree. */
  filter?: (path: string) => boolean;
  /** Keep only the Stat, not the data (`data` is null). */
  dataless?: boolean;
  /** Read batches in flight during a (re)build (default 8). */
  concurrency?: number;
  /** Reads per `multiRead` batch (default 100; 1 reads node by node). Lower it when nodes carry large data: a batch's reply must fit the client's `maxFrameSize`. */
  batchSize?: number;
}
