import { joinPath, type ZooKeeperClient } from '@zookit/client';
import { CacheView } from './cache-view.js';
import type { CachedNode } from './types.js';

/**
 * The direct children of a node kept current (Curator's PathChildrenCache), as the cache
 * engine with depth 1: grandchildren are never read, cached or reported. Events for the
 * children only (not the parent); same staleness rules as {@link TreeCache}.
 *
 * ```ts
 * const workers = new ChildrenCache(zk, '/workers');
 * workers.on('created', (e) => console.log('joined', e.path));
 * await workers.start();
 * workers.current();    // Map name → { data, stat }, sorted by name
 * ```
 */
export class ChildrenCache extends CacheView {
  constructor(zk: ZooKeeperClient, path: string, options: { dataless?: boolean; filter?: (path: string) => boolean } = {}) {
    super(zk, path, { ...options, maxDepth: 1 }, 'ChildrenCache');
  }

  protected shows(path: string): boolean {
    return path !== this.path;
  }

  /** The cached children by name, sorted (empty while the parent does not exist). */
  current(): Map<string, CachedNode> {
    const out = new Map<string, CachedNode>();
    for (const name of this.cachedChildren(this.path) ?? []) out.set(name, this.cachedNode(joinPath(this.path, name))!);
    return out;
  }

  /** One cached child by name. */
  get(name: string): CachedNode | undefined {
    return this.cachedNode(joinPath(this.path, name));
  }
}
