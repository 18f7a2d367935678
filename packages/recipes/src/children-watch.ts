import { InvalidArgumentError, NoNodeError, validatePath, type WatchedEvent, type ZooKeeperClient } from '@zookit/client';
import { WatchLoop } from './watch-loop.js';

/** Callback of {@link ChildrenWatch}: the node's children (empty while it does not exist). Return `false` to stop. */
export type ChildrenWatchCallback = (children: string[], event: WatchedEvent | undefined) => unknown;

/**
 * kazoo's `ChildrenWatch`: calls `fn` with the current children at once, then after every
 * change of the list, with calls serialised. Survives reconnects and session loss (it
 * re-reads and re-arms on the new session). Unlike kazoo, a missing node is reported as
 * an empty list and watched for re-creation instead of ending the watch. Stops when `fn`
 * returns `false` or `stop()` is called. `fn` runs isolated: a throw or rejection is
 * reported on the client's `'error'` event and the watch goes on.
 *
 * ```ts
 * const watch = new ChildrenWatch(zk, '/workers', (children) => { rebalance(children); });
 * ```
 */
export class ChildrenWatch {
  /** The watched node. */
  readonly path: string;
  /** Resolves after the first call of `fn`. */
  readonly ready: Promise<void>;
  readonly #loop: WatchLoop<string[]>;

  constructor(zk: ZooKeeperClient, path: string, fn: ChildrenWatchCallback) {
    validatePath(path);
    this.path = path;
    if (typeof fn !== 'function') throw new InvalidArgumentError('fn', 'must be a function');
    this.#loop = new WatchLoop(zk, `ChildrenWatch ${this.path}`, {
      read: async (watch) => {
        try {
          return await zk.getChildren(this.path, { watch });
        } catch (err) {
          if (!(err instanceof NoNodeError)) throw err;
          // Missing: an empty list, and a watch for its re-creation.
          return (await zk.exists(this.path, { watch })) ? undefined : [];
        }
      },
      key: (children) => JSON.stringify([...children].sort()),
      deliver: (children, event) => fn(children, event),
    });
    this.ready = this.#loop.ready;
  }

  /** True once stopped. */
  get stopped(): boolean {
    return this.#loop.stopped;
  }

  /** Stops watching (no more calls). */
  stop(): void {
    this.#loop.stop();
  }
}
