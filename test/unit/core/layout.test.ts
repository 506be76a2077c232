/** The memory map: narration, Markdown, byte diffs, and warnings about where regions land. */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
  checkFits,
  diffBytes,
  findOverlaps,
  formatOffset,
  narrate,
  renderMarkdown,
  type ByteRange,
  type Region,
} from "../../../src/core/layout";

/** The obvious byte-by-byte diff, as the reference for the fast one. */
function naiveDiff(before: Uint8Array, after: Uint8Array, base: number): ByteRange[] {
  const out: ByteRange[] = [];
  const n = Math.max(before.length, after.length);
  for (let i = 0; i < n; i++) {
    if ((before[i] ?? 0) === (after[i] ?? 0)) continue;
    const last = out[out.length - 1];
    if (last !== undefined && last.offset + last.size === base + i) last.size++;
    else out.push({ offset: base + i, size: 1 });
  }
  return out;
}

describe("layout: narrate", () => {
  const table: [Region, string][] = [
    [{ offset: 8, size: 1, kind: "tag", label: "a string", value: "0x03" }, "0x0008: tag 0x03 — a string follows"],
    [{ offset: 9, size: 4, kind: "length", label: "length of argument 0", value: "7 bytes" }, "0x0009: its length, 7 bytes"],
    [{ offset: 13, size: 7, kind: "payload", label: "UTF-8", value: '"passing"' }, '0x000d: "passing" (7 bytes of UTF-8)'],
    [
      { offset: 64, size: 1, kind: "terminator", label: "end of the argument list", value: "0xFF" },
      "0x0040: 0xFF — end of the argument list",
    ],
    [{ offset: 20, size: 1, kind: "padding", label: "to a 4-byte multiple" }, "0x0014: 1 byte of padding (to a 4-byte multiple)"],
    [{ offset: 0x100, size: 4, kind: "pointer", label: "next", value: "0x0200" }, "0x0100: next, a pointer to 0x0200"],
    [{ offset: 0x107, size: 1, kind: "nul", label: "end of the C string" }, "0x0107: NUL — end of the C string"],
    [{ offset: 0x11000, size: 8, kind: "allocation", label: 'argument 0 "s"' }, '0x11000: argument 0 "s" (8 bytes allocated)'],
    [{ offset: 16, size: 4, kind: "result", label: "result 0", value: "42" }, "0x0010: result 0: 42"],
    [{ offset: 16, size: 4, kind: "payload", label: "i32" }, "0x0010: 4 bytes of i32"],
  ];
  for (const [region, sentence] of table) {
    it(`says "${sentence}"`, () => assert.deepEqual(narrate([region]), [sentence]));
  }

  it("pads addresses to four hex digits and widens beyond", () => {
    assert.deepEqual([0, 0xabc, 0x12345].map(formatOffset), ["0x0000", "0x0abc", "0x12345"]);
  });
});

describe("layout: renderMarkdown", () => {
  const regions: Region[] = [
    { offset: 8, size: 1, kind: "tag", label: "a string", value: "0x03" },
    { offset: 9, size: 20, kind: "payload", label: "UTF-8", value: '"a|b"' },
  ];

  it("renders a table with the bytes, cutting long regions and escaping pipes", () => {
    const memory = new Uint8Array(32).map((_, i) => i);
    const md = renderMarkdown(regions, { bytes: memory, baseOffset: 0 }, { maxBytesShown: 4 });
    assert.equal(
      md,
      [
        "| Offset | Bytes | Kind | Meaning |",
        "| ---: | --- | --- | --- |",
        "| `0x0008` | `08` | tag | tag 0x03 — a string follows |",
        '| `0x0009` | `09 0a 0b 0c …` | payload | "a\\|b" (20 bytes of UTF-8) |',
        "",
      ].join("\n"),
    );
  });

  it("leaves out the bytes column without memory, and marks bytes outside a window", () => {
    assert.match(renderMarkdown(regions), /^\| Offset \| Kind \| Meaning \|/);
    assert.match(
      renderMarkdown(regions, { bytes: new Uint8Array(2), baseOffset: 8 }),
      /`00 \?\? \?\? \?\? \?\? \?\? \?\? \?\? \?\? \?\? \?\? \?\? \?\? \?\? \?\? \?\? …`/,
    );
  });
});

describe("layout: diffBytes", () => {
  it("finds nothing when nothing changed", () => {
    assert.deepEqual(diffBytes(new Uint8Array(100), new Uint8Array(100)), []);
    assert.deepEqual(diffBytes(new Uint8Array(0), new Uint8Array(0)), []);
  });

  it("finds a whole change as one range", () => {
    assert.deepEqual(diffBytes(new Uint8Array(37), new Uint8Array(37).fill(1), 0x100), [{ offset: 0x100, size: 37 }]);
  });

  it("finds a change at the very last byte and the very first", () => {
    const before = new Uint8Array(33);
    const after = before.slice();
    after[32] = 1;
    after[0] = 1;
    assert.deepEqual(diffBytes(before, after), [
      { offset: 0, size: 1 },
      { offset: 32, size: 1 },
    ]);
  });

  it("finds single bytes inside a word, and runs across word edges", () => {
    const before = new Uint8Array(16);
    const after = before.slice();
    after[6] = 9;
    after[11] = 1;
    after[12] = 1;
    assert.deepEqual(diffBytes(before, after, 8), [
      { offset: 14, size: 1 },
      { offset: 19, size: 2 },
    ]);
  });

  it("handles views that start at unaligned and differently aligned offsets", () => {
    const a = new Uint8Array(64);
    const b = new Uint8Array(64);
    b[20] = 7;
    b[21] = 7;
    assert.deepEqual(diffBytes(a.subarray(3, 40), b.subarray(3, 40), 3), [{ offset: 20, size: 2 }]);
    assert.deepEqual(diffBytes(a.subarray(1, 40), b.subarray(2, 41), 0), [{ offset: 18, size: 2 }]);
  });

  it("compares grown memory with zeros", () => {
    const before = Uint8Array.of(1, 2);
    const after = Uint8Array.of(1, 2, 0, 0, 5, 0, 0, 0, 0, 0);
    assert.deepEqual(diffBytes(before, after), [{ offset: 4, size: 1 }]);
    assert.deepEqual(diffBytes(after, before), [{ offset: 4, size: 1 }]);
  });

  it("merges ranges a small gap apart when asked", () => {
    const before = new Uint8Array(16);
    const after = before.slice();
    after[1] = 1;
    after[4] = 1;
    after[12] = 1;
    assert.deepEqual(diffBytes(before, after, 0, { mergeGap: 2 }), [
      { offset: 1, size: 4 },
      { offset: 12, size: 1 },
    ]);
  });

  it("covers scattered changes with at most maxRanges ranges", () => {
    const before = new Uint8Array(64);
    const after = before.slice();
    for (let i = 0; i < 64; i += 4) after[i] = 1;
    assert.equal(diffBytes(before, after).length, 16);
    assert.deepEqual(diffBytes(before, after, 0, { maxRanges: 3 }), [
      { offset: 0, size: 1 },
      { offset: 4, size: 1 },
      { offset: 8, size: 53 },
    ]);
  });

  it("agrees with a byte-by-byte diff on random snapshots and alignments (property)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 80 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 12 }),
        fc.nat(7),
        fc.nat(7),
        fc.nat(20),
        (data, edits, shiftA, shiftB, grow) => {
          const before = new Uint8Array(data.length + shiftA);
          before.set(data, shiftA);
          const after = new Uint8Array(data.length + shiftB + grow);
          after.set(data, shiftB);
          const afterView = after.subarray(shiftB);
          for (const [at, delta] of edits) {
            if (afterView.length > 0) {
              const i = at % afterView.length;
              afterView[i] = ((afterView[i] ?? 0) + delta) & 0xff;
            }
          }
          const beforeView = before.subarray(shiftA);
          assert.deepEqual(diffBytes(beforeView, afterView, 0x40), naiveDiff(beforeView, afterView, 0x40));
        },
      ),
    );
  });

  // Speed is the change-detection benchmark's business (bench/); these check the scan at scale.
  it("finds a few changes in 64 MiB, at both ends", function () {
    this.timeout(20_000);
    const size = 64 * 1024 * 1024;
    const before = new Uint8Array(size);
    const after = new Uint8Array(size);
    after[12345] = 1;
    after[size - 1] = 1;
    const ranges = diffBytes(before, after);
    assert.deepEqual(ranges, [
      { offset: 12345, size: 1 },
      { offset: size - 1, size: 1 },
    ]);
  });

  it("reports 16 MiB where every byte changed as one range", function () {
    this.timeout(20_000);
    const size = 16 * 1024 * 1024;
    const ranges = diffBytes(new Uint8Array(size), new Uint8Array(size).fill(0xff));
    assert.deepEqual(ranges, [{ offset: 0, size }]);
  });
});

describe("layout: checkFits", () => {
  it("accepts a region that ends exactly at the end of memory", () => {
    assert.deepEqual(checkFits(65536 - 57, 57, 65536), []);
  });

  it("refuses a region that runs past the end", () => {
    const [w] = checkFits(65500, 57, 65536);
    assert.equal(w?.severity, "error");
    assert.equal(w?.message, "57 bytes at 0xffdc run past the end of memory at 0x10000 (65536 bytes)");
  });

  it("refuses bad offsets and sizes, and warns about address 0", () => {
    assert.equal(checkFits(-1, 4, 100)[0]?.severity, "error");
    assert.equal(checkFits(1.5, 4, 100)[0]?.severity, "error");
    assert.equal(checkFits(4, -4, 100)[0]?.severity, "error");
    assert.deepEqual(
      checkFits(0, 4, 100).map((w) => w.severity),
      ["warning"],
    );
  });
});

describe("layout: findOverlaps", () => {
  const tagged: Region[] = [
    { offset: 8, size: 1, kind: "tag", label: "a string", value: "0x03" },
    { offset: 9, size: 4, kind: "length", label: "length", value: "2000 bytes" },
    { offset: 13, size: 2000, kind: "payload", label: "UTF-8" },
  ];

  it("warns when a region overwrites a data segment, once per segment", () => {
    const w = findOverlaps(tagged, { dataSegments: [{ isActive: true, memoryIndex: 0, offset: 1024, size: 100 }] });
    assert.equal(w.length, 1);
    assert.equal(
      w[0]?.message,
      "100 bytes at 0x0400 overwrite data segment 0 (0x0400–0x0463), the module's static data such as string constants",
    );
    assert.deepEqual([w[0]?.offset, w[0]?.size], [1024, 100]);
  });

  it("ignores passive segments and segments without a constant offset", () => {
    assert.deepEqual(
      findOverlaps(tagged, {
        dataSegments: [
          { isActive: false, memoryIndex: 0, size: 100 },
          { isActive: true, memoryIndex: 0, size: 100 },
        ],
      }),
      [],
    );
  });

  it("places the stack above the data (default layout), so a region at 8 is clear of it", () => {
    const w = findOverlaps(tagged.slice(0, 1), {
      dataSegments: [{ isActive: true, memoryIndex: 0, offset: 1024, size: 512 }],
      stackPointer: 67072,
    });
    assert.deepEqual(w, []);
  });

  it("places the stack at the bottom with --stack-first, so a region at 8 is within its reach", () => {
    const w = findOverlaps(tagged.slice(0, 1), {
      dataSegments: [{ isActive: true, memoryIndex: 0, offset: 65536, size: 512 }],
      stackPointer: 65536,
    });
    assert.equal(w.length, 1);
    assert.match(w[0]?.message ?? "", /lie within the stack, which grows down from 0x10000/);
  });

  it("warns about regions below __heap_base not already explained", () => {
    const w = findOverlaps(tagged.slice(0, 2), { dataSegments: [], heapBase: 66560 });
    assert.equal(w.length, 1);
    assert.match(w[0]?.message ?? "", /^5 bytes at 0x0008 lie below __heap_base \(0x10400\)/);
    assert.deepEqual(findOverlaps([{ offset: 70000, size: 4, kind: "allocation", label: "a" }], { dataSegments: [], heapBase: 66560 }), []);
  });

  it("reports allocations that overlap each other as an error", () => {
    const w = findOverlaps(
      [
        { offset: 0x2000, size: 16, kind: "allocation", label: 'argument 0 "s"' },
        { offset: 0x2008, size: 16, kind: "allocation", label: 'argument 1 "t"' },
        { offset: 0x3000, size: 16, kind: "allocation", label: 'argument 2 "u"' },
      ],
      { dataSegments: [] },
    );
    assert.deepEqual(w, [
      {
        severity: "error",
        message:
          'the allocations for argument 0 "s" and argument 1 "t" overlap by 8 bytes at 0x2008: the allocator handed out the same memory twice',
        offset: 0x2008,
        size: 8,
      },
    ]);
  });
});
