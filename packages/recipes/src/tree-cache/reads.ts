// Batched node and children reads for the cache engine: multiRead where the server has it.
import { NoNodeError, type MultiReadResult, type ZooKeeperClient } from '@zookit/client';
import { report } from '../listeners.js';
import type { CachedNode } from './types.js';

type Result<T> = T | null | undefined;

/**
 * Reads for the cache: each result is the value, `null` when the node does not exist, or
 * `undefined` when the server refused it for another reason (NoAuth…; reported on the
 * client's `'error'` event). Connection problems reject the whole batch.
 */
export class NodeReads {
  readonly #zk: ZooKeeperClient;
  readonly #dataless: boolean;

  constructor(zk: ZooKeeperClient, dataless: boolean) {
    this.#zk = zk;
    this.#dataless = dataless;
  }

  /** Data and Stat of each node. */
  nodes(paths: string[]): Promise<Array<Result<CachedNode>>> {
    if (paths.length === 1) {
      return Promise.all(paths.map((p) => this.#one(p)));
    }
    return this.#batch(paths, 'get', (r) => {
      const g = r as { data: Buffer; stat: CachedNode['stat'] };
      return { data: this.#dataless ? null : g.data, stat: g.stat };
    });
  }

  /** Children names of each node. */
  children(paths: string[]): Promise<Array<Result<string[]>>> {
    if (paths.length === 1) {
      return Promise.all(paths.map((p) => this.#settle(this.#zk.getChildren(p))));
    }
    return this.#batch(paths, 'getChildren', (r) => r as string[]);
  }

  #one(path: string): Promise<Result<CachedNode>> {
    if (this.#dataless) return this.#settle(this.#zk.exists(path).then((stat) => (stat ? { data: null, stat } : null)));
    return this.#settle(this.#zk.get(path).then(({ data, stat }) => ({ data, stat })));
  }

  async #settle<T>(p: Promise<T | null>): Promise<Result<T>> {
    try {
      return await p;
    } catch (err) {
      return this.#perNode(err);
    }
  }

  #perNode(err: unknown): null | undefined {
    if (err instanceof NoNodeError) return null;
    if (!isServerRefusal(err)) throw err;
    report(this.#zk, err);
    return undefined;
  }

  // Persistent watches need 3.6+, which has multiRead: no node-by-node fallback is needed.
  async #batch<T>(paths: string[], op: 'get' | 'getChildren', map: (r: MultiReadResult) => T): Promise<Array<Result<T>>> {
    const results = await this.#zk.multiRead(paths.map((path) => ({ op, path })));
    return results.map((r) => (r instanceof Error ? this.#perNode(r) : map(r)));
  }
}

/** A per-node refusal by the server (NoAuth and the like), as opposed to a connection problem. */
function isServerRefusal(err: unknown): boolean {
  return err instanceof Error && 'code' in err && typeof err.code === 'number' && err.code <= -100 && err.code !== -112 && err.code !== -118;
}
