/**
 * A growable big-endian buffer writer for jute records. The first four bytes are
 * reserved for the frame length, filled in by {@link Writer.frame}.
 */
export class Writer {
  #buf: Buffer;
  #pos = 4;

  constructor(initialSize = 256) {
    this.#buf = Buffer.allocUnsafe(Math.max(initialSize, 16));
  }

  /** Bytes written after the length prefix. */
  get length(): number {
    return this.#pos - 4;
  }

  #ensure(n: number): void {
    const need = this.#pos + n;
    if (need <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.#buf.copy(next, 0, 0, this.#pos);
    this.#buf = next;
  }

  int(v: number): this {
    this.#ensure(4);
    this.#buf.writeInt32BE(v, this.#pos);
    this.#pos += 4;
    return this;
  }

  long(v: bigint): this {
    this.#ensure(8);
    this.#buf.writeBigInt64BE(v, this.#pos);
    this.#pos += 8;
    return this;
  }

  bool(v: boolean): this {
    this.#ensure(1);
    this.#buf[this.#pos++] = v ? 1 : 0;
    return this;
  }

  /** A jute buffer: int length (-1 for null) + bytes. */
  buffer(v: Uint8Array | null): this {
    if (v === null) return this.int(-1);
    this.int(v.length);
    this.#ensure(v.length);
    this.#buf.set(v, this.#pos);
    this.#pos += v.length;
    return this;
  }

  /** A jute ustring: int length in UTF-8 bytes (-1 for null) + bytes. */
  string(v: string | null): this {
    if (v === null) return this.int(-1);
    // Worst case 3 bytes per UTF-16 unit; write, then patch the real length.
    this.#ensure(4 + v.length * 3);
    const n = this.#buf.write(v, this.#pos + 4, 'utf8');
    this.#buf.writeInt32BE(n, this.#pos);
    this.#pos += 4 + n;
    return this;
  }

  /** A vector of strings (-1 for null). */
  strings(v: readonly string[] | null): this {
    if (v === null) return this.int(-1);
    this.int(v.length);
    for (const s of v) this.string(s);
    return this;
  }

  /** The frame: length prefix + the bytes written. Shares memory with the writer. */
  frame(): Buffer {
    this.#buf.writeInt32BE(this.#pos - 4, 0);
    return this.#buf.subarray(0, this.#pos);
  }
}
