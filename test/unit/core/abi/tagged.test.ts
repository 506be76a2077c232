/** The tagged convention, byte-exact to docs/tagged-convention.md: encoding, decoding, its variants and malformed results. */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
  decodeTagged,
  describeTaggedCode,
  encodeTagged,
  isTaggedType,
  parseTaggedArg,
  taggedExtent,
  taggedSize,
  TAGGED_TYPES,
  TAGS,
  type TaggedArg,
  type TaggedDecoded,
  type TaggedOptions,
} from "../../../../src/core/abi/tagged";
import { narrate } from "../../../../src/core/layout";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const bytesOf = (spaced: string): Uint8Array => Uint8Array.from(Buffer.from(spaced.replace(/[\s|]/g, ""), "hex"));

/** The worked example of docs/tagged-convention.md, copied from its byte listing. */
const EXAMPLE_ARGS: TaggedArg[] = [
  { type: "Int32", value: -1 },
  { type: "Uint32", value: 1 },
  { type: "string", value: "passing" },
  { type: "Int32Array", value: [-1, -1, -1] },
  { type: "Uint32Array", value: [1, 1, 1] },
];
const EXAMPLE_BYTES = bytesOf(`
  01 ff ff ff ff | 02 01 00 00 00 | 03 07 00 00 00 70 61 73 73 69 6e 67
  04 03 00 00 00 ff ff ff ff ff ff ff ff ff ff ff ff
  05 03 00 00 00 01 00 00 00 01 00 00 00 01 00 00 00
  ff`);

function encodeOk(args: TaggedArg[], options: Partial<TaggedOptions> = {}): { bytes: Uint8Array; regions: ReturnType<typeof narrate> } {
  const r = encodeTagged(args, options);
  if (!r.ok) assert.fail(r.error.message);
  return { bytes: r.bytes, regions: narrate(r.regions) };
}

/** A memory of `size` bytes holding `bytes` at `offset`. */
function memoryWith(bytes: Uint8Array, offset: number, size = offset + bytes.length + 16): Uint8Array {
  const m = new Uint8Array(size);
  m.set(bytes, offset);
  return m;
}

function failure(r: TaggedDecoded): { message: string; offset: number } {
  if (r.ok) assert.fail(`expected a decoding error, got ${JSON.stringify(r.values)}`);
  return r.error;
}

describe("tagged: the spec's worked example", () => {
  it("encodes byte for byte as the spec lists it (57 bytes at offset 8)", () => {
    const r = encodeTagged(EXAMPLE_ARGS);
    assert.ok(r.ok);
    assert.equal(r.startOffset, 8);
    assert.equal(r.bytes.length, 57);
    assert.equal(hex(r.bytes), hex(EXAMPLE_BYTES));
  });

  it("places each argument where the spec says (offsets 8, 30, 47, 64)", () => {
    const r = encodeTagged(EXAMPLE_ARGS);
    assert.ok(r.ok);
    const tags = r.regions.filter((x) => x.kind === "tag" || x.kind === "terminator").map((x) => x.offset);
    assert.deepEqual(tags, [8, 13, 18, 30, 47, 64]);
  });

  it("narrates the layout one sentence per region", () => {
    assert.deepEqual(encodeOk(EXAMPLE_ARGS).regions, [
      "0x0008: tag 0x01 — an Int32 follows",
      "0x0009: -1 (4 bytes of i32)",
      "0x000d: tag 0x02 — a Uint32 follows",
      "0x000e: 1 (4 bytes of u32)",
      "0x0012: tag 0x03 — a string follows",
      "0x0013: its length, 7 bytes",
      '0x0017: "passing" (7 bytes of UTF-8)',
      "0x001e: tag 0x04 — an Int32Array follows",
      "0x001f: its length, 3 elements",
      "0x0023: [-1, -1, -1] (12 bytes of i32)",
      "0x002f: tag 0x05 — a Uint32Array follows",
      "0x0030: its length, 3 elements",
      "0x0034: [1, 1, 1] (12 bytes of u32)",
      "0x0040: 0xFF — end of the argument list",
    ]);
  });

  it("decodes the spec's bytes back to the same arguments", () => {
    const r = decodeTagged(memoryWith(EXAMPLE_BYTES, 8), { role: "arguments" });
    assert.ok(r.ok);
    assert.deepEqual(r.values, EXAMPLE_ARGS);
    assert.equal(r.endOffset, 65);
    assert.equal(r.regions.length, 14);
  });
});

describe("tagged: edges round-trip", () => {
  const cases: [string, TaggedArg[], string][] = [
    ["no arguments", [], "ff"],
    ["an empty string", [{ type: "string", value: "" }], "03 00000000 ff"],
    ["an empty Int32Array", [{ type: "Int32Array", value: [] }], "04 00000000 ff"],
    ["an empty Uint32Array", [{ type: "Uint32Array", value: [] }], "05 00000000 ff"],
    ["a 4-byte UTF-8 character", [{ type: "string", value: "😀" }], "03 04000000 f09f9880 ff"],
    [
      "i32 min and max",
      [
        { type: "Int32", value: -2147483648 },
        { type: "Int32", value: 2147483647 },
      ],
      "01 00000080 01 ffffff7f ff",
    ],
    [
      "u32 max and 0",
      [
        { type: "Uint32", value: 4294967295 },
        { type: "Uint32", value: 0 },
      ],
      "02 ffffffff 02 00000000 ff",
    ],
    [
      "array extremes",
      [
        { type: "Int32Array", value: [-2147483648, 2147483647] },
        { type: "Uint32Array", value: [4294967295] },
      ],
      "04 02000000 00000080 ffffff7f 05 01000000 ffffffff ff",
    ],
    ["a NUL inside a string", [{ type: "string", value: "a\0b" }], "03 03000000 610062 ff"],
  ];
  for (const [name, args, want] of cases) {
    it(`${name}: ${want}`, () => {
      const { bytes } = encodeOk(args);
      assert.equal(hex(bytes), hex(bytesOf(want)));
      const back = decodeTagged(memoryWith(bytes, 8));
      assert.ok(back.ok);
      assert.deepEqual(back.values, args);
    });
  }

  // Spread each record: fast-check builds objects without a prototype, which deepEqual tells apart.
  const arbArg: fc.Arbitrary<TaggedArg> = fc
    .oneof(
      fc.record({ type: fc.constant("Int32" as const), value: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) }),
      fc.record({ type: fc.constant("Uint32" as const), value: fc.integer({ min: 0, max: 2 ** 32 - 1 }) }),
      fc.record({ type: fc.constant("string" as const), value: fc.string({ unit: "binary", maxLength: 12 }) }),
      fc.record({
        type: fc.constant("Int32Array" as const),
        value: fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 5 }),
      }),
      fc.record({ type: fc.constant("Uint32Array" as const), value: fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 5 }) }),
    )
    .map((a) => ({ ...a }));
  const arbOptions: fc.Arbitrary<TaggedOptions> = fc.record({
    startOffset: fc.integer({ min: 0, max: 40 }),
    tagWidth: fc.constantFrom(1 as const, 4 as const),
    padStringsTo4: fc.boolean(),
  });

  it("decodes whatever it encodes, under every option, into regions that tile the bytes (property)", () => {
    fc.assert(
      fc.property(fc.array(arbArg, { maxLength: 6 }), arbOptions, (args, options) => {
        const enc = encodeTagged(args, options);
        assert.ok(enc.ok);
        assert.equal(enc.bytes.length, taggedSize(args, options));
        const dec = decodeTagged(memoryWith(enc.bytes, options.startOffset), options);
        assert.ok(dec.ok, dec.ok ? "" : dec.error.message);
        assert.deepEqual(dec.values, args);
        assert.equal(dec.endOffset, options.startOffset + enc.bytes.length);
        let at = options.startOffset;
        for (const r of enc.regions) {
          assert.equal(r.offset, at);
          at += r.size;
        }
        assert.equal(at, options.startOffset + enc.bytes.length);
        assert.deepEqual(
          dec.regions.map((r) => [r.offset, r.size, r.kind]),
          enc.regions.map((r) => [r.offset, r.size, r.kind]),
        );
      }),
    );
  });
});

describe("tagged: the variants seen in the wild", () => {
  it("writes 4-byte tags and a 4-byte terminator", () => {
    const { bytes } = encodeOk([{ type: "Int32", value: 7 }], { tagWidth: 4, startOffset: 4 });
    assert.equal(hex(bytes), "01000000" + "07000000" + "ffffffff");
    const r = decodeTagged(memoryWith(bytes, 4), { tagWidth: 4, startOffset: 4 });
    assert.ok(r.ok);
    assert.deepEqual(r.values, [{ type: "Int32", value: 7 }]);
    assert.deepEqual(r.regions.at(-1), { offset: 12, size: 4, kind: "terminator", label: "end of the results", value: "0xFFFFFFFF" });
  });

  it("does not read a lone 0xFF as the end when tags are 4 bytes wide", () => {
    const m = memoryWith(bytesOf("ff000000"), 8);
    assert.match(failure(decodeTagged(m, { tagWidth: 4 })).message, /unknown tag 0x000000ff at 0x0008/);
  });

  it("pads strings to a 4-byte multiple but keeps the real length", () => {
    const { bytes, regions } = encodeOk(
      [
        { type: "string", value: "abcde" },
        { type: "string", value: "abcd" },
      ],
      { padStringsTo4: true },
    );
    assert.equal(hex(bytes), hex(bytesOf("03 05000000 6162636465 000000 03 04000000 61626364 ff")));
    assert.ok(regions.includes("0x0012: 3 bytes of padding (to a 4-byte multiple)"));
    const r = decodeTagged(memoryWith(bytes, 8), { padStringsTo4: true });
    assert.ok(r.ok);
    assert.deepEqual(r.values, [
      { type: "string", value: "abcde" },
      { type: "string", value: "abcd" },
    ]);
  });

  it("warns about non-zero padding but still reads on", () => {
    const r = decodeTagged(memoryWith(bytesOf("03 01000000 61 00ee00 ff"), 8), { padStringsTo4: true });
    assert.ok(r.ok);
    assert.deepEqual(r.warnings, [{ message: "padding byte at 0x000f is not zero", offset: 15 }]);
  });
});

describe("tagged: malformed memory", () => {
  it("names an unknown tag and its address", () => {
    const m = memoryWith(bytesOf("01 05000000 07 00"), 8);
    const r = decodeTagged(m);
    const e = failure(r);
    assert.equal(e.offset, 13);
    assert.match(e.message, /^unknown tag 0x07 at 0x000d; known tags are 0x01–0x05 and 0xFF$/);
    assert.ok(!r.ok && r.values.length === 1, "what was read before the error is kept");
  });

  it("hints that zeroed memory was never written", () => {
    assert.match(
      failure(decodeTagged(new Uint8Array(64))).message,
      /unknown tag 0x00 at 0x0008 \(zero bytes: was anything written here\?\)/,
    );
  });

  it("reports a missing terminator at the end of memory", () => {
    const bytes = bytesOf("01 05000000");
    const e = failure(decodeTagged(memoryWith(bytes, 8, 13)));
    assert.equal(e.offset, 13);
    assert.match(e.message, /^no 0xFF terminator: memory ends at 0x000d before the end of the results$/);
  });

  it("reports a string length that runs past the end of memory, at the length's address", () => {
    const e = failure(decodeTagged(memoryWith(bytesOf("03 ffffffff 41"), 8, 20)));
    assert.equal(e.offset, 9);
    assert.match(e.message, /a string at 0x0009 claims 4294967295 bytes, which run past the end of memory at 0x0014/);
  });

  it("reports an array count that runs past the end, without allocating for it", () => {
    const e = failure(decodeTagged(memoryWith(bytesOf("04 00000040 01000000"), 8, 20)));
    assert.equal(e.offset, 9);
    assert.match(e.message, /an Int32Array at 0x0009 claims 1073741824 elements/);
  });

  it("reports a value or length cut off by the end of memory", () => {
    assert.match(failure(decodeTagged(memoryWith(bytesOf("01 0500"), 8, 11))).message, /the Int32 value at 0x0009 runs past the end/);
    assert.match(failure(decodeTagged(memoryWith(bytesOf("03 05"), 8, 10))).message, /the length of a string at 0x0009 runs past the end/);
  });

  it("reads a window of memory at its base offset, and refuses a start outside it", () => {
    const window = memoryWith(EXAMPLE_BYTES, 0, 57);
    const r = decodeTagged(window, { baseOffset: 8, startOffset: 8 });
    assert.ok(r.ok);
    assert.deepEqual(r.values, EXAMPLE_ARGS);
    assert.equal(r.regions[0]?.offset, 8);
    assert.equal(failure(decodeTagged(window, { baseOffset: 8, startOffset: 4 })).offset, 4);
    assert.match(failure(decodeTagged(window, { baseOffset: 8, startOffset: 65 })).message, /outside the memory given/);
  });

  it("replaces invalid UTF-8 and says where it was", () => {
    const r = decodeTagged(memoryWith(bytesOf("03 02000000 c328 ff"), 8));
    assert.ok(r.ok);
    assert.deepEqual(r.values, [{ type: "string", value: "\ufffd(" }]);
    assert.equal(r.warnings[0]?.offset, 13);
  });

  it("refuses bad options instead of guessing", () => {
    assert.match(failure(decodeTagged(new Uint8Array(8), { tagWidth: 2 as 1 })).message, /tag width must be 1 or 4/);
    assert.match(failure(decodeTagged(new Uint8Array(8), { startOffset: -1 })).message, /not an address/);
  });

  it("never throws and always stops on arbitrary memory, where taggedExtent stops too (property)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 96 }),
        fc.integer({ min: 0, max: 100 }),
        fc.constantFrom(1 as const, 4 as const),
        fc.boolean(),
        (m, start, tagWidth, padStringsTo4) => {
          const r = decodeTagged(m, { startOffset: start, tagWidth, padStringsTo4 });
          if (!r.ok) assert.ok(r.error.offset >= 0 && r.error.offset <= Math.max(start, m.length));
          else assert.ok(r.endOffset <= m.length);
          assert.equal(taggedExtent(m, { startOffset: start, tagWidth, padStringsTo4 }), r.readEnd);
        },
      ),
    );
  });
  it("decodes the same from a window that holds the bytes a whole-memory read used, which taggedExtent finds (property)", () => {
    const arg = fc.oneof(
      fc.record({ type: fc.constantFrom("Int32" as const), value: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) }),
      fc.record({ type: fc.constantFrom("string" as const), value: fc.string({ maxLength: 9 }) }),
      fc.record({ type: fc.constantFrom("Uint32Array" as const), value: fc.array(fc.nat(), { maxLength: 4 }) }),
    );
    fc.assert(
      fc.property(
        fc.array(arg, { maxLength: 4 }),
        fc.record({
          startOffset: fc.integer({ min: 0, max: 12 }),
          tagWidth: fc.constantFrom(1 as const, 4 as const),
          padStringsTo4: fc.boolean(),
        }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
        fc.integer({ min: 0, max: 24 }),
        (args, options, corruptions, slack) => {
          const encoded = encodeTagged(args, options);
          if (!encoded.ok) return;
          // Valid lists, then damaged and cut short, so that every way of failing is reached.
          const memory = new Uint8Array(
            options.startOffset + encoded.bytes.length + slack - 12 > 0 ? options.startOffset + encoded.bytes.length + slack - 12 : 1,
          );
          if (options.startOffset < memory.length)
            memory.set(encoded.bytes.subarray(0, memory.length - options.startOffset), options.startOffset);
          for (const [at, value] of corruptions) memory[at % memory.length] = value;
          // The worker makes room for the arguments, so their start always lies inside memory.
          if (options.startOffset >= memory.length) return;
          const whole = decodeTagged(memory, options);
          assert.equal(taggedExtent(memory, options), whole.readEnd);
          const start = options.startOffset;
          const window = memory.slice(start, Math.max(start, whole.readEnd));
          const again = decodeTagged(window, { ...options, baseOffset: start, memoryEnd: memory.length });
          assert.deepEqual(again, whole);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("tagged: encoding refuses values the types cannot hold", () => {
  const bad: [TaggedArg[], RegExp][] = [
    [[{ type: "Int32", value: 2147483648 }], /^argument 0 \(Int32\): \(2147483648\) is out of range for Int32/],
    [[{ type: "Uint32", value: -1 }], /argument 0 \(Uint32\).*out of range for Uint32/],
    [[{ type: "Int32", value: 1.5 }], /whole number/],
    [
      [
        { type: "Int32", value: 1 },
        { type: "Uint32Array", value: [1, 2, 4294967296] },
      ],
      /^argument 1 \(Uint32Array\): element 2 \(4294967296\) is out of range/,
    ],
    [[{ type: "string", value: "\udfff" }], /argument 0 \(string\): .*lone surrogate U\+DFFF at index 0/],
  ];
  for (const [args, reason] of bad) {
    it(`refuses ${JSON.stringify(args)}`, () => {
      const r = encodeTagged(args);
      assert.ok(!r.ok);
      assert.match(r.error.message, reason);
    });
  }

  it("says which argument failed and where it would have gone", () => {
    const r = encodeTagged([
      { type: "Int32", value: 1 },
      { type: "Int32", value: NaN },
    ]);
    assert.ok(!r.ok);
    assert.equal(r.error.argIndex, 1);
    assert.equal(r.error.offset, 13);
  });
});

describe("tagged: result codes", () => {
  const table: [number | undefined, boolean, string][] = [
    [0, true, "0: success"],
    [undefined, true, "the export returned nothing, which counts as success"],
    [1, false, "1: unhandled error (as the PR's author numbered errors)"],
    [2, false, "2: type mismatch (as the PR's author numbered errors)"],
    [4, false, "4: out of memory (as the PR's author numbered errors)"],
    [5, false, "5: unknown tag (as the PR's author numbered errors)"],
    [3, false, "3: an application-defined error code"],
    [-1, false, "-1: an application-defined error code"],
  ];
  for (const [code, isSuccess, meaning] of table) {
    it(`describes ${String(code)}`, () => assert.deepEqual(describeTaggedCode(code), { isSuccess, meaning }));
  }
});

describe("tagged: parseTaggedArg", () => {
  it("reads each type from text", () => {
    const read = (type: Parameters<typeof parseTaggedArg>[0], text: string): TaggedArg => {
      const r = parseTaggedArg(type, text);
      if (!r.ok) assert.fail(r.reason);
      return r.value;
    };
    assert.deepEqual(read("Int32", "-1"), { type: "Int32", value: -1 });
    assert.deepEqual(read("Int32", "0xffffffff"), { type: "Int32", value: -1 });
    assert.deepEqual(read("Uint32", "4294967295"), { type: "Uint32", value: 4294967295 });
    assert.deepEqual(read("string", " keeps spaces "), { type: "string", value: " keeps spaces " });
    assert.deepEqual(read("Uint32Array", "[1, 0xffffffff]"), { type: "Uint32Array", value: [1, 4294967295] });
  });

  it("refuses out-of-range numbers for the signed and unsigned types", () => {
    const a = parseTaggedArg("Int32", "4294967295");
    assert.ok(!a.ok && /out of range for Int32 \(-2147483648 to 2147483647\)/.test(a.reason));
    const b = parseTaggedArg("Uint32", "-1");
    assert.ok(!b.ok && /out of range for Uint32/.test(b.reason));
  });
});

describe("tagged: the type list comes from the tag table", () => {
  it("lists every tagged type in tag order, and knows no other name", () => {
    assert.deepEqual(TAGGED_TYPES, ["Int32", "Uint32", "string", "Int32Array", "Uint32Array"]);
    assert.deepEqual(
      TAGGED_TYPES.map((t) => TAGS[t]),
      [1, 2, 3, 4, 5],
    );
    for (const name of ["Int64", "toString", "__proto__", "", 1, undefined]) assert.equal(isTaggedType(name), false, String(name));
  });
});
