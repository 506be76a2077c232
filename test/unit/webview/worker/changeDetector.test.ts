/**
 * Full-memory change detection under Node: the detector against `diffBytes` on random memories,
 * and watched calls on a small WAT guest (built here with wabt) through the reactor. Node 20 has
 * no multi-memory, so the JavaScript search runs here; test/webview/changeDetection.test.ts runs
 * the wasm kernel in Chromium against the same expectations.
 */
import assert from "node:assert/strict";
import createWabt from "wabt";
import { DEFAULT_TAGGED_OPTIONS } from "../../../../src/core/abi/tagged";
import { diffBytes, type ByteRange } from "../../../../src/core/layout";
import type { CallOutcome, ConventionCall } from "../../../../src/core/protocol";
import { ChangeDetector } from "../../../../webview/worker/changeDetector";
import { Reactor } from "../../../../webview/worker/reactor";

const pageBytes = 65536;

/** A deterministic byte source (xorshift32), so that a failure replays. */
function randomBytes(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x & 0xff;
  };
}

interface Mutation {
  name: string;
  /** Changes live memory; may grow it. */
  apply(memory: WebAssembly.Memory, random: () => number): void;
  maxRanges?: number;
}

const set = (memory: WebAssembly.Memory, offset: number, value: number) => {
  new Uint8Array(memory.buffer)[offset] = value;
};
const flip = (memory: WebAssembly.Memory, offset: number) => {
  new Uint8Array(memory.buffer)[offset]! ^= 0xff;
};

const mutations: Mutation[] = [
  { name: "nothing", apply: () => undefined },
  { name: "the first and the last byte", apply: (m) => (flip(m, 0), flip(m, m.buffer.byteLength - 1)) },
  { name: "both sides of a 64-byte block boundary", apply: (m) => (flip(m, 4095), flip(m, 4096)) },
  {
    name: "a run across several blocks",
    apply: (m) => {
      for (let i = 1000; i < 1300; i++) flip(m, i);
    },
  },
  {
    name: "every other byte of one block",
    apply: (m) => {
      for (let i = 640; i < 704; i += 2) flip(m, i);
    },
  },
  {
    name: "scattered bytes",
    apply: (m, r) => {
      for (let i = 0; i < 300; i++) flip(m, (r() << 9) | (r() << 1));
    },
  },
  {
    name: "scattered bytes past a cap of 5 ranges",
    maxRanges: 5,
    apply: (m) => {
      for (let i = 100; i < 60000; i += 997) flip(m, i);
    },
  },
  { name: "a cap of 1 range", maxRanges: 1, apply: (m) => (flip(m, 70), flip(m, 90000)) },
  { name: "a byte set to the value it had", apply: (m) => set(m, 5000, new Uint8Array(m.buffer)[5000]!) },
  { name: "growth with a write in the new page", apply: (m) => (m.grow(1), set(m, m.buffer.byteLength - 10, 3)) },
  { name: "growth with nothing written", apply: (m) => void m.grow(2) },
  {
    name: "growth and a change at the old end",
    apply: (m) => {
      const end = m.buffer.byteLength;
      m.grow(1);
      flip(m, end - 1);
      set(m, end, 1);
    },
  },
];

/** Runs a mutation under the detector and under diffBytes on copies; returns both answers. */
function detectOnce(detector: ChangeDetector, memory: WebAssembly.Memory, mutation: Mutation, random: () => number, invocations: number) {
  detector.prepare(memory, invocations);
  const before = new Uint8Array(memory.buffer).slice();
  mutation.apply(memory, random);
  const maxRanges = mutation.maxRanges ?? 10_000;
  return {
    actual: detector.collect(memory, invocations + 1, maxRanges),
    expected: diffBytes(before, new Uint8Array(memory.buffer), 0, { maxRanges }),
  };
}

function randomMemory(pages: number, random: () => number): WebAssembly.Memory {
  const memory = new WebAssembly.Memory({ initial: pages });
  const bytes = new Uint8Array(memory.buffer);
  // Half zero pages, half noise: memory as programs leave it.
  for (let i = 0; i < bytes.length / 2; i++) bytes[i] = random();
  return memory;
}

for (const useKernel of [undefined, false]) {
  describe(`worker: the change detector${useKernel === false ? ", kept to JavaScript" : ""}`, () => {
    for (const mutation of mutations) {
      it(`finds exactly what diffBytes finds: ${mutation.name}, twice on a kept copy`, () => {
        const random = randomBytes(mutation.name.length);
        const memory = randomMemory(2, random);
        const detector = new ChangeDetector({ useKernel });
        for (let round = 0; round < 2; round++) {
          // The second round's `prepare` copies nothing: the count of invocations is unchanged.
          const { actual, expected } = detectOnce(detector, memory, mutation, random, round);
          assert.deepEqual(actual, expected, `round ${round}`);
        }
        if (useKernel === false) assert.equal(detector.engine, "js");
      });
    }

    it("brings its copy up to date after an invocation it did not watch, in pages it wrote and in pages it did not", () => {
      const random = randomBytes(7);
      // Pages 0 and 1 hold data, so the copy writes them; pages 2 and 3 are zero, so it does not.
      const memory = randomMemory(4, random);
      const detector = new ChangeDetector({ useKernel });
      detector.prepare(memory, 0);
      detector.collect(memory, 1, 10_000);
      // Invocation 2 ran unwatched and changed bytes; invocation 3 is watched and changes others.
      flip(memory, 100);
      flip(memory, 3 * pageBytes + 5);
      detector.prepare(memory, 2);
      flip(memory, 200);
      flip(memory, 2 * pageBytes + 7);
      assert.deepEqual(detector.collect(memory, 3, 10_000), [
        { offset: 200, size: 1 },
        { offset: 2 * pageBytes + 7, size: 1 },
      ]);
    });

    it("does not report bytes mirrored with `wrote`", () => {
      const memory = randomMemory(1, randomBytes(9));
      const detector = new ChangeDetector({ useKernel });
      detector.prepare(memory, 0);
      const argument = new Uint8Array([1, 2, 3, 4]);
      new Uint8Array(memory.buffer).set(argument, 300);
      detector.wrote(300, argument);
      flip(memory, 900);
      assert.deepEqual(detector.collect(memory, 1, 10_000), [{ offset: 900, size: 1 }]);
    });
  });
}

describe("worker: change detection in a few areas", () => {
  it("compares each area with its copy, and reuses the copy's buffer for later calls of any size", () => {
    const memory = randomMemory(1, randomBytes(11));
    const detector = new ChangeDetector();
    const rounds: ByteRange[][] = [
      [
        { offset: 100, size: 64 },
        { offset: 4000, size: 16 },
      ],
      [{ offset: 8, size: 4096 }],
      [{ offset: 50, size: 8 }],
    ];
    for (const areas of rounds) {
      const watching = detector.watchAreas(memory, areas, 10_000);
      // A change inside each area, and one just outside the first, which must not show.
      for (const { offset, size } of areas) flip(memory, offset + size - 1);
      flip(memory, areas[0]!.offset - 1);
      assert.deepEqual(
        watching.changed(),
        areas.map(({ offset, size }) => ({ offset: offset + size - 1, size: 1 })),
      );
    }
  });
});

/** The guest: plain exports that write memory in known ways, and one tagged export. */
const guestWat = `(module
  (memory (export "memory") 2)
  (func (export "poke") (param $address i32) (param $value i32)
    (i32.store8 (local.get $address) (local.get $value)))
  ;; Writes value to count bytes, stride apart, from address.
  (func (export "scatter") (param $address i32) (param $count i32) (param $stride i32) (param $value i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $count)))
        (i32.store8 (local.get $address) (local.get $value))
        (local.set $address (i32.add (local.get $address) (local.get $stride)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $next))))
  ;; Grows memory by pages, then writes value at address (which may be in the new pages).
  (func (export "growAndPoke") (param $pages i32) (param $address i32) (param $value i32)
    (drop (memory.grow (local.get $pages)))
    (i32.store8 (local.get $address) (local.get $value)))
  ;; A tagged export that leaves its arguments alone and writes 7 at 0x3000.
  (func (export "mark") (result i32)
    (i32.store8 (i32.const 0x3000) (i32.const 7))
    (i32.const 0)))`;

let guestBytes: Uint8Array;

async function loadGuest(): Promise<Reactor> {
  const { reactor, report } = await Reactor.load(guestBytes);
  assert.ok(reactor, JSON.stringify(report));
  return reactor;
}

const i32s = (...values: number[]): ConventionCall => ({
  convention: "plain",
  args: values.map((value) => ({ type: "i32" as const, value })),
});

function changed(outcome: CallOutcome): ByteRange[] {
  assert.equal(outcome.status, "returned", JSON.stringify(outcome));
  return outcome.memory!.changed;
}

describe("worker: watched calls through the reactor", () => {
  before(async () => {
    const wabt = await createWabt();
    const parsed = wabt.parseWat("guest.wat", guestWat);
    guestBytes = new Uint8Array(parsed.toBinary({}).buffer);
    parsed.destroy();
  });

  it("reports the one byte a call changed, exactly", async () => {
    const reactor = await loadGuest();
    assert.deepEqual(changed(reactor.call("poke", i32s(0x12345, 9), true)), [{ offset: 0x12345, size: 1 }]);
    assert.deepEqual(changed(reactor.call("poke", i32s(0x12346, 9), true)), [{ offset: 0x12346, size: 1 }]);
    // Writing the value a byte already has changes nothing.
    assert.deepEqual(changed(reactor.call("poke", i32s(0x12346, 9), true)), []);
  });

  it("reports many scattered changes one by one, and past 10,000 covers the rest with the last range", async () => {
    const reactor = await loadGuest();
    const few = changed(reactor.call("scatter", i32s(100, 500, 131, 1), true));
    assert.deepEqual(
      few,
      Array.from({ length: 500 }, (_, i) => ({ offset: 100 + 131 * i, size: 1 })),
    );
    const many = changed(reactor.call("scatter", i32s(1, 12_000, 3, 2), true));
    assert.equal(many.length, 10_000);
    assert.deepEqual(many[9_998], { offset: 1 + 3 * 9_998, size: 1 });
    assert.deepEqual(many[9_999], { offset: 1 + 3 * 9_999, size: 3 * (12_000 - 1 - 9_999) + 1 });
  });

  it("reports a write in pages the call grew, and the growth", async () => {
    const reactor = await loadGuest();
    reactor.call("poke", i32s(10, 1), true);
    const outcome = reactor.call("growAndPoke", i32s(3, 3 * pageBytes + 5, 4), true);
    assert.deepEqual(changed(outcome), [{ offset: 3 * pageBytes + 5, size: 1 }]);
    assert.equal(outcome.memory!.memoryBytesBefore, 2 * pageBytes);
    assert.match(outcome.memory!.warnings.join(" "), /grew from 131072 to 327680 bytes/);
    assert.deepEqual(changed(reactor.call("poke", i32s(4 * pageBytes + 1, 6), true)), [{ offset: 4 * pageBytes + 1, size: 1 }]);
  });

  it("neither repeats nor misses changes when an unwatched call runs between watched ones", async () => {
    const reactor = await loadGuest();
    assert.deepEqual(changed(reactor.call("poke", i32s(1000, 1), true)), [{ offset: 1000, size: 1 }]);
    reactor.call("poke", i32s(2000, 5), false);
    reactor.call("poke", i32s(1000, 5), false);
    // 1000 went 1 → 5 unwatched and back to 1 watched: a change, though the byte ends as it was.
    assert.deepEqual(changed(reactor.call("poke", i32s(1000, 1), true)), [{ offset: 1000, size: 1 }]);
    reactor.call("growAndPoke", i32s(1, 2 * pageBytes + 8, 8), false);
    assert.deepEqual(changed(reactor.call("poke", i32s(2 * pageBytes + 9, 9), true)), [{ offset: 2 * pageBytes + 9, size: 1 }]);
  });

  it("does not report the tagged arguments it wrote, only what the export changed", async () => {
    const reactor = await loadGuest();
    // The first watched call leaves a current copy, which the tagged call's writes must update.
    reactor.call("poke", i32s(0x2000, 1), true);
    const outcome = reactor.call(
      "mark",
      { convention: "tagged", args: [{ type: "string", value: "written by the explorer" }], options: DEFAULT_TAGGED_OPTIONS },
      true,
    );
    assert.equal(outcome.memory!.writtenBytes[0]?.offset, 8);
    assert.deepEqual(outcome.memory!.changed, [{ offset: 0x3000, size: 1 }]);
    // Different bytes at the same place, then the same call again: still only the export's byte,
    // which now holds what it held.
    const again = reactor.call(
      "mark",
      { convention: "tagged", args: [{ type: "Int32", value: 5 }], options: DEFAULT_TAGGED_OPTIONS },
      true,
    );
    assert.deepEqual(again.memory!.changed, []);
  });

  it("calls what an export changed in a module without data segments or linker globals unknown memory", async () => {
    const reactor = await loadGuest();
    const outcome = reactor.call(
      "mark",
      { convention: "tagged", args: [{ type: "string", value: "written by the explorer" }], options: DEFAULT_TAGGED_OPTIONS },
      true,
    );
    assert.deepEqual(outcome.memory!.changedGroups, [{ kind: "unknown", name: "unknown", bytes: 1, rangeCount: 1, ranges: [0x3000, 1] }]);
    const poked = reactor.call("poke", i32s(8, 77), true);
    assert.deepEqual(poked.memory!.changedGroups, [{ kind: "unknown", name: "unknown", bytes: 1, rangeCount: 1, ranges: [8, 1] }]);
  });

  it("keeps each reactor's copy to itself: a reloaded reactor does not compare with the old one's memory", async () => {
    const first = await loadGuest();
    first.call("poke", i32s(500, 1), true);
    const second = await loadGuest();
    assert.deepEqual(changed(second.call("poke", i32s(600, 1), true)), [{ offset: 600, size: 1 }]);
    assert.deepEqual(changed(first.call("poke", i32s(700, 1), true)), [{ offset: 700, size: 1 }]);
  });
});
