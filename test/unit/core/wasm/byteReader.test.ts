/**
 * Tests for `ByteReader`: LEB128 integers at their limits, UTF-8 names against Node's own
 * decoder, and reads past the end failing with a typed error instead of a RangeError.
 */

import assert from "node:assert/strict";
import { ByteReader, WasmParseFailure } from "../../../../src/core/wasm/byteReader";
import type { WasmParseError } from "../../../../src/core/wasm/types";
import { uleb } from "./leb128";

function reader(bytes: number[]): ByteReader {
  return new ByteReader(Uint8Array.from(bytes));
}

/** Runs `read` and returns the typed error it fails with; any other exception fails the test. */
function failure(read: () => unknown): WasmParseError {
  try {
    read();
  } catch (caught) {
    if (caught instanceof WasmParseFailure) return caught.error;
    throw caught;
  }
  return assert.fail("expected the read to fail");
}

type Read = "u32" | "s32" | "s33" | "u64" | "s64";

describe("ByteReader", () => {
  describe("LEB128 integers (core spec 5.2.2)", () => {
    const values: [Read, number[], number | bigint][] = [
      ["u32", [0x00], 0],
      ["u32", [0x7f], 127],
      ["u32", [0x80, 0x01], 128],
      ["u32", [0xe5, 0x8e, 0x26], 624485],
      ["u32", [0x80, 0x80, 0x80, 0x80, 0x00], 0],
      ["u32", [0xff, 0xff, 0xff, 0xff, 0x0f], 0xffffffff],
      ["s32", [0x7f], -1],
      ["s32", [0x3f], 63],
      ["s32", [0x40], -64],
      ["s32", [0x80, 0x7f], -128],
      ["s32", [0xff, 0xff, 0xff, 0xff, 0x07], 2147483647],
      ["s32", [0x80, 0x80, 0x80, 0x80, 0x78], -2147483648],
      ["s32", [0xff, 0xff, 0xff, 0xff, 0x7f], -1],
      ["s33", [0xff, 0xff, 0xff, 0xff, 0x0f], 0xffffffff],
      ["s33", [0x80, 0x80, 0x80, 0x80, 0x70], -(2 ** 32)],
      ["s33", [0x70], -16],
      ["u64", [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], 2n ** 64n - 1n],
      ["u64", [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], 0n],
      ["s64", [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00], 2n ** 63n - 1n],
      ["s64", [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f], -(2n ** 63n)],
      ["s64", [0x7f], -1n],
      ["s64", [0xc0, 0xbb, 0x78], -123456n],
    ];
    for (const [read, bytes, expected] of values) {
      it(`${read} reads ${hex(bytes)} as ${expected}`, () => {
        const r = reader([...bytes, 0xaa]);
        assert.equal(r[read](), expected);
        assert.equal(r.offset, bytes.length, "reads exactly the integer's bytes");
      });
    }

    const malformed: [Read, number[], RegExp][] = [
      ["u32", [0x80, 0x80, 0x80, 0x80, 0x80, 0x00], /longer than 5 bytes/],
      ["u32", [0xff, 0xff, 0xff, 0xff, 0x1f], /does not fit in 32 bits/],
      ["s32", [0xff, 0xff, 0xff, 0xff, 0x0f], /does not fit in 32 bits/],
      ["s32", [0x80, 0x80, 0x80, 0x80, 0x70], /does not fit in 32 bits/],
      ["s33", [0xff, 0xff, 0xff, 0xff, 0x1f], /does not fit in 33 bits/],
      ["s33", [0x80, 0x80, 0x80, 0x80, 0x80, 0x00], /longer than 5 bytes/],
      ["u64", [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02], /does not fit in 64 bits/],
      ["s64", [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], /does not fit in 64 bits/],
      ["s64", [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], /longer than 10 bytes/],
    ];
    for (const [read, bytes, message] of malformed) {
      it(`${read} rejects ${hex(bytes)} as malformed at its first byte`, () => {
        const r = reader([0x00, ...bytes]);
        r.u8();
        const error = failure(() => r[read]());
        assert.equal(error.code, "malformed");
        assert.equal(error.offset, 1);
        assert.match(error.message, message);
      });
    }

    for (const read of ["u32", "s32", "s33", "u64", "s64"] as const) {
      it(`${read} fails as truncated when the input ends inside the integer`, () => {
        const error = failure(() => reader([0x80, 0x80])[read]());
        assert.deepEqual([error.code, error.offset], ["truncated", 2]);
        assert.match(error.message, /expected 1 more byte at offset 0x2 \(2\)\.$/);
      });
    }
  });

  describe("bounds", () => {
    it("fails as truncated when a read passes the end of the input", () => {
      const r = reader([0x01, 0x02]);
      r.skip(2);
      const error = failure(() => r.u8());
      assert.deepEqual([error.name, error.code, error.offset], ["WasmParseError", "truncated", 2]);
    });

    it("fails as malformed when a read passes a section's end inside the input", () => {
      const r = new ByteReader(Uint8Array.of(0x05, 1, 2, 3, 4, 5, 6), 0, 3);
      r.where = "data section";
      r.section = "data";
      const error = failure(() => r.skip(r.u32()));
      assert.deepEqual([error.code, error.offset, error.section], ["malformed", 3, "data"]);
      assert.equal(
        error.message,
        "Malformed data section: the content overruns the declared section size; expected 3 more bytes at offset 0x3 (3).",
      );
    });

    it("says how many bytes are missing", () => {
      const r = reader([0x01, 0x02, 0x03]);
      r.where = "import section";
      assert.equal(failure(() => r.skip(6)).message, "Truncated import section: expected 3 more bytes at offset 0x3 (3).");
    });

    it("never reads a skipped-past f32 or f64 out of bounds", () => {
      assert.equal(failure(() => reader([1, 2, 3]).skipF32()).code, "truncated");
      assert.equal(failure(() => reader([1, 2, 3, 4, 5, 6, 7]).skipF64()).code, "truncated");
      const r = reader([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      r.skipF32();
      r.skipF64();
      assert.ok(r.isAtEnd);
    });
  });

  describe("vectors (core spec 5.1.3)", () => {
    it("reads each entry in order", () => {
      assert.deepEqual(
        reader([0x03, 0x01, 0x02, 0x03]).vector("bytes", (r, i) => [i, r.u8()]),
        [
          [0, 1],
          [1, 2],
          [2, 3],
        ],
      );
    });

    it("rejects a count of 0xffffffff in a 10-byte input at once, without reading entries", () => {
      const r = reader([0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0, 0, 0, 0]);
      let entries = 0;
      const error = failure(() => r.vector("entries", (rr) => (entries++, rr.u8())));
      assert.equal(entries, 0);
      assert.deepEqual([error.code, error.offset], ["truncated", 0]);
      assert.match(
        error.message,
        /^Truncated module: the number of entries \(4294967295\) needs at least 4294967295 bytes, but only 5 remain at offset 0x0 \(0\)\.$/,
      );
    });

    it("counts the smallest entry size against the bytes left", () => {
      assert.equal(reader([0x03, 0, 0, 0, 0, 0, 0]).count("pairs", 2), 3);
      assert.equal(failure(() => reader([0x03, 0, 0, 0, 0, 0]).count("pairs", 2)).code, "truncated");
    });
  });

  describe("names (core spec 5.2.4)", () => {
    const valid = [
      "",
      "memory",
      "é",
      "€uro",
      "日本語",
      "🎉 party",
      "\u0000nul",
      "\uffff",
      "\u{10ffff}",
      "a".repeat(10_000),
      "€🎉".repeat(3_000),
    ];
    for (const text of valid) {
      it(`decodes ${JSON.stringify(text.slice(0, 12))}${text.length > 12 ? "…" : ""} (${text.length} code units)`, () => {
        const bytes = new TextEncoder().encode(text);
        const r = new ByteReader(Uint8Array.from([...uleb(bytes.length), ...bytes]));
        assert.equal(r.name(), text);
        assert.ok(r.isAtEnd);
      });
    }

    const invalid: [string, number[], number][] = [
      ["a lone continuation byte", [0x61, 0x80], 2],
      ["an overlong two-byte form", [0xc0, 0x80], 1],
      ["an overlong three-byte form", [0xe0, 0x80, 0x80], 2],
      ["an overlong four-byte form", [0xf0, 0x80, 0x80, 0x80], 2],
      ["a surrogate", [0xed, 0xa0, 0x80], 2],
      ["a code point above U+10FFFF", [0xf4, 0x90, 0x80, 0x80], 2],
      ["a sequence cut by the name's end", [0xe2, 0x82], 1],
      ["byte 0xff", [0xff], 1],
      ["a missing continuation", [0xc3, 0x41], 2],
    ];
    for (const [title, bytes, offset] of invalid) {
      it(`rejects ${title} as malformed`, () => {
        const error = failure(() => reader([bytes.length, ...bytes, 0x61]).name());
        assert.equal(error.code, "malformed");
        assert.equal(error.offset, offset);
        assert.match(error.message, /UTF-8/);
      });
    }

    it("agrees with a fatal TextDecoder on 20,000 random byte strings", () => {
      const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
      let seed = 0x9e3779b9;
      const random = (): number => {
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        return (seed >>> 0) / 2 ** 32;
      };
      // Bytes drawn mostly from the interesting ranges so that many strings are valid.
      const pool = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff];
      let validCount = 0;
      for (let i = 0; i < 20_000; i++) {
        const length = Math.floor(random() * 8);
        const bytes = Array.from({ length }, () =>
          random() < 0.7 ? pool[Math.floor(random() * pool.length)]! : Math.floor(random() * 256),
        );
        let expected: string | undefined;
        try {
          expected = decoder.decode(Uint8Array.from(bytes));
        } catch {
          expected = undefined;
        }
        const r = reader([length, ...bytes]);
        let actual: string | undefined;
        try {
          actual = r.name();
        } catch (caught) {
          if (!(caught instanceof WasmParseFailure)) throw caught;
          actual = undefined;
        }
        assert.equal(actual, expected, `bytes ${hex(bytes)}`);
        if (expected !== undefined) validCount++;
      }
      assert.ok(validCount > 2_000, `only ${validCount} valid strings were tried`);
    });

    it("skips a name without decoding it", () => {
      const r = reader([0x02, 0xff, 0xff, 0x07]);
      r.skipName();
      assert.equal(r.u8(), 0x07);
    });

    it("decodes ASCII names of every length up to and past 64 bytes, the longest the fast path takes", () => {
      for (let length = 0; length <= 70; length++) {
        const text = Array.from({ length }, (_, i) => String.fromCharCode(0x20 + ((i * 7 + length) % 95))).join("");
        const r = reader([...uleb(length), ...Buffer.from(text, "latin1")]);
        assert.equal(r.name(), text);
        assert.ok(r.isAtEnd);
      }
    });

    it("decodes short names that turn non-ASCII at their last byte, and rejects them when that byte is invalid", () => {
      assert.equal(reader([0x04, 0x61, 0x62, 0xc3, 0xa9]).name(), "abé");
      assert.equal(reader([0x03, 0x61, 0x62, 0x7f]).name(), "ab\u007f");
      const error = failure(() => reader([0x03, 0x61, 0x62, 0x80]).name());
      assert.equal(error.code, "malformed");
      assert.equal(error.offset, 3);
    });
  });

  describe("name maps (core spec 7.4.1)", () => {
    /** A name map's entries (without its count) and the names it gives. */
    function nameMap(entries: [number, number[]][]): number[] {
      return entries.flatMap(([index, bytes]) => [...uleb(index), ...uleb(bytes.length), ...bytes]);
    }
    const ascii = (length: number, fill = 0x61): number[] => Array<number>(length).fill(fill);
    // Indices of 1 to 5 bytes and names on both sides of 128 bytes, where the length needs a
    // second byte; the last entries sit within 4 bytes of the end of the input.
    const entries: [number, number[]][] = [
      [0, ascii(3)],
      [127, ascii(127, 0x62)],
      [128, ascii(128, 0x63)],
      [16_383, [0xff, 0xfe]],
      [16_384, ascii(200, 0x64)],
      [2 ** 21, [0xc3, 0xa9]],
      [2 ** 28, ascii(1, 0x65)],
      [5, []],
      [6, ascii(1, 0x66)],
    ];
    const wanted = new Uint8Array(20_000);
    for (const index of [0, 128, 16_384, 6]) wanted[index] = 1;

    it("decodes the names of wanted indices only, never the others, whatever their sizes", () => {
      const r = reader(nameMap(entries));
      const names = new Map<number, string>();
      r.nameMap(entries.length, wanted, names);
      assert.ok(r.isAtEnd);
      assert.deepEqual(
        [...names],
        [
          [0, "aaa"],
          [128, "c".repeat(128)],
          [16_384, "d".repeat(200)],
          [6, "f"],
        ],
      );
    });

    it("costs the steps of reading each entry with u32 and name or skipName", () => {
      const bytes = nameMap(entries);
      const fast = reader(bytes);
      fast.nameMap(entries.length, wanted, new Map());
      const slow = reader(bytes);
      for (let i = 0; i < entries.length; i++) {
        if (wanted[slow.u32()] === 1) slow.name();
        else slow.skipName();
      }
      assert.equal(fast.steps, slow.steps);
    });

    it("skips every entry of a map it only moves past, invalid UTF-8 included", () => {
      const r = reader([...nameMap(entries), 0x2a]);
      r.skipNameMap(entries.length);
      assert.equal(r.u8(), 0x2a);
    });

    it("fails as truncated when a skipped name runs past the end of the input", () => {
      const error = failure(() => reader([...nameMap([[1, ascii(2)]]), 0x02, 0x05, 0x61]).skipNameMap(2));
      assert.equal(error.code, "truncated");
      assert.equal(error.offset, 7, "the end of the input");
    });

    it("fails as malformed when a skipped name runs past a section's end inside the input", () => {
      const bytes = Uint8Array.from([0x02, 0x05, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66]);
      const error = failure(() => new ByteReader(bytes, 0, 6).skipNameMap(1));
      assert.equal(error.code, "malformed");
      assert.equal(error.offset, 6);
    });
  });

  describe("vectors of indices", () => {
    const allowAll = new Uint8Array(2 ** 22).fill(1);

    it("reads indices of one to five bytes, padded encodings included, up to the last byte", () => {
      const bytes = [0x00, 0x7f, 0x80, 0x01, 0xff, 0x7f, 0x80, 0x80, 0x01, 0x85, 0x80, 0x80, 0x80, 0x00, 0x81, 0x00, 0x03];
      const values = new Uint32Array(7);
      const r = reader(bytes);
      assert.equal(r.indices(values, allowAll), 7);
      assert.deepEqual([...values], [0, 127, 128, 16_383, 16_384, 5, 1]);
      assert.equal(r.offset, bytes.length - 1);
      assert.equal(r.steps, 7);
    });

    it("reads a one-byte index that is the last byte of the input", () => {
      const values = new Uint32Array(2);
      const r = reader([0x80, 0x02, 0x09]);
      assert.equal(r.indices(values, allowAll), 2);
      assert.deepEqual([...values], [256, 9]);
      assert.ok(r.isAtEnd);
    });

    it("stops before the first index that is not allowed", () => {
      const isAllowed = Uint8Array.from([1, 1, 0, 1]);
      const values = new Uint32Array(4);
      const r = reader([0x01, 0x81, 0x00, 0x02, 0x03]);
      assert.equal(r.indices(values, isAllowed), 2);
      assert.equal(r.offset, 3);
      assert.equal(r.u32(), 2);
    });

    it("treats an index past the flags as not allowed", () => {
      const r = reader([0x00, 0x80, 0x01]);
      assert.equal(r.indices(new Uint32Array(2), Uint8Array.from([1])), 1);
      assert.equal(r.offset, 1);
    });

    it("fails as truncated when the input ends inside an index", () => {
      const error = failure(() => reader([0x05, 0x80]).indices(new Uint32Array(2), allowAll));
      assert.equal(error.code, "truncated");
      assert.equal(error.offset, 2);
    });
  });

  describe("steps", () => {
    it("counts one step per read and one per decoded name byte", () => {
      const r = reader([0x01, 0x80, 0x01, 0x03, 0x61, 0x62, 0x63]);
      r.u8();
      r.u32();
      r.name();
      assert.equal(r.steps, 1 + 1 + (1 + 1 + 3));
    });
  });
});

function hex(bytes: number[]): string {
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(" ");
}
