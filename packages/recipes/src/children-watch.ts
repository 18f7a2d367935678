import { ConnectionState, EventType, NoNodeError, type WatchedEvent, type ZooKeeperClient } from '@zookit/client';
import { checkPath, isTransient, nextState } from './internal.js';

/** Callback of {@link ChildrenWatch}: the node's children (empty while it does not exist). Return `false` to stop. */
export type ChildrenWatchCallback = (children: string[], event: WatchedEvent | undefined) => unknown;

/**
 * kazoo's `ChildrenWatch`: calls `fn` with the current children at once, then after every
 * change of the list, with calls serialised. Survives reconnects and session loss (it
 * re-reads and re-arms on the new session). Unlike kazoo, a missing node is reported as
 * an empty list and watched for re-creation instead of ending the watch. Stops when `fn`
 * returns `false` or `stop()` is called.
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
  readonly #zk: ZooKeeperClient;
  readonly #fn: ChildrenWatchCallback;
  #stopped = false;
  #gen = 0;
  #last: string | undefined;
  #chain: Promise<void> = Promise.resolve();
  #resolveReady!: () => void;

  constructor(zk: ZooKeeperClient, path: string, fn: ChildrenWatchCallback) {
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
      let children: string[] = [];
      try {
        if (event?.type === EventType.NONE && this.#zk.state !== ConnectionState.CONNECTED) {
          await nextState(this.#zk);
          continue;
        }
        try {
          children = await this.#zk.getChildren(this.path, { watch: this.#watcher(gen) });
        } catch (err) {
          if (!(err instanceof NoNodeError)) throw err;
          if (await this.#zk.exists(this.path, { watch: this.#watcher(gen) })) continue;
        }
      } catch (err) {
        if (!isTransient(err)) throw err;
        if (this.#zk.state !== ConnectionState.CONNECTED) await nextState(this.#zk);
        continue;
      }
      const key = JSON.stringify([...children].sort());
      if (key === this.#last) return;
      this.#last = key;
      if (this.#stopped) return;
      let result: unknown;
      try {
        result = await this.#fn(children, event);
      } finally {
        this.#resolveReady();
      }
      if (result === false) this.stop();
      return;
    }
  }
}
