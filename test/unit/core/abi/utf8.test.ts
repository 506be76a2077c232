/** Strict UTF-8 encoding and lossy decoding, checked against the platform decoder. */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { decodeUtf8Lossy, encodeUtf8, utf8Length } from "../../../../src/core/abi/utf8";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

describe("utf8: encodeUtf8", () => {
  const table: [string, string][] = [
    ["", ""],
    ["A", "41"],
    ["é", "c3a9"],
    ["€", "e282ac"],
    ["\uffff", "efbfbf"],
    ["😀", "f09f9880"],
    ["\u{10ffff}", "f48fbfbf"],
    ["\0", "00"],
    ["a😀b", "61f09f988062"],
  ];
  for (const [text, want] of table) {
    it(`encodes ${JSON.stringify(text)} as ${want || "nothing"}`, () => {
      const r = encodeUtf8(text);
      assert.ok(r.ok);
      assert.equal(hex(r.bytes), want);
    });
  }

  const lone: [string, number][] = [
    ["\ud800", 0],
    ["a\udc00", 1],
    ["ab\ud83d", 2],
    ["\ud83d\ud83d\ude00", 0],
    ["😀\ude00", 2],
  ];
  for (const [text, index] of lone) {
    it(`refuses the lone surrogate in ${JSON.stringify(text)} and names index ${index}`, () => {
      const r = encodeUtf8(text);
      assert.ok(!r.ok);
      assert.equal(r.index, index);
      assert.match(r.reason, new RegExp(`lone surrogate U\\+D[0-9A-F]{3} at index ${index}`));
      assert.equal(utf8Length(text), undefined);
    });
  }

  it("agrees with Node's encoder on every well-formed string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const r = encodeUtf8(s);
        assert.ok(r.ok);
        assert.equal(hex(r.bytes), Buffer.from(s, "utf8").toString("hex"));
      }),
    );
  });
});

describe("utf8: decodeUtf8Lossy", () => {
  const table: [string, string, [number, number][]][] = [
    ["", "", []],
    ["68656c6c6f", "hello", []],
    ["f09f9880", "😀", []],
    ["ff", "\ufffd", [[0, 1]]],
    [
      "c080",
      "\ufffd\ufffd",
      [
        [0, 1],
        [1, 1],
      ],
    ],
    ["e282", "\ufffd", [[0, 2]]],
    ["e28241", "\ufffdA", [[0, 2]]],
    [
      "eda080",
      "\ufffd\ufffd\ufffd",
      [
        [0, 1],
        [1, 1],
        [2, 1],
      ],
    ],
    [
      "f4908080",
      "\ufffd\ufffd\ufffd\ufffd",
      [
        [0, 1],
        [1, 1],
        [2, 1],
        [3, 1],
      ],
    ],
    [
      "e08080",
      "\ufffd\ufffd\ufffd",
      [
        [0, 1],
        [1, 1],
        [2, 1],
      ],
    ],
    ["41f09f98", "A\ufffd", [[1, 3]]],
    ["80", "\ufffd", [[0, 1]]],
  ];
  for (const [bytes, text, ranges] of table) {
    it(`decodes ${bytes || "no bytes"} as ${JSON.stringify(text)}`, () => {
      const r = decodeUtf8Lossy(Buffer.from(bytes, "hex"));
      assert.equal(r.text, text);
      assert.deepEqual(
        r.invalid.map((x) => [x.offset, x.size]),
        ranges,
      );
    });
  }

  it("reports invalid ranges as addresses when given a window and a base offset", () => {
    const memory = Buffer.from("0041ff42c3", "hex");
    const r = decodeUtf8Lossy(memory, 1, 5, 0x1000);
    assert.equal(r.text, "A\ufffdB\ufffd");
    assert.deepEqual(r.invalid, [
      { offset: 0x1002, size: 1 },
      { offset: 0x1004, size: 1 },
    ]);
  });

  it("matches TextDecoder on arbitrary bytes, and its ranges tile the replaced bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const r = decodeUtf8Lossy(bytes);
        assert.equal(r.text, new TextDecoder().decode(bytes));
        let last = 0;
        for (const range of r.invalid) {
          assert.ok(range.offset >= last && range.size >= 1 && range.offset + range.size <= bytes.length);
          assert.equal(new TextDecoder().decode(bytes.subarray(range.offset, range.offset + range.size)), "\ufffd");
          last = range.offset + range.size;
        }
      }),
    );
  });

  it("decodes long text without hitting argument limits", () => {
    const long = "ab😀".repeat(50_000);
    assert.equal(decodeUtf8Lossy(Buffer.from(long, "utf8")).text, long);
  });
});
