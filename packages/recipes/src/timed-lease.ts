import {
  BadVersionError, InvalidArgumentError, NoNodeError, NodeExistsError, type Stat, type ZooKeeperClient,
} from '@zookit/client';
import { hostname } from 'node:os';
import { isTransient, untilConnected } from './connection.js';
import { OwnershipLostError, RecipeDataError } from './errors.js';
import { Lock } from './lock.js';
import { recipePath } from './nodes.js';
import { endLease } from './ownership.js';

/** Options of {@link TimedLease}. */
export interface TimedLeaseOptions {
  /** How long a lease lasts after each acquisition or renewal, in ms (by the server's clock). */
  duration: number;
  /** This holder's name; the same identifier may take over (renew) its own lease. Default: the host name (kazoo's default). */
  identifier?: string;
  /** How long to wait for the short-lived guard lock shared with kazoo clients, in ms (default 10 000). */
  lockTimeout?: number;
}

/** A held {@link TimedLease}: valid until `expiresAt` by the server's clock, whatever happens to the session. */
export interface HeldTimedLease extends AsyncDisposable {
  /** The `lease_holder` node's mzxid of the write that took the lease: a later holder's is larger. */
  readonly fencingToken: bigint;
  /** This holder's identifier. */
  readonly identifier: string;
  /** End of the lease in ms since the epoch, by the server's clock (the write's mtime + duration). */
  readonly expiresAt: number;
  /**
   * Aborts (reason {@link OwnershipLostError}) when the lease ends: on release, when a
   * renewal finds it taken, and by a local timer at the send time of the latest
   * successful write + `duration` (never later than the server-clock expiry).
   */
  readonly signal: AbortSignal;
  /** Extends the lease by `duration` from now (server clock). @throws OwnershipLostError when it was taken meanwhile */
  renew(): Promise<void>;
  /** Gives the lease up now (versioned delete: a newer holder's node is never touched). Idempotent. */
  release(): Promise<void>;
}

/** kazoo's NonBlockingLease storage format (version 1), plus our duration. */
interface LeaseData {
  version: number;
  holder: string;
  end: string;
  duration_ms?: number;
}

const HOLDER = 'lease_holder';

/** A successful write of the holder node and when it was sent (`performance.now()`). */
interface Written {
  stat: Stat;
  sentAt: number;
}

/** What a held lease asks its TimedLease to do, at the node version of its latest write. */
interface HolderOps {
  renew(version: number): Promise<Written | null>;
  release(version: number): Promise<void>;
}

/**
 * A lease held for a duration, surviving session loss (kazoo's `NonBlockingLease`, by the
 * server's clock): for a cron-like job that must run on one host at a time. `tryAcquire()`
 * takes it if free, expired or already ours, with one versioned write of `<path>/lease_holder`
 * in kazoo's JSON format (no delete-then-create window), under kazoo's lock on `path` so
 * kazoo clients and zookit share one lease.
 *
 * ```ts
 * const job = new TimedLease(zk, '/leases/hourly', { duration: 70 * 60_000, identifier: 'host-1' });
 * const lease = await job.tryAcquire();
 * if (lease) await cleanup({ signal: lease.signal, fencingToken: lease.fencingToken });
 * ```
 */
export class TimedLease {
  /** The lease's path (kazoo's: the holder node is `<path>/lease_holder`). */
  readonly path: string;
  /** This holder's identifier. */
  readonly identifier: string;
  /** The lease's duration in ms. */
  readonly duration: number;
  readonly #zk: ZooKeeperClient;
  readonly #lock: Lock;
  readonly #lockTimeout: number;

  /** @throws InvalidArgumentError for a bad path or option */
  constructor(zk: ZooKeeperClient, path: string, options: TimedLeaseOptions) {
    this.path = recipePath(path);
    const { duration, identifier = hostname(), lockTimeout = 10_000 } = options ?? ({} as TimedLeaseOptions);
    if (typeof duration !== 'number' || !Number.isFinite(duration) || duration <= 0) throw new InvalidArgumentError('duration', `must be a number of ms > 0, got ${String(duration)}`);
    if (typeof identifier !== 'string' || identifier === '') throw new InvalidArgumentError('identifier', 'must be a non-empty string');
    if (typeof lockTimeout !== 'number' || !(lockTimeout >= 0)) throw new InvalidArgumentError('lockTimeout', `must be a number of ms >= 0, got ${String(lockTimeout)}`);
    this.#zk = zk;
    this.identifier = identifier;
    this.duration = duration;
    this.#lockTimeout = lockTimeout;
    this.#lock = new Lock(zk, this.path, { naming: 'kazoo', identifier });
  }

  /**
   * Takes the lease if nobody holds it, the holder's lease has expired by the server's
   * clock, or the holder is this identifier. Resolves `null` when someone else holds it.
   * @throws RecipeDataError when the holder node cannot be read as a version-1 lease
   */
  async tryAcquire(): Promise<HeldTimedLease | null> {
    const won = await this.#guarded(async () => {
      const now = await this.#serverNow();
      const current = await this.#read();
      if (current && current.data.holder !== this.identifier && now < current.end) return null;
      return this.#write(now, current?.stat.version);
    });
    if (!won) return null;
    const ops: HolderOps = { renew: (version) => this.#renew(version), release: (version) => this.#release(version) };
    return new Held(`${this.path}/${HOLDER}`, this.identifier, this.duration, ops, won);
  }

  /** A renewal at `version` (our latest write); `null` when the node is no longer ours. */
  #renew(version: number): Promise<Written | null> {
    return this.#guarded(async () => {
      const now = await this.#serverNow();
      const current = await this.#read();
      if (!current || current.stat.version !== version || current.data.holder !== this.identifier) return null;
      return this.#write(now, version);
    });
  }

  /** A delete at `version` (a newer holder's node stays). */
  async #release(version: number): Promise<void> {
    await this.#guarded(async () => {
      try {
        await this.#zk.delete(`${this.path}/${HOLDER}`, { version });
      } catch (err) {
        if (!(err instanceof NoNodeError) && !(err instanceof BadVersionError)) throw err;
      }
    });
  }

  /** Runs `fn` holding kazoo's lock on the path (so a kazoo client never reads between our read and write). */
  async #guarded<T>(fn: () => Promise<T>): Promise<T> {
    const guard = await this.#lock.acquire({ timeout: this.#lockTimeout });
    try {
      return await fn();
    } finally {
      await endLease(guard, 'released');
    }
  }

  /** The server's clock now: the mtime of a write to the lease path (its data stays empty). */
  async #serverNow(): Promise<number> {
    return (await this.#zk.set(this.path, null)).mtime;
  }

  /** The holder node, decoded, with its end by the server's clock (kazoo's `end` for a node kazoo wrote). */
  async #read(): Promise<{ data: LeaseData; stat: Stat; end: number } | undefined> {
    const node = `${this.path}/${HOLDER}`;
    let raw: { data: Buffer; stat: Stat };
    try {
      raw = await this.#zk.get(node);
    } catch (err) {
      if (err instanceof NoNodeError) return undefined;
      throw err;
    }
    const data = decode(node, raw.data);
    const end = typeof data.duration_ms === 'number' ? raw.stat.mtime + data.duration_ms : Date.parse(`${data.end}Z`);
    return { data, stat: raw.stat, end };
  }

  /**
   * One write: create the holder node, or set it at the version we read. `null` when someone
   * wrote first. A lost reply is resolved by reading the node once connected again: holding
   * exactly what we sent, the write was applied (else the transient error is thrown).
   */
  async #write(now: number, version: number | undefined): Promise<Written | null> {
    const node = `${this.path}/${HOLDER}`;
    const body = Buffer.from(JSON.stringify(encode(this.identifier, now, this.duration)));
    const sentAt = performance.now();
    try {
      if (version === undefined) return { stat: (await this.#zk.create(node, body, { withStat: true })).stat, sentAt };
      return { stat: await this.#zk.set(node, body, { version }), sentAt };
    } catch (err) {
      if (err instanceof NodeExistsError || err instanceof BadVersionError || err instanceof NoNodeError) return null;
      if (!isTransient(err)) throw err;
      await untilConnected(this.#zk);
      const after = await this.#zk.get(node).catch(() => undefined);
      if (after?.data.equals(body)) return { stat: after.stat, sentAt };
      throw err;
    }
  }
}

/** kazoo's JSON: `end` is UTC to the second (rounded up: a kazoo reader never sees it end before us), plus our duration. */
function encode(holder: string, now: number, duration: number): LeaseData {
  const end = new Date(Math.ceil((now + duration) / 1000) * 1000).toISOString().slice(0, 19);
  return { version: 1, holder, end, duration_ms: duration };
}

function decode(node: string, raw: Buffer): LeaseData {
  let data: unknown;
  try {
    data = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new RecipeDataError(node, 'not a JSON lease');
  }
  const d = data as Partial<LeaseData>;
  if (d?.version !== 1 || typeof d.holder !== 'string' || typeof d.end !== 'string' || Number.isNaN(Date.parse(`${d.end}Z`))) {
    throw new RecipeDataError(node, `not a version-1 lease: ${raw.toString('utf8').slice(0, 200)}`);
  }
  return d as LeaseData;
}

/** The implementation of {@link HeldTimedLease}. Not exported. */
class Held implements HeldTimedLease {
  readonly fencingToken: bigint;
  readonly identifier: string;
  readonly #node: string;
  readonly #duration: number;
  readonly #ops: HolderOps;
  readonly #ac = new AbortController();
  #expiresAt: number;
  #version: number;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(node: string, identifier: string, duration: number, ops: HolderOps, written: Written) {
    this.#node = node;
    this.identifier = identifier;
    this.#duration = duration;
    this.#ops = ops;
    this.fencingToken = written.stat.mzxid;
    this.#version = written.stat.version;
    this.#expiresAt = written.stat.mtime + duration;
    this.#arm(written.sentAt);
  }

  get expiresAt(): number {
    return this.#expiresAt;
  }

  get signal(): AbortSignal {
    return this.#ac.signal;
  }

  /** The local timer: the write's send time + duration (the server wrote later, so its expiry is later). */
  #arm(sentAt: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#end('lost'), Math.max(0, sentAt + this.#duration - performance.now()));
    this.#timer.unref?.();
  }

  #end(reason: 'lost' | 'released' | 'deleted'): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#ac.abort(new OwnershipLostError(this.#node, reason));
  }

  async renew(): Promise<void> {
    this.#ac.signal.throwIfAborted(); // ended (expired, released, taken): never revived
    const written = await this.#ops.renew(this.#version);
    if (!written) {
      this.#end('deleted');
      this.#ac.signal.throwIfAborted();
    }
    this.#version = written!.stat.version; // release() deletes at this version
    this.#ac.signal.throwIfAborted(); // expired while renewing: the write came too late to count
    this.#expiresAt = written!.stat.mtime + this.#duration;
    this.#arm(written!.sentAt);
  }

  async release(): Promise<void> {
    const reason = this.#ac.signal.reason as OwnershipLostError | undefined;
    if (reason && reason.reason !== 'lost') return;
    this.#end('released');
    await this.#ops.release(this.#version);
  }

  /** `await using lease = await timed.tryAcquire()` releases at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }
}
