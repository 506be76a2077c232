/**
 * Change detection: a copy of linear memory kept across watched calls, and the search for the
 * bytes a call changed; and, for calls that watch only a few areas, a reused copy of those. A tiny
 * hand-assembled wasm kernel compares 64 bytes a step where the engine runs it; plain JavaScript
 * does the same elsewhere, with the same results.
 * It does not decide which calls are watched (memoryCall.ts does).
 */
import { diffBytes, type ByteRange } from "../../src/core/layout";
import { wasmPageBytes as pageBytes } from "../../src/core/wasm/types";
import { name, section, uleb, vec } from "./wasmEncoding";

/** The unit of the coarse search; a wasm page (64 KiB) holds a whole number of them. */
const blockBytes = 64;

/** The opcodes the kernel uses (spec 5.4). SIMD ones follow the 0xfd prefix. */
const op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  localGet: 0x20,
  localSet: 0x21,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32LeU: 0x4d,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  simd: 0xfd,
  v128Load: 0x00,
  v128Or: 0x50,
  v128Xor: 0x51,
  v128AnyTrue: 0x53,
} as const;
/** The empty block type, and the value type i32 (spec 5.3). */
const voidType = 0x40;
const i32 = 0x7f;
/** `i32.const 64`: signed LEB128 needs two bytes for 64, since its bit 6 would read as the sign. */
const const64 = [op.i32Const, 0xc0, 0x00];

/**
 * `v128.load` of 16 bytes at `offset` past the address on the stack, from memory `memory`. With
 * multi-memory, an alignment field with bit 6 set says a memory index follows (spec 5.4.6).
 */
function load(memory: 0 | 1, offset: number): number[] {
  const align = 4;
  return memory === 0 ? [op.simd, op.v128Load, align, ...uleb(offset)] : [op.simd, op.v128Load, align | 0x40, 1, ...uleb(offset)];
}

/** Leaves 1 when the 64 bytes at local `address` differ between memory 0 and memory 1, else 0. */
function blockDiffers(address: number): number[] {
  const xorAt = (offset: number) => [
    op.localGet,
    address,
    ...load(0, offset),
    op.localGet,
    address,
    ...load(1, offset),
    op.simd,
    op.v128Xor,
  ];
  const or = [op.simd, op.v128Or];
  return [...xorAt(0), ...xorAt(16), ...or, ...xorAt(32), ...xorAt(48), ...or, ...or, op.simd, op.v128AnyTrue];
}

/** `(at, end) → offset`: steps from `at` by 64 until `end` or a block whose difference is `wanted`. */
function scanForward(isDifferenceWanted: boolean): number[] {
  return [
    op.block,
    voidType,
    op.loop,
    voidType,
    op.localGet,
    0,
    op.localGet,
    1,
    op.i32GeU,
    op.brIf,
    1,
    ...blockDiffers(0),
    ...(isDifferenceWanted ? [] : [op.i32Eqz]),
    op.brIf,
    1,
    op.localGet,
    0,
    ...const64,
    op.i32Add,
    op.localSet,
    0,
    op.br,
    0,
    op.end,
    op.end,
    op.localGet,
    0,
    op.end,
  ];
}

/** `(from, end) → offset`: steps down from `end` by 64; returns the end of the last differing block, or `from`. */
const scanBackward = [
  op.block,
  voidType,
  op.loop,
  voidType,
  op.localGet,
  1,
  op.localGet,
  0,
  op.i32LeU,
  op.brIf,
  1,
  op.localGet,
  1,
  ...const64,
  op.i32Sub,
  op.localSet,
  1,
  ...blockDiffers(1),
  op.if,
  voidType,
  op.localGet,
  1,
  ...const64,
  op.i32Add,
  op.return,
  op.end,
  op.br,
  0,
  op.end,
  op.end,
  op.localGet,
  0,
  op.end,
];

/**
 * The kernel's module: it imports the reactor's memory (memory 0) and the snapshot (memory 1) and
 * exports three searches over 64-byte blocks, all of type (i32, i32) → i32. It needs SIMD and
 * multi-memory; without them `WebAssembly.validate` says no and the JavaScript search is used.
 */
function kernelBytes(): Uint8Array<ArrayBuffer> {
  const body = (code: number[]) => [...uleb(code.length + 1), 0, ...code];
  const memoryImport = (module: string) => [...name(module), ...name("memory"), 0x02, 0x00, 0x00];
  const exports: [string, number][] = [
    ["findDiff", 0],
    ["findSame", 1],
    ["findLastDiff", 2],
  ];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec([[0x60, ...vec([[i32], [i32]]), ...vec([[i32]])]])),
    ...section(2, vec([memoryImport("reactor"), memoryImport("snapshot")])),
    ...section(3, vec([[0], [0], [0]])),
    ...section(7, vec(exports.map(([exportName, index]) => [...name(exportName), 0x00, index]))),
    ...section(10, vec([body(scanForward(true)), body(scanForward(false)), body(scanBackward)])),
  ]);
}

/** The compiled kernel, once per worker; null where the engine lacks SIMD or multi-memory. */
let kernelModule: WebAssembly.Module | null | undefined;

function compileKernel(): WebAssembly.Module | null {
  if (kernelModule === undefined) {
    const bytes = kernelBytes();
    // Compiled synchronously: the module is a few hundred bytes, and calls are synchronous.
    kernelModule = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return kernelModule;
}

/** The searches over 64-byte blocks of memory and the snapshot. Offsets are multiples of 64. */
interface BlockSearch {
  /** The offset of the first block in [at, end) that differs from memory, or `end`. */
  findDiff(at: number, end: number): number;
  /** The offset of the first block in [at, end) equal to memory, or `end`. */
  findSame(at: number, end: number): number;
  /** The end of the last block in [from, end) that differs from memory, or `from`. */
  findLastDiff(from: number, end: number): number;
}

/** The snapshot's bytes and the block searches over it. */
interface Snapshot extends BlockSearch {
  readonly engine: "kernel" | "js";
  /** The copy of memory; a fresh view after each `resize`. */
  readonly bytes: Uint8Array;
  /** Makes the copy `size` bytes long (never shorter); new bytes are zero, as grown memory is. */
  resize(size: number): void;
}

/** The snapshot in the kernel's second memory, searched with SIMD. */
class KernelSnapshot implements Snapshot {
  readonly engine = "kernel";
  private view: Uint8Array;
  private readonly search: BlockSearch;

  constructor(
    module: WebAssembly.Module,
    live: WebAssembly.Memory,
    private readonly copy: WebAssembly.Memory,
  ) {
    this.search = new WebAssembly.Instance(module, { reactor: { memory: live }, snapshot: { memory: copy } })
      .exports as unknown as BlockSearch;
    this.view = new Uint8Array(copy.buffer);
  }

  get bytes(): Uint8Array {
    return this.view;
  }

  resize(size: number): void {
    if (size <= this.view.length) return;
    this.copy.grow((size - this.view.length) / pageBytes);
    this.view = new Uint8Array(this.copy.buffer);
  }

  // Offsets beyond 2 GiB come back from i32 as negative numbers.
  findDiff(at: number, end: number): number {
    return this.search.findDiff(at, end) >>> 0;
  }

  findSame(at: number, end: number): number {
    return this.search.findSame(at, end) >>> 0;
  }

  findLastDiff(from: number, end: number): number {
    return this.search.findLastDiff(from, end) >>> 0;
  }
}

/** The snapshot in an ordinary buffer, searched 16 words (one block) per branch. */
class ArraySnapshot implements Snapshot {
  readonly engine = "js";
  private view: Uint8Array;
  private words: Int32Array;
  private liveWords = new Int32Array(0);

  constructor(private readonly live: WebAssembly.Memory) {
    this.view = new Uint8Array(0);
    this.words = new Int32Array(0);
  }

  get bytes(): Uint8Array {
    return this.view;
  }

  resize(size: number): void {
    if (size <= this.view.length) return;
    const grown = new Uint8Array(size);
    grown.set(this.view);
    this.view = grown;
    this.words = new Int32Array(grown.buffer);
  }

  private differs(word: number): boolean {
    const a = this.words;
    const b = this.liveWords;
    let any = 0;
    for (let k = word; k < word + blockBytes / 4; k++) any |= a[k]! ^ b[k]!;
    return any !== 0;
  }

  /** A word view of live memory, re-created when growth replaced its buffer. */
  private refresh(): void {
    if (this.liveWords.buffer !== this.live.buffer) this.liveWords = new Int32Array(this.live.buffer);
  }

  findDiff(at: number, end: number): number {
    this.refresh();
    for (; at < end; at += blockBytes) if (this.differs(at >>> 2)) return at;
    return end;
  }

  findSame(at: number, end: number): number {
    this.refresh();
    for (; at < end; at += blockBytes) if (!this.differs(at >>> 2)) return at;
    return end;
  }

  findLastDiff(from: number, end: number): number {
    this.refresh();
    for (; end > from; end -= blockBytes) if (this.differs((end - blockBytes) >>> 2)) return end;
    return from;
  }
}

/** Adds the ranges of one window to `ranges`, past `maxRanges` growing the last to cover them (as diffBytes does). */
function appendCapped(ranges: ByteRange[], found: ByteRange[], maxRanges: number): void {
  for (const range of found) {
    if (ranges.length < maxRanges) {
      ranges.push(range);
    } else {
      const last = ranges[maxRanges - 1]!;
      last.size = range.offset + range.size - last.offset;
    }
  }
}

/**
 * Finds the bytes a watched call changed anywhere in one reactor's memory. It keeps a copy of that
 * memory between watched calls, for as long as the reactor lives: up to as much memory again as
 * the reactor has (256 MiB more for a memory of 256 MiB). The copy starts zeroed and is written
 * only where it differs from memory, so its pages that stay zero take no physical memory, and
 * reading them costs almost nothing. The copy is trusted only while no export ran since it was
 * last made equal to memory; the caller counts invocations and passes the count in.
 */
export class ChangeDetector {
  private snapshot?: Snapshot;
  private memory?: WebAssembly.Memory;
  /** The invocation count at which the snapshot last equalled memory; undefined when it may not. */
  private currentAt?: number;
  /** One flag per page of the snapshot: written pages are backed by RAM, the others read as zero. */
  private isPageWritten = new Uint8Array(0);
  /** The buffer `watchAreas` copies into. */
  private areaCopy = new Uint8Array(0);

  /** `useKernel: false` keeps to the JavaScript search, as in engines without the kernel. */
  constructor(private readonly options: { useKernel?: boolean } = {}) {}

  /** Which search runs: the wasm kernel or JavaScript (undefined before the first watched call). */
  get engine(): "kernel" | "js" | undefined {
    return this.snapshot?.engine;
  }

  /**
   * Before a watched call: makes the snapshot equal to memory. Free when no export ran since the
   * last `collect`; otherwise one pass over memory, copying the pages the snapshot has written
   * and, elsewhere, only the blocks that differ.
   */
  prepare(memory: WebAssembly.Memory, invocations: number): void {
    if (this.memory !== memory || !this.snapshot) {
      this.snapshot = this.createSnapshot(memory);
      this.memory = memory;
      this.currentAt = undefined;
      this.isPageWritten = new Uint8Array(0);
    }
    // Memory that grew while no export ran (the explorer making room for arguments) grew zeroed,
    // exactly as the snapshot grows; memory never shrinks.
    this.resize(memory.buffer.byteLength);
    if (this.currentAt === invocations) return;
    const { snapshot } = this;
    const live = new Uint8Array(memory.buffer);
    const pages = live.length / pageBytes;
    for (let page = 0; page < pages;) {
      const isWritten = this.isPageWritten[page];
      let next = page + 1;
      while (next < pages && this.isPageWritten[next] === isWritten) next++;
      const from = page * pageBytes;
      const to = next * pageBytes;
      if (isWritten) {
        // Comparing written pages costs a full read of both sides; copying them outright is cheaper.
        snapshot.bytes.set(live.subarray(from, to), from);
      } else {
        // Unwritten pages read as zero almost for free: write only the blocks that differ, so that
        // pages where memory is zero stay unbacked.
        for (let at = from; at < to;) {
          const start = snapshot.findDiff(at, to);
          if (start >= to) break;
          const end = snapshot.findSame(start + blockBytes, to);
          this.copyIn(live, start, end);
          at = end;
        }
      }
      page = next;
    }
    this.currentAt = invocations;
  }

  /** Mirrors bytes the explorer itself writes into memory, so that they do not count as changed. */
  wrote(offset: number, bytes: Uint8Array): void {
    if (!this.snapshot) return;
    if (offset + bytes.length > this.snapshot.bytes.length) this.currentAt = undefined;
    else this.copyIn(bytes, 0, bytes.length, offset);
  }

  /**
   * After the watched call: the byte ranges that differ from the snapshot, exactly as `diffBytes`
   * reports them (bytes of memory that grew during the call are compared with zero; past
   * `maxRanges` the last range covers every later change). The snapshot is brought up to date.
   */
  collect(memory: WebAssembly.Memory, invocations: number, maxRanges: number): ByteRange[] {
    const cap = Math.max(1, maxRanges);
    const snapshot = this.snapshot;
    if (!snapshot || this.memory !== memory) throw new Error("collect needs a prepared snapshot of the same memory.");
    this.currentAt = undefined;
    const live = new Uint8Array(memory.buffer);
    const size = live.length;
    this.resize(size);
    const copy = snapshot.bytes;
    const ranges: ByteRange[] = [];
    for (let at = 0; at < size;) {
      const start = snapshot.findDiff(at, size);
      if (start >= size) break;
      if (ranges.length >= cap) {
        // Past the cap only the last changed byte matters: refine the last differing block alone.
        const end = snapshot.findLastDiff(start, size);
        const tail = diffBytes(copy.subarray(end - blockBytes, end), live.subarray(end - blockBytes, end), end - blockBytes, {
          maxRanges: 1,
        });
        appendCapped(ranges, tail, cap);
        this.copyIn(live, start, end);
        break;
      }
      // A window of differing blocks, bounded by equal ones, so no range crosses into another window.
      const end = snapshot.findSame(start + blockBytes, size);
      appendCapped(ranges, diffBytes(copy.subarray(start, end), live.subarray(start, end), start, { maxRanges: cap - ranges.length }), cap);
      this.copyIn(live, start, end);
      at = end;
    }
    this.currentAt = invocations;
    return ranges;
  }

  /**
   * Copies a few areas of memory now, for calls that do not watch all of memory; `changed()` after
   * the call compares them with memory then. The copy reuses one buffer, so a call allocates none.
   */
  watchAreas(memory: WebAssembly.Memory, areas: readonly ByteRange[], maxRanges: number): { changed(): ByteRange[] } {
    const total = areas.reduce((n, a) => n + a.size, 0);
    if (this.areaCopy.length < total) this.areaCopy = new Uint8Array(total);
    const copy = this.areaCopy;
    const starts: number[] = [];
    let at = 0;
    for (const { offset, size } of areas) {
      copy.set(new Uint8Array(memory.buffer, offset, size), at);
      starts.push(at);
      at += size;
    }
    return {
      changed() {
        const live = new Uint8Array(memory.buffer);
        return areas.flatMap(({ offset, size }, i) =>
          diffBytes(copy.subarray(starts[i], starts[i]! + size), live.subarray(offset, Math.min(offset + size, live.length)), offset, {
            maxRanges,
          }),
        );
      },
    };
  }

  /** Grows the snapshot and its page flags to `size` bytes. */
  private resize(size: number): void {
    this.snapshot!.resize(size);
    if (this.isPageWritten.length < size / pageBytes) {
      const grown = new Uint8Array(size / pageBytes);
      grown.set(this.isPageWritten);
      this.isPageWritten = grown;
    }
  }

  /** Copies `source[start, end)` into the snapshot at `at` (by default `start`), noting the pages written. */
  private copyIn(source: Uint8Array, start: number, end: number, at = start): void {
    this.snapshot!.bytes.set(source.subarray(start, end), at);
    this.isPageWritten.fill(1, Math.floor(at / pageBytes), Math.ceil((at + end - start) / pageBytes));
  }

  private createSnapshot(memory: WebAssembly.Memory): Snapshot {
    const size = memory.buffer.byteLength;
    const module = this.options.useKernel === false ? null : compileKernel();
    // The kernel takes i32 offsets, so a memory of the full 4 GiB is searched in JavaScript.
    if (module && size < 2 ** 32) {
      try {
        return new KernelSnapshot(module, memory, new WebAssembly.Memory({ initial: size / pageBytes }));
      } catch {
        // A shared or 64-bit memory does not match the kernel's import; JavaScript reads it all the same.
      }
    }
    return new ArraySnapshot(memory);
  }
}
