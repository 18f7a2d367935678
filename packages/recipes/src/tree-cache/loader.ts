// The traversal of a (re)build: breadth-first, batched, bounded concurrency.
import { joinPath } from '@zookit/client';
import type { CachedNode } from './types.js';

/** The reads a traversal needs; the engine applies their results in server order. */
export interface TreeReads {
  /** Each node's data and Stat; null when it does not exist; undefined when unreadable (reported). */
  nodes(paths: string[]): Promise<Array<CachedNode | null | undefined>>;
  /** Each node's children names; null when it does not exist; undefined when unreadable. */
  children(paths: string[]): Promise<Array<string[] | null | undefined>>;
}

export interface TraversalOptions {
  root: string;
  /** Whether `path` (below the root) is cached: depth and filter. */
  included(path: string): boolean;
  /** Whether the children of the cached node at `path` are cached at all (depth). */
  descend(path: string): boolean;
  concurrency: number;
  batchSize: number;
}

/**
 * Reads the whole subtree: node reads first, then children listings of the nodes that have
 * children, then the children's node reads, each in batches of `batchSize` with at most
 * `concurrency` batches in flight. Rejects on the first failed batch (the caller rebuilds).
 */
export function traverse(reads: TreeReads, o: TraversalOptions): Promise<number> {
  const gets: string[] = [o.root];
  const lists: string[] = [];
  let inFlight = 0;
  let visited = 0;
  let failed = false;
  return new Promise((resolve, reject) => {
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      reject(err);
    };
    const settle = () => {
      inFlight--;
      pump();
    };
    const pump = () => {
      if (failed) return;
      while (inFlight < o.concurrency && (lists.length > 0 || gets.length > 0)) {
        inFlight++;
        if (lists.length > 0) {
          const batch = lists.splice(0, o.batchSize);
          reads.children(batch).then((res) => {
            res.forEach((names, i) => {
              for (const name of names ?? []) {
                const child = joinPath(batch[i]!, name);
                if (o.included(child)) gets.push(child);
              }
            });
            settle();
          }, fail);
        } else {
          const batch = gets.splice(0, o.batchSize);
          reads.nodes(batch).then((res) => {
            res.forEach((node, i) => {
              visited++;
              if (node && node.stat.numChildren > 0 && o.descend(batch[i]!)) lists.push(batch[i]!);
            });
            settle();
          }, fail);
        }
      }
      if (inFlight === 0 && lists.length === 0 && gets.length === 0) resolve(visited);
    };
    pump();
  });
}
