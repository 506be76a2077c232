/**
 * The memories behind the memory view's test page, shared with the test so that both sides agree
 * on every byte: a fake memory whose bytes follow from their address, and a real 64 KiB one
 * holding values at known offsets.
 */

/**
 * A byte of the fake memory: each aligned 32-bit word holds its own address, little endian,
 * so any row shows where it is (the word at 0xfffffff0 is f0 ff ff ff).
 */
export function fakeByte(offset: number): number {
  const k = offset % 4;
  return ((offset - k) >>> (8 * k)) & 0xff;
}

/** Known values in the real memory, by address. */
export const known = {
  /** `fe ff ff ff ff ff ff ff`: -2 as i64 little endian. */
  minusTwo: 0x200,
  /** 1.5 as f32 little endian (`00 00 c0 3f`). */
  f32: 0x300,
  /** 1.5 as f32 big endian (`3f c0 00 00`). */
  f32BigEndian: 0x320,
  /** -0.1 as f64 little endian. */
  f64: 0x310,
  /** A pointer (u32 little endian) to `text`. */
  pointer: 0x330,
  /** A pointer past the end of memory (`ff ff ff ff`). */
  wildPointer: 0x340,
  /** `héllo`, an invalid byte 0xff, `!` and a NUL. */
  text: 0x400,
  /** A greeting in the first row, to read in the ASCII column. */
  greeting: 0x10,
};

/** The real memory: 64 KiB with the values of `known` written in. */
export function realMemory(): Uint8Array {
  const bytes = new Uint8Array(65536);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode("Hello, reactor!"), known.greeting);
  view.setBigInt64(known.minusTwo, -2n, true);
  view.setFloat32(known.f32, 1.5, true);
  view.setFloat32(known.f32BigEndian, 1.5, false);
  view.setFloat64(known.f64, -0.1, true);
  view.setUint32(known.pointer, known.text, true);
  view.setUint32(known.wildPointer, 0xffffffff, true);
  bytes.set([0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f, 0xff, 0x21, 0x00], known.text);
  bytes.set([0xde, 0xad, 0xbe, 0xef], 65536 - 4);
  return bytes;
}
