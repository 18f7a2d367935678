import { ConnectionState, type Transaction, type ZooKeeperClient } from '@zookit/client';
import { OwnershipLostError, type LossReason } from './errors.js';
import { guaranteedDelete } from './internal.js';

/**
 * Ownership of one contender node: a held lock, a semaphore lease, leadership.
 *
 * `signal` aborts (reason: {@link OwnershipLostError}) when ownership ends: at `LOST`, at
 * `SUSPENDED` once the grace period has passed (default 0: at once), or on release.
 * Ownership reported lost is never restored by a reconnect: the node is deleted as soon
 * as the connection is back (or went with the session). Pass `fencingToken` to the
 * resources you protect and let them reject lower tokens.
 */
export class Lease implements AsyncDisposable {
  /** The holder node's creation zxid: larger for every later holder of the same path, even across re-creation of the parent. */
  readonly fencingToken: bigint;
  /** Full path of the holder node. */
  readonly path: string;
  /** Session that owns the node. */
  readonly sessionId: bigint;
  readonly #zk: ZooKeeperClient;
  readonly #grace: number;
  readonly #ac = new AbortController();
  readonly #onEnd: ((lease: Lease) => void) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #released: Promise<void> | undefined;

  /** @internal Created by the recipes when a contender wins. */
  constructor(zk: ZooKeeperClient, node: { path: string; token: bigint; session: bigint }, grace: number, onEnd?: (lease: Lease) => void) {
    this.#zk = zk;
    this.path = node.path;
    this.fencingToken = node.token;
    this.sessionId = node.session;
    this.#grace = grace;
    this.#onEnd = onEnd;
    zk.on('state', this.#onState);
  }

  /** Aborts when ownership ends; `signal.reason` is an {@link OwnershipLostError}. */
  get signal(): AbortSignal {
    return this.#ac.signal;
  }

  /** True until ownership ended (released, lost, or suspended past the grace period). */
  get isHeld(): boolean {
    return !this.#ac.signal.aborted;
  }

  readonly #onState = (state: ConnectionState): void => {
    if (state === ConnectionState.LOST || this.#zk.sessionId !== this.sessionId) {
      void this.#end('lost');
    } else if (state === ConnectionState.SUSPENDED) {
      if (this.#grace <= 0) void this.#end('suspended');
      else this.#timer ??= setTimeout(() => void this.#end('suspended'), this.#grace);
    } else if (state === ConnectionState.CONNECTED && this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  };

  #end(reason: LossReason): Promise<void> {
    if (this.#released) return this.#released;
    if (this.#timer) clearTimeout(this.#timer);
    this.#zk.off('state', this.#onState);
    this.#ac.abort(new OwnershipLostError(this.path, reason));
    this.#released = guaranteedDelete(this.#zk, this.path, this.sessionId);
    this.#released.catch(() => {});
    this.#onEnd?.(this);
    return this.#released;
  }

  /**
   * Lets go: aborts `signal` and deletes the node, surviving connection loss (retried after
   * reconnect; done once the node or the session is gone). Idempotent. After `LOST` it
   * settles without touching the server.
   */
  release(): Promise<void> {
    return this.#end('released');
  }

  /** @internal Ends ownership for `reason` (used by recipes that close). */
  end(reason: LossReason): Promise<void> {
    return this.#end(reason);
  }

  /**
   * Asks the server: `sync`, then checks that the node still exists and is owned by our
   * session (what Curator's LeaderLatch does before granting). Best-effort: a pause after
   * the check still defeats it; rely on `fencingToken` for correctness.
   */
  async verify(): Promise<boolean> {
    if (!this.isHeld) return false;
    await this.#zk.sync(this.path);
    const stat = await this.#zk.exists(this.path);
    return stat !== null && stat.ephemeralOwner === this.sessionId && this.isHeld;
  }

  /** Adds a `check` on the holder node to `txn`: it commits only while this lease's node exists (ZooKeeper-native fencing). */
  guard(txn: Transaction): Transaction {
    return txn.check(this.path, -1);
  }

  /** `await using lease = await lock.acquire()` releases at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }
}
