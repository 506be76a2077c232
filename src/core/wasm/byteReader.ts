/**
 * A bounds-checked cursor over the bytes of a WebAssembly binary: bytes, LEB128 integers, names,
 * vector counts, vectors of indices and name maps (core spec 5.1–5.2, 7.4.1). It knows nothing
 * about sections; every failed read throws a `WasmParseFailure` carrying a plain
 * `WasmParseError`, never a RangeError.
 */

import type { WasmParseError, WasmParseErrorCode } from "./types";

/** The exception the reader throws; `parseModule` catches it and returns its `error` as a value. */
export class WasmParseFailure extends Error {
  /** The plain, postMessage-safe error this failure carries. */
  readonly error: WasmParseError;

  constructor(error: WasmParseError) {
    super(error.message);
    this.name = "WasmParseFailure";
    this.error = error;
  }
}

/** Formats an offset the way every message shows it: hex for hex editors, decimal for people. */
export function formatOffset(offset: number): string {
  return `0x${offset.toString(16)} (${offset})`;
}

/** Builds the plain error object; messages read `<Headline> <where>: <detail> at offset 0x1f (31).` */
export function makeParseError(code: WasmParseErrorCode, where: string, detail: string, offset: number, section?: string): WasmParseError {
  const headline = code === "truncated" ? "Truncated" : code === "unsupported" ? "Unsupported content in" : "Malformed";
  const error: WasmParseError = {
    name: "WasmParseError",
    code,
    message: `${headline} ${where}: ${detail} at offset ${formatOffset(offset)}.`,
    offset,
  };
  if (section !== undefined) error.section = section;
  return error;
}

/** Code units buffered before they are turned into a string; small enough for `apply`'s argument limit. */
const chunkSize = 4096;

/** One reused buffer of code units, so decoding a name allocates only the string itself. */
const units: number[] = [];

/** The longest name the ASCII fast path decodes; longer names are rare. */
const maxShortName = 64;

/** One reused array of code units per length up to `maxShortName`, for the ASCII fast path. */
const shortUnits: number[][] = Array.from({ length: maxShortName + 1 }, (_, length) => Array.from({ length }, () => 0));

/** No index flagged, and the map that is never written, for name maps that are only skipped. */
const noIndices = new Uint8Array(0);
const noNames = new Map<number, string>();

/**
 * A cursor over `bytes` that never reads at or past `end`. Reads past `end` fail as `truncated`
 * when `end` is the end of the input (the file stops early) and as `malformed` otherwise (the
 * content overruns the size its section declared).
 */
export class ByteReader {
  /**
   * An empty reader that lives as long as the class. Every reader shares one V8 hidden class, and
   * optimized code that reads readers depends on it; were no reader alive, a full garbage
   * collection would drop that class and throw the optimized code away, and the next large module
   * would be parsed in the interpreter, several times slower. This one keeps the class alive.
   */
  static readonly keepsShapeAlive: ByteReader = new ByteReader(new Uint8Array(0));

  /** The next byte to read. */
  offset: number;
  /** The first offset this reader may not read; a section's end while a section is read. */
  end: number;
  /** Names the current place for messages, e.g. `import section`. */
  where = "module";
  /** The spec name of the current section, copied into errors, e.g. `import`. */
  section: string | undefined;
  /**
   * Counts primitive reads plus decoded name bytes. Every read consumes at least one byte except
   * `skip`, which always follows a size it consumed, so this stays linear in the input size; tests
   * use it to check linear time without depending on machine speed.
   */
  steps = 0;

  /** Reads `bytes` from `start` (default 0) up to `end` (default the end of the input). */
  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    end = bytes.length,
  ) {
    this.offset = start;
    this.end = end;
  }

  /** Bytes left before `end`. */
  get remaining(): number {
    return this.end - this.offset;
  }

  /** Whether every byte up to `end` has been read. */
  get isAtEnd(): boolean {
    return this.offset >= this.end;
  }

  /** Throws a failure at `offset` for the current place. */
  fail(code: WasmParseErrorCode, detail: string, offset: number = this.offset): never {
    throw new WasmParseFailure(makeParseError(code, this.where, detail, offset, this.section));
  }

  /** Fails because `needed` bytes were wanted at `at` and fewer are left before `end`. */
  private failShort(at: number, needed: number): never {
    const missing = needed - Math.max(0, this.end - at);
    const bytes = countOf(missing, "more byte");
    if (this.end >= this.bytes.length) this.fail("truncated", `expected ${bytes}`, this.bytes.length);
    this.fail("malformed", `the content overruns the declared section size; expected ${bytes}`, this.end);
  }

  /** Reads one byte (core spec 5.2.1). */
  u8(): number {
    this.steps++;
    if (this.offset >= this.end) this.failShort(this.offset, 1);
    return this.bytes[this.offset++]!;
  }

  /** Moves past `count` bytes without looking at them. */
  skip(count: number): void {
    this.steps++;
    if (count > this.end - this.offset) this.failShort(this.offset, count);
    this.offset += count;
  }

  /** Skips an f32 constant: 4 little-endian bytes (core spec 5.2.3). */
  skipF32(): void {
    this.skip(4);
  }

  /** Skips an f64 constant: 8 little-endian bytes (core spec 5.2.3). */
  skipF64(): void {
    this.skip(8);
  }

  /**
   * Reads an unsigned LEB128 integer of at most 32 bits (core spec 5.2.2): at most 5 bytes, and
   * the unused high bits of the 5th byte must be zero.
   */
  u32(): number {
    this.steps++;
    const start = this.offset;
    // Fast path, unrolled: whenever five bytes remain, a number of up to four bytes needs no
    // bounds checks. Anything else (the fifth byte, errors, the end of input) takes the slow path.
    if (start + 5 <= this.end) {
      const bytes = this.bytes;
      let byte = bytes[start]!;
      let result = byte & 0x7f;
      if (byte < 0x80) {
        this.offset = start + 1;
        return result;
      }
      byte = bytes[start + 1]!;
      result |= (byte & 0x7f) << 7;
      if (byte < 0x80) {
        this.offset = start + 2;
        return result;
      }
      byte = bytes[start + 2]!;
      result |= (byte & 0x7f) << 14;
      if (byte < 0x80) {
        this.offset = start + 3;
        return result;
      }
      byte = bytes[start + 3]!;
      result |= (byte & 0x7f) << 21;
      if (byte < 0x80) {
        this.offset = start + 4;
        return result;
      }
    }
    let result = 0;
    let multiplier = 1;
    for (let i = 0; i < 5; i++) {
      const at = start + i;
      if (at >= this.end) this.failShort(at, 1);
      const byte = this.bytes[at]!;
      if (i === 4) {
        if (byte & 0x80) this.fail("malformed", "an integer's LEB128 encoding is longer than 5 bytes", start);
        if (byte & 0x70) this.fail("malformed", "an unsigned integer does not fit in 32 bits", start);
      }
      // Multiplication instead of shifts keeps bit 31 from turning the number negative.
      result += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) {
        this.offset = at + 1;
        return result;
      }
      multiplier *= 128;
    }
    return this.fail("malformed", "an integer's LEB128 encoding is longer than 5 bytes", start);
  }

  /**
   * Reads indices, unsigned LEB128 integers of at most 32 bits (core spec 5.2.2), into `values`
   * while each is flagged 1 in `isAllowed`. Returns how many it read: `values.length`, or the
   * position of the first index not allowed, which the reader then stands before. Costs a step
   * per index, as `u32` does.
   */
  indices(values: Uint32Array, isAllowed: Uint8Array): number {
    const bytes = this.bytes;
    const end = this.end;
    let at = this.offset;
    let i = 0;
    while (i < values.length) {
      const entryAt = at;
      let value: number;
      // A vector of indices can have an entry per function of a module, so indices of one or two
      // bytes (below 16384) are decoded without branches: whether the first byte has a successor
      // is too random to predict. Longer ones, and the last byte before `end`, take `u32`.
      if (at + 2 <= end && (bytes[at]! & bytes[at + 1]! & 0x80) === 0) {
        const first = bytes[at]!;
        const hasSecond = first >> 7;
        value = (first & 0x7f) | ((bytes[at + 1]! << 7) & -hasSecond);
        at += 1 + hasSecond;
        this.steps++;
      } else {
        this.offset = at;
        value = this.u32();
        at = this.offset;
      }
      if (isAllowed[value] !== 1) {
        at = entryAt;
        break;
      }
      values[i++] = value;
    }
    this.offset = at;
    return i;
  }

  /** Reads a signed LEB128 integer of at most 32 bits (core spec 5.2.2), as a number. */
  s32(): number {
    return this.signed(32);
  }

  /** Reads a signed LEB128 integer of at most 33 bits (core spec 5.2.2), used by block and heap types. */
  s33(): number {
    return this.signed(33);
  }

  /** Reads a signed LEB128 integer of 32 or 33 bits with exact number arithmetic. */
  private signed(bits: 32 | 33): number {
    this.steps++;
    const start = this.offset;
    // The 5th byte carries bits 28 and up; the bits above the value's width must repeat its sign.
    const usedBits = bits - 28;
    const extraMask = 0x7f & ~((1 << usedBits) - 1);
    const signBit = 1 << (usedBits - 1);
    let result = 0;
    let multiplier = 1;
    for (let i = 0; i < 5; i++) {
      const at = start + i;
      if (at >= this.end) this.failShort(at, 1);
      const byte = this.bytes[at]!;
      if (i === 4) {
        if (byte & 0x80) this.fail("malformed", "an integer's LEB128 encoding is longer than 5 bytes", start);
        const extra = byte & extraMask;
        if (extra !== (byte & signBit ? extraMask : 0)) {
          this.fail("malformed", `a signed integer does not fit in ${bits} bits`, start);
        }
      }
      result += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      if ((byte & 0x80) === 0) {
        this.offset = at + 1;
        return byte & 0x40 ? result - multiplier : result;
      }
    }
    return this.fail("malformed", "an integer's LEB128 encoding is longer than 5 bytes", start);
  }

  /** Reads an unsigned LEB128 integer of at most 64 bits (core spec 5.2.2), as a bigint. */
  u64(): bigint {
    return this.wide(false);
  }

  /** Reads a signed LEB128 integer of at most 64 bits (core spec 5.2.2), as a bigint. */
  s64(): bigint {
    return this.wide(true);
  }

  /** Reads a 64-bit LEB128 integer; the 10th byte holds only bit 63, so its other bits are fixed. */
  private wide(isSigned: boolean): bigint {
    this.steps++;
    const start = this.offset;
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const at = start + i;
      if (at >= this.end) this.failShort(at, 1);
      const byte = this.bytes[at]!;
      if (i === 9) {
        if (byte & 0x80) this.fail("malformed", "an integer's LEB128 encoding is longer than 10 bytes", start);
        const extra = byte & 0x7e;
        const isValid = isSigned ? extra === (byte & 0x01 ? 0x7e : 0) : extra === 0;
        if (!isValid) this.fail("malformed", `${isSigned ? "a signed" : "an unsigned"} integer does not fit in 64 bits`, start);
      }
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if ((byte & 0x80) === 0) {
        this.offset = at + 1;
        if (isSigned && byte & 0x40) result -= 1n << shift;
        return isSigned ? BigInt.asIntN(64, result) : BigInt.asUintN(64, result);
      }
    }
    return this.fail("malformed", "an integer's LEB128 encoding is longer than 10 bytes", start);
  }

  /**
   * Reads a vector's length (core spec 5.1.3) and checks that its entries, each at least
   * `minEntryBytes` long, can fit before `end`, so a huge count fails at once instead of
   * looping or allocating.
   */
  count(what: string, minEntryBytes = 1): number {
    const start = this.offset;
    const count = this.u32();
    const remaining = this.end - this.offset;
    if (count * minEntryBytes > remaining) {
      const detail = `the number of ${what} (${count}) needs at least ${countOf(count * minEntryBytes, "byte")}, but only ${remaining} remain`;
      this.fail(this.end >= this.bytes.length ? "truncated" : "malformed", detail, start);
    }
    return count;
  }

  /** Reads a vector (core spec 5.1.3): a length, then that many entries read by `readEntry`. */
  vector<T>(what: string, readEntry: (reader: ByteReader, index: number) => T): T[] {
    const count = this.count(what);
    const entries: T[] = [];
    for (let i = 0; i < count; i++) entries.push(readEntry(this, i));
    return entries;
  }

  /** Reads a name (core spec 5.2.4): a byte length, then that many bytes of well-formed UTF-8. */
  name(): string {
    const length = this.u32();
    const start = this.offset;
    this.skip(length);
    return this.decodeUtf8(start, start + length);
  }

  /** Moves past a name without decoding it, for names nobody will show. */
  skipName(): void {
    this.skip(this.u32());
  }

  /**
   * Reads the `count` entries of a name map (core spec 7.4.1: an index, then a name) and decodes
   * into `names` only the names whose index is flagged 1 in `isWanted`; the others are skipped by
   * length. It costs the same steps as `u32` then `name` or `skipName` per entry.
   */
  nameMap(count: number, isWanted: Uint8Array, names: Map<number, string>): void {
    const bytes = this.bytes;
    for (let i = 0; i < count; i++) {
      const at = this.offset;
      // Fast path for the entries that make up most of a large module's name section: an
      // unwanted index of up to 3 bytes and a name shorter than 128 bytes, wholly before `end`.
      // Reading them without method calls and with one bounds check is what keeps skipping a
      // hundred thousand function names cheap. Every other entry takes the checked reads below.
      if (at + 4 <= this.end) {
        let next = at + 1;
        let byte = bytes[at]!;
        let index = byte & 0x7f;
        if (byte >= 0x80) {
          byte = bytes[next++]!;
          index |= (byte & 0x7f) << 7;
          if (byte >= 0x80) {
            byte = bytes[next++]!;
            index |= (byte & 0x7f) << 14;
          }
        }
        const length = bytes[next]!;
        const after = next + 1 + length;
        if (byte < 0x80 && length < 0x80 && after <= this.end && isWanted[index] !== 1) {
          // The steps of the `u32`, `u32` and `skip` this entry stands for.
          this.offset = after;
          this.steps += 3;
          continue;
        }
      }
      const index = this.u32();
      if (isWanted[index] === 1) names.set(index, this.name());
      else this.skipName();
    }
  }

  /** Moves past the `count` entries of a name map without decoding any name. */
  skipNameMap(count: number): void {
    this.nameMap(count, noIndices, noNames);
  }

  /**
   * Decodes well-formed UTF-8 (Unicode 15, table 3-7): no overlong forms, no surrogates, nothing
   * above U+10FFFF. Decoding by hand keeps `src/core` free of `TextDecoder`, which ES2022 lacks.
   */
  private decodeUtf8(start: number, end: number): string {
    const bytes = this.bytes;
    this.steps += end - start;
    const length = end - start;
    // Fast path for the short ASCII names that most modules consist of: their bytes are their
    // code units, copied into an array of exactly their length so that no array is resized.
    if (length <= maxShortName) {
      const short = shortUnits[length]!;
      let i = 0;
      while (i < length) {
        const byte = bytes[start + i]!;
        if (byte >= 0x80) break;
        short[i++] = byte;
      }
      if (i === length) return String.fromCharCode.apply(null, short);
    }
    let text = "";
    units.length = 0;
    let at = start;
    while (at < end) {
      const b0 = bytes[at]!;
      let codePoint: number;
      if (b0 < 0x80) {
        codePoint = b0;
        at += 1;
      } else {
        let size: number;
        let low = 0x80;
        let high = 0xbf;
        if (b0 >= 0xc2 && b0 <= 0xdf) {
          size = 2;
          codePoint = b0 & 0x1f;
        } else if (b0 >= 0xe0 && b0 <= 0xef) {
          size = 3;
          codePoint = b0 & 0x0f;
          // E0 would be overlong below A0; ED would encode a surrogate from A0 on.
          if (b0 === 0xe0) low = 0xa0;
          if (b0 === 0xed) high = 0x9f;
        } else if (b0 >= 0xf0 && b0 <= 0xf4) {
          size = 4;
          codePoint = b0 & 0x07;
          // F0 would be overlong below 90; F4 would pass U+10FFFF from 90 on.
          if (b0 === 0xf0) low = 0x90;
          if (b0 === 0xf4) high = 0x8f;
        } else {
          return this.fail("malformed", `a name is not valid UTF-8 (byte 0x${hex2(b0)})`, at);
        }
        if (at + size > end) return this.fail("malformed", "a name ends inside a UTF-8 sequence", at);
        for (let i = 1; i < size; i++) {
          const byte = bytes[at + i]!;
          if (byte < (i === 1 ? low : 0x80) || byte > (i === 1 ? high : 0xbf)) {
            return this.fail("malformed", `a name is not valid UTF-8 (byte 0x${hex2(byte)})`, at + i);
          }
          codePoint = (codePoint << 6) | (byte & 0x3f);
        }
        at += size;
      }
      if (codePoint >= 0x10000) {
        codePoint -= 0x10000;
        units.push(0xd800 + (codePoint >> 10), 0xdc00 + (codePoint & 0x3ff));
      } else {
        units.push(codePoint);
      }
      if (units.length >= chunkSize) {
        text += String.fromCharCode.apply(null, units);
        units.length = 0;
      }
    }
    return units.length === 0 ? text : text + String.fromCharCode.apply(null, units);
  }
}

/** A count with its noun in the right number, for messages: `1 byte`, `3 bytes`. */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

/** Two lowercase hex digits, as hex dumps show a byte. */
export function hex2(byte: number): string {
  return byte.toString(16).padStart(2, "0");
}
