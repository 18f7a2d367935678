// Hand-built jute bytes for golden vectors (the protocol's and the client's codec tests).
// Deliberately independent of the codec under test: everything here is plain Buffer
// arithmetic, and `encoderFor` takes the Writer to check.

/** What {@link encoderFor} needs of the codec's Writer. */
interface FrameWriter {
  /** The frame: a 4-byte length prefix, then the body. */
  frame(): Buffer;
  /** The body's length. */
  readonly length: number;
}

export function i32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
}

export function i64(v: bigint | number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(v));
  return b;
}

export function bool(v: boolean): Buffer {
  return Buffer.from([v ? 1 : 0]);
}

/** A jute ustring: int length in UTF-8 bytes + bytes (-1 for null). */
export function ustr(v: string | null): Buffer {
  if (v === null) return i32(-1);
  const bytes = Buffer.from(v, 'utf8');
  return Buffer.concat([i32(bytes.length), bytes]);
}

/** A jute buffer: int length + bytes (-1 for null). */
export function buf(v: Uint8Array | null): Buffer {
  if (v === null) return i32(-1);
  return Buffer.concat([i32(v.length), Buffer.from(v)]);
}

/** A vector of ustrings. */
export function vstr(v: readonly string[] | null): Buffer {
  if (v === null) return i32(-1);
  return Buffer.concat([i32(v.length), ...v.map(ustr)]);
}

export function cat(...parts: Buffer[]): Buffer {
  return Buffer.concat(parts);
}

/** Length-prefix a body, as the framer expects it on the wire. */
export function framed(body: Buffer): Buffer {
  return Buffer.concat([i32(body.length), body]);
}

/**
 * An `encode(fn, initialSize?)` that writes with a new Writer from `make` and returns the body
 * (the frame without its length prefix), checking the prefix.
 */
export function encoderFor<W extends FrameWriter>(make: (initialSize?: number) => W): (fn: (w: W) => void, initialSize?: number) => Buffer {
  return (fn, initialSize) => {
    const w = make(initialSize);
    fn(w);
    const frame = w.frame();
    const len = frame.readInt32BE(0);
    if (len !== frame.length - 4 || len !== w.length) throw new Error(`bad length prefix ${len} for a ${frame.length - 4}-byte body`);
    return Buffer.from(frame.subarray(4));
  };
}

export function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ''), 'hex');
}
