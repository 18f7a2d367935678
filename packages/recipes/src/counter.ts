import { BadVersionError, InvalidArgumentError, NoNodeError, NodeExistsError, type ZooKeeperClient } from '@zookit/client';
import { isTransient, untilConnected } from './connection.js';
import { OutcomeUnknownError, RecipeDataError } from './errors.js';
import { recipePath } from './nodes.js';

/** Options of {@link Counter}. */
export interface CounterOptions {
  /** `text` (default): decimal text as kazoo's Counter; `int32`: 4-byte big-endian as Curator's SharedCount; `int64`: 8-byte big-endian as Curator's DistributedAtomicLong (safe integers only). */
  format?: 'text' | 'int32' | 'int64';
  /** Value assumed while the node does not exist (default 0). */
  initial?: number;
}

const MAX_ATTEMPTS = 1000;

/**
 * A shared counter (kazoo's `Counter`): `add()` reads the node, writes the new value with
 * a compare-and-set on the node version, and retries on conflict. The value is stored as
 * decimal text, so a kazoo Counter on the same path agrees (integers and floats); with
 * `format: 'int32'` as Curator's SharedCount stores it, with `format: 'int64'` as Curator's
 * DistributedAtomicLong does (8-byte big-endian).
 *
 * An update whose reply is lost is never applied twice: if the node did not change it
 * is retried, otherwise `add()` rejects with {@link OutcomeUnknownError}.
 *
 * ```ts
 * const counter = new Counter(zk, '/counters/jobs');
 * await counter.add(5);          // 5
 * await counter.add(-1);         // 4
 * await counter.get();           // 4
 * ```
 */
export class Counter {
  /** The counter node. */
  readonly path: string;
  readonly #zk: ZooKeeperClient;
  readonly #format: 'text' | 'int32' | 'int64';
  readonly #initial: number;

  constructor(zk: ZooKeeperClient, path: string, options: CounterOptions = {}) {
    this.#zk = zk;
    this.path = recipePath(path);
    this.#format = options.format ?? 'text';
    this.#initial = options.initial ?? 0;
    if (this.#format !== 'text' && this.#format !== 'int32' && this.#format !== 'int64') throw new InvalidArgumentError('format', `must be 'text', 'int32' or 'int64', got ${String(this.#format)}`);
    if (typeof this.#initial !== 'number' || !Number.isFinite(this.#initial)) throw new InvalidArgumentError('initial', 'must be a finite number');
    if (this.#format !== 'text' && !Number.isInteger(this.#initial)) throw new InvalidArgumentError('initial', `an ${this.#format} counter needs an integer initial value`);
  }

  /**
   * Encodes a value as this counter stores it.
   * @throws InvalidArgumentError for a value this format cannot hold
   */
  encode(value: number): Buffer {
    if (this.#format === 'int32') {
      if (!Number.isInteger(value) || value < -2147483648 || value > 2147483647) throw new InvalidArgumentError('value', `out of the int32 range: ${value}`);
      const b = Buffer.alloc(4);
      b.writeInt32BE(value);
      return b;
    }
    if (this.#format === 'int64') {
      if (!Number.isSafeInteger(value)) throw new InvalidArgumentError('value', `must be a safe integer for an int64 counter, got ${value}`);
      const b = Buffer.alloc(8);
      b.writeBigInt64BE(BigInt(value));
      return b;
    }
    if (!Number.isFinite(value)) throw new InvalidArgumentError('value', `must be finite, got ${value}`);
    return Buffer.from(String(value), 'ascii');
  }

  /**
   * Decodes stored data (empty data counts as the initial value).
   * @throws RecipeDataError for data that is not a value of this format
   */
  decode(data: Buffer): number {
    if (data.length === 0) return this.#initial;
    if (this.#format === 'int32') {
      if (data.length !== 4) throw new RecipeDataError(this.path, `int32 counter data must be 4 bytes, got ${data.length}`);
      return data.readInt32BE(0);
    }
    if (this.#format === 'int64') {
      if (data.length !== 8) throw new RecipeDataError(this.path, `int64 counter data must be 8 bytes, got ${data.length}`);
      const value = data.readBigInt64BE(0);
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw new RecipeDataError(this.path, `int64 counter value ${value} is beyond a safe integer`);
      return Number(value);
    }
    const value = Number(data.toString('ascii'));
    if (!Number.isFinite(value)) throw new RecipeDataError(this.path, `not a number: ${JSON.stringify(data.toString('latin1').slice(0, 40))}`);
    return value;
  }

  /** The current value (the initial value if the node does not exist). */
  async get(): Promise<number> {
    try {
      return this.decode((await this.#zk.get(this.path)).data);
    } catch (err) {
      if (err instanceof NoNodeError) return this.#initial;
      throw err;
    }
  }

  /**
   * Adds `delta` (may be negative or fractional for text counters); resolves with the new value.
   * @throws OutcomeUnknownError if a write's reply was lost and the node changed meanwhile;
   *   InvalidArgumentError for a bad delta or a result out of the format's range; RecipeDataError for unreadable node data
   */
  async add(delta: number): Promise<number> {
    if (typeof delta !== 'number' || !Number.isFinite(delta)) throw new InvalidArgumentError('delta', `must be a finite number, got ${delta}`);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      let current: { value: number; version: number } | undefined;
      try {
        const r = await this.#zk.get(this.path);
        current = { value: this.decode(r.data), version: r.stat.version };
      } catch (err) {
        if (isTransient(err)) {
          await untilConnected(this.#zk);
          continue;
        }
        if (!(err instanceof NoNodeError)) throw err;
      }
      if (!current) {
        // Create with the initial value, then update it like any other.
        try {
          await this.#zk.create(this.path, this.encode(this.#initial), { makePath: true });
        } catch (err) {
          if (!(err instanceof NodeExistsError) && !isTransient(err)) throw err;
        }
        continue;
      }
      const next = current.value + delta;
      const data = this.encode(next);
      try {
        await this.#zk.set(this.path, data, { version: current.version });
        return next;
      } catch (err) {
        if (err instanceof BadVersionError) continue;
        // A lost reply and a session lost with the write in flight are the same question:
        // applied or not? Only an unchanged version proves "not".
        if (!isTransient(err)) throw err;
        if (!(await this.#unchangedSince(current.version))) throw new OutcomeUnknownError(this.path, err);
      }
    }
    throw new BadVersionError({ op: 'setData', path: this.path }, `BADVERSION: ${this.path} (setData): gave up after ${MAX_ATTEMPTS} conflicting attempts`);
  }

  /** Whether the node still has `version`, asked once connected again (bounded retries). */
  async #unchangedSince(version: number): Promise<boolean> {
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await untilConnected(this.#zk);
      try {
        const after = await this.#zk.exists(this.path);
        return after !== null && after.version === version;
      } catch (err) {
        if (!isTransient(err)) throw err;
      }
    }
    return false;
  }
}
