// multi / multiRead framing: the request with its {-1, true, -1} terminator and
// the replies, including per-op error results, built by hand.
import { describe, expect, it } from 'vitest';
import { OPEN_ACL_UNSAFE } from '../../src/acl.js';
import {
  BadVersionError,
  NoNodeError,
  NodeExistsError,
  ProtocolError,
  RolledBackError,
  RuntimeInconsistencyError,
  ZooKeeperError,
} from '../../src/errors.js';
import { CreateFlag, JuteDecodeError, OpCode, Reader, Writer, writeCreate, writeMulti, writePathWatch } from '@zookit/protocol';
import { readMulti, type MultiOp } from '../../src/transaction.js';
import { TransactionBuilder } from '../../src/transaction-builder.js';
import type { Transaction } from '../../src/types.js';
import type { Stat } from '../../src/types.js';
import { bool, buf, cat, framed, hex, i32, i64, ustr, vstr, encoderFor } from '../../../../test-support/jute-bytes.ts';

const encode = encoderFor((size) => new Writer(size));

const STAT: Stat = {
  czxid: 0x1_0000_0002n, mzxid: 0x1_0000_0003n, ctime: 1_700_000_000_000, mtime: 1_700_000_000_001,
  version: 1, cversion: 0, aversion: 0, ephemeralOwner: 0n, dataLength: 2, numChildren: 0, pzxid: 0x1_0000_0002n,
};
const statBytes = (s: Stat) =>
  cat(i64(s.czxid), i64(s.mzxid), i64(s.ctime), i64(s.mtime), i32(s.version), i32(s.cversion), i32(s.aversion), i64(s.ephemeralOwner), i32(s.dataLength), i32(s.numChildren), i64(s.pzxid));
const openAcl = hex('00000001 0000001f 00000005 776f726c64 00000006 616e796f6e65');
const header = (type: number, done: boolean, err: number) => cat(i32(type), bool(done), i32(err));
const TERMINATOR = hex('ffffffff 01 ffffffff');

function createOp(path: string, sp: string, data: Buffer, flags: number, type: number = OpCode.create): MultiOp {
  return { type, op: 'create', path, write: (w) => writeCreate(w, sp, data, OPEN_ACL_UNSAFE, flags) };
}

/** Collects the ops a Transaction would send, with a chroot of /app. */
function transactionOps(build: (t: Transaction) => void): MultiOp[] {
  let captured: MultiOp[] = [];
  const t = new TransactionBuilder({
    chroot: '/app',
    createOp: (path, data) => createOp(path, `/app${path}`, Buffer.from(String(data ?? '')), CreateFlag.PERSISTENT),
    submitMulti: (ops) => {
      captured = ops;
      return Promise.resolve([]);
    },
  });
  build(t);
  void t.commit();
  return captured;
}

const decode = (body: Buffer, ops: readonly MultiOp[], readOnly = false, strip = (p: string) => p) => {
  const r = new Reader(body);
  const out = readMulti(r, ops, strip, readOnly);
  expect(r.remaining).toBe(0);
  return out;
};

describe('multi request', () => {
  it('each op is MultiHeader{type, false, -1} + body, then {-1, true, -1}', () => {
    const ops = transactionOps((t) => t.check('/d', 5).create('/a', 'x').setData('/b', 'yz', 2).delete('/c'));
    const expected = cat(
      header(13, false, -1), ustr('/app/d'), i32(5),
      header(1, false, -1), ustr('/app/a'), buf(Buffer.from('x')), openAcl, i32(0),
      header(5, false, -1), ustr('/app/b'), buf(Buffer.from('yz')), i32(2),
      header(2, false, -1), ustr('/app/c'), i32(-1),
      TERMINATOR,
    );
    expect(encode((w) => writeMulti(w, ops))).toEqual(expected);
    // The whole frame: RequestHeader{xid, 14} + the multi body.
    const w = new Writer();
    w.int(12).int(OpCode.multi);
    writeMulti(w, ops);
    expect(Buffer.from(w.frame())).toEqual(framed(cat(i32(12), i32(14), expected)));
  });

  it('an empty op list is the terminator alone', () => {
    expect(encode((w) => writeMulti(w, []))).toEqual(TERMINATOR);
  });

  it('multiRead: getData / getChildren ops with watch false', () => {
    const ops: MultiOp[] = [
      { type: OpCode.getData, op: 'getData', path: '/x', write: (w) => writePathWatch(w, '/x', false) },
      { type: OpCode.getChildren, op: 'getChildren', path: '/y', write: (w) => writePathWatch(w, '/y', false) },
    ];
    expect(encode((w) => writeMulti(w, ops))).toEqual(
      cat(hex('00000004 00 ffffffff 00000002 2f78 00'), hex('00000008 00 ffffffff 00000002 2f79 00'), TERMINATOR),
    );
  });

  it('createTTL and createContainer ops carry their own type', () => {
    const ops = [
      { type: OpCode.createTTL, op: 'create', path: '/t', write: (w: Writer) => writeCreate(w, '/t', null, OPEN_ACL_UNSAFE, CreateFlag.PERSISTENT_WITH_TTL, 1000n) },
      createOp('/c', '/c', Buffer.alloc(0), CreateFlag.CONTAINER, OpCode.createContainer),
    ];
    expect(encode((w) => writeMulti(w, ops))).toEqual(
      cat(
        header(21, false, -1), ustr('/t'), i32(-1), openAcl, i32(5), i64(1000),
        header(19, false, -1), ustr('/c'), i32(0), openAcl, i32(4),
        TERMINATOR,
      ),
    );
  });
});

describe('multi reply', () => {
  const ops: MultiOp[] = [
    createOp('/a', '/app/a', Buffer.alloc(0), 0),
    createOp('/b', '/app/b', Buffer.alloc(0), 0, OpCode.create2),
    { type: OpCode.setData, op: 'setData', path: '/c', write: () => {} },
    { type: OpCode.delete, op: 'delete', path: '/d', write: () => {} },
    { type: OpCode.check, op: 'check', path: '/e', write: () => {} },
  ];

  it('success: one result per op, chroot stripped', () => {
    const body = cat(
      header(1, false, 0), ustr('/app/a'),
      header(15, false, 0), ustr('/app/b'), statBytes(STAT),
      header(5, false, 0), statBytes(STAT),
      header(2, false, 0),
      header(13, false, 0),
      TERMINATOR,
    );
    const strip = (p: string) => (p.startsWith('/app/') ? p.slice(4) : p);
    expect(decode(body, ops, false, strip)).toEqual(['/a', { path: '/b', stat: STAT }, STAT, true, true]);
  });

  it('createContainer / createTTL results are path + Stat', () => {
    const ops2 = [createOp('/c', '/c', Buffer.alloc(0), 4, OpCode.createContainer), createOp('/t', '/t', Buffer.alloc(0), 5, OpCode.createTTL)];
    const body = cat(header(19, false, 0), ustr('/c'), statBytes(STAT), header(21, false, 0), ustr('/t'), statBytes(STAT), TERMINATOR);
    expect(decode(body, ops2)).toEqual([{ path: '/c', stat: STAT }, { path: '/t', stat: STAT }]);
  });

  it('failure: the failing op gets its error, the others RolledBackError', () => {
    // Ops before the failure report 0, the failing op its code, ops after it -2.
    const body = cat(
      header(-1, false, 0), i32(0),
      header(-1, false, -110), i32(-110),
      header(-1, false, -2), i32(-2),
      header(-1, false, -2), i32(-2),
      header(-1, false, -2), i32(-2),
      TERMINATOR,
    );
    const out = decode(body, ops);
    expect(out).toHaveLength(5);
    expect(out[1]).toBeInstanceOf(NodeExistsError);
    expect((out[1] as NodeExistsError).message).toBe('NODEEXISTS: /b (create)');
    for (const i of [0, 2, 3, 4]) {
      expect(out[i]).toBeInstanceOf(RolledBackError);
      expect(out[i]).toBeInstanceOf(RuntimeInconsistencyError);
      expect((out[i] as RolledBackError).path).toBe(ops[i]!.path);
      expect((out[i] as RolledBackError).op).toBe(ops[i]!.op);
    }
  });

  it('failure of a check: BADVERSION with the check op and path', () => {
    const body = cat(header(-1, false, -103), i32(-103), header(-1, false, -2), i32(-2), TERMINATOR);
    const out = decode(body, [ops[4]!, ops[0]!]);
    expect(out[0]).toBeInstanceOf(BadVersionError);
    expect((out[0] as BadVersionError).code).toBe(-103);
    expect(out[1]).toBeInstanceOf(RolledBackError);
  });

  it('an unknown error code in a result is a plain ZooKeeperError', () => {
    const out = decode(cat(header(-1, false, -999), i32(-999), TERMINATOR), [ops[0]!]);
    expect(out[0]).toBeInstanceOf(ZooKeeperError);
    expect((out[0] as ZooKeeperError).code).toBe(-999);
  });

  it('missing terminator, truncation and bad counts are typed errors', () => {
    const ok = cat(header(2, false, 0), TERMINATOR);
    expect(decode(ok, [ops[3]!])).toEqual([true]);
    // Truncated at every byte: JuteDecodeError.
    for (let n = 0; n < ok.length; n++) expect(() => readMulti(new Reader(ok.subarray(0, n)), [ops[3]!], (p) => p, false)).toThrow(JuteDecodeError);
    // More results than ops.
    expect(() => readMulti(new Reader(cat(header(2, false, 0), header(2, false, 0), TERMINATOR)), [ops[3]!], (p) => p, false)).toThrow(
      JuteDecodeError,
    );
    // An unexpected result type.
    expect(() => readMulti(new Reader(cat(header(101, false, 0), TERMINATOR)), [ops[3]!], (p) => p, false)).toThrow(JuteDecodeError);
    // Fewer results than ops (terminator early) just ends the list.
    expect(decode(TERMINATOR, [ops[3]!])).toEqual([]);
  });
});

describe('multiRead reply', () => {
  const ops: MultiOp[] = [
    { type: OpCode.getData, op: 'getData', path: '/x', write: () => {} },
    { type: OpCode.getChildren, op: 'getChildren', path: '/y', write: () => {} },
    { type: OpCode.getData, op: 'getData', path: '/gone', write: () => {} },
  ];

  it('each op succeeds or fails on its own', () => {
    const body = cat(
      header(4, false, 0), buf(Buffer.from('hi')), statBytes(STAT),
      header(8, false, 0), vstr(['c1', 'c2']),
      header(-1, false, -101), i32(-101),
      TERMINATOR,
    );
    const out = decode(body, ops, true);
    expect(out[0]).toEqual({ data: Buffer.from('hi'), stat: STAT });
    expect(out[1]).toEqual(['c1', 'c2']);
    expect(out[2]).toBeInstanceOf(NoNodeError);
    expect((out[2] as NoNodeError).message).toBe('NONODE: /gone (getData)');
  });

  it('a huge children count inside a result fails fast', () => {
    const body = cat(header(8, false, 0), i32(0x7fffffff), TERMINATOR);
    expect(() => readMulti(new Reader(body), [ops[1]!], (p) => p, true)).toThrow(ProtocolError);
  });
});
