import { NoNodeError, type ZooKeeperClient } from '@zookit/client';
import { isTransient, untilConnected } from './connection.js';
import { recipePath } from './nodes.js';
import { Scope, deferred } from './wait.js';

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
    this.path = recipePath(path);
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
    const scope = new Scope('Barrier.wait', this.path, options);
    for (;;) {
      try {
        scope.check();
        const removed = deferred();
        try {
          await scope.race(this.#zk.get(this.path, { watch: () => removed.resolve() }));
        } catch (err) {
          if (err instanceof NoNodeError) return true;
          throw err;
        }
        await scope.race(removed.promise);
      } catch (err) {
        if (scope.aborted) {
          if (scope.timedOut) return false;
          throw scope.reason;
        }
        if (!isTransient(err)) throw err;
        await untilConnected(this.#zk, scope).catch(() => {}); // cancelled meanwhile: handled at the top of the loop
      }
    }
  }
}
