import type { ZooKeeperClient } from '@zookit/client';
import { CacheView } from './cache-view.js';
import type { CachedNode } from './types.js';

/**
 * One node kept current (Curator's NodeCache): the cache engine with depth 0 on one
 * persistent (non-recursive) watch. Events `created`/`changed`/`deleted` for the node
 * only; same staleness rules as {@link TreeCache}.
 *
 * ```ts
 * const node = new NodeCache(zk, '/app/cfg');
 * await node.start();
 * node.current?.data;   // undefined while the node does not exist
 * ```
 */
export class NodeCache extends CacheView {
  constructor(zk: ZooKeeperClient, path: string, options: { dataless?: boolean } = {}) {
    super(zk, path, { dataless: options.dataless ?? false, maxDepth: 0 }, 'NodeCache');
  }

  protected shows(path: string): boolean {
    return path === this.path;
  }

  /** The node as last read (undefined while it does not exist). */
  get current(): CachedNode | undefined {
    return this.cachedNode(this.path);
  }
}
