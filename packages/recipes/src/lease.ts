import type { Transaction } from '@zookit/client';
import type { RecipeEvents } from './events.js';

/** Events of a {@link Lease}. */
export interface LeaseEvents {
  /**
   * `true` when the connection is lost while the lease is held within its grace period
   * (ownership uncertain); `false` once the connection is back **and** the node was
   * verified (exists, owned by our session). Not emitted once the lease has ended. May be
   * async (a rejection is reported).
   */
  uncertain: (uncertain: boolean) => unknown;
  /**
   * Someone asks the holder of a revocable lock to let go (`Lock.revoke`, or Curator's
   * `Revoker`): emitted once per request. Cooperative: the lease is not ended; call
   * `release()` when ready. Only on a lease of a `Lock` made with `revocable: true`.
   */
  revoke: () => unknown;
}

/** Fraction of the negotiated session timeout kept as a safety margin by {@link Lease.validUntil}. */
export const VALIDITY_MARGIN = 0.1;

/**
 * Ownership of one contender node: a held lock, a semaphore lease, leadership. Granted by
 * the recipes (`Lock.acquire()`, `Semaphore.acquire()`, `Election.run()`), never built by hand.
 *
 * `signal` aborts (reason: {@link OwnershipLostError}) when ownership ends: at `LOST`, at
 * `SUSPENDED` once the grace period has passed (default 0: at once), when our node is
 * deleted or owned by another session (seen through a watch on the node, without waiting
 * for `verify()`), or on release. Ownership reported lost is never restored by a
 * reconnect: the node is deleted as soon as the connection is back (or went with the
 * session). Pass `fencingToken` to the resources you protect and let them reject lower
 * tokens. The lease learns of SUSPENDED/LOST on the client's internal channel, so a
 * throwing user listener cannot keep it from ending; its own `uncertain` listeners run
 * isolated.
 */
export interface Lease extends RecipeEvents<LeaseEvents>, AsyncDisposable {
  /** The holder node's creation zxid: larger for every later holder of the same path, even across re-creation of the parent. */
  readonly fencingToken: bigint;
  /** Full path of the holder node. */
  readonly path: string;
  /** Session that owns the node. */
  readonly sessionId: bigint;
  /** Aborts when ownership ends; `signal.reason` is an {@link OwnershipLostError}. */
  readonly signal: AbortSignal;
  /** True until ownership ended (released, lost, deleted, or suspended past the grace period). */
  readonly isHeld: boolean;
  /**
   * True while the lease is held but the connection is down (SUSPENDED within the grace
   * period), and after a reconnect until the node has been verified. Listen to the
   * `uncertain` event for changes. Always false with the default grace of 0 (the lease
   * ends at SUSPENDED instead).
   */
  readonly uncertain: boolean;
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
  validUntil(): number | undefined;
  /**
   * Lets go: aborts `signal` and deletes the node, surviving connection loss (retried after
   * reconnect; done once the node or the session is gone). Idempotent. After `LOST` it
   * settles without touching the server.
   */
  release(): Promise<void>;
  /**
   * Asks the server: `sync`, then checks that the node still exists and is owned by our
   * session (what Curator's LeaderLatch does before granting). Extends `validUntil()` on
   * success. Best-effort: a pause after the check still defeats it; rely on
   * `fencingToken` for correctness.
   */
  verify(): Promise<boolean>;
  /** Adds a `check` on the holder node to `txn`: it commits only while this lease's node exists (ZooKeeper-native fencing). */
  guard(txn: Transaction): Transaction;
}
