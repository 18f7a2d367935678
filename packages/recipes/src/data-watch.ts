import { ConnectionState, EventType, NoNodeError, type Stat, type WatchedEvent, type ZooKeeperClient } from '@zookit/client';
import { checkPath, isTransient, nextState } from './internal.js';

/** Callback of {@link DataWatch}: `data`/`stat` are `null` while the node does not exist. Return `false` to stop. */
export type DataWatchCallback = (data: Buffer | null, stat: Stat | null, event: WatchedEvent | undefined) => unknown;

/**
 * kazoo's `DataWatch`: calls `fn` with the node's current data at once, then after every
 * change, with calls serialised. A deleted node is reported as `null` and watched for
 * re-creation. Survives reconnects (the client re-registers its watches) and session
 * loss (it re-reads and re-arms on the new session). Stops when `fn` returns `false`
 * or `stop()` is called. Changes are coalesced: `fn` sees the latest value, once per
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
  readonly #zk: ZooKeeperClient;
  readonly #fn: DataWatchCallback;
  #stopped = false;
  #gen = 0;
  #last: bigint | null | undefined = undefined; // mzxid last reported; null = reported absent
  #chain: Promise<void> = Promise.resolve();
  #resolveReady!: () => void;

  constructor(zk: ZooKeeperClient, path: string, fn: DataWatchCallback) {
    this.#zk = zk;
    this.path = checkPath(path);
    this.#fn = fn;
    this.ready = new Promise((resolve) => {
      this.#resolveReady = resolve;
    });
    this.#schedule(undefined);
  }

  /** True once stopped. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Stops watching (no more calls). */
  stop(): void {
    this.#stopped = true;
    this.#resolveReady();
  }

  #schedule(event: WatchedEvent | undefined): void {
    const gen = ++this.#gen;
    this.#chain = this.#chain.then(() => this.#fetch(gen, event)).catch((err: unknown) => {
      this.#zk.emit('error', err instanceof Error ? err : new Error(String(err)));
    });
  }

  #watcher(gen: number): (e: WatchedEvent) => void {
    return (e) => {
      if (this.#stopped || gen !== this.#gen) return;
      this.#schedule(e);
    };
  }

  async #fetch(gen: number, event: WatchedEvent | undefined): Promise<void> {
    for (let i = 0; i < 1000 && !this.#stopped && gen === this.#gen; i++) {
      let data: Buffer | null = null;
      let stat: Stat | null = null;
      try {
        if (event?.type === EventType.NONE && this.#zk.state !== ConnectionState.CONNECTED) {
          await nextState(this.#zk);
          continue;
        }
        try {
          const r = await this.#zk.get(this.path, { watch: this.#watcher(gen) });
          data = r.data;
          stat = r.stat;
        } catch (err) {
          if (!(err instanceof NoNodeError)) throw err;
          stat = await this.#zk.exists(this.path, { watch: this.#watcher(gen) });
          if (stat) continue; // created in between: read it
        }
      } catch (err) {
        if (!isTransient(err)) throw err;
        if (this.#zk.state !== ConnectionState.CONNECTED) await nextState(this.#zk);
        continue;
      }
      const key = stat ? stat.mzxid : null;
      if (this.#last !== undefined && key === this.#last) return; // nothing new
      this.#last = key;
      if (this.#stopped) return;
      let result: unknown;
      try {
        result = await this.#fn(data, stat, event);
      } finally {
        this.#resolveReady();
      }
      if (result === false) this.stop();
      return;
    }
  }
}
