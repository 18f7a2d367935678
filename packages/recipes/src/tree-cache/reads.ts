// Batched node and children reads for the cache engine: multiRead where the server has it.
// Data is copied out of the reply frame, so a cached node never pins a whole batch reply.
import { NoNodeError, type MultiReadResult, type Stat, type ZooKeeperClient } from '@zookit/client';
import { report } from '../connection.js';
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
      return { data: this.#dataless ? null : Buffer.from(g.data), stat: compact(g.stat) };
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
    if (this.#dataless) return this.#settle(this.#zk.exists(path).then((stat) => (stat ? { data: null, stat: compact(stat) } : null)));
    return this.#settle(this.#zk.get(path).then(({ data, stat }) => ({ data: Buffer.from(data), stat: compact(stat) })));
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

const ZERO = 0n;

/**
 * The same Stat, holding one BigInt where several zxids are equal (a node never changed has
 * mzxid = pzxid = czxid; most nodes have no ephemeral owner): a cached node costs less heap.
 */
function compact(stat: Stat): Stat {
  const { czxid } = stat;
  if (stat.mzxid === czxid) stat.mzxid = czxid;
  if (stat.pzxid === czxid) stat.pzxid = czxid;
  if (stat.ephemeralOwner === ZERO) stat.ephemeralOwner = ZERO;
  return stat;
}

/** A per-node refusal by the server (NoAuth and the like), as opposed to a connection problem. */
function isServerRefusal(err: unknown): boolean {
  return err instanceof Error && 'code' in err && typeof err.code === 'number' && err.code <= -100 && err.code !== -112 && err.code !== -118;
}
