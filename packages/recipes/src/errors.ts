import { ZooKitError } from '@zookit/client';

/** Why a held lease, leadership or membership ended. */
export type LossReason = 'released' | 'suspended' | 'lost' | 'deleted' | 'closed';

/**
 * A recipe's wait did not succeed within its `timeout`: the one timeout error of the
 * recipes. `recipe` names the recipe (`DoubleBarrier.enter`, `Lock`, ...) and `path` its node.
 */
export class RecipeTimeoutError extends ZooKitError {
  /** The recipe and operation that timed out, e.g. `DoubleBarrier.leave`. */
  readonly recipe: string;
  /** The recipe's path. */
  readonly path: string;
  /** The timeout that passed, in ms. */
  readonly timeout: number;
  constructor(recipe: string, path: string, timeout: number) {
    super(`${recipe}: not done within ${timeout} ms: ${path}`);
    this.recipe = recipe;
    this.path = path;
    this.timeout = timeout;
  }
}

/** `acquire()` of a lock, read/write lock or semaphore did not succeed within its `timeout`. */
export class LockTimeoutError extends RecipeTimeoutError {
  constructor(recipe: string, path: string, timeout: number) {
    super(recipe, path, timeout);
    this.message = `${recipe}: not acquired within ${timeout} ms: ${path}`;
  }
}

/** The server holds data in a recipe's node that the recipe cannot read (e.g. a counter that is not a number). */
export class RecipeDataError extends ZooKitError {
  /** The node whose data is bad. */
  readonly path: string;
  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.path = path;
  }
}

/**
 * The reason of a lease's (or leadership's) `signal`: ownership ended. `reason` says why:
 * `suspended` (connection lost past the grace period: ownership uncertain), `lost` (the
 * session is gone), `deleted` (our node was removed), `released` (the holder let go),
 * `closed` (the recipe was closed).
 */
export class OwnershipLostError extends ZooKitError {
  /** Why ownership ended. */
  readonly reason: LossReason;
  /** The node that was held. */
  readonly path: string;
  constructor(path: string, reason: LossReason) {
    super(`ownership of ${path} ended: ${reason}`);
    this.path = path;
    this.reason = reason;
  }
}

/** A recipe method was called in a state where it cannot work (e.g. `acquire()` while already held). */
export class RecipeStateError extends ZooKitError {}

/**
 * A write's reply was lost and what the server holds cannot tell whether it was applied: a
 * counter update (the node changed meanwhile), a queue put (a sequential create), a take's delete.
 */
export class OutcomeUnknownError extends ZooKitError {
  /** The path written (for a put, the item's name prefix). */
  readonly path: string;
  constructor(path: string, cause: unknown, why = 'the reply was lost and the node changed') {
    super(`outcome of the write to ${path} is unknown (${why})`, { cause });
    this.path = path;
  }
}

/** A pending `acquire()` or election was cancelled with `cancel()` (kazoo's `CancelledError`). */
export class CancelledError extends ZooKitError {}
