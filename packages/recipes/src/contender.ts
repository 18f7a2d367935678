// The sequential-contender core shared by Lock, ReadWriteLock, Semaphore, Election and
// LeaderLatch: protected create, queue order by sequence number, predecessor watch,
// cleanup of abandoned attempts. Not exported from the package.
import {
  ConnectionLossError, ConnectionState, NoNodeError, SessionExpiredError, basename, isRetryable, type ZooKeeperClient,
} from '@zookit/client';
import { Lease } from './lease.js';
import { Canceller, ensureContainer, guaranteedDelete, isTransient, nextState, untilConnected } from './internal.js';
import { NODE_NAMES, attemptPrefix, sortContenders, type Naming, type NodeRole, type ParsedChild } from './node-names.js';

/** What a contender does after looking at the queue. */
export type Decision =
  | { acquired: true }
  | { acquired: false; watch: string }
  | { acquired: false; watchChildren: true };

/** A recipe's rule: given the sorted contenders and our index, acquire or wait. */
export type Decide = (sorted: readonly ParsedChild[], index: number) => Decision;

/** First in line: Lock, WriteLock, Election, LeaderLatch. */
export const decideExclusive: Decide = (sorted, index) =>
  index === 0 ? { acquired: true } : { acquired: false, watch: sorted[index - 1]!.name };

/** No exclusive contender ahead: ReadLock (watches the nearest one ahead). */
export const decideRead: Decide = (sorted, index) => {
  for (let i = index - 1; i >= 0; i--) if (sorted[i]!.kind === 'exclusive') return { acquired: false, watch: sorted[i]!.name };
  return { acquired: true };
};

/** Among the first `n`: Semaphore. Waiters watch the children (any departure ahead can free a slot). */
export function decideAmongFirst(n: number): Decide {
  return (_sorted, index) => (index < n ? { acquired: true } : { acquired: false, watchChildren: true });
}

/** Static description of one contender. */
export interface ContenderConfig {
  zk: ZooKeeperClient;
  /** The recipe's parent path (a container node). */
  path: string;
  role: NodeRole;
  naming: Naming;
  data: Buffer;
  /** ms a held lease survives SUSPENDED. */
  grace: number;
  decide: Decide;
}

/** Options of one attempt. */
export interface ContendOptions {
  signal?: AbortSignal | undefined;
  timeout?: number | undefined;
  /** Give up (and delete the node) instead of waiting. */
  nonBlocking?: boolean;
  onEnd?: (lease: Lease) => void;
}

interface Attempt {
  name: string;
  path: string;
  token: bigint;
  session: bigint;
}

const MAX_ROUNDS = 100_000;

/** Counters for tests and benchmarks. */
export const contenderStats = { creates: 0, adoptions: 0, watches: 0, rounds: 0 };

/**
 * Joins the queue under `cfg.path` and waits until `cfg.decide` says acquired. Resolves
 * with the lease, or `null` for a non-blocking attempt that would have to wait. On
 * timeout, abort or error the attempt's node is deleted (later, if the connection is
 * down) and the error is rethrown.
 */
export async function contend(cfg: ContenderConfig, options: ContendOptions = {}): Promise<Lease | null> {
  const { zk, path } = cfg;
  using c = new Canceller(path, options);
  const nodeName = NODE_NAMES[cfg.role][cfg.naming];
  let attempt: Attempt | undefined;
  let unknown: string | undefined; // prefix of a create whose outcome we did not learn
  let prefix = attemptPrefix(cfg.naming);
  try {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      contenderStats.rounds++;
      try {
        c.check();
        if (attempt && attempt.session !== zk.sessionId) attempt = undefined; // went with its session
        if (!attempt && unknown !== undefined) {
          await untilConnected(zk, c);
          attempt = await findOwn(zk, path, unknown);
          if (attempt) contenderStats.adoptions++;
          unknown = undefined;
          prefix = attemptPrefix(cfg.naming);
        }
        let listed: Promise<string[]> | undefined;
        let listedAt = performance.now(); // send time of the listing that decides (validity of the lease)
        if (!attempt) {
          try {
            contenderStats.creates++;
            const created = zk.create(`${path}/${prefix}${nodeName}`, cfg.data, { ephemeral: true, sequential: true, withStat: true });
            // The listing leaves in the same write as the create; the server answers
            // in order, so it already shows our node: one round trip, not two.
            listed = zk.getChildren(path);
            listed.catch(() => {});
            const r = await created;
            attempt = { name: basename(r.path), path: r.path, token: r.stat.czxid, session: r.stat.ephemeralOwner };
          } catch (err) {
            if (err instanceof NoNodeError) {
              await ensureContainer(zk, path);
              continue;
            }
            if (isRetryable(err)) unknown = prefix;
            else prefix = attemptPrefix(cfg.naming);
            throw err;
          }
        }
        if (!listed) listedAt = performance.now();
        const children = await (listed ?? zk.getChildren(path));
        const sorted = sortContenders(children);
        const index = sorted.findIndex((ch) => ch.name === attempt!.name);
        if (index < 0) {
          // Our node is gone (session lost, or deleted by someone): queue again.
          attempt = undefined;
          prefix = attemptPrefix(cfg.naming);
          continue;
        }
        const decision = cfg.decide(sorted, index);
        if (decision.acquired) {
          if (zk.state !== ConnectionState.CONNECTED || zk.sessionId !== attempt.session) {
            await untilConnected(zk, c);
            continue;
          }
          const lease = new Lease(zk, attempt, cfg.grace, options.onEnd, listedAt);
          attempt = undefined;
          return lease;
        }
        if (options.nonBlocking) break;
        let wake!: () => void;
        const woke = new Promise<void>((resolve) => {
          wake = resolve;
        });
        contenderStats.watches++;
        if ('watch' in decision) {
          try {
            await zk.get(`${path}/${decision.watch}`, { watch: () => wake() });
          } catch (err) {
            if (err instanceof NoNodeError) continue; // already gone: look again at once
            throw err;
          }
        } else {
          const now = await zk.getChildren(path, { watch: () => wake() });
          if (!sameMembers(now, children)) continue;
        }
        await c.race(woke);
      } catch (err) {
        if (!isTransient(err) || c.signal.aborted) throw err;
        if (err instanceof SessionExpiredError) attempt = undefined;
        await untilConnected(zk, c);
      }
    }
  } catch (err) {
    await abandon(zk, path, attempt, unknown);
    throw err;
  }
  await abandon(zk, path, attempt, unknown);
  if (options.nonBlocking) return null;
  // Only a non-blocking attempt may come back empty-handed.
  throw new ConnectionLossError({ op: 'acquire', path }, `CONNECTIONLOSS: ${path} (acquire): gave up after ${MAX_ROUNDS} rounds`);
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(b);
  return a.every((x) => set.has(x));
}

/** Our node from an attempt with this prefix, if it exists and belongs to the current session. */
async function findOwn(zk: ZooKeeperClient, path: string, prefix: string): Promise<Attempt | undefined> {
  let children: string[];
  try {
    children = await zk.getChildren(path);
  } catch (err) {
    if (err instanceof NoNodeError) return undefined;
    throw err;
  }
  for (const name of children) {
    if (!name.startsWith(prefix)) continue;
    const full = `${path}/${name}`;
    const stat = await zk.exists(full);
    // A node of an earlier session (a lagging member may still list it) is never adopted.
    if (stat && stat.ephemeralOwner === zk.sessionId) return { name, path: full, token: stat.czxid, session: stat.ephemeralOwner };
  }
  return undefined;
}

/** Deletes what an abandoned attempt left: at once when connected, else once the connection is back. */
async function abandon(zk: ZooKeeperClient, path: string, attempt: Attempt | undefined, unknown: string | undefined): Promise<void> {
  if (attempt && attempt.session === zk.sessionId) {
    const node = attempt;
    if (zk.state === ConnectionState.CONNECTED) {
      try {
        await zk.delete(node.path);
        return;
      } catch (err) {
        if (err instanceof NoNodeError || err instanceof SessionExpiredError) return;
      }
    }
    void guaranteedDelete(zk, node.path, node.session).catch(() => {});
  }
  if (unknown !== undefined) void deleteByPrefix(zk, path, unknown, zk.sessionId).catch(() => {});
}

/** Background: once connected in the same session, delete our node with this prefix, if the lost create made one. */
async function deleteByPrefix(zk: ZooKeeperClient, path: string, prefix: string, session: bigint): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (zk.sessionId !== session && zk.state === ConnectionState.CONNECTED) {
      // A new session: a node made by the old one went with it, but a create queued
      // across the loss may have landed in this one.
      session = zk.sessionId;
    }
    if (zk.state === ConnectionState.CONNECTED) {
      try {
        const own = await findOwn(zk, path, prefix);
        if (own) await guaranteedDelete(zk, own.path, own.session);
        return;
      } catch (err) {
        if (!isTransient(err)) throw err;
      }
    }
    await nextState(zk);
  }
}
