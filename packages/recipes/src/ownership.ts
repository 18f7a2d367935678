// Not exported from the package: users see the Lease interface.
import { ConnectionState, EventType, NoNodeError, type Stat, type Transaction, type WatchedEvent, type ZooKeeperClient } from '@zookit/client';
import { RecipeEmitter } from './emitter.js';
import { OwnershipLostError, type LossReason } from './errors.js';
import { VALIDITY_MARGIN, type Lease, type LeaseEvents } from './lease.js';
import { guaranteedDelete } from './nodes.js';
import { publishEnded, type LeaseTrace } from './tracing.js';

/** The data that asks a holder to let go: Curator's `LockInternals.REVOKE_MESSAGE`. */
export const REVOKE_MESSAGE = '__REVOKE__';

/**
 * The implementation of {@link Lease}: one held contender node, watched, ended on
 * SUSPENDED (past the grace period), LOST, closing, deletion or release.
 */
export class Ownership extends RecipeEmitter<LeaseEvents> implements Lease {
  /** The holder node's creation zxid: larger for every later holder of the same path, even across re-creation of the parent. */
  readonly fencingToken: bigint;
  /** Full path of the holder node. */
  readonly path: string;
  /** Session that owns the node. */
  readonly sessionId: bigint;
  readonly #zk: ZooKeeperClient;
  readonly #grace: number;
  readonly #ac = new AbortController();
  readonly #onEnd: ((lease: Ownership) => void) | undefined;
  readonly #unobserve: () => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #released: Promise<void> | undefined;
  #uncertain = false;
  /** Monotonic send time of the latest request the server answered showing our node alive. */
  #confirmedAt: number;
  /** Whether our watch on the node is registered with the client. */
  #armed = false;
  #verifying = false;
  #armSoon: ReturnType<typeof setImmediate> | undefined;
  /** Whether the node's data is read for revocation requests (a revocable Lock). */
  readonly #revocable: boolean;
  /** Data version of the last revocation request reported (each request is reported once). */
  #revokeVersion = -1;
  readonly #trace: LeaseTrace | undefined;
  readonly #grantedAt = performance.now();

  /**
   * Created by the contender when it wins. `confirmedAt` is the `performance.now()` at
   * which the request that showed us the winner was sent.
   */
  constructor(
    zk: ZooKeeperClient,
    node: { path: string; token: bigint; session: bigint },
    grace: number,
    onEnd?: (lease: Ownership) => void,
    confirmedAt: number = performance.now(),
    revocable = false,
    trace?: LeaseTrace,
  ) {
    super(zk, 'Lease');
    this.#zk = zk;
    this.path = node.path;
    this.fencingToken = node.token;
    this.sessionId = node.session;
    this.#grace = grace;
    this.#onEnd = onEnd;
    this.#confirmedAt = confirmedAt;
    this.#revocable = revocable;
    this.#trace = trace;
    // The internal channel: notified before any user listener, which cannot break it.
    this.#unobserve = zk.observe({ state: this.#onState, closing: this.#onClosing });
    // Watch our own node (one request, nothing awaited): a deletion by anyone ends the lease
    // at once. Sent on the next turn of the event loop: no notification could be handled
    // earlier anyway, and a lease released within this turn (acquire → short critical
    // section → release) never pays for it.
    this.#armSoon = setImmediate(() => {
      this.#armSoon = undefined;
      this.#arm();
    });
  }

  /** Aborts when ownership ends; `signal.reason` is an {@link OwnershipLostError}. */
  get signal(): AbortSignal {
    return this.#ac.signal;
  }

  /** True until ownership ended (released, lost, deleted, or suspended past the grace period). */
  get isHeld(): boolean {
    return !this.#ac.signal.aborted;
  }

  /**
   * True while the lease is held but the connection is down (SUSPENDED within the grace
   * period), and after a reconnect until the node has been verified. Listen to the
   * `uncertain` event for changes. Always false with the default grace of 0 (the lease
   * ends at SUSPENDED instead).
   */
  get uncertain(): boolean {
    return this.isHeld && this.#uncertain;
  }

  /**
   * A conservative local lease, in `performance.now()` milliseconds: the send time of the
   * latest request the server answered that showed our node alive (the acquisition, the
   * node watch, `verify()`), plus the negotiated session timeout, minus a margin of
   * {@link VALIDITY_MARGIN} of it. The server cannot have expired our session before
   * then. `undefined` while uncertain, not connected, or after the lease ended. The value
   * may lie in the past: call `verify()` to extend it. Best-effort only: a pause between
   * this check and the protected action defeats it; the resource must check
   * `fencingToken`.
   */
  validUntil(): number | undefined {
    if (!this.isHeld || this.#uncertain || this.#zk.state !== ConnectionState.CONNECTED || this.#zk.sessionId !== this.sessionId) return undefined;
    const timeout = this.#zk.sessionTimeout;
    if (!(timeout > 0)) return undefined;
    return this.#confirmedAt + timeout * (1 - VALIDITY_MARGIN);
  }

  #confirm(sentAt: number): void {
    if (sentAt > this.#confirmedAt) this.#confirmedAt = sentAt;
  }

  #setUncertain(value: boolean): void {
    if (this.#uncertain === value) return;
    this.#uncertain = value;
    if (this.isHeld) this.emit('uncertain', value);
  }

  /** Registers the exists watch on our node (unless registered). */
  #arm(): void {
    if (this.#armed || this.#released || this.#armSoon) return;
    this.#armed = true;
    const sentAt = performance.now();
    this.#watchNode().then(
      (stat) => {
        if (stat === null) {
          // Registered an exist watch for a node that will never come back: drop it.
          this.#armed = false;
          void this.#zk.removeWatches(this.path, this.#onNodeEvent, { local: true }).catch(() => {});
          void this.#end('deleted');
        } else if (stat.ephemeralOwner !== this.sessionId) {
          void this.#end('deleted');
        } else if (this.#zk.sessionId === this.sessionId) {
          this.#confirm(sentAt);
        }
      },
      () => {
        // Not registered (connection lost, session gone): re-armed on the next reconnect.
        this.#armed = false;
      },
    );
  }

  /** The node's stat (null when gone), leaving a watch; a revocable lease reads the data too. */
  async #watchNode(): Promise<Stat | null> {
    if (!this.#revocable) return this.#zk.exists(this.path, { watch: this.#onNodeEvent });
    try {
      const { data, stat } = await this.#zk.get(this.path, { watch: this.#onNodeEvent });
      if (stat.ephemeralOwner === this.sessionId && stat.version !== this.#revokeVersion && data.toString('utf8') === REVOKE_MESSAGE && !this.#released) {
        this.#revokeVersion = stat.version;
        this.emit('revoke');
      }
      return stat;
    } catch (err) {
      if (err instanceof NoNodeError) return null; // a failed read leaves no watch
      throw err;
    }
  }

  readonly #onNodeEvent = (event: WatchedEvent): void => {
    this.#armed = false;
    if (this.#released) return;
    if (event.type === EventType.DELETED) void this.#end('deleted');
    else if (event.type === EventType.NONE) return; // session gone: the state listener ends the lease
    else this.#arm(); // data changed: keep watching
  };

  readonly #onState = (state: ConnectionState): void => {
    if (state === ConnectionState.LOST || this.#zk.sessionId !== this.sessionId) {
      void this.#end('lost');
    } else if (state === ConnectionState.SUSPENDED) {
      if (this.#grace <= 0) {
        void this.#end('suspended');
        return;
      }
      if (Number.isFinite(this.#grace)) this.#timer ??= setTimeout(() => void this.#end('suspended'), this.#grace);
      this.#setUncertain(true);
    } else if (state === ConnectionState.CONNECTED && this.#uncertain) {
      void this.#reverify();
    } else if (state === ConnectionState.CONNECTED) {
      this.#arm();
    }
  };

  /** After a reconnect in the same session: confirm the node before clearing `uncertain`. */
  async #reverify(): Promise<void> {
    if (this.#verifying) return;
    this.#verifying = true;
    try {
      this.#arm();
      const ok = await this.#check();
      if (!ok) {
        if (this.isHeld) void this.#end('deleted');
        return;
      }
      if (this.#zk.state !== ConnectionState.CONNECTED || !this.isHeld) return; // suspended again: wait for the next reconnect
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#setUncertain(false);
    } catch {
      // connection lost again: the next CONNECTED retries
    } finally {
      this.#verifying = false;
    }
  }

  /** `sync` + `exists`: whether our node is there and ours; updates the validity on success. */
  async #check(): Promise<boolean> {
    await this.#zk.sync(this.path);
    const sentAt = performance.now();
    const stat = await this.#zk.exists(this.path);
    const ok = stat !== null && stat.ephemeralOwner === this.sessionId && this.#zk.sessionId === this.sessionId;
    if (ok) this.#confirm(sentAt);
    return ok;
  }

  /**
   * The client is being stopped: step down now. The node goes with the session's
   * close (one transaction), so the next holder is not kept waiting by a delete.
   */
  readonly #onClosing = (): void => {
    void this.#end('closed', false);
  };

  #end(reason: LossReason, deleteNode = reason !== 'deleted'): Promise<void> {
    if (this.#released) return this.#released;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#armSoon) clearImmediate(this.#armSoon);
    this.#armSoon = undefined;
    this.#unobserve();
    this.#ac.abort(new OwnershipLostError(this.path, reason));
    if (this.#trace) publishEnded(this.#trace, this, reason, performance.now() - this.#grantedAt);
    this.#released = deleteNode ? guaranteedDelete(this.#zk, this.path, this.sessionId) : Promise.resolve();
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

  /** Ends ownership for `reason` (used by recipes that close). */
  end(reason: LossReason): Promise<void> {
    return this.#end(reason);
  }

  /**
   * Asks the server: `sync`, then checks that the node still exists and is owned by our
   * session (what Curator's LeaderLatch does before granting). Extends `validUntil()` on
   * success. Best-effort: a pause after the check still defeats it; rely on
   * `fencingToken` for correctness.
   */
  async verify(): Promise<boolean> {
    if (!this.isHeld) return false;
    return (await this.#check()) && this.isHeld;
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

/** Ends `lease` for `reason` (a recipe closing); a no-op for anything not granted here. */
export function endLease(lease: Lease, reason: LossReason): Promise<void> {
  return lease instanceof Ownership ? lease.end(reason) : Promise.resolve();
}
