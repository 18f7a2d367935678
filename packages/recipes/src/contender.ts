// The sequential-contender core shared by Lock, ReadWriteLock, Semaphore, Election and
// LeaderLatch, in the shape of Curator's LockInternals: join the queue (protected create),
// await the turn (queue order by sequence number, predecessor watch), abandon (delete
// what an attempt left, in the background when the connection is down). Not exported.
import {
  ClientClosedError, ConnectionLossError, ConnectionState, NoNodeError, SessionExpiredError, basename, isRetryable, type Watcher, type ZooKeeperClient,
} from '@zookit/client';
import { isTransient, nextState, untilConnected } from './connection.js';
import { NODE_NAMES, attemptPrefix, type NodeRole } from './attempt-names.js';
import { sortContenders, type Naming, type ParsedChild } from './node-names.js';
import { abandonNode, ensureContainer, guaranteedDelete } from './nodes.js';
import { Ownership } from './ownership.js';
import { publishAcquired } from './tracing.js';
import { deferred, type Deferred, type Scope } from './wait.js';

/** What a contender does after looking at the queue. */
type Decision = { acquired: true } | { acquired: false; watch: string } | { acquired: false; watchChildren: true };

/** A recipe's rule: given the sorted contenders and our index, acquire or wait. */
export type Decide = (sorted: readonly ParsedChild[], index: number) => Decision;

/** A recipe's queue: its node role and its rule. */
export interface QueueKind {
  role: NodeRole;
  decide: Decide;
}

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
  kind: QueueKind;
  /** Whether waiters watch the children rather than one node: every listing then carries the watch. */
  watchesChildren: boolean;
  naming: Naming;
  data: string | undefined;
  /** ms a held lease survives SUSPENDED. */
  grace: number;
  /** Whether a granted lease listens for revocation requests (`'revoke'`). */
  revocable?: boolean | undefined;
  /** Told when a granted lease ends. */
  onEnd?: ((lease: Ownership) => void) | undefined;
  /** The recipe's name on the `zookit:recipe` channel; none for an internal lock (nothing published). */
  recipe?: string | undefined;
}

interface Attempt {
  name: string;
  path: string;
  token: bigint;
  session: bigint;
}

/** One listing of the queue; `sentAt` is when it left (the lease's validity starts there). */
interface Listing {
  children: Promise<string[]>;
  sentAt: number;
  /** Set when the listing left a children watch (Semaphore). */
  watch?: { fired: Deferred<void>; watcher: Watcher };
}

const MAX_ROUNDS = 100_000;

/** Counters for tests and benchmarks. */
export const contenderStats = { creates: 0, adoptions: 0, watches: 0, rounds: 0 };

/**
 * Joins the queue under `cfg.path` and waits until its rule says acquired. Resolves with
 * the lease, or `null` for a non-blocking attempt that would have to wait. When `scope`
 * ends (timeout, abort) or on an error, the attempt is abandoned and the error rethrown.
 */
export async function contend(cfg: ContenderConfig, scope: Scope, nonBlocking = false): Promise<Ownership | null> {
  const contender = new Contender(cfg, scope);
  const began = performance.now();
  let lease: Ownership | null;
  try {
    lease = await contender.acquire(nonBlocking);
  } catch (err) {
    await contender.abandon();
    throw err;
  }
  if (!lease) await contender.abandon();
  else if (cfg.recipe !== undefined) publishAcquired({ recipe: cfg.recipe, path: cfg.path }, lease, performance.now() - began);
  return lease;
}

class Contender {
  readonly #cfg: ContenderConfig;
  readonly #scope: Scope;
  #attempt: Attempt | undefined;
  /** Prefix of a create whose outcome we did not learn. */
  #unknown: string | undefined;
  #prefix: string;

  constructor(cfg: ContenderConfig, scope: Scope) {
    this.#cfg = cfg;
    this.#scope = scope;
    this.#prefix = attemptPrefix(cfg.naming);
  }

  /** Join, await the turn, again after every transient error; `null` when non-blocking and not first. */
  async acquire(nonBlocking: boolean): Promise<Ownership | null> {
    const { zk } = this.#cfg;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      contenderStats.rounds++;
      try {
        this.#scope.check();
        const listing = await this.#join();
        const result = listing && (await this.#awaitTurn(listing, nonBlocking));
        if (result !== undefined) return result;
      } catch (err) {
        if (!isTransient(err)) throw err;
        this.#scope.check(); // past the timeout: its error, not the connection's
        if (err instanceof SessionExpiredError) this.#attempt = undefined;
        await untilConnected(zk, this.#scope);
      }
    }
    throw new ConnectionLossError({ op: 'acquire', path: this.#cfg.path }, `CONNECTIONLOSS: ${this.#cfg.path} (acquire): gave up after ${MAX_ROUNDS} rounds`);
  }

  /**
   * Makes sure our node is in the queue (adopting the node of a create whose reply was
   * lost) and lists the queue. A new node's listing leaves in the same write as its
   * create; the server answers in order, so it already shows our node: one round trip.
   * `undefined`: the parent was missing and is created now; look again.
   */
  async #join(): Promise<Listing | undefined> {
    const { zk, path, kind, naming, data } = this.#cfg;
    if (this.#attempt && this.#attempt.session !== zk.sessionId) this.#attempt = undefined; // went with its session
    if (!this.#attempt && this.#unknown !== undefined) {
      await untilConnected(zk, this.#scope);
      this.#attempt = await findOwn(zk, path, this.#unknown);
      if (this.#attempt) contenderStats.adoptions++;
      this.#unknown = undefined;
      this.#prefix = attemptPrefix(naming);
    }
    if (this.#attempt) return this.#list();
    contenderStats.creates++;
    const created = zk.create(`${path}/${this.#prefix}${NODE_NAMES[kind.role][naming]}`, data ?? null, { ephemeral: true, sequential: true, withStat: true });
    const listing = this.#list();
    listing.children.catch(() => {});
    try {
      const r = await created;
      this.#attempt = { name: basename(r.path), path: r.path, token: r.stat.czxid, session: r.stat.ephemeralOwner };
    } catch (err) {
      if (err instanceof NoNodeError) {
        await ensureContainer(zk, path);
        return undefined;
      }
      if (isRetryable(err)) this.#unknown = this.#prefix;
      else this.#prefix = attemptPrefix(naming);
      throw err;
    }
    return listing;
  }

  #list(): Listing {
    const { zk, path } = this.#cfg;
    const sentAt = performance.now();
    if (!this.#cfg.watchesChildren) return { children: zk.getChildren(path), sentAt };
    const fired = deferred();
    const watcher: Watcher = () => fired.resolve();
    return { children: zk.getChildren(path, { watch: watcher }), sentAt, watch: { fired, watcher } };
  }

  /** Decides on the listing: the lease, `null` (non-blocking, must wait), or `undefined` after waiting (look again). */
  async #awaitTurn(listing: Listing, nonBlocking: boolean): Promise<Ownership | null | undefined> {
    const { zk, path, kind } = this.#cfg;
    const attempt = this.#attempt!;
    const sorted = sortContenders(await listing.children);
    const index = sorted.findIndex((ch) => ch.name === attempt.name);
    if (index < 0) {
      // Our node is gone (session lost, or deleted by someone): queue again.
      this.#attempt = undefined;
      this.#prefix = attemptPrefix(this.#cfg.naming);
      return undefined;
    }
    const decision = kind.decide(sorted, index);
    if (decision.acquired) return this.#grant(listing);
    if (nonBlocking) return null;
    contenderStats.watches++;
    if ('watch' in decision) {
      const fired = deferred();
      try {
        await zk.get(`${path}/${decision.watch}`, { watch: () => fired.resolve() });
      } catch (err) {
        if (err instanceof NoNodeError) return undefined; // already gone: look again at once
        throw err;
      }
      await this.#scope.race(fired.promise);
    } else {
      await this.#scope.race(listing.watch!.fired.promise);
    }
    return undefined;
  }

  /** Our turn: the lease, once connected in the node's session (else look again then). */
  async #grant(listing: Listing): Promise<Ownership | undefined> {
    const { zk, path, grace, onEnd, recipe } = this.#cfg;
    const attempt = this.#attempt!;
    // A closing client has announced it already: a lease granted now would never hear it.
    if (zk.closed) throw new ClientClosedError();
    if (zk.state !== ConnectionState.CONNECTED || zk.sessionId !== attempt.session) {
      await untilConnected(zk, this.#scope);
      return undefined;
    }
    if (listing.watch) void zk.removeWatches(path, listing.watch.watcher, { type: 'children', local: true }).catch(() => {});
    this.#attempt = undefined;
    const trace = recipe === undefined ? undefined : { recipe, path };
    return new Ownership(zk, attempt, grace, onEnd, listing.sentAt, this.#cfg.revocable === true, trace);
  }

  /** Deletes what the attempt left: at once when connected, else in the background once the connection is back. */
  async abandon(): Promise<void> {
    const { zk, path } = this.#cfg;
    const attempt = this.#attempt;
    this.#attempt = undefined;
    if (attempt) await abandonNode(zk, attempt.path, attempt.session);
    if (this.#unknown !== undefined) void deleteByPrefix(zk, path, this.#unknown, zk.sessionId).catch(() => {});
  }
}

/** Our node from an attempt with this prefix, if it exists and belongs to the current session. */
export async function findOwn(zk: ZooKeeperClient, path: string, prefix: string): Promise<Attempt | undefined> {
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
