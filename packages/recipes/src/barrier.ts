import { NoNodeError, type ZooKeeperClient } from '@zookit/client';
import { Canceller, checkPath, isTransient, untilConnected } from './internal.js';
import { LockTimeoutError } from './errors.js';

/**
 * kazoo's `Barrier`: the node's existence blocks waiters; `remove()` lets them all through.
 *
 * ```ts
 * const barrier = new Barrier(zk, '/barriers/deploy');
 * await barrier.create();            // coordinator
 * const passed = await barrier.wait({ timeout: 30_000 });   // workers
 * await barrier.remove();            // coordinator: release everyone
 * ```
 */
export class Barrier {
  /** The barrier node. */
  readonly path: string;
  readonly #zk: ZooKeeperClient;

  constructor(zk: ZooKeeperClient, path: string) {
    this.#zk = zk;
    this.path = checkPath(path);
  }

  /** Raises the barrier (creates the node and its parents; no error if it exists). */
  create(): Promise<void> {
    return this.#zk.ensurePath(this.path);
  }

  /** Lowers the barrier. Resolves `false` if it did not exist. */
  async remove(): Promise<boolean> {
    try {
      await this.#zk.delete(this.path);
      return true;
    } catch (err) {
      if (err instanceof NoNodeError) return false;
      throw err;
    }
  }

  /**
   * Resolves `true` once the barrier node does not exist, `false` if `timeout` passes first
   * (as kazoo). Survives reconnects and session loss (it only reads).
   * @throws the signal's reason if it aborts
   */
  async wait(options: { timeout?: number; signal?: AbortSignal } = {}): Promise<boolean> {
    using c = new Canceller(this.path, options);
    for (;;) {
      try {
        c.check();
        let wake!: () => void;
        const woke = new Promise<void>((resolve) => {
          wake = resolve;
        });
        try {
          await this.#zk.get(this.path, { watch: () => wake() });
        } catch (err) {
          if (err instanceof NoNodeError) return true;
          throw err;
        }
        await c.race(woke);
      } catch (err) {
        if (c.signal.aborted) {
          if (c.signal.reason instanceof LockTimeoutError && options.signal?.aborted !== true) return false;
          throw c.signal.reason;
        }
        if (!isTransient(err)) throw err;
        try {
          await untilConnected(this.#zk, c);
        } catch {
          // cancelled while waiting: handled at the top of the loop
        }
      }
    }
  }
}
