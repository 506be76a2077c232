/** Memory arguments as users type them: strings, hex bytes and typed arrays with every element range-checked. */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
  ELEMENT_CODECS,
  ELEMENT_KINDS,
  elementsProblem,
  formatArray,
  formatBytes,
  parseArrayArg,
  parseBytesArg,
  parseCStringArg,
  parseStringArg,
  readElements,
  type ElementCodec,
  type ElementKind,
  type ElementValue,
  type MemoryValue,
} from "../../../../src/core/abi/values";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

function okValue(r: ReturnType<typeof parseArrayArg>): MemoryValue {
  if (!r.ok) assert.fail(r.reason);
  return r.value;
}

function reasonOf(r: ReturnType<typeof parseArrayArg>): string {
  if (r.ok) assert.fail(`expected a refusal, got ${hex(r.value.bytes)}`);
  return r.reason;
}

describe("values: strings", () => {
  it("encodes a string as UTF-8 without a NUL, and notes its byte count", () => {
    const r = parseStringArg("h😀");
    assert.ok(r.ok);
    assert.equal(hex(r.value.bytes), "68f09f9880");
    assert.equal(r.note, "5 bytes of UTF-8");
  });

  it("accepts the empty string", () => {
    const r = parseStringArg("");
    assert.ok(r.ok && r.value.bytes.length === 0);
  });

  it("refuses lone surrogates", () => {
    const r = parseStringArg("x\ud800");
    assert.ok(!r.ok);
    assert.match(r.reason, /index 1/);
  });

  it("adds a NUL to C strings and refuses a NUL inside", () => {
    const r = parseCStringArg("hi");
    assert.ok(r.ok);
    assert.equal(hex(r.value.bytes), "686900");
    const empty = parseCStringArg("");
    assert.ok(empty.ok && hex(empty.value.bytes) === "00");
    const bad = parseCStringArg("a\0b");
    assert.ok(!bad.ok);
    assert.match(bad.reason, /NUL character at index 1/);
  });
});

describe("values: parseBytesArg", () => {
  const table: [string, string][] = [
    ["", ""],
    ["de ad be ef", "deadbeef"],
    ["deadbeef", "deadbeef"],
    ["0xdeadbeef", "deadbeef"],
    ["de:ad", "dead"],
    ["0xde, 0xad", "dead"],
    ["  DE AD  ", "dead"],
    ["00 ff", "00ff"],
  ];
  for (const [text, want] of table) {
    it(`reads ${JSON.stringify(text)}`, () => {
      const r = parseBytesArg(text);
      assert.ok(r.ok, r.ok ? "" : r.reason);
      assert.equal(hex(r.value.bytes), want);
    });
  }
  const bad: [string, RegExp][] = [
    ["abc", /odd number of hex digits/],
    ["de a", /"a" has an odd number/],
    ["zz", /unexpected "z"/],
    ["0x", /no hex digits/],
  ];
  for (const [text, reason] of bad) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      const r = parseBytesArg(text);
      assert.ok(!r.ok);
      assert.match(r.reason, reason);
    });
  }
});

describe("values: parseArrayArg", () => {
  const edges: [ElementKind, string, string][] = [
    ["Int8", "[-128, 127, 0xff, 0x80]", "807fff80"],
    ["Uint8", "[0, 255, 0xff]", "00ffff"],
    ["Int16", "[-32768, 32767]", "0080ff7f"],
    ["Uint16", "[65535]", "ffff"],
    ["Int32", "[-2147483648, 2147483647, 0xffffffff]", "00000080ffffff7fffffffff"],
    ["Uint32", "[4294967295, 0]", "ffffffff00000000"],
    ["BigInt64", "[-9223372036854775808, 9223372036854775807]", "0000000000000080ffffffffffffff7f"],
    ["BigUint64", "[18446744073709551615]", "ffffffffffffffff"],
    ["Float32", "[1, -0, Infinity]", "0000803f00000080" + "0000807f"],
    ["Float64", "[1, -0]", "000000000000f03f" + "0000000000000080"],
  ];
  for (const [kind, text, want] of edges) {
    it(`writes ${kind} ${text} little-endian`, () => {
      assert.equal(hex(okValue(parseArrayArg(text, kind)).bytes), want);
    });
  }

  const oneBeyond: [ElementKind, string, RegExp][] = [
    ["Int8", "[0, 128]", /^element 1 \(128\) is out of range for Int8 \(-128 to 127\)$/],
    ["Int8", "[-129]", /element 0 \(-129\) is out of range for Int8/],
    ["Uint8", "[1, 2, 256]", /element 2 \(256\) is out of range for Uint8 \(0 to 255\)/],
    ["Uint8", "[-1]", /element 0 \(-1\) is out of range for Uint8/],
    ["Uint8", "[0x100]", /element 0 \(0x100\) is out of range/],
    ["Int16", "[32768]", /out of range for Int16/],
    ["Uint16", "[65536]", /out of range for Uint16/],
    ["Int32", "[2147483648]", /out of range for Int32/],
    ["Uint32", "[4294967296]", /out of range for Uint32/],
    ["Uint32", "[-0x1]", /out of range for Uint32/],
    ["BigInt64", "[9223372036854775808]", /out of range for BigInt64/],
    ["BigUint64", "[18446744073709551616]", /out of range for BigUint64/],
    ["Int32", "[1, 2.5]", /element 1 \(Int32\)/],
    ["Int32", "[1, x]", /element 1 \(Int32\)/],
    ["Float32", "[1, 1e39]", /too large for element 1 \(Float32\)/],
    ["Int32", "[1,, 2]", /element 1 is empty/],
    ["Int32", "[1, 2", /does not end with \]/],
    ["Int32", "1, 2]", /does not start with \[/],
  ];
  for (const [kind, text, reason] of oneBeyond) {
    it(`refuses ${kind} ${text} naming the element`, () => assert.match(reasonOf(parseArrayArg(text, kind)), reason));
  }

  it("accepts empty arrays, missing brackets, spaces and a trailing comma", () => {
    const empty = okValue(parseArrayArg("[]", "Int32"));
    assert.equal(empty.bytes.length, 0);
    assert.equal(okValue(parseArrayArg("  ", "Float64")).bytes.length, 0);
    assert.equal(hex(okValue(parseArrayArg("1 2 3", "Uint8")).bytes), "010203");
    assert.equal(hex(okValue(parseArrayArg("[1, 2, 3,]", "Uint8")).bytes), "010203");
    assert.equal(hex(okValue(parseArrayArg("[1_0, 0x1_0]", "Uint8")).bytes), "0a10");
  });

  it("keeps NaN payloads given as bits exactly, quiet or signalling", () => {
    assert.equal(hex(okValue(parseArrayArg("[0x7fc00001, 0x7f800001, 0xffc00000]", "Float32")).bytes), "0100c07f0100807f0000c0ff");
    assert.equal(
      hex(okValue(parseArrayArg("[0x7ff0000000000001, 0xfff8000000000123]", "Float64")).bytes),
      "010000000000f07f230100000000f8ff",
    );
  });

  it("rounds Float32 elements and notes the count", () => {
    const r = parseArrayArg("[0.1, 2]", "Float32");
    assert.ok(r.ok);
    assert.equal(r.note, "2 Float32 elements, 8 bytes");
    if (r.value.kind !== "array") assert.fail();
    assert.deepEqual(r.value.values, [Math.fround(0.1), 2]);
  });

  it("reads back what it writes, for every kind (property)", () => {
    for (const kind of ELEMENT_KINDS) {
      const codec = ELEMENT_CODECS[kind] as ElementCodec;
      const arb: fc.Arbitrary<ElementValue> =
        kind === "Float32"
          ? fc.float()
          : kind === "Float64"
            ? fc.double()
            : codec.size === 8
              ? fc.bigInt({ min: codec.range?.min ?? 0n, max: codec.range?.max ?? 0n })
              : fc.integer({ min: Number(codec.range?.min ?? 0n), max: Number(codec.range?.max ?? 0n) });
      fc.assert(
        fc.property(fc.array(arb, { maxLength: 8 }), (values) => {
          const text = `[${values.map((v) => (typeof v === "number" && Object.is(v, -0) ? "-0" : String(v))).join(", ")}]`;
          const m = okValue(parseArrayArg(text, kind));
          const back = readElements(kind, m.bytes, 0, values.length);
          back.forEach((v, i) => assert.ok(Object.is(v, values[i]), `${kind}: ${String(v)} vs ${String(values[i])}`));
          assert.equal(elementsProblem(kind, values), undefined);
        }),
      );
    }
  });
});

describe("values: codecs and formatting", () => {
  it("every codec reads at unaligned offsets little-endian", () => {
    const buf = new Uint8Array(16);
    const view = new DataView(buf.buffer);
    ELEMENT_CODECS.Int32.write(view, 3, -2);
    assert.equal(hex(buf.subarray(3, 7)), "feffffff");
    assert.equal(ELEMENT_CODECS.Int32.read(view, 3), -2);
    ELEMENT_CODECS.BigUint64.write(view, 5, 2n ** 64n - 2n);
    assert.equal(ELEMENT_CODECS.BigUint64.read(view, 5), 2n ** 64n - 2n);
  });

  it("elementsProblem refuses values that do not fit, naming the index", () => {
    assert.match(elementsProblem("Uint32", [1, -1]) ?? "", /^element 1 \(-1\) is out of range for Uint32/);
    assert.match(elementsProblem("Int32", [1.5]) ?? "", /^element 0 \(1\.5\) is not a whole number/);
    assert.match(elementsProblem("BigInt64", [1]) ?? "", /BigInt/);
    assert.match(elementsProblem("Uint8", [255, 256]) ?? "", /^element 1 \(256\) is out of range for Uint8 \(0 to 255\)/);
    assert.equal(elementsProblem("BigUint64", [0n, 2n ** 64n - 1n]), undefined);
  });

  it("formats arrays with -0 and a cut-off", () => {
    assert.equal(formatArray("Float32", [-0, Math.fround(0.1), NaN]), "[-0, 0.1, NaN]");
    assert.equal(formatArray("Int8", [1, 2, 3], 2), "[1, 2, … 1 more]");
    assert.equal(formatBytes(Uint8Array.of(0xde, 0xad)), "de ad");
  });
});
