/**
 * A bounds-checked, little-endian reader over a snapshot of linear memory, for the WASI decoders:
 * every read outside the snapshot answers `undefined` instead of throwing. It does not copy the
 * snapshot or keep it alive beyond the reader.
 */

/** Reads little-endian values from a memory snapshot; `undefined` means out of bounds. */
export interface MemoryReader {
  /** The snapshot's size in bytes (memory may have grown or shrunk since the call). */
  readonly byteLength: number;
  /** `length` bytes at `offset` (a view, not a copy), or undefined when any of them is out of bounds. */
  bytes(offset: number, length: number): Uint8Array | undefined;
  /** The byte at `offset`. */
  u8(offset: number): number | undefined;
  /** The little-endian u16 at `offset`. */
  u16(offset: number): number | undefined;
  /** The little-endian u32 at `offset` (WASI pointers, sizes and fds). */
  u32(offset: number): number | undefined;
  /** The little-endian u64 at `offset` (timestamps, file sizes), unsigned. */
  u64(offset: number): bigint | undefined;
}

/** A reader over `memory` (a copy of linear memory, or a view of it). */
export function memoryReader(memory: Uint8Array): MemoryReader {
  const view = new DataView(memory.buffer, memory.byteOffset, memory.byteLength);
  const fits = (offset: number, length: number): boolean =>
    Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 0 && offset + length <= memory.byteLength;
  return {
    byteLength: memory.byteLength,
    bytes: (offset, length) => (fits(offset, length) ? memory.subarray(offset, offset + length) : undefined),
    u8: (offset) => (fits(offset, 1) ? view.getUint8(offset) : undefined),
    u16: (offset) => (fits(offset, 2) ? view.getUint16(offset, true) : undefined),
    u32: (offset) => (fits(offset, 4) ? view.getUint32(offset, true) : undefined),
    u64: (offset) => (fits(offset, 8) ? view.getBigUint64(offset, true) : undefined),
  };
}
