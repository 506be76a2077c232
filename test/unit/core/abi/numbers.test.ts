/** Scalar arguments: what each numeric type accepts at its edges, the reasons it gives, and how values are shown. */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { formatValue, isNumericType, parseScalar, type NumericType, type WasmValue } from "../../../../src/core/abi/numbers";

/** Reads text that must parse, returning the value and its note. */
function ok(type: NumericType, text: string): { value: WasmValue; note: string } {
  const r = parseScalar(type, text);
  if (!r.ok) assert.fail(`expected ${type} ${JSON.stringify(text)} to parse, got: ${r.reason}`);
  return { value: r.value, note: r.note };
}

/** Reads text that must be refused, returning the reason. */
function refused(type: NumericType, text: string): string {
  const r = parseScalar(type, text);
  if (r.ok) assert.fail(`expected ${type} ${JSON.stringify(text)} to be refused, got ${String(r.value.value)}`);
  return r.reason;
}

/** The exact decimal text of a dyadic rational n / 2^k. */
function dyadicDecimal(n: bigint, k: number): string {
  const scaled = (n * 5n ** BigInt(k)).toString().padStart(k + 1, "0");
  return `${scaled.slice(0, -k)}.${scaled.slice(-k)}`;
}

describe("numbers: parseScalar", () => {
  describe("i32", () => {
    const accepted: [string, number][] = [
      ["0", 0],
      ["42", 42],
      ["-1", -1],
      ["+7", 7],
      ["2147483647", 2147483647],
      ["-2147483648", -2147483648],
      ["2147483648", -2147483648],
      ["4294967295", -1],
      ["0xffffffff", -1],
      ["0XFFFFFFFF", -1],
      ["0x7fffffff", 2147483647],
      ["0x80000000", -2147483648],
      ["-0x80000000", -2147483648],
      ["-0x1", -1],
      ["0x0", 0],
      ["1_000_000", 1000000],
      ["0xffff_ffff", -1],
      ["  12  ", 12],
      ["\t-3\n", -3],
      ["007", 7],
      ["\u22125", -5],
    ];
    for (const [text, want] of accepted) {
      it(`reads ${JSON.stringify(text)} as ${want}`, () => {
        const { value } = ok("i32", text);
        assert.deepEqual(value, { type: "i32", value: want });
      });
    }

    const rejected: [string, RegExp][] = [
      ["", /enter a whole number for i32/],
      ["   ", /enter a whole number for i32/],
      ["4294967296", /^4294967296 is out of range for i32 \(−2147483648 to 4294967295\)$/],
      ["-2147483649", /out of range for i32/],
      ["0x100000000", /out of range for i32/],
      ["-0x80000001", /out of range for i32/],
      ["1.5", /not a whole number/],
      ["1.", /not a whole number/],
      ["1e3", /exponent/],
      ["12abc", /unexpected "a" at position 3/],
      ["abc", /not a number/],
      ["0x", /needs hex digits/],
      ["0xg1", /not a number/],
      ["_1", /_ may only stand between two digits/],
      ["1_", /_ may only stand between two digits/],
      ["1__0", /_ may only stand between two digits/],
      ["--1", /not a number/],
      ["1 2", /not a number/],
      ["0b101", /binary and octal/],
      ["NaN", /not a number/],
    ];
    for (const [text, reason] of rejected) {
      it(`refuses ${JSON.stringify(text)} with a reason`, () => {
        assert.match(refused("i32", text), reason);
      });
    }

    it("says how a wrapped value will be passed", () => {
      assert.equal(ok("i32", "-1").note, "passed as i32 −1 (unsigned 4294967295, 0xffffffff)");
      assert.equal(ok("i32", "4294967295").note, "passed as i32 −1 (unsigned 4294967295, 0xffffffff)");
      assert.equal(ok("i32", "5").note, "passed as i32 5 (0x00000005)");
    });

    it("reads every int32 and uint32 back from its formatted forms", () => {
      fc.assert(
        fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), (n) => {
          const signed = n | 0;
          const f = formatValue({ type: "i32", value: signed });
          for (const text of [String(n), f.decimal, f.unsigned ?? "", f.hex ?? ""]) {
            assert.deepEqual(ok("i32", text).value, { type: "i32", value: signed });
          }
        }),
      );
    });
  });

  describe("i64", () => {
    const accepted: [string, bigint][] = [
      ["0", 0n],
      ["-1", -1n],
      ["9223372036854775807", 9223372036854775807n],
      ["-9223372036854775808", -9223372036854775808n],
      ["9223372036854775808", -9223372036854775808n],
      ["18446744073709551615", -1n],
      ["0xffffffffffffffff", -1n],
      ["0x7fffffffffffffff", 9223372036854775807n],
      ["-0x8000000000000000", -9223372036854775808n],
      ["9007199254740993", 9007199254740993n],
      ["1_0000_0000_0000_0001", 10000000000000001n],
    ];
    for (const [text, want] of accepted) {
      it(`reads ${JSON.stringify(text)} exactly as ${want}`, () => {
        assert.deepEqual(ok("i64", text).value, { type: "i64", value: want });
      });
    }

    const rejected: [string, RegExp][] = [
      ["18446744073709551616", /out of range for i64 \(−9223372036854775808 to 18446744073709551615\)/],
      ["-9223372036854775809", /out of range for i64/],
      ["0x10000000000000000", /out of range for i64/],
      ["-0x8000000000000001", /out of range for i64/],
      ["1.0", /not a whole number/],
      ["2e10", /exponent/],
      ["", /enter a whole number for i64/],
      ["99bottles", /unexpected "b"/],
    ];
    for (const [text, reason] of rejected) {
      it(`refuses ${JSON.stringify(text)}`, () => assert.match(refused("i64", text), reason));
    }

    it("notes unsigned values that wrap", () => {
      assert.equal(ok("i64", "18446744073709551615").note, "passed as i64 −1 (unsigned 18446744073709551615, 0xffffffffffffffff)");
    });

    it("round-trips every 64-bit value through its formatted forms", () => {
      fc.assert(
        fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }), (n) => {
          const signed = BigInt.asIntN(64, n);
          const f = formatValue({ type: "i64", value: signed });
          for (const text of [n.toString(), f.decimal, f.unsigned ?? "", f.hex ?? ""]) {
            assert.deepEqual(ok("i64", text).value, { type: "i64", value: signed });
          }
        }),
      );
    });
  });

  describe("f32", () => {
    const accepted: [string, number][] = [
      ["0", 0],
      ["1.5", 1.5],
      ["-2.25", -2.25],
      ["6.02e23", Math.fround(6.02e23)],
      ["1E-3", Math.fround(0.001)],
      [".5", 0.5],
      ["1.", 1],
      ["1_000.5", 1000.5],
      ["NaN", NaN],
      ["nan", NaN],
      ["+NaN", NaN],
      ["Infinity", Infinity],
      ["+Infinity", Infinity],
      ["-Infinity", -Infinity],
      ["-inf", -Infinity],
      ["3.4028234663852886e38", 3.4028234663852886e38],
      ["-3.4028235e38", -3.4028234663852886e38],
      ["1.401298464324817e-45", 2 ** -149],
      ["1e-46", 0],
      ["0x3f800000", 1],
      ["0xbf800000", -1],
      ["0x7f800000", Infinity],
      ["0x00000001", 2 ** -149],
      [" 0.25 ", 0.25],
    ];
    for (const [text, want] of accepted) {
      it(`reads ${JSON.stringify(text)} as ${want}`, () => {
        const { value } = ok("f32", text);
        assert.equal(value.type, "f32");
        assert.ok(Object.is(value.value, want), `got ${String(value.value)}`);
      });
    }

    it("keeps the sign of -0", () => {
      assert.ok(Object.is(ok("f32", "-0").value.value, -0));
      assert.ok(Object.is(ok("f32", "-0.0e5").value.value, -0));
      assert.ok(Object.is(ok("f32", "0x80000000").value.value, -0));
    });

    it("notes the rounded value that will be passed", () => {
      const { value, note } = ok("f32", "0.1");
      assert.equal(value.value, Math.fround(0.1));
      assert.equal(note, "passed as f32 0.10000000149011612 (rounded from 0.1)");
      assert.equal(ok("f32", "0.5").note, "passed as f32 0.5");
      assert.match(ok("f32", "1e-50").note, /underflows to zero/);
    });

    it("rounds once from the exact decimal, not through f64 first", () => {
      // 1 + 2^-24 is the midpoint between 1 and the next f32; a hair above it must round up even
      // though f64 rounds the hair away and f32 ties-to-even would then round down.
      const above = dyadicDecimal(2n ** 60n + 2n ** 36n + 1n, 60);
      const below = dyadicDecimal(2n ** 60n + 2n ** 36n - 1n, 60);
      const exact = dyadicDecimal(2n ** 24n + 1n, 24);
      assert.equal(Math.fround(Number(above)), 1, "the naive route rounds down");
      assert.equal(ok("f32", above).value.value, 1 + 2 ** -23);
      assert.equal(ok("f32", below).value.value, 1);
      assert.equal(ok("f32", exact).value.value, 1);
    });

    it("refuses a finite number that overflows f32, and one that does not quite", () => {
      assert.match(refused("f32", "1e39"), /too large for f32.*Infinity/);
      assert.match(refused("f32", "-3.5e38"), /too large for f32/);
      // The midpoint between the largest f32 and 2^128 rounds to infinity (ties to even).
      assert.match(refused("f32", (2n ** 128n - 2n ** 103n).toString()), /too large/);
      const justBelow = dyadicDecimal((2n ** 128n - 2n ** 103n) * 2n ** 80n - 1n, 80);
      assert.equal(ok("f32", justBelow).value.value, 3.4028234663852886e38);
    });

    const rejected: [string, RegExp][] = [
      ["", /enter a number for f32/],
      ["abc", /not a number.*unexpected "a" at position 1/],
      ["1.5.5", /not a number/],
      ["1e", /not a number/],
      ["e5", /not a number/],
      ["-NaN", /NaN's sign/],
      ["0x3f80", /exactly 8 hex digits/],
      ["0x3f8000000", /exactly 8 hex digits/],
      ["-0x3f800000", /no sign/],
      ["1__0", /not a number/],
    ];
    for (const [text, reason] of rejected) {
      it(`refuses ${JSON.stringify(text)}`, () => assert.match(refused("f32", text), reason));
    }

    it("shows NaN payloads given as bits", () => {
      const { value, note } = ok("f32", "0x7fc00001");
      assert.ok(Number.isNaN(value.value));
      assert.match(note, /bits 0x7fc00001/);
      assert.equal(formatValue(value).bits, "0x7fc00001");
    });

    it("round-trips every f32 through its shortest decimal and its bits", () => {
      fc.assert(
        fc.property(fc.float({ noNaN: true }), (x) => {
          const f = formatValue({ type: "f32", value: x });
          assert.ok(Object.is(ok("f32", f.decimal).value.value, x), `${f.decimal} for ${x}`);
          assert.ok(Object.is(ok("f32", f.bits ?? "").value.value, x));
        }),
      );
    });
  });

  describe("f64", () => {
    const accepted: [string, number][] = [
      ["0.1", 0.1],
      ["-1e308", -1e308],
      ["1.7976931348623157e308", Number.MAX_VALUE],
      ["5e-324", 5e-324],
      ["1e-400", 0],
      ["NaN", NaN],
      ["Infinity", Infinity],
      ["-Infinity", -Infinity],
      ["0x3ff0000000000000", 1],
      ["0x7ff8000000000000", NaN],
      ["9007199254740993", 9007199254740992],
    ];
    for (const [text, want] of accepted) {
      it(`reads ${JSON.stringify(text)} as ${want}`, () => {
        assert.ok(Object.is(ok("f64", text).value.value, want));
      });
    }

    it("keeps -0 and says nothing about rounding for plain decimals", () => {
      assert.ok(Object.is(ok("f64", "-0").value.value, -0));
      assert.equal(ok("f64", "-0").note, "passed as f64 −0");
      assert.equal(ok("f64", "0.1").note, "passed as f64 0.1");
      assert.equal(ok("f64", "0.30000000000000000001").note, "passed as f64 0.3 (rounded from 0.30000000000000000001)");
    });

    it("refuses finite numbers beyond f64, and malformed bits", () => {
      assert.match(refused("f64", "1e309"), /too large for f64/);
      assert.match(refused("f64", "0x3ff00000"), /exactly 16 hex digits/);
    });

    it("round-trips every f64 through formatValue", () => {
      fc.assert(
        fc.property(fc.double({ noNaN: true }), (x) => {
          const f = formatValue({ type: "f64", value: x });
          assert.ok(Object.is(ok("f64", f.decimal).value.value, x));
          assert.ok(Object.is(ok("f64", f.bits ?? "").value.value, x));
        }),
      );
    });
  });
});

describe("numbers: formatValue", () => {
  const table: [WasmValue, { decimal: string; unsigned?: string; hex?: string; bits?: string }][] = [
    [
      { type: "i32", value: -1 },
      { decimal: "-1", unsigned: "4294967295", hex: "0xffffffff" },
    ],
    [
      { type: "i32", value: 255 },
      { decimal: "255", unsigned: "255", hex: "0x000000ff" },
    ],
    [
      { type: "i32", value: -2147483648 },
      { decimal: "-2147483648", unsigned: "2147483648", hex: "0x80000000" },
    ],
    [
      { type: "i64", value: -1n },
      { decimal: "-1", unsigned: "18446744073709551615", hex: "0xffffffffffffffff" },
    ],
    [
      { type: "i64", value: 16n },
      { decimal: "16", unsigned: "16", hex: "0x0000000000000010" },
    ],
    [
      { type: "f32", value: Math.fround(0.1) },
      { decimal: "0.1", bits: "0x3dcccccd" },
    ],
    [
      { type: "f32", value: -0 },
      { decimal: "-0", bits: "0x80000000" },
    ],
    [
      { type: "f32", value: NaN },
      { decimal: "NaN", bits: "0x7fc00000" },
    ],
    [
      { type: "f32", value: -Infinity },
      { decimal: "-Infinity", bits: "0xff800000" },
    ],
    [
      { type: "f32", value: 2 ** -149 },
      { decimal: "1e-45", bits: "0x00000001" },
    ],
    [
      { type: "f64", value: 0.1 },
      { decimal: "0.1", bits: "0x3fb999999999999a" },
    ],
    [
      { type: "f64", value: -0 },
      { decimal: "-0", bits: "0x8000000000000000" },
    ],
    [
      { type: "f64", value: NaN },
      { decimal: "NaN", bits: "0x7ff8000000000000" },
    ],
    [
      { type: "f64", value: 5e-324 },
      { decimal: "5e-324", bits: "0x0000000000000001" },
    ],
  ];
  for (const [value, want] of table) {
    it(`shows ${value.type} ${String(value.value)}`, () => assert.deepEqual(formatValue(value), want));
  }
});

describe("numbers: isNumericType", () => {
  it("accepts the four number types only", () => {
    assert.deepEqual(["i32", "i64", "f32", "f64", "v128", "funcref", "externref", "I32", ""].map(isNumericType), [
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
