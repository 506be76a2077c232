// A small hand-written encoder for the WebAssembly binary format (core spec 5): LEB128 numbers,
// names, vectors and sections, enough for the benchmark's generated modules. It is not a
// validator and not an assembler: callers emit opcodes themselves.

/** Value types (core spec 5.3.1). */
export const valType = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c };

/** Section ids (core spec 5.5.2). */
export const sectionId = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
};

const utf8 = new TextEncoder();

/** A growable byte buffer with the format's primitive encodings. */
export class ByteWriter {
  constructor(capacity = 1024) {
    this.bytes = new Uint8Array(capacity);
    this.length = 0;
  }

  ensure(extra) {
    if (this.length + extra <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  byte(b) {
    this.ensure(1);
    this.bytes[this.length++] = b;
    return this;
  }

  raw(array) {
    this.ensure(array.length);
    this.bytes.set(array, this.length);
    this.length += array.length;
    return this;
  }

  /** Unsigned LEB128 of a number below 2^32 (core spec 5.2.2). */
  u32(value) {
    this.ensure(5);
    let v = value >>> 0;
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      this.bytes[this.length++] = b;
    } while (v !== 0);
    return this;
  }

  /** Signed LEB128 of a 32-bit integer. */
  s32(value) {
    this.ensure(5);
    let v = value | 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
        this.bytes[this.length++] = b;
        return this;
      }
      this.bytes[this.length++] = b | 0x80;
    }
  }

  /** Signed LEB128 of a 64-bit integer given as a BigInt. */
  s64(value) {
    this.ensure(10);
    let v = BigInt.asIntN(64, value);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
        this.bytes[this.length++] = b;
        return this;
      }
      this.bytes[this.length++] = b | 0x80;
    }
  }

  f32(value) {
    this.ensure(4);
    new DataView(this.bytes.buffer, this.bytes.byteOffset + this.length, 4).setFloat32(0, value, true);
    this.length += 4;
    return this;
  }

  f64(value) {
    this.ensure(8);
    new DataView(this.bytes.buffer, this.bytes.byteOffset + this.length, 8).setFloat64(0, value, true);
    this.length += 8;
    return this;
  }

  /** A name: its UTF-8 byte length, then the bytes (core spec 5.2.4). */
  name(text) {
    const encoded = utf8.encode(text);
    return this.u32(encoded.length).raw(encoded);
  }

  /** A size-prefixed payload: the bytes another writer holds. */
  sized(writer) {
    return this.u32(writer.length).raw(writer.bytes.subarray(0, writer.length));
  }

  finish() {
    return this.bytes.slice(0, this.length);
  }
}

/** Builds a module from sections given in order; each is `[id, ByteWriter]`. */
export function encodeModule(sections) {
  const total = sections.reduce((n, [, w]) => n + w.length + 6, 8);
  const out = new ByteWriter(total);
  out.raw([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  for (const [id, writer] of sections) out.byte(id).sized(writer);
  return out.finish();
}

/** A custom section's payload: its name, then the bytes (core spec 5.5.3). */
export function customSection(name, payload) {
  const w = new ByteWriter(payload.length + name.length + 8);
  w.name(name).raw(payload);
  return [sectionId.custom, w];
}

/** A deterministic 32-bit PRNG (mulberry32), so the generated modules are the same on every machine. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
