import type { ZooKeeperClient } from '@zookit/client';
import { CacheView } from './cache-view.js';
import type { CachedNode, TreeCacheOptions } from './types.js';

/**
 * A local mirror of a subtree, kept current by one persistent recursive watch on its root
 * (ZooKeeper 3.6+). Events come in server order; after every reconnect and every new
 * session the subtree is read again and only the true difference is emitted (a node
 * deleted and re-created meanwhile is `deleted` + `created`; `changed` only when its
 * `mzxid` moved), then `'resynced'`. `stale` is true from SUSPENDED/LOST until that
 * rebuild is done; the last view stays readable meanwhile.
 *
 * ```ts
 * const cache = new TreeCache(zk, '/app');
 * cache.on('changed', (e) => console.log(e.path, e.data?.toString()));
 * await cache.start();
 * cache.get('/app/cfg')?.data;
 * await cache.close();
 * ```
 */
export class TreeCache extends CacheView {
  constructor(zk: ZooKeeperClient, path: string, options: TreeCacheOptions = {}) {
    super(zk, path, options, 'TreeCache');
  }

  protected shows(): boolean {
    return true;
  }

  /** Cached nodes, the root included. */
  get size(): number {
    return this.cachedCount;
  }

  /** The cached node at `path` (undefined when absent, not cached or outside the root). */
  get(path: string): CachedNode | undefined {
    return this.cachedNode(path);
  }

  /** The cached children names of `path`, sorted (undefined when `path` is not cached). */
  children(path: string): string[] | undefined {
    return this.cachedChildren(path);
  }

  /** Every cached node by path. */
  entries(): Map<string, CachedNode> {
    const out = new Map<string, CachedNode>();
    for (const p of this.cachedPaths()) out.set(p, this.cachedNode(p)!);
    return out;
  }
}
