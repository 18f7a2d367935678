import { ClientClosedError, ConnectionState, EventType, type WatchedEvent, type Watcher, type ZooKeeperClient } from '@zookit/client';
import { callIsolated, isTransient, nextState, report } from './connection.js';
import { deferred } from './wait.js';

/** What a watch helper reads, how it recognises a new value, and whom it tells. */
export interface WatchSource<T> {
  /** Reads the current value, leaving `watch` on the node; `undefined` means "look again at once". */
  read(watch: Watcher): Promise<T | undefined>;
  /** Equal keys are the same value: the callback is not called twice for one value. */
  key(value: T): unknown;
  /** Calls the user's callback (run isolated by the loop); `false` stops the loop. */
  deliver(value: T, event: WatchedEvent | undefined): unknown;
}

/**
 * The engine of DataWatch and ChildrenWatch: read and re-arm after every event,
 * serialised on one promise chain, coalesced to the latest value, surviving
 * reconnects and session loss. Stops when the callback returns `false` or on `stop()`.
 * The callback runs isolated: a throw or rejection is reported on the client's `'error'`
 * event and the loop goes on.
 */
export class WatchLoop<T> {
  /** Resolves after the first call of the callback (or on stop). */
  readonly ready: Promise<void>;
  readonly #zk: ZooKeeperClient;
  readonly #source: WatchSource<T>;
  readonly #label: string;
  readonly #ready = deferred();
  #stopped = false;
  #gen = 0;
  #last: { key: unknown } | undefined;
  #chain: Promise<void> = Promise.resolve();

  /** @param label names the callback in error reports (`DataWatch /config`) */
  constructor(zk: ZooKeeperClient, label: string, source: WatchSource<T>) {
    this.#zk = zk;
    this.#label = label;
    this.#source = source;
    this.ready = this.#ready.promise;
    this.#schedule(undefined);
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  stop(): void {
    this.#stopped = true;
    this.#ready.resolve();
  }

  #schedule(event: WatchedEvent | undefined): void {
    const gen = ++this.#gen;
    this.#chain = this.#chain.then(() => this.#fetch(gen, event)).catch((err: unknown) => {
      // A closed client ends the watch quietly; anything else is reported.
      if (err instanceof ClientClosedError) this.stop();
      else report(this.#zk, err);
    });
  }

  #watcher(gen: number): Watcher {
    return (e) => {
      if (this.#stopped || gen !== this.#gen) return;
      this.#schedule(e);
    };
  }

  async #fetch(gen: number, event: WatchedEvent | undefined): Promise<void> {
    for (let i = 0; i < 1000 && !this.#stopped && gen === this.#gen; i++) {
      let value: T | undefined;
      try {
        if (event?.type === EventType.NONE && this.#zk.state !== ConnectionState.CONNECTED) {
          await nextState(this.#zk);
          continue;
        }
        value = await this.#source.read(this.#watcher(gen));
        if (value === undefined) continue;
      } catch (err) {
        if (!isTransient(err)) throw err;
        if (this.#zk.state !== ConnectionState.CONNECTED) await nextState(this.#zk);
        continue;
      }
      const key = this.#source.key(value);
      if (this.#last !== undefined && key === this.#last.key) return; // nothing new
      this.#last = { key };
      if (this.#stopped) return;
      const result = await callIsolated(this.#zk, this.#label, (v: T, e: WatchedEvent | undefined) => this.#source.deliver(v, e), value, event);
      this.#ready.resolve();
      if (result === false) this.stop();
      return;
    }
  }
}
