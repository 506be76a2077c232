/**
 * The memory view's block cache in plain Node: which blocks it reads for a screen, how it coalesces,
 * keeps, evicts and invalidates them, and how failed reads come back as values. Its source is an
 * in-memory buffer whose reads the test answers when it chooses.
 */
import assert from "node:assert/strict";
import {
  BlockCache,
  blockBytes,
  fetchIntervalMs,
  maxCachedBlocks,
  maxRequestsInFlight,
  wantedBlocks,
  type Focus,
  type ReadError,
} from "../../../../webview/ui/blockCache";
import type { MemoryWindow } from "../../../../src/core/protocol";

const row = 16;
const rowsPerBlock = blockBytes / row;

/** A memory whose byte at `o` is `o & 0xff`, with reads held until the test answers them. */
class HeldSource {
  readonly pending: { offset: number; length: number; answer(win?: Partial<MemoryWindow>): void; fail(error: unknown): void }[] = [];
  readonly log: { offset: number; length: number }[] = [];
  constructor(public size: number) {}
  read(offset: number, length: number): Promise<MemoryWindow> {
    this.log.push({ offset, length });
    return new Promise((resolve, reject) => {
      const bytes = Uint8Array.from({ length: Math.max(0, Math.min(length, this.size - offset)) }, (_, i) => (offset + i) & 0xff);
      this.pending.push({ offset, length, answer: (win) => resolve({ offset, bytes, memoryBytes: this.size, ...win }), fail: reject });
    });
  }
  /** Answers every pending read as the memory is now. */
  answerAll(): void {
    for (const p of this.pending.splice(0)) p.answer();
  }
}

/** Lets queued microtasks and promise callbacks run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
/** Waits out the fetch interval, so that the next batch goes out at once. */
const interval = () => new Promise((resolve) => setTimeout(resolve, fetchIntervalMs + 5));

function setUp(size: number, focus: Focus = { firstRow: 0, rowCount: 20, bytesPerRow: row }) {
  const source = new HeldSource(size);
  const state = { focus, changes: 0, errors: [] as ReadError[] };
  const cache = new BlockCache(source, () => state.focus, { didChange: () => state.changes++, didFail: (e) => state.errors.push(e) });
  cache.setMemorySize(size);
  return { source, state, cache };
}

describe("ui: the memory view's block cache", () => {
  it("wants the screen's blocks first, then the inspected bytes, then a screen of margin each way", () => {
    const cases: { name: string; focus: Focus; memory: number; wanted: number[] }[] = [
      { name: "no memory", focus: { firstRow: 0, rowCount: 20, bytesPerRow: row }, memory: 0, wanted: [] },
      { name: "top of 64 KiB", focus: { firstRow: 0, rowCount: 20, bytesPerRow: row }, memory: 65536, wanted: [0] },
      {
        name: "a screen across a block edge",
        focus: { firstRow: rowsPerBlock - 5, rowCount: 20, bytesPerRow: row },
        memory: 65536,
        wanted: [0, 1],
      },
      {
        name: "selection far away, then margins",
        focus: { firstRow: 3 * rowsPerBlock, rowCount: 20, bytesPerRow: row, inspected: { offset: 10 * blockBytes - 8, length: 64 } },
        memory: 65536,
        wanted: [3, 9, 10, 2],
      },
      {
        name: "the last row of 4 GiB",
        focus: { firstRow: 2 ** 28 - 1, rowCount: 20, bytesPerRow: row },
        memory: 2 ** 32,
        wanted: [2 ** 20 - 1],
      },
      {
        name: "inspected bytes clipped at the end of memory",
        focus: { firstRow: 0, rowCount: 1, bytesPerRow: row, inspected: { offset: 65530, length: 64 } },
        memory: 65536,
        wanted: [0, 15],
      },
    ];
    for (const c of cases) assert.deepEqual(wantedBlocks(c.focus, c.memory), c.wanted, c.name);
  });

  it("reads only the wanted blocks, aligned, at most 4 KiB each and a few at a time, then serves their bytes", async () => {
    const { source, state, cache } = setUp(65536, { firstRow: 2 * rowsPerBlock - 10, rowCount: 2 * rowsPerBlock, bytesPerRow: row });
    assert.equal(cache.hasMissingData(), true);
    cache.scheduleFetch();
    await settle();
    assert.equal(source.log.length, maxRequestsInFlight, "no more reads at once than the limit");
    for (const r of source.log) {
      assert.equal(r.offset % blockBytes, 0);
      assert.ok(r.length <= blockBytes);
    }
    assert.deepEqual(
      source.log.map((r) => r.offset / blockBytes),
      wantedBlocks(state.focus, 65536).slice(0, maxRequestsInFlight),
      "the screen's blocks go first",
    );
    source.answerAll();
    await settle();
    assert.equal(state.changes, maxRequestsInFlight, "each arriving block repaints");
    assert.deepEqual([...cache.bytesFrom(2 * blockBytes - 2, 4)], [0xfe, 0xff, 0x00, 0x01], "bytes read across a block edge");
    // The view moves to the last rows; the next batch reads there.
    state.focus = { firstRow: 65536 / row - 20, rowCount: 20, bytesPerRow: row };
    await interval();
    cache.scheduleFetch();
    await settle();
    assert.deepEqual(
      source.pending.map((p) => p.offset),
      [65536 - blockBytes],
    );
    source.answerAll();
    await settle();
    assert.equal(cache.hasMissingData(), false);
    assert.deepEqual([...cache.bytesFrom(65536 - 2, 8)], [0xfe, 0xff], "bytes stop at the end of memory");
  });

  it("coalesces fetches: one batch per interval, for where the view is when it goes out", async () => {
    const { source, state, cache } = setUp(2 ** 32);
    cache.scheduleFetch();
    await settle();
    source.answerAll();
    await settle();
    source.log.length = 0;
    // Scrolling fast: many requests to fetch within one interval, the view moving meanwhile.
    for (let i = 1; i <= 10; i++) {
      state.focus = { ...state.focus, firstRow: i * 1000 * rowsPerBlock };
      cache.scheduleFetch();
    }
    await settle();
    assert.equal(source.log.length, 0, "the next batch waits for the interval");
    await interval();
    assert.deepEqual(
      source.log.map((r) => r.offset),
      [10000 * blockBytes, 9999 * blockBytes],
      "one batch, for the last position only",
    );
  });

  it("keeps at most 48 blocks, dropping those farthest from the screen", () => {
    const { state, cache } = setUp(2 ** 32, { firstRow: 100 * rowsPerBlock, rowCount: 20, bytesPerRow: row });
    for (let b = 0; b < 200; b++) cache.accept({ offset: b * blockBytes, bytes: new Uint8Array(blockBytes).fill(b), memoryBytes: 2 ** 32 });
    assert.equal(cache.size, maxCachedBlocks);
    assert.equal(state.changes, 200);
    assert.equal(cache.blockAt(100 * blockBytes)?.bytes[0], 100, "the block on screen stays");
    assert.equal(cache.blockAt(124 * blockBytes - 1)?.bytes[0], 123, "so do its neighbours");
    assert.equal(cache.blockAt(0), undefined, "the farthest went");
    assert.equal(cache.blockAt(199 * blockBytes), undefined);
  });

  it("takes a load report's first window as blocks, ignoring unaligned windows, and counts a short last block as whole", () => {
    const { cache } = setUp(2 * blockBytes + 100, { firstRow: 0, rowCount: 1000, bytesPerRow: row });
    cache.accept({ offset: 10, bytes: new Uint8Array(16), memoryBytes: 65536 });
    assert.equal(cache.size, 0, "an unaligned window is not a block");
    cache.accept({
      offset: 0,
      bytes: Uint8Array.from({ length: 2 * blockBytes + 100 }, (_, i) => i & 0xff),
      memoryBytes: 2 * blockBytes + 100,
    });
    assert.equal(cache.size, 3, "one window, split into blocks");
    assert.equal(cache.blockAt(2 * blockBytes)?.bytes.length, 100, "the last block is short where memory ends");
    assert.equal(cache.hasMissingData(), false, "a short last block is complete");
  });

  it("after invalidate, keeps the wanted blocks on show, drops the rest, ignores older answers and reads again", async () => {
    const { source, state, cache } = setUp(65536, { firstRow: 0, rowCount: 20, bytesPerRow: row });
    for (let b = 0; b < 16; b++) cache.accept({ offset: b * blockBytes, bytes: new Uint8Array(blockBytes).fill(1), memoryBytes: 65536 });
    assert.equal(cache.hasMissingData(), false);
    cache.invalidate();
    assert.equal(cache.size, 1, "only the screen's block stays");
    assert.equal(cache.blockAt(0)?.bytes[0], 1, "it still shows the old bytes until new ones come");
    assert.equal(cache.hasMissingData(), true, "but it is stale");
    await interval();
    cache.scheduleFetch();
    await settle();
    const before = source.pending.splice(0);
    assert.equal(before.length, 1);
    // The call after this read changed memory again: the answer in flight describes the old memory.
    cache.invalidate();
    const changes = state.changes;
    before[0]?.answer({ bytes: new Uint8Array(blockBytes).fill(7) });
    await settle();
    assert.equal(state.changes, changes, "a stale answer changes nothing");
    assert.equal(cache.blockAt(0)?.bytes[0], 1);
    await interval();
    cache.scheduleFetch();
    await settle();
    source.pending.splice(0)[0]?.answer({ bytes: new Uint8Array(blockBytes).fill(9) });
    await settle();
    assert.equal(cache.blockAt(0)?.bytes[0], 9, "the fresh answer replaces it");
    assert.equal(cache.hasMissingData(), false);
  });

  it("reports failed reads and wrong answers as values, and does not retry them until invalidate", async () => {
    const { source, state, cache } = setUp(2 * blockBytes, { firstRow: 0, rowCount: 2 * rowsPerBlock, bytesPerRow: row });
    cache.scheduleFetch();
    await settle();
    const [first, second] = source.pending.splice(0);
    first?.fail({ name: "RangeError", message: "out of bounds" });
    second?.answer({ offset: 0 });
    await settle();
    assert.deepEqual(state.errors, [
      { kind: "failed", offset: 0, message: "out of bounds" },
      { kind: "wrongAddress", offset: blockBytes, answeredOffset: 0 },
    ]);
    assert.equal(cache.hasMissingData(), false, "failed blocks are not missing: nothing to fetch");
    await interval();
    cache.scheduleFetch();
    await settle();
    assert.equal(source.pending.length, 0, "no retry of a failed block");
    cache.invalidate();
    await interval();
    cache.scheduleFetch();
    await settle();
    assert.equal(source.pending.length, 2, "a new generation reads again");
  });

  it("empties itself when memory shrinks (a new instance) and ignores everything after dispose", async () => {
    const { source, state, cache } = setUp(65536);
    cache.accept({ offset: 0, bytes: new Uint8Array(blockBytes).fill(5), memoryBytes: 65536 });
    cache.setMemorySize(131072);
    assert.equal(cache.size, 1, "growing keeps what is cached");
    cache.setMemorySize(65536);
    assert.equal(cache.size, 0, "shrinking drops it");
    cache.scheduleFetch();
    await settle();
    cache.dispose();
    const changes = state.changes;
    source.answerAll();
    await settle();
    assert.equal(state.changes, changes);
    assert.equal(cache.size, 0);
  });
});
