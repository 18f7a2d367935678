// Curator's InterProcessSemaphoreV2 protocol, so Java and Node holders share one semaphore:
// take the mutex `<path>/locks`, create `<path>/leases/_c_<uuid>-lease-<seq>`, list the
// leases (leaving a watch) until there are at most maxLeases of them, let the mutex go.
// Not exported: Semaphore uses it for `naming: 'curator'`.
import { ConnectionState, NoNodeError, basename, isRetryable, type Watcher, type ZooKeeperClient } from '@zookit/client';
import { attemptPrefix } from './attempt-names.js';
import { isTransient, untilConnected } from './connection.js';
import { contend, decideExclusive, findOwn, type ContenderConfig } from './contender.js';
import { RecipeStateError } from './errors.js';
import { abandonNode, ensureContainer } from './nodes.js';
import { Ownership, endLease } from './ownership.js';
import { publishAcquired } from './tracing.js';
import { deferred, type Scope } from './wait.js';

/** What one V2 semaphore needs. */
export interface V2Config {
  zk: ZooKeeperClient;
  path: string;
  maxLeases: number;
  data: string | undefined;
  grace: number;
  onEnd: (lease: Ownership) => void;
}

interface LeaseNode {
  name: string;
  path: string;
  token: bigint;
  session: bigint;
}

const MAX_ROUNDS = 10_000;

/** The mutex every V2 participant takes before counting (an InterProcessMutex at `<path>/locks`). */
function mutexConfig(cfg: V2Config): ContenderConfig {
  return {
    zk: cfg.zk, path: `${cfg.path}/locks`, kind: { role: 'lock', decide: decideExclusive }, watchesChildren: false,
    naming: 'curator', data: undefined, grace: 0, // internal: not on the recipe channel
  };
}

/**
 * One acquisition by the V2 protocol: a lease once at most `maxLeases` lease nodes exist,
 * or `null` when non-blocking and there are too many. A transient error, or the mutex
 * lost while counting, starts over (our lease node deleted first: counting without the
 * mutex could leave every participant waiting for the others).
 */
export async function acquireV2(cfg: V2Config, scope: Scope, nonBlocking: boolean): Promise<Ownership | null> {
  const began = performance.now();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    scope.check();
    const mutex = await contend(mutexConfig(cfg), scope, nonBlocking);
    if (!mutex) return null;
    let node: LeaseNode | undefined;
    try {
      node = await createLease(cfg, scope);
      const lease = node && (await countUntilFree(cfg, node, mutex.signal, scope, nonBlocking));
      if (lease !== undefined) {
        node = undefined; // handed over (or null: deleted below)
        if (lease === null) return null;
        publishAcquired({ recipe: 'Semaphore', path: cfg.path }, lease, performance.now() - began);
        return lease;
      }
    } catch (err) {
      if (!isTransient(err) && !mutex.signal.aborted) throw err;
      scope.check();
    } finally {
      if (node) await abandonNode(cfg.zk, node.path, node.session);
      await endLease(mutex, 'released');
    }
    await untilConnected(cfg.zk, scope);
  }
  throw new RecipeStateError(`${cfg.path}: semaphore acquisition gave up after ${MAX_ROUNDS} rounds`);
}

/** Creates our protected lease node (adopting it when the reply was lost); `undefined`: start over. */
async function createLease(cfg: V2Config, scope: Scope): Promise<LeaseNode | undefined> {
  const { zk } = cfg;
  const leases = `${cfg.path}/leases`;
  const prefix = attemptPrefix('curator');
  for (let i = 0; i < 2; i++) {
    try {
      const r = await zk.create(`${leases}/${prefix}lease-`, cfg.data ?? null, { ephemeral: true, sequential: true, withStat: true });
      return { name: basename(r.path), path: r.path, token: r.stat.czxid, session: r.stat.ephemeralOwner };
    } catch (err) {
      if (err instanceof NoNodeError && i === 0) {
        await ensureContainer(zk, leases);
        continue;
      }
      if (!isRetryable(err)) throw err;
      await untilConnected(zk, scope);
      const own = await findOwn(zk, leases, prefix);
      if (own) return own;
      return undefined;
    }
  }
  return undefined;
}

/**
 * Curator's count rule, while holding the mutex: list the leases with a watch; our node
 * missing → start over (`undefined`); at most `maxLeases` nodes → the lease; else wait
 * for the watch (or `null` when non-blocking; our node is then deleted by the caller).
 */
async function countUntilFree(cfg: V2Config, node: LeaseNode, mutexLost: AbortSignal, scope: Scope, nonBlocking: boolean): Promise<Ownership | null | undefined> {
  const { zk } = cfg;
  const leases = `${cfg.path}/leases`;
  for (;;) {
    if (mutexLost.aborted) return undefined;
    const fired = deferred();
    const watcher: Watcher = () => fired.resolve();
    const sentAt = performance.now();
    const children = await zk.getChildren(leases, { watch: watcher });
    if (!children.includes(node.name)) return undefined;
    if (children.length <= cfg.maxLeases) {
      void zk.removeWatches(leases, watcher, { type: 'children', local: true }).catch(() => {});
      if (zk.state !== ConnectionState.CONNECTED || zk.sessionId !== node.session) return undefined;
      return new Ownership(zk, node, cfg.grace, cfg.onEnd, sentAt, false, { recipe: 'Semaphore', path: cfg.path });
    }
    if (nonBlocking) {
      void zk.removeWatches(leases, watcher, { type: 'children', local: true }).catch(() => {});
      await abandonNode(zk, node.path, node.session);
      return null;
    }
    const lost = deferred();
    const onLost = () => lost.resolve();
    mutexLost.addEventListener('abort', onLost, { once: true });
    try {
      await scope.race(Promise.race([fired.promise, lost.promise]));
    } finally {
      mutexLost.removeEventListener('abort', onLost);
    }
  }
}

/** The data of every lease node in sequence order (the holders, then any counting waiter). */
export async function leaseNodes(zk: ZooKeeperClient, path: string): Promise<string[]> {
  let children: string[];
  try {
    children = await zk.getChildren(`${path}/leases`);
  } catch (err) {
    if (err instanceof NoNodeError) return [];
    throw err;
  }
  const seq = (n: string) => Number(/(\d+)$/.exec(n)?.[1] ?? 0);
  const sorted = children.sort((a, b) => seq(a) - seq(b));
  const data = await Promise.all(sorted.map((c) => zk.get(`${path}/leases/${c}`).then((r) => r.data.toString('utf8'), () => undefined)));
  return data.filter((d): d is string => d !== undefined);
}
