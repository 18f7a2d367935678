import { InvalidArgumentError, NoNodeError, validatePath, type Stat, type WatchedEvent, type ZooKeeperClient } from '@zookit/client';
import { WatchLoop } from './watch-loop.js';

/** Callback of {@link DataWatch}: `data`/`stat` are `null` while the node does not exist. Return `false` to stop. */
export type DataWatchCallback = (data: Buffer | null, stat: Stat | null, event: WatchedEvent | undefined) => unknown;

/**
 * kazoo's `DataWatch`: calls `fn` with the node's current data at once, then after every
 * change, with calls serialised. A deleted node is reported as `null` and watched for
 * re-creation. Survives reconnects (the client re-registers its watches) and session
 * loss (it re-reads and re-arms on the new session). Stops when `fn` returns `false`
 * or `stop()` is called. `fn` runs isolated: a throw or rejection is reported on the
 * client's `'error'` event and the watch goes on. Changes are coalesced: `fn` sees the latest value, once per
 * `mzxid`.
 *
 * ```ts
 * const watch = new DataWatch(zk, '/config', (data) => { apply(data); });
 * await watch.ready; // first call done
 * watch.stop();
 * ```
 */
export class DataWatch {
  /** The watched node. */
  readonly path: string;
  /** Resolves after the first call of `fn`. */
  readonly ready: Promise<void>;
  readonly #loop: WatchLoop<{ data: Buffer | null; stat: Stat | null }>;

  constructor(zk: ZooKeeperClient, path: string, fn: DataWatchCallback) {
    validatePath(path);
    this.path = path;
    if (typeof fn !== 'function') throw new InvalidArgumentError('fn', 'must be a function');
    this.#loop = new WatchLoop(zk, `DataWatch ${this.path}`, {
      read: async (watch) => {
        try {
          const { data, stat } = await zk.get(this.path, { watch });
          return { data, stat };
        } catch (err) {
          if (!(err instanceof NoNodeError)) throw err;
          // Gone: watch for its re-creation (created in between: read it at once).
          return (await zk.exists(this.path, { watch })) ? undefined : { data: null, stat: null };
        }
      },
      key: (v) => (v.stat ? v.stat.mzxid : null),
      deliver: (v, event) => fn(v.data, v.stat, event),
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
