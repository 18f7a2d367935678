import { isRetryable } from './errors.js';
import { waitFor } from './wait.js';

/** How `retry()` retries: exponential backoff with jitter (kazoo's KazooRetry). */
export interface RetryPolicy {
  /** Attempts in all, the first included; -1 for no limit. Default 5. */
  maxTries?: number;
  /** First delay in ms. Default 100. */
  delay?: number;
  /** Multiplier per attempt. Default 2. */
  backoff?: number;
  /** Largest delay in ms. Default 5,000. */
  maxDelay?: number;
  /** Randomise each delay to [50%, 100%]. Default true. */
  jitter?: boolean;
  /** Give up after this many ms in all. */
  deadline?: number;
  /** Which errors to retry. Default: `isRetryable` (connection loss, operation timeout). */
  retryOn?: (error: unknown) => boolean;
  /** Stops waiting; rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Runs `fn` until it succeeds, retrying the errors the policy allows.
 * Beware of non-idempotent writes: a retried create may find its own node.
 */
export async function retry<T>(fn: () => Promise<T>, policy: RetryPolicy = {}): Promise<T> {
  const maxTries = policy.maxTries ?? 5;
  const backoff = policy.backoff ?? 2;
  const maxDelay = policy.maxDelay ?? 5_000;
  const retryOn = policy.retryOn ?? isRetryable;
  const started = performance.now();
  let delay = policy.delay ?? 100;
  for (let attempt = 1; ; attempt++) {
    policy.signal?.throwIfAborted();
    try {
      return await fn();
    } catch (err) {
      const outOfTime = policy.deadline !== undefined && performance.now() - started + delay > policy.deadline;
      if (!retryOn(err) || (maxTries !== -1 && attempt >= maxTries) || outOfTime) throw err;
    }
    const wait = policy.jitter === false ? delay : delay * (0.5 + Math.random() * 0.5);
    await sleep(wait, policy.signal);
    delay = Math.min(maxDelay, delay * backoff);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return waitFor(() => () => {}, { timeout: ms, signal });
}
