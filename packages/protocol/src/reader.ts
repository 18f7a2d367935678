import { JuteDecodeError } from './errors.js';

/**
 * A bounds-checked big-endian reader over one frame. Every read checks the
 * bytes left first, so no length from the network drives an allocation or a
 * read past the frame.
 */
export class Reader {
  readonly #buf: Buffer;
  #pos: number;
  readonly #end: number;

  constructor(buf: Buffer, start = 0, end = buf.length) {
    this.#buf = buf;
    this.#pos = start;
    this.#end = end;
  }

  get remaining(): number {
    return this.#end - this.#pos;
  }

  get offset(): number {
    return this.#pos;
  }

  #need(n: number, what: string): void {
    if (this.#end - this.#pos < n) {
      throw new JuteDecodeError(`truncated record: ${what} needs ${n} bytes, ${this.#end - this.#pos} left`);
    }
  }

  int(): number {
    this.#need(4, 'int');
    const v = this.#buf.readInt32BE(this.#pos);
    this.#pos += 4;
    return v;
  }

  long(): bigint {
    this.#need(8, 'long');
    const v = this.#buf.readBigInt64BE(this.#pos);
    this.#pos += 8;
    return v;
  }

  /** A long that is known to fit a double exactly (timestamps). */
  longNumber(): number {
    this.#need(8, 'long');
    const hi = this.#buf.readInt32BE(this.#pos);
    const lo = this.#buf.readUInt32BE(this.#pos + 4);
    this.#pos += 8;
    return hi * 0x1_0000_0000 + lo;
  }

  bool(): boolean {
    this.#need(1, 'boolean');
    return this.#buf[this.#pos++] !== 0;
  }

  #length(what: string): number {
    const n = this.int();
    if (n < -1) throw new JuteDecodeError(`negative ${what} length ${n}`);
    if (n > this.#end - this.#pos) {
      throw new JuteDecodeError(`${what} length ${n} exceeds the ${this.#end - this.#pos} bytes left`);
    }
    return n;
  }

  /** A buffer; null is returned as null. The result is a view into the frame, not a copy. */
  buffer(): Buffer | null {
    const n = this.#length('buffer');
    if (n === -1) return null;
    const v = this.#buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return v;
  }

  string(): string | null {
    const n = this.#length('string');
    if (n === -1) return null;
    const v = this.#buf.toString('utf8', this.#pos, this.#pos + n);
    this.#pos += n;
    return v;
  }

  /** A non-null string (a null is treated as empty). */
  str(): string {
    return this.string() ?? '';
  }

  /** Element count of a vector, checked against the bytes left (each element needs at least `minSize` bytes). */
  count(minSize: number): number {
    const n = this.int();
    if (n < -1) throw new JuteDecodeError(`negative vector count ${n}`);
    if (n > 0 && n * minSize > this.#end - this.#pos) {
      throw new JuteDecodeError(`vector count ${n} exceeds the ${this.#end - this.#pos} bytes left`);
    }
    return n;
  }

  strings(): string[] {
    const n = this.count(4);
    const out: string[] = new Array(Math.max(n, 0));
    for (let i = 0; i < n; i++) out[i] = this.str();
    return out;
  }
}
