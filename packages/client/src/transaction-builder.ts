import { InvalidArgumentError } from './errors.js';
import { OpCode, writePathVersion, writeSetData } from '@zookit/protocol';
import { checkOptions, checkVersion, toData } from './config.js';
import { validatePath } from './paths.js';
import { prependChroot } from './chroot.js';
import type { MultiOp } from './transaction.js';
import type { CreateOptions, Transaction, TransactionResult } from './types.js';

interface TransactionContext {
  chroot: string;
  createOp(path: string, data: unknown, options: CreateOptions): MultiOp;
  submitMulti(ops: MultiOp[]): Promise<TransactionResult[]>;
}

/** {@link Transaction}: checks each operation as it is added, sends them as one `multi`. */
export class TransactionBuilder implements Transaction {
  readonly #ctx: TransactionContext;
  readonly #ops: MultiOp[] = [];
  #committed = false;

  constructor(ctx: TransactionContext) {
    this.#ctx = ctx;
  }

  /** Number of operations added. */
  get size(): number {
    return this.#ops.length;
  }

  /** Adds a create (result: the created path, or `{ path, stat }` with `withStat`). */
  create(path: string, data?: Buffer | Uint8Array | string | null, options: Omit<CreateOptions, 'makePath'> = {}): this {
    if ('makePath' in options) throw new InvalidArgumentError('options', 'makePath is not available in a transaction');
    this.#ops.push(this.#ctx.createOp(path, data, options));
    return this;
  }

  /** Adds a delete (result: true). */
  delete(path: string, version = -1): this {
    validatePath(path);
    const v = checkVersion(version);
    const sp = prependChroot(this.#ctx.chroot, path);
    this.#ops.push({ type: OpCode.delete, op: 'delete', path, write: (w) => writePathVersion(w, sp, v) });
    return this;
  }

  /** Adds a setData (result: the new Stat). */
  setData(path: string, data: Buffer | Uint8Array | string | null, version = -1): this {
    validatePath(path);
    const v = checkVersion(version);
    const buf = toData(data);
    const sp = prependChroot(this.#ctx.chroot, path);
    this.#ops.push({ type: OpCode.setData, op: 'setData', path, write: (w) => writeSetData(w, sp, buf, v) });
    return this;
  }

  /** Same as `setData`. */
  set(path: string, data: Buffer | Uint8Array | string | null, version = -1): this {
    return this.setData(path, data, version);
  }

  /** Adds a version check: the transaction fails unless the node exists with `version` (-1: any). Result: true. */
  check(path: string, version = -1): this {
    validatePath(path);
    const v = checkVersion(version);
    const sp = prependChroot(this.#ctx.chroot, path);
    this.#ops.push({ type: OpCode.check, op: 'check', path, write: (w) => writePathVersion(w, sp, v) });
    return this;
  }

  /** Sends the transaction. A transaction commits once. */
  commit(options: { signal?: AbortSignal } = {}): Promise<TransactionResult[]> {
    try {
      checkOptions(options, ['signal']);
      if (this.#committed) throw new InvalidArgumentError('transaction', 'was already committed');
      options.signal?.throwIfAborted();
    } catch (err) {
      return Promise.reject(err);
    }
    this.#committed = true;
    if (this.#ops.length === 0) return Promise.resolve([]);
    return this.#ctx.submitMulti(this.#ops);
  }
}
