// Golden vectors for every record the client encodes or decodes. Expected bytes
// are built by hand (hex literals, or Buffer arithmetic in ./bytes.ts), never
// with the Writer under test.
import { describe, expect, it } from 'vitest';
import { JuteDecodeError } from '../src/errors.js';
import { OpCode, CreateFlag, Xid } from '../src/opcodes.js';
import { Reader } from '../src/reader.js';
import {
  STAT_SIZE,
  readAcls,
  readClientInfos,
  readConnectResponse,
  readGetData,
  readMultiHeader,
  readReplyHeader,
  readRequestHeader,
  readMultiResponse,
  writeMulti,
  writeRequestHeader,
  readStat,
  readWatcherEvent,
  writeAcls,
  writeAuthPacket,
  writeConnectRequest,
  writeCreate,
  writeMultiHeader,
  writePathInt,
  writePathVersion,
  writePathWatch,
  writeReconfig,
  writeSetAcl,
  writeSetData,
  writeSetWatches,
  writeStat,
} from '../src/records.js';
import type { Acl, Stat } from '../src/types.js';
import { Writer } from '../src/writer.js';
import { bool, buf, cat, framed, hex, i32, i64, ustr, vstr, encoderFor } from '../../../test-support/jute-bytes.ts';

const encode = encoderFor((size) => new Writer(size));

/** world:anyone, all permissions. */
const OPEN_ACL_UNSAFE: Acl[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

const STAT_HEX = `
  0000000100000002 0000000100000005
  0000018bcfe56800 0000018bcfe5687b
  00000003 00000007 00000001
  8000000000000000
  0000000b 00000002
  0000000100000009`;

const STAT: Stat = {
  czxid: 0x1_0000_0002n,
  mzxid: 0x1_0000_0005n,
  ctime: 1_700_000_000_000,
  mtime: 1_700_000_000_123,
  version: 3,
  cversion: 7,
  aversion: 1,
  // The container marker 0x8000000000000000, as a signed 64-bit value.
  ephemeralOwner: -0x8000_0000_0000_0000n,
  dataLength: 11,
  numChildren: 2,
  pzxid: 0x1_0000_0009n,
};

function statBytes(s: Stat): Buffer {
  return cat(
    i64(s.czxid), i64(s.mzxid), i64(s.ctime), i64(s.mtime),
    i32(s.version), i32(s.cversion), i32(s.aversion), i64(s.ephemeralOwner),
    i32(s.dataLength), i32(s.numChildren), i64(s.pzxid),
  );
}

function aclBytes(acls: readonly Acl[]): Buffer {
  return cat(i32(acls.length), ...acls.map((a) => cat(i32(a.perms), ustr(a.id.scheme), ustr(a.id.id))));
}

/** Reads everything with `fn` and checks the whole body was consumed. */
function decodeAll<T>(body: Buffer, fn: (r: Reader) => T): T {
  const r = new Reader(body);
  const v = fn(r);
  expect(r.remaining).toBe(0);
  return v;
}

describe('Stat', () => {
  it('is 68 bytes in the documented field order', () => {
    const bytes = hex(STAT_HEX);
    expect(bytes.length).toBe(68);
    expect(STAT_SIZE).toBe(68);
    expect(statBytes(STAT)).toEqual(bytes);
    expect(decodeAll(bytes, readStat)).toEqual(STAT);
    expect(encode((w) => writeStat(w, STAT))).toEqual(bytes);
  });

  it('keeps full 64-bit zxids and owners (TTL marker, real session id)', () => {
    const s: Stat = { ...STAT, czxid: 0x7fff_ffff_ffff_ffffn, mzxid: -1n, pzxid: 0n, ephemeralOwner: -0x8000_0000_0000_0000n + 1n };
    const ttl: Stat = { ...STAT, ephemeralOwner: BigInt.asIntN(64, 0xff00_0000_0000_0005n) };
    const session: Stat = { ...STAT, ephemeralOwner: 0x0100_0123_4567_89abn };
    for (const x of [s, ttl, session]) {
      const bytes = statBytes(x);
      expect(decodeAll(bytes, readStat)).toEqual(x);
      expect(encode((w) => writeStat(w, x))).toEqual(bytes);
    }
    expect(hex('ff00000000000005').equals(i64(ttl.ephemeralOwner))).toBe(true);
  });

  it('rejects a truncated Stat with JuteDecodeError', () => {
    const bytes = hex(STAT_HEX);
    for (let n = 0; n < 68; n++) {
      expect(() => readStat(new Reader(bytes.subarray(0, n)))).toThrow(JuteDecodeError);
    }
  });
});

describe('ConnectRequest', () => {
  it('new session: 45 bytes, zero password, readOnly false', () => {
    const expected = hex(`
      00000000 0000000100000005 00007530 0000000000000000
      00000010 00000000000000000000000000000000
      00`);
    expect(expected.length).toBe(45);
    const body = encode((w) =>
      writeConnectRequest(w, { protocolVersion: 0, lastZxidSeen: 0x1_0000_0005n, timeOut: 30_000, sessionId: 0n, passwd: new Uint8Array(16), readOnly: false }),
    );
    expect(body).toEqual(expected);
  });

  it('reconnect: session id, password and readOnly true', () => {
    const passwd = Buffer.from(Array.from({ length: 16 }, (_, i) => i + 1));
    const sessionId = BigInt.asIntN(64, 0x8100_0123_4567_89abn);
    const expected = cat(i32(0), i64(-1n), i32(4000), i64(sessionId), buf(passwd), bool(true));
    const body = encode((w) => writeConnectRequest(w, { protocolVersion: 0, lastZxidSeen: -1n, timeOut: 4000, sessionId, passwd, readOnly: true }));
    expect(body).toEqual(expected);
    expect(body.subarray(16, 24)).toEqual(hex('810001234567 89ab'));
  });
});

describe('ConnectResponse', () => {
  const passwd = hex('0102030405060708090a0b0c0d0e0f10');
  const base = hex('00000000 00002710 010001234567 89ab 00000010');

  it('without the readOnly byte (servers before 3.9 may omit it)', () => {
    const bytes = cat(base, passwd);
    expect(bytes.length).toBe(36);
    expect(decodeAll(bytes, readConnectResponse)).toEqual({ protocolVersion: 0, timeOut: 10_000, sessionId: 0x0100_0123_4567_89abn, passwd, readOnly: false });
  });

  it('with readOnly byte 0 and 1', () => {
    expect(decodeAll(cat(base, passwd, hex('00')), readConnectResponse).readOnly).toBe(false);
    expect(decodeAll(cat(base, passwd, hex('01')), readConnectResponse).readOnly).toBe(true);
  });

  it('expired session: timeOut 0, empty/null password', () => {
    const bytes = cat(i32(0), i32(0), i64(0), i32(0), bool(false));
    expect(decodeAll(bytes, readConnectResponse)).toEqual({ protocolVersion: 0, timeOut: 0, sessionId: 0n, passwd: Buffer.alloc(0), readOnly: false });
    const nullPw = cat(i32(0), i32(-5), i64(0), i32(-1));
    expect(decodeAll(nullPw, readConnectResponse)).toMatchObject({ timeOut: -5, passwd: Buffer.alloc(0) });
  });

  it('copies the password out of the frame', () => {
    const bytes = cat(base, passwd);
    const res = readConnectResponse(new Reader(bytes));
    bytes.fill(0);
    expect(res.passwd).toEqual(passwd);
  });

  it('rejects a truncated response', () => {
    const bytes = cat(base, passwd);
    for (let n = 0; n < bytes.length; n++) expect(() => readConnectResponse(new Reader(bytes.subarray(0, n)))).toThrow(JuteDecodeError);
  });
});

describe('RequestHeader', () => {
  it('xid, type', () => {
    expect(encode((w) => writeRequestHeader(w, 7, OpCode.closeSession))).toEqual(hex('00000007 fffffff5'));
    expect(decodeAll(hex('00000001 00000004'), readRequestHeader)).toEqual({ xid: 1, type: OpCode.getData });
    expect(() => readRequestHeader(new Reader(hex('00000001 0000')))).toThrow(JuteDecodeError);
  });
});

describe('ReplyHeader', () => {
  it('decodes xid, zxid and err', () => {
    const bytes = hex('00000007 0000000100000010 ffffff9b');
    expect(bytes.length).toBe(16);
    expect(decodeAll(bytes, readReplyHeader)).toEqual({ xid: 7, zxid: 0x1_0000_0010n, err: -101 });
  });

  it('decodes a notification header (xid -1, zxid -1 before 3.9) and a ping reply', () => {
    expect(decodeAll(hex('ffffffff ffffffffffffffff 00000000'), readReplyHeader)).toEqual({ xid: Xid.notification, zxid: -1n, err: 0 });
    expect(decodeAll(cat(i32(Xid.ping), i64(0x2_0000_0001n), i32(0)), readReplyHeader)).toEqual({ xid: -2, zxid: 0x2_0000_0001n, err: 0 });
  });

  it('leaves the body to the caller', () => {
    const r = new Reader(cat(i32(3), i64(9), i32(0), statBytes(STAT)));
    readReplyHeader(r);
    expect(r.remaining).toBe(68);
    expect(readStat(r)).toEqual(STAT);
  });
});

describe('WatcherEvent', () => {
  it('decodes type, state and path', () => {
    const bytes = hex('00000003 00000003 00000004 2f636667');
    expect(decodeAll(bytes, readWatcherEvent)).toEqual({ type: 3, state: 3, path: '/cfg' });
  });

  it('a null path (state-only event) becomes the empty string', () => {
    expect(decodeAll(cat(i32(-1), i32(0), i32(-1)), readWatcherEvent)).toEqual({ type: -1, state: 0, path: '' });
  });

  it('decodes a UTF-8 path in a full notification frame', () => {
    const frame = cat(i32(-1), i64(0x3_0000_0007n), i32(0), i32(4), i32(3), ustr('/ünï/编码'));
    const r = new Reader(frame);
    expect(readReplyHeader(r)).toEqual({ xid: -1, zxid: 0x3_0000_0007n, err: 0 });
    expect(readWatcherEvent(r)).toEqual({ type: 4, state: 3, path: '/ünï/编码' });
    expect(r.remaining).toBe(0);
  });
});

describe('ACL vectors', () => {
  it('world:anyone with perms 31 (the open ACL)', () => {
    const expected = hex('00000001 0000001f 00000005 776f726c64 00000006 616e796f6e65');
    expect(encode((w) => writeAcls(w, OPEN_ACL_UNSAFE))).toEqual(expected);
    expect(decodeAll(expected, readAcls)).toEqual([{ perms: 31, id: { scheme: 'world', id: 'anyone' } }]);
  });

  it('several entries, an empty id and an empty vector', () => {
    const acls: Acl[] = [
      { perms: 3, id: { scheme: 'digest', id: 'bob:DbR+ufHUOVZ6O/7XaCb3jGYYwAo=' } },
      { perms: 16, id: { scheme: 'ip', id: '10.0.0.0/8' } },
      { perms: 0, id: { scheme: 'auth', id: '' } },
    ];
    const expected = aclBytes(acls);
    expect(expected.subarray(0, 8)).toEqual(hex('00000003 00000003'));
    expect(encode((w) => writeAcls(w, acls))).toEqual(expected);
    expect(decodeAll(expected, readAcls)).toEqual(acls);
    expect(encode((w) => writeAcls(w, []))).toEqual(i32(0));
    expect(decodeAll(i32(0), readAcls)).toEqual([]);
  });

  it('a null vector (-1) decodes as empty; a count larger than the frame fails fast', () => {
    expect(decodeAll(i32(-1), readAcls)).toEqual([]);
    expect(() => readAcls(new Reader(cat(i32(2), i32(31), ustr('world'), ustr('anyone'))))).toThrow(JuteDecodeError);
    expect(() => readAcls(new Reader(cat(i32(0x7fffffff), Buffer.alloc(16))))).toThrow(JuteDecodeError);
    expect(() => readAcls(new Reader(i32(-2)))).toThrow(JuteDecodeError);
  });

  it('getACL reply: ACL vector + Stat', () => {
    const body = cat(aclBytes(OPEN_ACL_UNSAFE), statBytes(STAT));
    const r = new Reader(body);
    expect(readAcls(r)).toEqual(OPEN_ACL_UNSAFE);
    expect(readStat(r)).toEqual(STAT);
    expect(r.remaining).toBe(0);
  });

  it('setACL body: path, ACL vector, version', () => {
    expect(encode((w) => writeSetAcl(w, '/a', OPEN_ACL_UNSAFE, 4))).toEqual(cat(ustr('/a'), aclBytes(OPEN_ACL_UNSAFE), i32(4)));
  });
});

describe('create bodies', () => {
  const data = Buffer.from('hello');

  it('create (1) and create2 (15): path, data, acl, flags', () => {
    const expected = cat(hex('00000004 2f617070'), hex('00000005 68656c6c6f'), aclBytes(OPEN_ACL_UNSAFE), hex('00000000'));
    expect(encode((w) => writeCreate(w, '/app', data, OPEN_ACL_UNSAFE, CreateFlag.PERSISTENT))).toEqual(expected);
    // create2 has the same body; only the header's type differs.
    const frame = (type: number) => {
      const w = new Writer();
      w.int(5).int(type);
      writeCreate(w, '/app', data, OPEN_ACL_UNSAFE, CreateFlag.PERSISTENT);
      return Buffer.from(w.frame());
    };
    expect(frame(OpCode.create)).toEqual(framed(cat(i32(5), i32(1), expected)));
    expect(frame(OpCode.create2)).toEqual(framed(cat(i32(5), i32(15), expected)));
  });

  it('ephemeral sequential with null and empty data', () => {
    expect(encode((w) => writeCreate(w, '/q/n-', null, OPEN_ACL_UNSAFE, CreateFlag.EPHEMERAL_SEQUENTIAL))).toEqual(
      cat(ustr('/q/n-'), i32(-1), aclBytes(OPEN_ACL_UNSAFE), i32(3)),
    );
    expect(encode((w) => writeCreate(w, '/q/', new Uint8Array(0), OPEN_ACL_UNSAFE, CreateFlag.PERSISTENT_SEQUENTIAL))).toEqual(
      cat(ustr('/q/'), i32(0), aclBytes(OPEN_ACL_UNSAFE), i32(2)),
    );
  });

  it('createContainer (19): flags 4, no ttl', () => {
    expect(encode((w) => writeCreate(w, '/c', data, OPEN_ACL_UNSAFE, CreateFlag.CONTAINER))).toEqual(cat(ustr('/c'), buf(data), aclBytes(OPEN_ACL_UNSAFE), i32(4)));
  });

  it('createTTL (21): create fields + long ttl', () => {
    expect(encode((w) => writeCreate(w, '/t', data, OPEN_ACL_UNSAFE, CreateFlag.PERSISTENT_WITH_TTL, 60_000n))).toEqual(
      cat(ustr('/t'), buf(data), aclBytes(OPEN_ACL_UNSAFE), i32(5), hex('000000000000ea60')),
    );
    const maxTtl = (1n << 40n) - 1n;
    expect(encode((w) => writeCreate(w, '/t', null, [], CreateFlag.PERSISTENT_SEQUENTIAL_WITH_TTL, maxTtl))).toEqual(
      cat(ustr('/t'), i32(-1), i32(0), i32(6), hex('000000ffffffffff')),
    );
  });

  it('create2/createContainer/createTTL reply: path + Stat; create reply: path', () => {
    const r = new Reader(cat(ustr('/q/n-0000000012'), statBytes(STAT)));
    expect(r.str()).toBe('/q/n-0000000012');
    expect(readStat(r)).toEqual(STAT);
    expect(decodeAll(ustr('/a'), (x) => x.str())).toBe('/a');
  });
});

describe('other request bodies', () => {
  it('setData: path, data, version', () => {
    expect(encode((w) => writeSetData(w, '/a', Buffer.from([0, 255]), 7))).toEqual(hex('00000002 2f61 00000002 00ff 00000007'));
    expect(encode((w) => writeSetData(w, '/a', null, -1))).toEqual(hex('00000002 2f61 ffffffff ffffffff'));
  });

  it('delete and check: path, version', () => {
    expect(encode((w) => writePathVersion(w, '/a/b', -1))).toEqual(hex('00000004 2f612f62 ffffffff'));
    expect(encode((w) => writePathVersion(w, '/a', 0x7fffffff))).toEqual(hex('00000002 2f61 7fffffff'));
  });

  it('exists / getData / getChildren / getChildren2: path, watch', () => {
    expect(encode((w) => writePathWatch(w, '/a', true))).toEqual(hex('00000002 2f61 01'));
    expect(encode((w) => writePathWatch(w, '/', false))).toEqual(hex('00000001 2f 00'));
    for (const type of [OpCode.exists, OpCode.getData, OpCode.getChildren, OpCode.getChildren2]) {
      const w = new Writer();
      w.int(42).int(type);
      writePathWatch(w, '/zookeeper/config', true);
      expect(Buffer.from(w.frame())).toEqual(framed(cat(i32(42), i32(type), ustr('/zookeeper/config'), bool(true))));
    }
  });

  it('addWatch / removeWatches / checkWatches: path, int', () => {
    expect(encode((w) => writePathInt(w, '/w', 1))).toEqual(cat(ustr('/w'), i32(1)));
    expect(encode((w) => writePathInt(w, '/w', 5))).toEqual(hex('00000002 2f77 00000005'));
  });

  it('sync / getACL / getEphemerals: a single path', () => {
    expect(encode((w) => w.string('/s'))).toEqual(hex('00000002 2f73'));
  });

  it('reconfig: three nullable strings + long curConfigId', () => {
    expect(encode((w) => writeReconfig(w, 'server.4=h:2888:3888;2181', null, null, -1n))).toEqual(
      cat(ustr('server.4=h:2888:3888;2181'), i32(-1), i32(-1), i64(-1n)),
    );
    expect(encode((w) => writeReconfig(w, null, '3', '', 0x1_0000_0000n))).toEqual(cat(i32(-1), ustr('3'), i32(0), hex('0000000100000000')));
  });

  it('request header: xid, type', () => {
    const w = new Writer(16);
    w.int(Xid.ping).int(OpCode.ping);
    expect(Buffer.from(w.frame())).toEqual(hex('00000008 fffffffe 0000000b'));
    const c = new Writer(16);
    c.int(9).int(OpCode.closeSession);
    expect(Buffer.from(c.frame())).toEqual(hex('00000008 00000009 fffffff5'));
  });
});

describe('auth packet', () => {
  it('type 0, scheme, auth bytes', () => {
    const expected = hex('00000000 00000006 646967657374 00000008 626f623a70617373');
    expect(encode((w) => writeAuthPacket(w, 'digest', Buffer.from('bob:pass')))).toEqual(expected);
    const w = new Writer();
    w.int(Xid.auth).int(OpCode.auth);
    writeAuthPacket(w, 'digest', Buffer.from('bob:pass'));
    expect(Buffer.from(w.frame())).toEqual(framed(cat(hex('fffffffc 00000064'), expected)));
  });

  it('empty credentials', () => {
    expect(encode((w) => writeAuthPacket(w, 'x509', new Uint8Array(0)))).toEqual(cat(i32(0), ustr('x509'), i32(0)));
  });
});

describe('SetWatches / SetWatches2', () => {
  it('SetWatches (101): relativeZxid + data, exist, child vectors', () => {
    const expected = cat(
      hex('0000000100000020'),
      hex('00000001 00000002 2f61'),
      hex('00000000'),
      hex('00000002 00000002 2f62 00000004 2f632f64'),
    );
    expect(encode((w) => writeSetWatches(w, { relativeZxid: 0x1_0000_0020n, data: ['/a'], exist: [], child: ['/b', '/c/d'] }))).toEqual(expected);
    const w = new Writer();
    w.int(Xid.setWatches).int(OpCode.setWatches);
    writeSetWatches(w, { relativeZxid: 0x1_0000_0020n, data: ['/a'], exist: [], child: ['/b', '/c/d'] });
    expect(Buffer.from(w.frame())).toEqual(framed(cat(hex('fffffff8 00000065'), expected)));
  });

  it('SetWatches2 (105): adds persistent and persistentRecursive vectors', () => {
    const body = encode((w) =>
      writeSetWatches(w, { relativeZxid: 5n, data: [], exist: ['/e'], child: [], persistent: ['/p'], persistentRecursive: ['/r', '/ü'] }),
    );
    expect(body).toEqual(cat(i64(5), vstr([]), vstr(['/e']), vstr([]), vstr(['/p']), vstr(['/r', '/ü'])));
  });

  it('SetWatches2 with only one persistent list writes the other as empty', () => {
    expect(encode((w) => writeSetWatches(w, { relativeZxid: 0n, data: [], exist: [], child: [], persistentRecursive: ['/r'] }))).toEqual(
      cat(i64(0), i32(0), i32(0), i32(0), i32(0), vstr(['/r'])),
    );
    expect(encode((w) => writeSetWatches(w, { relativeZxid: 0n, data: [], exist: [], child: [], persistent: [] }))).toEqual(
      cat(i64(0), i32(0), i32(0), i32(0), i32(0), i32(0)),
    );
  });
});

describe('reply bodies', () => {
  it('getData: buffer + Stat (null data → empty)', () => {
    const body = cat(hex('00000003 616263'), statBytes(STAT));
    const res = decodeAll(body, readGetData);
    expect(res.data).toEqual(Buffer.from('abc'));
    expect(res.stat).toEqual(STAT);
    expect(decodeAll(cat(i32(-1), statBytes(STAT)), readGetData).data).toEqual(Buffer.alloc(0));
  });

  it('getData: data length beyond the frame is a JuteDecodeError', () => {
    expect(() => readGetData(new Reader(cat(i32(1000), Buffer.alloc(68))))).toThrow(JuteDecodeError);
    expect(() => readGetData(new Reader(cat(i32(-7), Buffer.alloc(68))))).toThrow(JuteDecodeError);
  });

  it('getChildren: string vector; getChildren2: vector + Stat', () => {
    const children = cat(hex('00000002 00000001 61 00000005 6c6f636b2d'));
    expect(decodeAll(children, (r) => r.strings())).toEqual(['a', 'lock-']);
    const r = new Reader(cat(children, statBytes(STAT)));
    expect(r.strings()).toEqual(['a', 'lock-']);
    expect(readStat(r)).toEqual(STAT);
    expect(decodeAll(i32(-1), (x) => x.strings())).toEqual([]);
    expect(decodeAll(i32(0), (x) => x.strings())).toEqual([]);
  });

  it('exists / setData / setACL: Stat', () => {
    expect(decodeAll(statBytes(STAT), readStat)).toEqual(STAT);
  });

  it('whoAmI: vector of {authScheme, user}', () => {
    const body = cat(i32(2), ustr('ip'), ustr('127.0.0.1'), ustr('digest'), ustr('bob'));
    expect(decodeAll(body, readClientInfos)).toEqual([
      { authScheme: 'ip', user: '127.0.0.1' },
      { authScheme: 'digest', user: 'bob' },
    ]);
    expect(decodeAll(i32(0), readClientInfos)).toEqual([]);
    expect(() => readClientInfos(new Reader(cat(i32(3), ustr('ip'), ustr('x'))))).toThrow(JuteDecodeError);
  });
});

describe('MultiHeader', () => {
  it('type, done, err', () => {
    expect(encode((w) => writeMultiHeader(w, OpCode.create, false, -1))).toEqual(hex('00000001 00 ffffffff'));
    expect(encode((w) => writeMultiHeader(w, -1, true, -1))).toEqual(hex('ffffffff 01 ffffffff'));
    expect(decodeAll(hex('0000000d 00 00000000'), readMultiHeader)).toEqual({ type: 13, done: false, err: 0 });
    expect(decodeAll(hex('ffffffff 01 ffffffff'), readMultiHeader)).toEqual({ type: -1, done: true, err: -1 });
  });
});

describe('MultiRequest / MultiResponse', () => {
  const header = (type: number, done: boolean, err: number) => cat(i32(type), bool(done), i32(err));
  const TERMINATOR = hex('ffffffff 01 ffffffff');

  it('a request is each op behind MultiHeader{type, false, -1}, then {-1, true, -1}', () => {
    const ops = [
      { type: OpCode.check, write: (w: Writer) => writePathVersion(w, '/a', 3) },
      { type: OpCode.delete, write: (w: Writer) => writePathVersion(w, '/b', -1) },
    ];
    expect(encode((w) => writeMulti(w, ops))).toEqual(
      cat(header(13, false, -1), ustr('/a'), i32(3), header(2, false, -1), ustr('/b'), i32(-1), TERMINATOR),
    );
    expect(encode((w) => writeMulti(w, []))).toEqual(TERMINATOR);
  });

  it('a response decodes each result as the server sent it', () => {
    const body = cat(
      header(1, false, 0), ustr('/a'),
      header(15, false, 0), ustr('/b'), statBytes(STAT),
      header(2, false, 0),
      header(5, false, 0), statBytes(STAT),
      header(4, false, 0), buf(Buffer.from('hi')), statBytes(STAT),
      header(8, false, 0), vstr(['c']),
      header(-1, false, -101), i32(-101),
      TERMINATOR,
    );
    expect(decodeAll(body, (r) => readMultiResponse(r, 7))).toEqual([
      { type: 1, path: '/a' },
      { type: 15, path: '/b', stat: STAT },
      { type: 2 },
      { type: 5, stat: STAT },
      { type: 4, data: Buffer.from('hi'), stat: STAT },
      { type: 8, children: ['c'] },
      { type: -1, err: -101 },
    ]);
  });

  it('more results than operations, an unknown result type, or truncation is a JuteDecodeError', () => {
    const two = cat(header(2, false, 0), header(2, false, 0), TERMINATOR);
    expect(decodeAll(two, (r) => readMultiResponse(r, 2))).toHaveLength(2);
    expect(() => readMultiResponse(new Reader(two), 1)).toThrow(JuteDecodeError);
    expect(() => readMultiResponse(new Reader(cat(header(101, false, 0), TERMINATOR)), 1)).toThrow(JuteDecodeError);
    for (let n = 0; n < two.length; n++) expect(() => readMultiResponse(new Reader(two.subarray(0, n)), 2)).toThrow(JuteDecodeError);
  });
});
