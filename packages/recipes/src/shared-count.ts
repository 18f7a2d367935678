import { InvalidArgumentError, type ZooKeeperClient } from '@zookit/client';
import { RecipeDataError } from './errors.js';
import { RecipeEmitter } from './emitter.js';
import { SharedValue } from './shared-value.js';

/** Listeners of {@link SharedCount}. */
export interface SharedCountEvents {
  /** The count changed (its node's `mzxid` moved). */
  changed: (count: number, version: number) => unknown;
}

/** Curator's SharedCount encoding: a 4-byte big-endian signed int. */
export function encodeCount(count: number): Buffer {
  if (!Number.isInteger(count) || count < -2147483648 || count > 2147483647) throw new InvalidArgumentError('count', `must be a 32-bit integer, got ${count}`);
  const b = Buffer.alloc(4);
  b.writeInt32BE(count);
  return b;
}

/** Decodes Curator's SharedCount bytes; anything but 4 bytes is a {@link RecipeDataError} naming `path`. */
export function decodeCount(data: Buffer, path = ''): number {
  if (data.length !== 4) throw new RecipeDataError(path, `a shared count is 4 bytes, got ${data.length}`);
  return data.readInt32BE(0);
}

/**
 * An integer every process sees change, stored as Curator's SharedCount stores it (4-byte
 * big-endian): a Curator SharedCount on the same path agrees. A {@link SharedValue}
 * underneath: `changed` only on a real change, re-read on every reconnect and new session.
 *
 * ```ts
 * const workers = new SharedCount(zk, '/config/workers', 4);
 * await workers.start();
 * await workers.trySet(workers.count + 1, workers.version);
 * ```
 */
export class SharedCount extends RecipeEmitter<SharedCountEvents> implements AsyncDisposable {
  readonly #value: SharedValue;

  constructor(zk: ZooKeeperClient, path: string, seed: number) {
    super(zk, 'SharedCount');
    this.#value = new SharedValue(zk, path, encodeCount(seed));
    this.#value.on('changed', (value, version) => {
      let count: number;
      try {
        count = decodeCount(value);
      } catch {
        return; // not a count (someone wrote other bytes): `count` reports it when read
      }
      this.emit('changed', count, version);
    });
  }

  /** The node. */
  get path(): string {
    return this.#value.path;
  }

  /** The count as last read. @throws RecipeDataError when the node holds something else than 4 bytes */
  get count(): number {
    return decodeCount(this.#value.value, this.#value.path);
  }

  /** The node's data version as last read (-1 before `start()` and while the node does not exist). */
  get version(): number {
    return this.#value.version;
  }

  /** True while the count may be out of date. */
  get stale(): boolean {
    return this.#value.stale;
  }

  /** Creates the node with the seed unless it exists, then reads and watches it. */
  start(): Promise<void> {
    return this.#value.start();
  }

  /** Sets `count` if the node still has `version`; false when another writer won (then `count` shows at least the winner's). */
  async trySet(count: number, version: number): Promise<boolean> {
    return this.#value.trySet(encodeCount(count), version);
  }

  /** Sets `count` whatever the version. */
  async set(count: number): Promise<void> {
    return this.#value.set(encodeCount(count));
  }

  /** Stops watching. */
  close(): Promise<void> {
    return this.#value.close();
  }

  /** `await using` support. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
