import { ConnectionState, NoNodeError, isRetryable, joinPath, type ZooKeeperClient } from '@zookit/client';
import type { CacheEvent, TreeCache } from '../src/index.js';

/** A node as compared between a cache and the server. */
export interface Snapshot {
  data: string | null;
  czxid: bigint;
  mzxid: bigint;
}

/** A fresh recursive listing of `root` straight from the server (up to `maxDepth`). */
export async function listing(zk: ZooKeeperClient, root: string, maxDepth = Infinity): Promise<Map<string, Snapshot>> {
  const out = new Map<string, Snapshot>();
  const walk = async (path: string, depth: number): Promise<void> => {
    let node;
    try {
      node = await zk.get(path);
    } catch (err) {
      if (err instanceof NoNodeError) return;
      throw err;
    }
    out.set(path, { data: node.data.toString(), czxid: node.stat.czxid, mzxid: node.stat.mzxid });
    if (depth >= maxDepth) return;
    let children: string[] = [];
    try {
      children = await zk.getChildren(path);
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
    }
    await Promise.all(children.map((c) => walk(joinPath(path, c), depth + 1)));
  };
  await walk(root, 0);
  return sorted(out);
}

/** The cache's view in the same shape. */
export function view(cache: TreeCache): Map<string, Snapshot> {
  const out = new Map<string, Snapshot>();
  for (const [path, n] of cache.entries()) out.set(path, { data: n.data?.toString() ?? null, czxid: n.stat.czxid, mzxid: n.stat.mzxid });
  return sorted(out);
}

/** The events replayed onto an empty map. */
export function replay(events: readonly CacheEvent[]): Map<string, Snapshot> {
  const out = new Map<string, Snapshot>();
  for (const e of events) {
    if (e.type === 'initialized' || e.type === 'resynced') continue;
    if (e.type === 'deleted') {
      if (!out.delete(e.path)) throw new Error(`deleted ${e.path} which was not there`);
    } else {
      if (e.type === 'created' && out.has(e.path)) throw new Error(`created ${e.path} which was there`);
      if (e.type === 'changed' && !out.has(e.path)) throw new Error(`changed ${e.path} which was not there`);
      out.set(e.path, { data: e.data?.toString() ?? null, czxid: e.stat.czxid, mzxid: e.stat.mzxid });
    }
  }
  return sorted(out);
}

function sorted<T>(m: Map<string, T>): Map<string, T> {
  return new Map([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Collects a cache's events (through its listeners) in order. */
export function record(cache: TreeCache): CacheEvent[] {
  const events: CacheEvent[] = [];
  cache.on('created', (e) => events.push(e));
  cache.on('changed', (e) => events.push(e));
  cache.on('deleted', (e) => events.push(e));
  cache.on('initialized', () => events.push({ type: 'initialized' }));
  cache.on('resynced', () => events.push({ type: 'resynced' }));
  return events;
}

/** Resolves on the cache's next `event`. */
export function next(cache: TreeCache, event: 'resynced' | 'initialized' | 'stale'): Promise<void> {
  return new Promise((resolve) => cache.once(event, () => resolve()));
}

/** A small seeded PRNG (mulberry32), so a failing churn can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOLERATED = ['NONODE', 'NODEEXISTS', 'NOTEMPTY'];

/**
 * `count` random writes under `root` over a small fixed set of paths (3 parents × 6 leaves):
 * creates, sets, deletes, deletes of a parent's subtree, and deletes immediately followed by
 * a re-create of the same path with the same data (only `czxid` tells them apart).
 */
export async function churn(writer: ZooKeeperClient, root: string, count: number, rnd: () => number): Promise<void> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  for (let i = 0; i < count; i++) {
    const parent = `${root}/${pick(['a', 'b', 'c'])}`;
    const leaf = `${parent}/n${Math.floor(rnd() * 6)}`;
    const r = rnd();
    try {
      if (r < 0.35) await writer.create(leaf, `v${Math.floor(rnd() * 3)}`, { makePath: true });
      else if (r < 0.6) await writer.set(leaf, `v${Math.floor(rnd() * 3)}`);
      else if (r < 0.78) await writer.delete(leaf);
      else if (r < 0.95) {
        const { data } = await writer.get(leaf);
        await writer.delete(leaf);
        await writer.create(leaf, data);
      } else await writer.delete(parent, { recursive: true });
    } catch (err) {
      if (isRetryable(err)) {
        // An ensemble member went away under the writer: the write may or may not have landed.
        await writer.waitForState(ConnectionState.CONNECTED, { timeout: 30_000 });
        continue;
      }
      if (!(err instanceof Error && 'codeName' in err && TOLERATED.includes(String(err.codeName)))) throw err;
    }
  }
}
