/** Builds little-endian WASI byte layouts (iovecs, structs, strings) in a Uint8Array for the decoder tests. */

/** A small linear memory with writers for the values WASI structs hold. */
export class Memory {
  readonly bytes: Uint8Array;
  private readonly view: DataView;

  constructor(size = 1024) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }

  u8(offset: number, value: number): this {
    this.view.setUint8(offset, value);
    return this;
  }

  u16(offset: number, value: number): this {
    this.view.setUint16(offset, value, true);
    return this;
  }

  u32(offset: number, value: number): this {
    this.view.setUint32(offset, value, true);
    return this;
  }

  u64(offset: number, value: bigint): this {
    this.view.setBigUint64(offset, value, true);
    return this;
  }

  /** UTF-8 text, without a terminator. */
  text(offset: number, text: string): this {
    this.bytes.set(Buffer.from(text, "utf8"), offset);
    return this;
  }

  /** An iovec array: (buf, buf_len) pairs of u32. */
  iovecs(offset: number, entries: [number, number][]): this {
    entries.forEach(([buf, len], k) => this.u32(offset + k * 8, buf).u32(offset + k * 8 + 4, len));
    return this;
  }

  copy(): Memory {
    const m = new Memory(this.bytes.length);
    m.bytes.set(this.bytes);
    return m;
  }
}
