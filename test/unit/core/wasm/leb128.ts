/** Encodes test binaries' unsigned LEB128 numbers (core spec 5.2.2), for hand-made modules. */

/** The unsigned LEB128 bytes of `value`. */
export function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}
