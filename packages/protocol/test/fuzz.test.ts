// Property-based tests (fast-check): round trips for the jute primitives and
// records, and fuzzing of every decoder with random bytes and mutated valid
// frames. A decoder may only ever succeed or throw the codec's typed errors,
// and must never allocate (or loop) beyond what the frame holds.
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JuteDecodeError, ProtocolError } from '../src/errors.js';
import { OpCode } from '../src/opcodes.js';
import { Reader } from '../src/reader.js';
import {
  readAcls,
  readClientInfos,
  readConnectResponse,
  readGetData,
  readMultiHeader,
  readReplyHeader,
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
  readMultiResponse,
  writeMulti,
  type MultiOpRecord,
} from '../src/records.js';
import type { Acl, Stat } from '../src/types.js';
import { Writer } from '../src/writer.js';
import { encoderFor } from '../../../test-support/jute-bytes.ts';

const encode = encoderFor((size) => new Writer(size));

// --- arbitraries --------------------------------------------------------

const int32 = fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff });
const int64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
const text = fc.string({ unit: 'binary', maxLength: 24 });
const bytes = fc.uint8Array({ maxLength: 48 });
const statArb: fc.Arbitrary<Stat> = fc.record({
  czxid: int64,
  mzxid: int64,
  ctime: fc.maxSafeInteger(),
  mtime: fc.maxSafeInteger(),
  version: int32,
  cversion: int32,
  aversion: int32,
  ephemeralOwner: int64,
  dataLength: int32,
  numChildren: int32,
  pzxid: int64,
});
const aclArb: fc.Arbitrary<Acl> = fc.record({ perms: int32, id: fc.record({ scheme: text, id: text }) });
const aclsArb = fc.array(aclArb, { maxLength: 5 });

// --- helpers -------------------------------------------------------------

/** Decodes, and lets only the codec's typed errors through (returned, not thrown). */
function decodeSafely(fn: (r: Reader) => unknown, frame: Uint8Array): { value?: unknown; error?: Error } {
  const buf = Buffer.from(frame);
  try {
    const value = fn(new Reader(buf));
    // Nothing decoded can be larger than the frame it came from.
    expect(units(value)).toBeLessThanOrEqual(buf.length);
    return { value };
  } catch (e) {
    if (e instanceof JuteDecodeError || e instanceof ProtocolError) return { error: e };
    throw e;
  }
}

/** Array elements + buffer bytes + string units held by a decoded value. */
function units(v: unknown, depth = 0): number {
  if (depth > 6 || v === null || v === undefined) return 0;
  if (typeof v === 'string') return v.length;
  if (Buffer.isBuffer(v)) return v.length;
  if (v instanceof Error) return 0;
  if (Array.isArray(v)) return v.length + v.reduce((n: number, x) => n + units(x, depth + 1), 0);
  if (typeof v === 'object') return Object.values(v).reduce((n: number, x) => n + units(x, depth + 1), 0);
  return 0;
}

const OP_TYPES = [
  OpCode.create, OpCode.create2, OpCode.createContainer, OpCode.createTTL, OpCode.delete,
  OpCode.check, OpCode.setData, OpCode.getData, OpCode.getChildren,
] as const;
/** Operations the fuzzed multi replies answer. */
const MULTI_OPS = 6;

/** Every decoder the client runs on bytes from the network. */
const DECODERS: Record<string, (r: Reader) => unknown> = {
  readConnectResponse,
  readReplyHeader,
  readStat,
  readGetData,
  readWatcherEvent,
  strings: (r) => r.strings(),
  readAcls,
  readClientInfos,
  getChildren2: (r) => [r.strings(), readStat(r)],
  getACL: (r) => [readAcls(r), readStat(r)],
  readMultiResponse: (r) => readMultiResponse(r, MULTI_OPS),
  replyThenEvent: (r) => [readReplyHeader(r), readWatcherEvent(r)],
};

// Valid bodies for each decoder, the seeds for mutation.
const multiResultArb = fc.oneof(
  fc.record({ type: fc.constantFrom(OpCode.create), path: text }),
  fc.record({ type: fc.constantFrom(OpCode.create2, OpCode.createContainer, OpCode.createTTL), path: text, stat: statArb }),
  fc.record({ type: fc.constantFrom(OpCode.delete, OpCode.check) }),
  fc.record({ type: fc.constant(OpCode.setData), stat: statArb }),
  fc.record({ type: fc.constant(OpCode.getData), data: fc.option(bytes, { nil: null }), stat: statArb }),
  fc.record({ type: fc.constant(OpCode.getChildren), children: fc.array(text, { maxLength: 4 }) }),
  fc.record({ type: fc.constant(OpCode.error), err: fc.oneof(fc.constantFrom(0, -2, -101, -103, -110, -999), int32) }),
);
type MultiResultSpec = {
  type: number;
  path?: string;
  stat?: Stat;
  data?: Uint8Array | null;
  children?: string[];
  err?: number;
};

function writeMultiReply(w: Writer, results: readonly MultiResultSpec[]): void {
  for (const res of results) {
    writeMultiHeader(w, res.type, false, res.type === OpCode.error ? res.err! : 0);
    if (res.type === OpCode.error) w.int(res.err!);
    if (res.path !== undefined) w.string(res.path);
    if (res.type === OpCode.getData) w.buffer(res.data ?? null);
    if (res.children) w.strings(res.children);
    if (res.stat) writeStat(w, res.stat);
  }
  writeMultiHeader(w, -1, true, -1);
}

const VALID: Record<string, fc.Arbitrary<Buffer>> = {
  readConnectResponse: fc
    .tuple(int32, int32, int64, fc.option(bytes, { nil: null }), fc.option(fc.boolean(), { nil: undefined }))
    .map(([v, t, s, p, ro]) => encode((w) => (w.int(v).int(t).long(s).buffer(p), ro === undefined ? w : w.bool(ro)))),
  readReplyHeader: fc.tuple(int32, int64, int32).map(([x, z, e]) => encode((w) => w.int(x).long(z).int(e))),
  readStat: statArb.map((s) => encode((w) => writeStat(w, s))),
  readGetData: fc.tuple(fc.option(bytes, { nil: null }), statArb).map(([d, s]) => encode((w) => (w.buffer(d), writeStat(w, s)))),
  readWatcherEvent: fc.tuple(int32, int32, fc.option(text, { nil: null })).map(([t, s, p]) => encode((w) => w.int(t).int(s).string(p))),
  strings: fc.option(fc.array(text, { maxLength: 6 }), { nil: null }).map((v) => encode((w) => w.strings(v))),
  readAcls: aclsArb.map((a) => encode((w) => writeAcls(w, a))),
  readClientInfos: fc.array(fc.tuple(text, text), { maxLength: 4 }).map((l) => encode((w) => (w.int(l.length), l.forEach(([a, u]) => w.string(a).string(u))))),
  getChildren2: fc.tuple(fc.array(text, { maxLength: 4 }), statArb).map(([c, s]) => encode((w) => (w.strings(c), writeStat(w, s)))),
  getACL: fc.tuple(aclsArb, statArb).map(([a, s]) => encode((w) => (writeAcls(w, a), writeStat(w, s)))),
  readMultiResponse: fc.array(multiResultArb, { maxLength: MULTI_OPS }).map((r) => encode((w) => writeMultiReply(w, r))),
  replyThenEvent: fc.tuple(int64, int32, text).map(([z, t, p]) => encode((w) => w.int(-1).long(z).int(0).int(t).int(3).string(p))),
};

// Mutations of a valid frame: bit flips, interesting ints written anywhere, truncation, insertion, deletion.
const INTERESTING = [0, 1, -1, -2, 2, 3, 4, 8, 12, 16, 68, 0x7f, 0xff, 0x7fff, 0xffff, 0x7fff_ffff, 0x7fff_fffe, -0x8000_0000, 0x4000_0000, 0x1000_0000];
type Mutation =
  | { k: 'flip'; at: number; bit: number }
  | { k: 'int'; at: number; v: number }
  | { k: 'truncate'; at: number }
  | { k: 'insert'; at: number; bytes: Uint8Array }
  | { k: 'delete'; at: number; n: number };
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ k: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ k: fc.constant('int' as const), at: fc.nat(), v: fc.oneof(fc.constantFrom(...INTERESTING), int32) }),
  fc.record({ k: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ k: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ k: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 8 }) }),
);

function mutate(base: Buffer, mutations: readonly Mutation[]): Buffer {
  let b = Buffer.from(base);
  for (const m of mutations) {
    const at = m.at % (b.length + 1);
    switch (m.k) {
      case 'flip':
        if (at < b.length) b[at]! ^= 1 << m.bit;
        break;
      case 'int': {
        const v = Buffer.alloc(4);
        v.writeInt32BE(m.v);
        b = Buffer.concat([b.subarray(0, at), v, b.subarray(Math.min(at + 4, b.length))]);
        break;
      }
      case 'truncate':
        b = b.subarray(0, at);
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.n)]);
        break;
    }
  }
  return b;
}

// A gc() for heap measurements (vitest does not start node with --expose-gc).
v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (() => void) | undefined;
const heap = () => {
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

// --- primitives ------------------------------------------------------------

describe('Writer/Reader primitives round-trip', () => {
  it('int over the full int32 range', () => {
    fc.assert(fc.property(int32, (v) => new Reader(encode((w) => w.int(v))).int() === v));
  });

  it('long (bigint) over the full int64 range', () => {
    fc.assert(fc.property(int64, (v) => new Reader(encode((w) => w.long(v))).long() === v));
  });

  it('longNumber is exact for every safe integer', () => {
    fc.assert(fc.property(fc.maxSafeInteger(), (v) => new Reader(encode((w) => w.long(BigInt(v)))).longNumber() === v));
  });

  it('bool', () => {
    fc.assert(fc.property(fc.boolean(), (v) => new Reader(encode((w) => w.bool(v))).bool() === v));
  });

  it('buffer, including null and empty', () => {
    fc.assert(
      fc.property(fc.option(fc.uint8Array({ maxLength: 600 }), { nil: null }), (v) => {
        const r = new Reader(encode((w) => w.buffer(v)));
        const out = r.buffer();
        expect(out === null ? null : Buffer.from(out)).toEqual(v === null ? null : Buffer.from(v));
        expect(r.remaining).toBe(0);
      }),
    );
  });

  it('string, including null, empty and any unicode', () => {
    fc.assert(
      fc.property(fc.option(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 50 })), { nil: null }), (v) => {
        const body = encode((w) => w.string(v));
        expect(body.length).toBe(4 + (v === null ? 0 : Buffer.byteLength(v, 'utf8')));
        const r = new Reader(body);
        expect(r.string()).toBe(v);
        expect(r.remaining).toBe(0);
      }),
    );
  });

  it('string with arbitrary UTF-16 (lone surrogates) encodes like Buffer and never overruns', () => {
    const utf16 = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 100 }).map((a) => String.fromCharCode(...a));
    fc.assert(
      fc.property(utf16, fc.integer({ min: 1, max: 64 }), (v, initial) => {
        const body = encode((w) => w.string(v).int(0x5a5a5a5a), initial);
        const n = Buffer.byteLength(v, 'utf8');
        expect(body.length).toBe(4 + n + 4);
        const r = new Reader(body);
        expect(r.string()).toBe(Buffer.from(v, 'utf8').toString('utf8'));
        expect(r.int()).toBe(0x5a5a5a5a);
      }),
    );
  });

  it('string vectors, including null (read back as empty)', () => {
    fc.assert(
      fc.property(fc.option(fc.array(fc.string({ unit: 'binary', maxLength: 16 }), { maxLength: 20 }), { nil: null }), (v) => {
        const r = new Reader(encode((w) => w.strings(v)));
        expect(r.strings()).toEqual(v ?? []);
        expect(r.remaining).toBe(0);
      }),
    );
  });

  it('any sequence of primitives reads back in order, whatever the initial writer size', () => {
    const item = fc.oneof(
      int32.map((v) => ({ t: 'int' as const, v })),
      int64.map((v) => ({ t: 'long' as const, v })),
      fc.boolean().map((v) => ({ t: 'bool' as const, v })),
      fc.option(bytes, { nil: null }).map((v) => ({ t: 'buffer' as const, v })),
      fc.option(text, { nil: null }).map((v) => ({ t: 'string' as const, v })),
      fc.array(text, { maxLength: 4 }).map((v) => ({ t: 'strings' as const, v })),
    );
    fc.assert(
      fc.property(fc.array(item, { maxLength: 30 }), fc.integer({ min: 1, max: 300 }), (items, initial) => {
        const body = encode((w) => {
          for (const it of items) (w[it.t] as (v: unknown) => Writer)(it.v);
        }, initial);
        const r = new Reader(body);
        for (const it of items) {
          const got = r[it.t]();
          if (it.t === 'buffer') expect(got === null ? null : Buffer.from(got as Buffer)).toEqual(it.v === null ? null : Buffer.from(it.v));
          else expect(got).toEqual(it.v);
        }
        expect(r.remaining).toBe(0);
      }),
    );
  });
});

// --- records -----------------------------------------------------------------

describe('record round-trips', () => {
  it('Stat', () => {
    fc.assert(
      fc.property(statArb, (s) => {
        const body = encode((w) => writeStat(w, s));
        expect(body.length).toBe(68);
        expect(readStat(new Reader(body))).toEqual(s);
      }),
    );
  });

  it('ACL vectors', () => {
    fc.assert(
      fc.property(aclsArb, (a) => {
        expect(readAcls(new Reader(encode((w) => writeAcls(w, a))))).toEqual(a);
      }),
    );
  });

  it('ConnectRequest', () => {
    fc.assert(
      fc.property(int32, int64, int32, int64, fc.uint8Array({ maxLength: 16 }), fc.boolean(), (pv, z, t, s, p, ro) => {
        const r = new Reader(encode((w) => writeConnectRequest(w, { protocolVersion: pv, lastZxidSeen: z, timeOut: t, sessionId: s, passwd: p, readOnly: ro })));
        expect([r.int(), r.long(), r.int(), r.long(), Buffer.from(r.buffer()!), r.bool(), r.remaining]).toEqual([pv, z, t, s, Buffer.from(p), ro, 0]);
      }),
    );
  });

  it('ConnectResponse, with and without the readOnly byte', () => {
    fc.assert(
      fc.property(int32, int32, int64, fc.option(bytes, { nil: null }), fc.option(fc.boolean(), { nil: undefined }), (pv, t, s, p, ro) => {
        const body = encode((w) => (w.int(pv).int(t).long(s).buffer(p), ro === undefined ? w : w.bool(ro)));
        expect(readConnectResponse(new Reader(body))).toEqual({ protocolVersion: pv, timeOut: t, sessionId: s, passwd: Buffer.from(p ?? []), readOnly: ro ?? false });
      }),
    );
  });

  it('ReplyHeader and WatcherEvent', () => {
    fc.assert(
      fc.property(int32, int64, int32, int32, int32, fc.option(text, { nil: null }), (xid, zxid, err, type, state, path) => {
        const r = new Reader(encode((w) => w.int(xid).long(zxid).int(err).int(type).int(state).string(path)));
        expect(readReplyHeader(r)).toEqual({ xid, zxid, err });
        expect(readWatcherEvent(r)).toEqual({ type, state, path: path ?? '' });
        expect(r.remaining).toBe(0);
      }),
    );
  });

  it('getData reply and whoAmI reply', () => {
    fc.assert(
      fc.property(fc.option(bytes, { nil: null }), statArb, fc.array(fc.record({ authScheme: text, user: text }), { maxLength: 5 }), (d, s, infos) => {
        expect(readGetData(new Reader(encode((w) => (w.buffer(d), writeStat(w, s)))))).toEqual({ data: Buffer.from(d ?? []), stat: s });
        const body = encode((w) => (w.int(infos.length), infos.forEach((i) => w.string(i.authScheme).string(i.user))));
        expect(readClientInfos(new Reader(body))).toEqual(infos);
      }),
    );
  });

  it('create / create2 / createContainer / createTTL bodies', () => {
    fc.assert(
      fc.property(text, fc.option(bytes, { nil: null }), aclsArb, fc.integer({ min: 0, max: 6 }), fc.option(int64, { nil: undefined }), (path, data, acl, flags, ttl) => {
        const r = new Reader(encode((w) => writeCreate(w, path, data, acl, flags, ttl)));
        expect(r.string()).toBe(path);
        const d = r.buffer();
        expect(d === null ? null : Buffer.from(d)).toEqual(data === null ? null : Buffer.from(data));
        expect(readAcls(r)).toEqual(acl);
        expect(r.int()).toBe(flags);
        if (ttl !== undefined) expect(r.long()).toBe(ttl);
        expect(r.remaining).toBe(0);
      }),
    );
  });

  it('setData, delete/check, exists/getData/getChildren, addWatch/removeWatches, setACL, auth, reconfig bodies', () => {
    fc.assert(
      fc.property(text, fc.option(bytes, { nil: null }), int32, fc.boolean(), aclsArb, fc.option(text, { nil: null }), int64, (path, data, v, watch, acl, s, id) => {
        let r = new Reader(encode((w) => writeSetData(w, path, data, v)));
        expect([r.string(), r.buffer()?.length ?? null, r.int(), r.remaining]).toEqual([path, data?.length ?? null, v, 0]);
        r = new Reader(encode((w) => writePathVersion(w, path, v)));
        expect([r.string(), r.int(), r.remaining]).toEqual([path, v, 0]);
        r = new Reader(encode((w) => writePathWatch(w, path, watch)));
        expect([r.string(), r.bool(), r.remaining]).toEqual([path, watch, 0]);
        r = new Reader(encode((w) => writePathInt(w, path, v)));
        expect([r.string(), r.int(), r.remaining]).toEqual([path, v, 0]);
        r = new Reader(encode((w) => writeSetAcl(w, path, acl, v)));
        expect([r.string(), readAcls(r), r.int(), r.remaining]).toEqual([path, acl, v, 0]);
        r = new Reader(encode((w) => writeAuthPacket(w, path, data ?? new Uint8Array(0))));
        expect([r.int(), r.string(), r.buffer()?.length, r.remaining]).toEqual([0, path, data?.length ?? 0, 0]);
        r = new Reader(encode((w) => writeReconfig(w, s, path, s, id)));
        expect([r.string(), r.string(), r.string(), r.long(), r.remaining]).toEqual([s, path, s, id, 0]);
      }),
    );
  });

  it('SetWatches and SetWatches2', () => {
    const paths = fc.array(text, { maxLength: 5 });
    fc.assert(
      fc.property(int64, paths, paths, paths, fc.option(paths, { nil: undefined }), fc.option(paths, { nil: undefined }), (z, d, e, c, p, pr) => {
        const r = new Reader(
          encode((w) => writeSetWatches(w, { relativeZxid: z, data: d, exist: e, child: c, ...(p ? { persistent: p } : {}), ...(pr ? { persistentRecursive: pr } : {}) })),
        );
        expect([r.long(), r.strings(), r.strings(), r.strings()]).toEqual([z, d, e, c]);
        if (p || pr) expect([r.strings(), r.strings()]).toEqual([p ?? [], pr ?? []]);
        expect(r.remaining).toBe(0);
      }),
    );
  });

  it('multi request: headers, bodies and the {-1, true, -1} terminator', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...OP_TYPES), text, int32), { maxLength: 8 }), (spec) => {
        const ops: MultiOpRecord[] = spec.map(([type, path, v]) => ({ type, write: (w) => writePathVersion(w, path, v) }));
        const r = new Reader(encode((w) => writeMulti(w, ops)));
        for (const [type, path, v] of spec) {
          expect(readMultiHeader(r)).toEqual({ type, done: false, err: -1 });
          expect([r.string(), r.int()]).toEqual([path, v]);
        }
        expect(readMultiHeader(r)).toEqual({ type: -1, done: true, err: -1 });
        expect(r.remaining).toBe(0);
      }),
    );
  });

  it('multi and multiRead replies', () => {
    fc.assert(
      fc.property(fc.array(multiResultArb, { maxLength: 8 }), (results) => {
        const r = new Reader(encode((w) => writeMultiReply(w, results)));
        const out = readMultiResponse(r, results.length);
        expect(r.remaining).toBe(0);
        expect(out).toEqual(results.map(expectedResult));
      }),
    );
  });
});

/** The decoded form of a generated multi result. */
function expectedResult(res: MultiResultSpec): unknown {
  const { type } = res;
  if (type === OpCode.error) return { type, err: res.err };
  if (type === OpCode.create) return { type, path: res.path };
  if (type === OpCode.delete || type === OpCode.check) return { type };
  if (type === OpCode.setData) return { type, stat: res.stat };
  if (type === OpCode.getData) return { type, data: Buffer.from(res.data ?? []), stat: res.stat };
  if (type === OpCode.getChildren) return { type, children: res.children };
  return { type, path: res.path, stat: res.stat };
}

// --- fuzzing -------------------------------------------------------------

describe('decoder fuzzing: only typed errors, bounded work', () => {
  for (const [name, decode] of Object.entries(DECODERS)) {
    it(`${name}: random bytes`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 160 }), (frame) => {
          decodeSafely(decode, frame);
        }),
        { numRuns: 400 },
      );
    });

    it(`${name}: mutated valid frames`, () => {
      fc.assert(
        fc.property(VALID[name]!, fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (base, mutations) => {
          decodeSafely(decode, mutate(base, mutations));
        }),
        { numRuns: 400 },
      );
    });

    it(`${name}: valid frames decode`, () => {
      fc.assert(
        fc.property(VALID[name]!, (frame) => {
          const { error } = decodeSafely(decode, frame);
          expect(error).toBeUndefined();
        }),
        { numRuns: 100 },
      );
    });
  }

  it('a vector count of 2^31-1 in a 20-byte frame fails fast in every vector decoder', () => {
    const huge = (prefix: Buffer) => Buffer.concat([prefix, Buffer.from([0x7f, 0xff, 0xff, 0xff]), Buffer.alloc(16)]).subarray(0, Math.max(20, prefix.length + 20));
    const multiHeader = (type: number) => encode((w) => writeMultiHeader(w, type, false, 0));
    const cases: Array<[string, (r: Reader) => unknown, Buffer]> = [
      ['strings', (r) => r.strings(), huge(Buffer.alloc(0))],
      ['readAcls', readAcls, huge(Buffer.alloc(0))],
      ['readClientInfos', readClientInfos, huge(Buffer.alloc(0))],
      ['getChildren2', DECODERS['getChildren2']!, huge(Buffer.alloc(0))],
      ['multi getChildren', DECODERS['readMultiResponse']!, huge(multiHeader(OpCode.getChildren))],
      ['buffer', (r) => r.buffer(), huge(Buffer.alloc(0))],
      ['getData', readGetData, huge(Buffer.alloc(0))],
      ['connect passwd', readConnectResponse, huge(Buffer.alloc(16))],
      ['event path', readWatcherEvent, huge(Buffer.alloc(8))],
    ];
    const before = heap();
    for (const [what, fn, frame] of cases) {
      const t0 = performance.now();
      for (let i = 0; i < 1000; i++) expect(() => fn(new Reader(frame)), what).toThrow(JuteDecodeError);
      expect(performance.now() - t0, what).toBeLessThan(2000);
    }
    expect(heap() - before).toBeLessThan(16 * 1024 * 1024);
  });

  it('thousands of hostile frames: bounded time per frame and no heap growth', () => {
    // Frames full of large counts and lengths, at every alignment.
    const hostile = fc
      .tuple(fc.constantFrom(...Object.keys(DECODERS)), fc.uint8Array({ minLength: 0, maxLength: 40 }), fc.array(fc.tuple(fc.nat(40), fc.constantFrom(0x7fff_ffff, 0x4000_0000, 0x0fff_ffff, 0x7fff, 100, -1)), { maxLength: 6 }))
      .map(([name, raw, ints]) => {
        const b = Buffer.from(raw);
        for (const [at, v] of ints) if (at + 4 <= b.length) b.writeInt32BE(v, at);
        return [name, b] as const;
      });
    const before = heap();
    let slowest = 0;
    fc.assert(
      fc.property(hostile, ([name, frame]) => {
        const t0 = performance.now();
        decodeSafely(DECODERS[name]!, frame);
        slowest = Math.max(slowest, performance.now() - t0);
      }),
      { numRuns: 5000 },
    );
    expect(slowest).toBeLessThan(500);
    expect(heap() - before).toBeLessThan(32 * 1024 * 1024);
  });
});
