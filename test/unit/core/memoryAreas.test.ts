/** Memory areas: what a module says of its data, stack and heap, and where a call's changed bytes lie. */
import { strict as assert } from "node:assert";
import type { ByteRange } from "../../../src/core/layout";
import {
  describeChanges,
  groupChanges,
  groupRanges,
  maxGroupRanges,
  memoryAreas,
  readMemoryLayout,
  type ChangeGroup,
  type MemoryArea,
  type MemoryLayout,
} from "../../../src/core/memoryAreas";
import { parseModule } from "../../../src/core/wasm/parseModule";
import { fixture } from "../fixtures";

function layoutOf(name: string): MemoryLayout {
  const bytes = fixture(name);
  const parsed = parseModule(bytes);
  assert.ok(parsed.ok);
  return readMemoryLayout(parsed.module);
}

/** Areas as `kind name start–end` (end exclusive, "∞" for the heap), for tables that read at a glance. */
function brief(areas: readonly MemoryArea[]): string[] {
  return areas.map((a) => `${a.kind} ${a.name} ${a.offset}–${a.offset + a.size > 2 ** 40 ? "∞" : a.offset + a.size}`);
}

/** Groups as `kind name: bytes/ranges`. */
function counts(groups: readonly ChangeGroup[]): string[] {
  return groups.map((g) => `${g.kind} ${g.name}: ${g.bytes}/${g.rangeCount}`);
}

describe("memory areas: what the fixture modules say", () => {
  // C fixtures are linked by wasm-ld at --global-base=1024 with the stack above the data; the
  // tagged and strings guests export __data_end and __heap_base, hello does not.
  const table: [string, MemoryLayout, string[]][] = [
    [
      "tagged",
      { segments: [{ index: 0, offset: 1024, size: 83, name: ".rodata" }], stackPointer: 70144, dataEnd: 4600, heapBase: 70144 },
      ["data .rodata 1024–1107", "data .bss 1107–4600", "stack stack 4600–70144", "heap heap 70144–∞"],
    ],
    [
      "strings",
      { segments: [{ index: 0, offset: 1024, size: 25, name: ".rodata" }], stackPointer: 67088, dataEnd: 1552, heapBase: 67088 },
      ["data .rodata 1024–1049", "data .bss 1049–1552", "stack stack 1552–67088", "heap heap 67088–∞"],
    ],
    [
      "hello",
      {
        segments: [
          { index: 0, offset: 1024, size: 2448, name: ".rodata" },
          { index: 1, offset: 3472, size: 236, name: ".data" },
        ],
        stackPointer: 70352,
      },
      ["data .rodata 1024–3472", "data .data 3472–3708", "stack stack 3708–70352"],
    ],
    // A hand-written module: one unnamed segment, no linker globals.
    ["imports", { segments: [{ index: 0, offset: 16, size: 3 }] }, ["data data segment 0 16–19"]],
    // Globals named in the name section that are not the linker's say nothing about memory.
    ["counter", { segments: [] }, []],
    ["no_memory", { segments: [] }, []],
  ];
  for (const [name, layout, areas] of table) {
    it(`${name}: ${areas.length ? areas.join(", ") : "nothing"}`, () => {
      assert.deepEqual(layoutOf(name), layout);
      assert.deepEqual(brief(memoryAreas(layout)), areas);
    });
  }
});

describe("memory areas: layouts the linker can make", () => {
  const table: [string, MemoryLayout, string[]][] = [
    // --stack-first: the stack sits at the bottom, from 0 up to __stack_pointer; the data above it.
    [
      "--stack-first",
      {
        segments: [
          { index: 0, offset: 65536, size: 100, name: ".rodata" },
          { index: 1, offset: 65636, size: 20, name: ".data" },
        ],
        stackPointer: 65536,
        dataEnd: 65700,
        heapBase: 65712,
      },
      ["stack stack 0–65536", "data .rodata 65536–65636", "data .data 65636–65656", "data .bss 65656–65700", "heap heap 65712–∞"],
    ],
    // A named .bss segment (an imported memory makes wasm-ld write it): no inferred one beside it.
    [
      "named .bss",
      {
        segments: [
          { index: 0, offset: 1024, size: 16, name: ".data" },
          { index: 1, offset: 1040, size: 64, name: ".bss" },
        ],
        stackPointer: 70000,
        dataEnd: 1104,
        heapBase: 70000,
      },
      ["data .data 1024–1040", "data .bss 1040–1104", "stack stack 1104–70000", "heap heap 70000–∞"],
    ],
    // Only __heap_base known: the heap, and nothing below it.
    ["heap base only", { segments: [], heapBase: 2048 }, ["heap heap 2048–∞"]],
    // A stack pointer and no data: the stack reaches down to 0.
    ["stack pointer only", { segments: [], stackPointer: 4096 }, ["stack stack 0–4096"]],
    // A heap base below the stack's top (a broken or hand-made layout): the stack keeps its bytes.
    ["heap base inside the stack", { segments: [], stackPointer: 4096, heapBase: 1024 }, ["stack stack 0–4096", "heap heap 4096–∞"]],
    ["nothing", { segments: [] }, []],
  ];
  for (const [name, layout, areas] of table) {
    it(`${name}: ${areas.length ? areas.join(", ") : "nothing"}`, () => assert.deepEqual(brief(memoryAreas(layout)), areas));
  }
});

describe("memory areas: grouping a call's changes", () => {
  const tagged = memoryAreas(layoutOf("tagged"));
  // What test_memory changed on the tagged fixture with the worked example (57 argument bytes at 8).
  const workedExample: ByteRange[] = [
    [9, 4],
    [14, 1],
    [23, 3],
    [27, 3],
    [35, 12],
    [52, 1],
    [56, 1],
    [60, 1],
    [1120, 1],
    [1124, 5],
    [1132, 1],
    [1136, 1],
    [1140, 1],
    [1144, 1],
    [1148, 1],
    [1152, 1],
    [1156, 1],
    [1160, 1],
    [1164, 1],
    [1168, 1],
    [1172, 1],
    [1176, 1],
    [3568, 1],
    [3576, 1],
    [3584, 1],
    [3589, 2],
    [3594, 2],
    [3599, 9],
    [3611, 1],
    [3615, 1],
    [3619, 1],
    [3623, 2],
    [3628, 1],
    [3632, 1],
    [3636, 1],
    [3640, 1],
  ].map(([offset, size]) => ({ offset: offset!, size: size! }));
  const args = [{ offset: 8, size: 57 }];

  const table: [string, ByteRange[], ByteRange[], readonly MemoryArea[], string[]][] = [
    ["the worked example on the tagged guest", workedExample, args, tagged, ["arguments arguments/results: 26/8", "data .bss: 43/28"]],
    [
      "the same changes when the module says nothing",
      workedExample,
      args,
      [],
      ["arguments arguments/results: 26/8", "unknown unknown: 43/28"],
    ],
    [
      "a plain call's changes, no arguments",
      [
        { offset: 5000, size: 40 },
        { offset: 1030, size: 2 },
      ].reverse(),
      [],
      tagged,
      ["stack stack: 40/1", "data .rodata: 2/1"],
    ],
    // A range across the end of the arguments, across .rodata into .bss, and across the stack's top into the heap.
    [
      "ranges cut at every edge",
      [
        { offset: 60, size: 10 },
        { offset: 1100, size: 10 },
        { offset: 70140, size: 8 },
      ],
      args,
      tagged,
      [
        "arguments arguments/results: 5/1",
        "stack stack: 4/1",
        "data .rodata: 7/1",
        "data .bss: 3/1",
        "heap heap: 4/1",
        "unknown unknown: 5/1",
      ],
    ],
    [
      "allocations in the heap are arguments; the allocator's bookkeeping around them is heap",
      [{ offset: 70200, size: 20 }],
      [{ offset: 70208, size: 8 }],
      tagged,
      ["arguments arguments/results: 8/1", "heap heap: 12/2"],
    ],
    [
      "overlapping argument spans count each byte once",
      [{ offset: 8, size: 16 }],
      [
        { offset: 8, size: 8 },
        { offset: 12, size: 8 },
        { offset: 20, size: 0 },
      ],
      [],
      ["arguments arguments/results: 12/1", "unknown unknown: 4/1"],
    ],
    ["no changes", [], args, tagged, []],
  ];
  for (const [name, changed, spans, areas, expected] of table) {
    it(name, () => {
      const groups = groupChanges(
        changed.sort((a, b) => a.offset - b.offset),
        spans,
        areas,
      );
      assert.deepEqual(counts(groups), expected);
      // Every changed byte lands in exactly one group.
      assert.equal(
        groups.reduce((n, g) => n + g.bytes, 0),
        changed.reduce((n, r) => n + r.size, 0),
      );
    });
  }

  it("lists the first ranges of a group and counts the rest", () => {
    const changed = Array.from({ length: 30 }, (_, i) => ({ offset: 5000 + 2 * i, size: 1 }));
    const [stack] = groupChanges(changed, [], tagged);
    assert.equal(stack?.rangeCount, 30);
    assert.equal(stack && groupRanges(stack).length, maxGroupRanges);
    assert.deepEqual(stack && groupRanges(stack)[1], { offset: 5002, size: 1 });
  });
});

describe("memory areas: the sentence a teacher reads", () => {
  const group = (kind: ChangeGroup["kind"], name: string, bytes: number): ChangeGroup => ({ kind, name, bytes, rangeCount: 1, ranges: [] });
  const table: [ChangeGroup[], boolean, string][] = [
    [
      [group("arguments", "arguments/results", 12), group("stack", "stack", 40), group("data", ".data", 17)],
      true,
      "The export changed 12 bytes in the arguments/results; elsewhere: 40 bytes of stack, 17 bytes in .data.",
    ],
    [[group("arguments", "arguments/results", 1)], true, "The export changed 1 byte in the arguments/results, and nothing elsewhere."],
    [
      [group("heap", "heap", 8), group("unknown", "unknown", 2)],
      true,
      "The export changed nothing in the arguments/results; elsewhere: 8 bytes in the heap, 2 bytes in memory the module does not describe.",
    ],
    [[], true, "The export changed nothing in the arguments/results, and nothing elsewhere."],
    [
      [group("stack", "stack", 4), group("data", "data segment 1", 1)],
      false,
      "The export changed 5 bytes: 4 bytes of stack, 1 byte in data segment 1.",
    ],
    [[], false, "The export changed no bytes."],
  ];
  for (const [groups, hasArguments, sentence] of table) {
    it(sentence, () => assert.equal(describeChanges(groups, hasArguments), sentence));
  }
});
