import { afterEach, describe, expect, it, vi } from 'vitest';
import { FrameTooLargeError, ProtocolError } from '../../src/errors.js';
import { Framer } from '../../src/transport/framer.js';
import { cat, framed, i32 } from '../../../../test-support/jute-bytes.ts';

function collect(max = 1024) {
  const frames: Buffer[] = [];
  const f = new Framer(max, (fr) => frames.push(Buffer.from(fr)));
  return { f, frames };
}

const bodies = [Buffer.from('hello'), Buffer.alloc(0), Buffer.from([1, 2, 3]), Buffer.alloc(300, 7), Buffer.from('z')];
const stream = cat(...bodies.map(framed));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Framer', () => {
  it('several frames in one chunk', () => {
    const { f, frames } = collect();
    f.push(stream);
    expect(frames).toEqual(bodies);
    expect(f.pending).toBe(0);
  });

  it('a stream split in two at every byte boundary', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const { f, frames } = collect();
      f.push(stream.subarray(0, cut));
      f.push(stream.subarray(cut));
      expect(frames, `cut at ${cut}`).toEqual(bodies);
      expect(f.pending).toBe(0);
    }
  });

  it('a stream split in three at every pair of boundaries (small frames)', () => {
    const small = cat(framed(Buffer.from('ab')), framed(Buffer.alloc(0)), framed(Buffer.from('cdefg')));
    const want = [Buffer.from('ab'), Buffer.alloc(0), Buffer.from('cdefg')];
    for (let a = 0; a <= small.length; a++) {
      for (let b = a; b <= small.length; b++) {
        const { f, frames } = collect();
        f.push(small.subarray(0, a));
        f.push(small.subarray(a, b));
        f.push(small.subarray(b));
        expect(frames, `cuts at ${a}, ${b}`).toEqual(want);
      }
    }
  });

  it('one byte at a time', () => {
    const { f, frames } = collect();
    for (let i = 0; i < stream.length; i++) {
      f.push(stream.subarray(i, i + 1));
      expect(f.pending).toBeLessThanOrEqual(304);
    }
    expect(frames).toEqual(bodies);
    expect(f.pending).toBe(0);
  });

  it('reports the pending bytes of an unfinished frame', () => {
    const { f, frames } = collect();
    f.push(Buffer.from([0, 0]));
    expect(f.pending).toBe(2);
    f.push(Buffer.from([0, 10, 1, 2, 3]));
    expect(f.pending).toBe(3);
    expect(frames).toEqual([]);
  });

  it('a frame of exactly maxFrameSize is accepted', () => {
    const { f, frames } = collect(8);
    f.push(framed(Buffer.alloc(8, 1)));
    expect(frames).toEqual([Buffer.alloc(8, 1)]);
  });

  it('a length above maxFrameSize throws FrameTooLargeError without allocating', () => {
    const allocUnsafe = vi.spyOn(Buffer, 'allocUnsafe');
    const alloc = vi.spyOn(Buffer, 'alloc');
    const { f, frames } = collect(1024 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    let err: unknown;
    try {
      f.push(cat(i32(0x7fffffff), Buffer.alloc(16)));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FrameTooLargeError);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as FrameTooLargeError).size).toBe(0x7fffffff);
    expect((err as FrameTooLargeError).limit).toBe(1024 * 1024);
    expect(allocUnsafe.mock.calls.filter(([n]) => n > 1024)).toEqual([]);
    expect(alloc.mock.calls.filter(([n]) => n > 1024)).toEqual([]);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
    expect(frames).toEqual([]);
  });

  it('a too-large length whose prefix arrives split is still refused', () => {
    const allocUnsafe = vi.spyOn(Buffer, 'allocUnsafe');
    const { f } = collect(100);
    f.push(Buffer.from([0x00, 0x00]));
    expect(() => f.push(Buffer.from([0x00, 0x65]))).toThrow(FrameTooLargeError);
    expect(allocUnsafe.mock.calls.filter(([n]) => n >= 100)).toEqual([]);
  });

  it('a too-large frame after good frames in the same chunk: good ones delivered first', () => {
    const { f, frames } = collect(10);
    expect(() => f.push(cat(framed(Buffer.from('ok')), i32(11)))).toThrow(FrameTooLargeError);
    expect(frames).toEqual([Buffer.from('ok')]);
  });

  it('a negative length is a ProtocolError (not FrameTooLargeError)', () => {
    for (const len of [-1, -2, -0x80000000]) {
      const { f } = collect();
      let err: unknown;
      try {
        f.push(i32(len));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ProtocolError);
      expect(err).not.toBeInstanceOf(FrameTooLargeError);
    }
  });

  it('a negative length after a partial frame completes is a ProtocolError', () => {
    const { f, frames } = collect();
    f.push(cat(i32(3), Buffer.from([1])));
    expect(() => f.push(cat(Buffer.from([2, 3]), i32(-5)))).toThrow(ProtocolError);
    expect(frames).toEqual([Buffer.from([1, 2, 3])]);
  });

  it('frames from one big chunk are views; split frames are fresh buffers', () => {
    const seen: Buffer[] = [];
    const f = new Framer(1024, (fr) => seen.push(fr));
    const chunk = framed(Buffer.from('abc'));
    f.push(chunk);
    expect(seen[0]!.buffer).toBe(chunk.buffer);
    f.push(chunk.subarray(0, 5));
    f.push(chunk.subarray(5));
    chunk.fill(0);
    expect(seen[1]).toEqual(Buffer.from('abc'));
    expect(seen[0]).toEqual(Buffer.alloc(3));
  });
});
