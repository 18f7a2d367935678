// Writer / Reader primitives against hand-written bytes.
import { describe, expect, it } from 'vitest';
import { JuteDecodeError, ProtocolError } from '../src/errors.js';
import { Reader } from '../src/reader.js';
import { Writer } from '../src/writer.js';
import { hex, encoderFor } from '../../../test-support/jute-bytes.ts';

const encode = encoderFor((size) => new Writer(size));

describe('Writer', () => {
  it('int: 4 bytes big-endian, two’s complement', () => {
    expect(encode((w) => w.int(0).int(1).int(-1).int(0x7fffffff).int(-0x80000000).int(0x01020304))).toEqual(
      hex('00000000 00000001 ffffffff 7fffffff 80000000 01020304'),
    );
  });

  it('long: 8 bytes big-endian over the full signed range', () => {
    expect(encode((w) => w.long(0n).long(-1n).long(0x7fff_ffff_ffff_ffffn).long(-0x8000_0000_0000_0000n).long(0x0102030405060708n))).toEqual(
      hex('0000000000000000 ffffffffffffffff 7fffffffffffffff 8000000000000000 0102030405060708'),
    );
  });

  it('bool: one byte 0/1', () => {
    expect(encode((w) => w.bool(true).bool(false))).toEqual(hex('01 00'));
  });

  it('buffer: length + bytes, -1 for null', () => {
    expect(encode((w) => w.buffer(null).buffer(new Uint8Array(0)).buffer(Uint8Array.from([0xde, 0xad])))).toEqual(hex('ffffffff 00000000 00000002 dead'));
  });

  it('string: UTF-8 byte length + bytes, -1 for null', () => {
    expect(encode((w) => w.string(null).string('').string('/a'))).toEqual(hex('ffffffff 00000000 00000002 2f61'));
    expect(encode((w) => w.string('é'))).toEqual(hex('00000002 c3a9'));
    expect(encode((w) => w.string('€'))).toEqual(hex('00000003 e282ac'));
    expect(encode((w) => w.string('😀'))).toEqual(hex('00000004 f09f9880'));
    // A lone surrogate cannot be UTF-8: it becomes U+FFFD, length still right.
    expect(encode((w) => w.string('\ud800x'))).toEqual(hex('00000004 efbfbd78'));
  });

  it('strings: count + strings, -1 for null', () => {
    expect(encode((w) => w.strings(null).strings([]).strings(['a', '']))).toEqual(hex('ffffffff 00000000 00000002 00000001 61 00000000'));
  });

  it('grows from a tiny initial buffer without losing bytes', () => {
    const big = Buffer.alloc(10_000, 0xab);
    const s = '€'.repeat(5000);
    const body = encode((w) => w.int(7).buffer(big).string(s).long(-2n), 1);
    expect(body.length).toBe(4 + 4 + 10_000 + 4 + 15_000 + 8);
    expect(body.readInt32BE(0)).toBe(7);
    expect(body.readInt32BE(4)).toBe(10_000);
    expect(body.subarray(8, 10_008)).toEqual(big);
    expect(body.readInt32BE(10_008)).toBe(15_000);
    expect(body.toString('utf8', 10_012, 25_012)).toBe(s);
    expect(body.readBigInt64BE(25_012)).toBe(-2n);
  });

  it('frame(): length prefix of the body; empty writer is a zero-length frame', () => {
    const w = new Writer();
    expect(Buffer.from(w.frame())).toEqual(hex('00000000'));
    expect(w.length).toBe(0);
    w.int(5);
    expect(Buffer.from(w.frame())).toEqual(hex('00000004 00000005'));
    expect(w.length).toBe(4);
  });
});

describe('Reader', () => {
  it('reads every primitive back', () => {
    const r = new Reader(hex('ffffffff 8000000000000000 02 00 00000002 c3a9 ffffffff 00000001 ff ffffffff 00000002 00000001 61 ffffffff'));
    expect(r.int()).toBe(-1);
    expect(r.long()).toBe(-0x8000_0000_0000_0000n);
    expect(r.bool()).toBe(true); // any non-zero byte is true
    expect(r.bool()).toBe(false);
    expect(r.string()).toBe('é');
    expect(r.string()).toBeNull();
    expect(r.buffer()).toEqual(Buffer.from([0xff]));
    expect(r.buffer()).toBeNull();
    expect(r.strings()).toEqual(['a', '']);
    expect(r.remaining).toBe(0);
  });

  it('str() reads a null string as empty', () => {
    expect(new Reader(hex('ffffffff')).str()).toBe('');
  });

  it('longNumber: exact up to 2^53, signed', () => {
    expect(new Reader(hex('001fffffffffffff')).longNumber()).toBe(Number.MAX_SAFE_INTEGER);
    expect(new Reader(hex('ffffffffffffffff')).longNumber()).toBe(-1);
    expect(new Reader(hex('ffe0000000000001')).longNumber()).toBe(-Number.MAX_SAFE_INTEGER);
    expect(new Reader(hex('0000018bcfe56800')).longNumber()).toBe(1_700_000_000_000);
  });

  it('honours start and end: never reads outside its window', () => {
    const bytes = hex('00000001 00000002 00000003');
    const r = new Reader(bytes, 4, 8);
    expect(r.offset).toBe(4);
    expect(r.remaining).toBe(4);
    expect(r.int()).toBe(2);
    expect(() => r.int()).toThrow(JuteDecodeError);
    // A length that fits the buffer but not the window is refused.
    expect(() => new Reader(hex('00000004 61626364'), 0, 6).buffer()).toThrow(JuteDecodeError);
  });

  it('truncation at every primitive is a JuteDecodeError (a ProtocolError)', () => {
    const cases: Array<[string, (r: Reader) => unknown, number]> = [
      ['int', (r) => r.int(), 4],
      ['long', (r) => r.long(), 8],
      ['longNumber', (r) => r.longNumber(), 8],
      ['bool', (r) => r.bool(), 1],
      ['buffer', (r) => r.buffer(), 4],
      ['string', (r) => r.string(), 4],
      ['strings', (r) => r.strings(), 4],
    ];
    for (const [what, fn, size] of cases) {
      for (let n = 0; n < size; n++) {
        const r = new Reader(Buffer.alloc(n));
        expect(() => fn(r), `${what} in ${n} bytes`).toThrow(JuteDecodeError);
        expect(() => fn(new Reader(Buffer.alloc(n))), what).toThrow(ProtocolError);
      }
    }
  });

  it('bad lengths are refused before anything is read or allocated', () => {
    expect(() => new Reader(hex('fffffffe')).buffer()).toThrow(/negative buffer length -2/);
    expect(() => new Reader(hex('80000000')).string()).toThrow(JuteDecodeError);
    expect(() => new Reader(hex('00000005 61626364')).string()).toThrow(/exceeds the 4 bytes left/);
    expect(() => new Reader(hex('7fffffff 00')).buffer()).toThrow(JuteDecodeError);
    expect(() => new Reader(hex('fffffffe')).strings()).toThrow(/negative vector count/);
    expect(() => new Reader(hex('7fffffff 0000000000000000 0000000000000000')).strings()).toThrow(JuteDecodeError);
    expect(() => new Reader(hex('00000003 ffffffff ffffffff')).strings()).toThrow(JuteDecodeError);
  });

  it('count(): a count whose minimal size exceeds the bytes left fails', () => {
    expect(new Reader(hex('00000002 0000000000000000')).count(4)).toBe(2);
    expect(() => new Reader(hex('00000002 0000000000000000')).count(5)).toThrow(JuteDecodeError);
    expect(new Reader(hex('ffffffff')).count(12)).toBe(-1);
    expect(new Reader(hex('00000000')).count(12)).toBe(0);
  });

  it('buffer() returns a view into the frame', () => {
    const bytes = hex('00000002 6162');
    const b = new Reader(bytes).buffer()!;
    bytes[4] = 0x7a;
    expect(b.toString()).toBe('zb');
  });
});
