import {
  OpCode, readGetData, readStat, writeCreate, writeMulti, writePathInt, writePathWatch, writeSetAcl, writeSetData,
  type GetDataResult, type Reader, type Writer,
} from '@zookit/protocol';
import { createOp } from './create-op.js';
import { ErrorCode, InvalidArgumentError, NoNodeError } from './errors.js';
import { errorFromCode } from './error-codes.js';
import { checkOptions, checkVersion, toData } from './config.js';
import { parentOf, validatePath } from './paths.js';
import { prependChroot, stripChroot } from './chroot.js';
import type { Decoder, Session } from './session/session.js';
import type { WatchKind } from './session/watch-sink.js';
import { TransactionBuilder } from './transaction-builder.js';
import { readMulti, type MultiOp } from './transaction.js';
import type {
  Acl, CreateOptions, MultiReadResult, Stat, Transaction, TransactionResult, Watcher, WatchOptions, WatcherType,
} from './types.js';
import type { Dispatcher } from './watches/dispatcher.js';

const ACCEPT_ANY = 1;

/**
 * The client's operations behind its public methods: argument checks (a throw
 * becomes a rejection, before anything is sent), the request body, the decoder,
 * and the watch a request leaves. On the hot path (reads, create) nothing is
 * allocated beyond the request itself and its body writer.
 */
export class Operations {
  readonly #session: Session;
  readonly #dispatcher: Dispatcher;
  readonly #chroot: string;
  readonly #defaultAcl: readonly Acl[];
  readonly #decodeCreated: Decoder<string>;

  constructor(session: Session, dispatcher: Dispatcher, chroot: string, defaultAcl: readonly Acl[]) {
    this.#session = session;
    this.#dispatcher = dispatcher;
    this.#chroot = chroot;
    this.#defaultAcl = defaultAcl;
    this.#decodeCreated = (r) => stripChroot(chroot, r.str());
  }

  /** A read that may leave a one-shot watch of `kind`: it travels with the request, registered when the reply arrives. */
  read<T>(path: string, options: WatchOptions, keys: readonly string[], type: number, op: string, decode: Decoder<T>, kind: WatchKind, acceptErr = 0): Promise<T> {
    let sp: string;
    const watch = options?.watch;
    try {
      validatePath(path);
      checkOptions(options, keys);
      if (watch !== undefined && typeof watch !== 'function') throw new InvalidArgumentError('watch', 'must be a function');
      sp = prependChroot(this.#chroot, path);
    } catch (err) {
      return Promise.reject(err);
    }
    const spec = watch === undefined ? undefined : { kind, path: sp, fn: watch };
    return this.#session.submit(type, op, path, (w) => writePathWatch(w, sp, watch !== undefined), decode, acceptErr, spec);
  }

  /** Validates the path, lets `build` check the rest and return the body writer, then submits. */
  call<T>(path: string, type: number, op: string, build: (serverPath: string) => (w: Writer) => void, decode: Decoder<T>, acceptErr = 0): Promise<T> {
    let write: (w: Writer) => void;
    try {
      validatePath(path);
      write = build(prependChroot(this.#chroot, path));
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#session.submit(type, op, path, write, decode, acceptErr);
  }

  getConfig(options: WatchOptions): Promise<GetDataResult> {
    const sp = '/zookeeper/config';
    const watch = options.watch;
    const spec = watch === undefined ? undefined : { kind: 'data' as const, path: sp, fn: watch };
    return this.#session.submit(OpCode.getData, 'getConfig', sp, (w) => writePathWatch(w, sp, watch !== undefined), readGetData, 0, spec);
  }

  multiRead(ops: ReadonlyArray<{ op: 'get' | 'getChildren'; path: string }>): Promise<MultiReadResult[]> {
    let encoded: MultiOp[];
    try {
      encoded = ops.map(({ op, path }) => {
        validatePath(path);
        if (op !== 'get' && op !== 'getChildren') throw new InvalidArgumentError('op', `"${String(op)}" is not a read`);
        const sp = prependChroot(this.#chroot, path);
        return { type: op === 'get' ? OpCode.getData : OpCode.getChildren, op: op === 'get' ? 'getData' : 'getChildren', path, write: (w: Writer) => writePathWatch(w, sp, false) };
      });
    } catch (err) {
      return Promise.reject(err);
    }
    if (encoded.length === 0) return Promise.resolve([]);
    return this.#session.submit(
      OpCode.multiRead, 'multiRead', undefined, (w) => writeMulti(w, encoded), (r) => readMulti(r, encoded, (p) => p, true) as MultiReadResult[], ACCEPT_ANY, undefined, encoded.length,
    );
  }

  /** A create; with `makePath`, a NoNodeError creates the parents (`ensurePath`) and tries once more. */
  create(path: string, data: unknown, options: CreateOptions, ensurePath: (path: string) => Promise<void>): Promise<string | { path: string; stat: Stat }> {
    let op: MultiOp;
    try {
      op = createOp(path, data, options, this.#chroot, this.#defaultAcl);
    } catch (err) {
      return Promise.reject(err);
    }
    const decode: Decoder<string | { path: string; stat: Stat }> = options.withStat && op.type !== OpCode.create
      ? (r) => ({ path: this.#decodeCreated(r, 0), stat: readStat(r) })
      : this.#decodeCreated;
    const sent = this.#session.submit(op.type, 'create', path, op.write, decode);
    if (!options.makePath) return sent;
    return sent.catch(async (err) => {
      if (!(err instanceof NoNodeError)) throw err;
      await ensurePath(parentOf(path));
      return this.#session.submit(op.type, 'create', path, op.write, decode);
    });
  }

  /** Creates a node without data at a server path (for ensurePath). */
  createEmpty(serverPath: string, acl: readonly Acl[] = this.#defaultAcl): Promise<void> {
    return this.#session.submit(OpCode.create, 'create', stripChroot(this.#chroot, serverPath), (w) => writeCreate(w, serverPath, null, acl, 0), () => undefined);
  }

  set(path: string, data: unknown, options: { version?: number }): Promise<Stat> {
    return this.call(path, OpCode.setData, 'setData', (sp) => {
      checkOptions(options, ['version']);
      const buf = toData(data);
      const version = checkVersion(options.version);
      return (w) => writeSetData(w, sp, buf, version);
    }, readStat);
  }

  setAcls(path: string, acls: readonly Acl[], options: { version?: number }): Promise<Stat> {
    return this.call(path, OpCode.setACL, 'setACL', (sp) => {
      checkOptions(options, ['version']);
      if (!Array.isArray(acls) || acls.length === 0) throw new InvalidArgumentError('acls', 'must be a non-empty array');
      const version = checkVersion(options.version);
      return (w) => writeSetAcl(w, sp, acls, version);
    }, readStat);
  }

  transaction(): Transaction {
    return new TransactionBuilder({
      createOp: (path, data, options) => createOp(path, data, options, this.#chroot, this.#defaultAcl),
      chroot: this.#chroot,
      submitMulti: (ops) =>
        this.#session.submit(OpCode.multi, 'multi', undefined, (w) => writeMulti(w, ops), (r: Reader, err) => {
          if (err !== 0 && r.remaining === 0) throw errorFromCode(err, { op: 'multi' });
          return readMulti(r, ops, (p) => stripChroot(this.#chroot, p), false) as TransactionResult[];
        }, ACCEPT_ANY, undefined, ops.length),
    });
  }

  addWatch(path: string, listener: Watcher, options: { recursive?: boolean }): Promise<void> {
    if (typeof listener !== 'function') return Promise.reject(new InvalidArgumentError('listener', 'must be a function'));
    let sp: string;
    try {
      validatePath(path);
      checkOptions(options, ['recursive']);
      sp = prependChroot(this.#chroot, path);
    } catch (err) {
      return Promise.reject(err);
    }
    const recursive = options.recursive === true;
    const spec = { kind: recursive ? 'persistentRecursive' as const : 'persistent' as const, path: sp, fn: listener };
    return this.#session.submit(OpCode.addWatch, 'addWatch', path, (w) => writePathInt(w, sp, recursive ? 1 : 0), () => undefined, 0, spec);
  }

  async removeWatches(path: string, listener: Watcher | undefined, options: { type?: WatcherType; local?: boolean }): Promise<void> {
    validatePath(path);
    checkOptions(options, ['type', 'local']);
    const sp = prependChroot(this.#chroot, path);
    const wire = this.#dispatcher.removeWatchers(options.type ?? 'any', sp, listener);
    if (options.local || wire === null) return;
    try {
      await this.#session.submit(OpCode.removeWatches, 'removeWatches', path, (w) => writePathInt(w, sp, wire), () => undefined);
    } catch (err) {
      if (!(err instanceof Error && 'code' in err && err.code === ErrorCode.NOWATCHER)) throw err;
    }
  }
}
