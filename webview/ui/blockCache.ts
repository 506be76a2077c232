/**
 * The memory view's cache of memory blocks: which aligned blocks it asks the worker for, which it
 * keeps, which it evicts, and which a call made stale. It knows nothing of the DOM or of how bytes
 * are painted; the view tells it where the screen is and hears back when bytes arrive or a read fails.
 */
import type { MemoryWindow } from "../../src/core/protocol";

/** Where the view's bytes come from: in the page, the reactor worker's `readMemory` request. */
export interface MemorySource {
  /** Copies a window of memory (at most 1 MiB per request); resolves with what exists. */
  read(offset: number, length: number): Promise<MemoryWindow>;
}

/** The cache reads memory in aligned blocks of this size: a few screens each, far below the 1 MiB limit. */
export const blockBytes = 4096;
/** Enough blocks for the screen, its margins and the inspector, and some history to scroll back to. */
export const maxCachedBlocks = 48;
/** At most this many reads are outstanding at once. */
export const maxRequestsInFlight = 4;
/** While scrolling fast, requests go out at most this often, each for where the view is by then. */
export const fetchIntervalMs = 40;

/** Where the view is looking: the rows on screen and the bytes the inspector reads. */
export interface Focus {
  /** The first row on screen. */
  firstRow: number;
  /** How many rows fit on screen (at least 1). */
  rowCount: number;
  /** The bytes per row of the grid. */
  bytesPerRow: number;
  /** The inspected bytes (the selection and what follows it), when something is selected. */
  inspected?: { offset: number; length: number };
}

/** A cached block of memory, tagged with the generation (see `invalidate`) it was read in. */
export interface Block {
  /** Its first byte's offset, a multiple of `blockBytes`. */
  offset: number;
  bytes: Uint8Array;
  generation: number;
  /** The memory's size when it was read; a block may be short because memory ended there. */
  memoryBytes: number;
}

/** Why a block could not be read; the view words it for the user. */
export type ReadError =
  { kind: "wrongAddress"; offset: number; answeredOffset: number } | { kind: "failed"; offset: number; message: string };

/** What the cache tells its owner. */
export interface BlockCacheEvents {
  /** Bytes arrived (from a read or from `accept`): what is shown may change. */
  didChange(): void;
  /** A read failed; the block is not asked for again until the next `invalidate`. */
  didFail(error: ReadError): void;
}

/**
 * The blocks worth having, most wanted first: the screen, the inspected bytes, then a screen of
 * margin each way.
 */
export function wantedBlocks(focus: Focus, memoryBytes: number): number[] {
  if (memoryBytes <= 0) return [];
  const totalRows = Math.ceil(memoryBytes / focus.bytesPerRow);
  const rows = Math.max(1, focus.rowCount);
  const first = focus.firstRow;
  const last = Math.min(totalRows - 1, first + rows);
  const blockOfRow = (r: number) => Math.floor((r * focus.bytesPerRow) / blockBytes);
  const wanted: number[] = [];
  const add = (from: number, to: number) => {
    for (let b = from; b <= to; b++) if (!wanted.includes(b)) wanted.push(b);
  };
  add(blockOfRow(first), blockOfRow(last));
  if (focus.inspected !== undefined) {
    const end = Math.min(memoryBytes, focus.inspected.offset + focus.inspected.length) - 1;
    add(Math.floor(focus.inspected.offset / blockBytes), Math.floor(end / blockBytes));
  }
  add(blockOfRow(Math.max(0, first - rows)), blockOfRow(Math.min(totalRows - 1, last + rows)));
  return wanted;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "object" && error !== null && "message" in error) return String(error.message);
  return String(error);
}

/**
 * The cache. `focus` says where the view is whenever the cache decides what to read, so that a
 * read that waited out a fast scroll asks for where the view is by then, not where it was.
 */
export class BlockCache {
  private memoryBytes = 0;
  /** Bumped by `invalidate` and by a memory that shrank: responses from older generations are stale. */
  private generation = 0;
  private readonly blocks = new Map<number, Block>();
  private readonly inFlight = new Map<number, number>();
  private readonly failed = new Map<number, number>();
  private fetchTimer?: ReturnType<typeof setTimeout>;
  private isFetchScheduled = false;
  private lastFetchAt = -Infinity;
  private isDisposed = false;

  /** A cache reading through `source`; it reads nothing until `setMemorySize` and `scheduleFetch`. */
  constructor(
    private readonly source: MemorySource,
    private readonly focus: () => Focus,
    private readonly events: BlockCacheEvents,
  ) {}

  /** How many blocks are cached now. */
  get size(): number {
    return this.blocks.size;
  }

  /** The memory's size in bytes; a smaller one than before is a new instance and empties the cache. */
  setMemorySize(bytes: number): void {
    if (bytes < this.memoryBytes) {
      // Wasm memories never shrink: a smaller one is a new instance, so nothing cached is valid.
      this.generation++;
      this.blocks.clear();
      this.failed.clear();
    }
    this.memoryBytes = bytes;
  }

  /**
   * Marks everything cached as stale (after a call, memory may have changed). Blocks the view
   * wants stay, to be shown until fresh ones replace them, so the grid does not flash placeholders.
   */
  invalidate(): void {
    this.generation++;
    this.failed.clear();
    const keep = new Set(wantedBlocks(this.focus(), this.memoryBytes));
    for (const b of [...this.blocks.keys()]) if (!keep.has(b)) this.blocks.delete(b);
  }

  /**
   * Takes bytes read from the current memory, by the cache's own reads or without asking (a load
   * report carries the first block, sparing a round trip). Windows not aligned to a block are ignored.
   */
  accept(win: MemoryWindow): void {
    if (win.offset % blockBytes !== 0) return;
    // At least one block, even an empty one: a read at the end of memory is an answer too.
    let at = 0;
    do {
      const offset = win.offset + at;
      this.blocks.set(offset / blockBytes, {
        offset,
        bytes: win.bytes.subarray(at, at + blockBytes),
        generation: this.generation,
        memoryBytes: win.memoryBytes,
      });
      at += blockBytes;
    } while (at < win.bytes.length);
    this.evict();
    this.events.didChange();
  }

  /** The cached block holding `offset`, fresh or stale, if any. */
  blockAt(offset: number): Block | undefined {
    return this.blocks.get(Math.floor(offset / blockBytes));
  }

  /** Up to `count` cached bytes from `offset` on, stopping at the first one not cached. */
  bytesFrom(offset: number, count: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, count));
    let n = 0;
    let o = offset;
    while (n < count && o < this.memoryBytes) {
      const b = Math.floor(o / blockBytes);
      const block = this.blocks.get(b);
      const i = o - b * blockBytes;
      if (block === undefined || i >= block.bytes.length) break;
      const take = Math.min(count - n, block.bytes.length - i);
      out.set(block.bytes.subarray(i, i + take), n);
      n += take;
      o += take;
    }
    return out.subarray(0, n);
  }

  /** Whether a wanted block is neither fresh nor known to fail: then a fetch is worth scheduling. */
  hasMissingData(): boolean {
    return wantedBlocks(this.focus(), this.memoryBytes).some((b) => !this.isFresh(b) && this.failed.get(b) !== this.generation);
  }

  /**
   * Coalesces reads: at most one batch per `fetchIntervalMs`, each for wherever the view is by then.
   * A batch that is already due goes out as a microtask, once the current update is done: a timer
   * would wait behind the next frame's style, layout and paint, and so show the first bytes frames late.
   */
  scheduleFetch(): void {
    if (this.isFetchScheduled || this.isDisposed) return;
    this.isFetchScheduled = true;
    const fetch = () => {
      this.isFetchScheduled = false;
      this.fetchTimer = undefined;
      if (this.isDisposed) return;
      this.lastFetchAt = performance.now();
      this.fetchWanted();
    };
    const wait = this.lastFetchAt + fetchIntervalMs - performance.now();
    if (wait <= 0) queueMicrotask(fetch);
    else this.fetchTimer = setTimeout(fetch, wait);
  }

  /** Stops the timer and forgets every block; reads still under way are ignored when they arrive. */
  dispose(): void {
    this.isDisposed = true;
    if (this.fetchTimer !== undefined) clearTimeout(this.fetchTimer);
    this.blocks.clear();
  }

  private isFresh(b: number): boolean {
    const block = this.blocks.get(b);
    if (block === undefined || block.generation !== this.generation) return false;
    const start = b * blockBytes;
    const expected = Math.min(blockBytes, this.memoryBytes - start);
    return block.bytes.length >= expected || start + block.bytes.length >= block.memoryBytes;
  }

  private fetchWanted(): void {
    for (const b of wantedBlocks(this.focus(), this.memoryBytes)) {
      if (this.inFlight.size >= maxRequestsInFlight) break;
      if (this.isFresh(b) || this.inFlight.get(b) === this.generation || this.failed.get(b) === this.generation) continue;
      this.request(b);
    }
  }

  private request(b: number): void {
    const generation = this.generation;
    const offset = b * blockBytes;
    const length = Math.min(blockBytes, this.memoryBytes - offset);
    this.inFlight.set(b, generation);
    const settle = () => {
      if (this.inFlight.get(b) === generation) this.inFlight.delete(b);
    };
    this.source.read(offset, length).then(
      (win) => {
        settle();
        // A response from before the latest invalidate describes memory as it was: drop it.
        if (this.isDisposed || generation !== this.generation) return;
        if (win.offset !== offset || !(win.bytes instanceof Uint8Array)) {
          this.failed.set(b, generation);
          this.events.didFail({ kind: "wrongAddress", offset, answeredOffset: win.offset });
          return;
        }
        this.accept({ ...win, bytes: win.bytes.subarray(0, length) });
      },
      (error: unknown) => {
        settle();
        if (this.isDisposed || generation !== this.generation) return;
        this.failed.set(b, generation);
        this.events.didFail({ kind: "failed", offset, message: errorMessage(error) });
      },
    );
  }

  /** Keeps the cache small by dropping the blocks farthest from the screen. */
  private evict(): void {
    if (this.blocks.size <= maxCachedBlocks) return;
    const focus = this.focus();
    const center = Math.floor((focus.firstRow * focus.bytesPerRow) / blockBytes);
    const byDistance = [...this.blocks.keys()].sort((a, b) => Math.abs(b - center) - Math.abs(a - center));
    for (const b of byDistance.slice(0, this.blocks.size - maxCachedBlocks)) this.blocks.delete(b);
  }
}
