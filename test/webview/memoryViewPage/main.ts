/**
 * The memory view's test page: a `MemoryView` (and, on request, a call's memory map beside it, as
 * the explorer shows both) over an in-page memory (a real 64 KiB buffer, or a
 * sparse fake of up to 4 GiB whose bytes are computed from their address), with hooks on `window`
 * for test/webview/memoryView.test.ts. It is not part of the product and no product code imports it.
 */
import type { ByteRange, Region } from "../../../src/core/layout";
import type { MemoryWindow } from "../../../src/core/protocol";
import { renderMemoryReport } from "../../../webview/ui/memoryMap";
import { MemoryView, type MemorySource } from "../../../webview/ui/memoryView";
import { fakeByte, realMemory } from "./memories";

/** What the test reads and drives through `window.__memoryPage`. */
export interface MemoryPageHooks {
  /** Replaces the view with a fresh one over the real 64 KiB buffer or a fake memory of `size` bytes. */
  setup(options: { memory: "real" | "fake"; size?: number }): void;
  view: MemoryView;
  /** Every read the view asked for, in order. */
  log: { offset: number; length: number }[];
  /** How long each read takes to answer, in milliseconds. */
  delayMs: number;
  /** The real memory; tests may write into it (then call `view.invalidate()`). */
  real: Uint8Array;
  /** Grows the real memory by `pages` pages of 64 KiB, as `memory.grow` does, and tells the view. */
  grow(pages: number): void;
  setRegions(regions: Region[], changed: ByteRange[]): void;
  /** Shows the memory map of a call that wrote `written` and read back `results`, above the view. */
  showMap(written: Region[], results: Region[]): void;
  /** How long each of the view's animation-frame callbacks took, forced style and layout included. */
  paintMs: number[];
  /** The script part of `paintMs` alone. */
  scriptMs: number[];
  /** Scrolls by `pxPerFrame` wheel pixels in each of `frames` frames; resolves with the frames' deltas. */
  scrollFrames(frames: number, pxPerFrame: number): Promise<number[]>;
}

const requestFrame = window.requestAnimationFrame.bind(window);
const paintMs: number[] = [];
const scriptMs: number[] = [];
// Times the view's frame callbacks, including the style and layout they cause (read back at once).
window.requestAnimationFrame = (callback: FrameRequestCallback) =>
  requestFrame((time) => {
    const started = performance.now();
    callback(time);
    scriptMs.push(performance.now() - started);
    void document.body.offsetHeight;
    paintMs.push(performance.now() - started);
  });

let memory: { kind: "real" | "fake"; size: number } = { kind: "real", size: 65536 };
const log: { offset: number; length: number }[] = [];

const source: MemorySource = {
  read(offset: number, length: number): Promise<MemoryWindow> {
    log.push({ offset, length });
    const size = memory.kind === "real" ? hooks.real.length : memory.size;
    // Clamped and copied at request time, as the worker's readMemory does.
    const start = Math.min(Math.max(0, offset), size);
    const n = Math.min(Math.max(0, length), 1 << 20, size - start);
    const bytes =
      memory.kind === "real" ? hooks.real.slice(start, start + n) : Uint8Array.from({ length: n }, (_, i) => fakeByte(start + i));
    return new Promise((resolve) => setTimeout(() => resolve({ offset: start, bytes, memoryBytes: size }), hooks.delayMs));
  },
};

const host = document.getElementById("host") as HTMLElement;

const hooks: MemoryPageHooks = {
  view: new MemoryView(host, source),
  log,
  delayMs: 5,
  real: realMemory(),
  paintMs,
  scriptMs,
  setup(options) {
    hooks.view.dispose();
    log.length = 0;
    hooks.real = realMemory();
    memory = { kind: options.memory, size: options.memory === "real" ? hooks.real.length : (options.size ?? 2 ** 32) };
    hooks.view = new MemoryView(host, source);
    hooks.view.setMemorySize(memory.size);
  },
  grow(pages) {
    const grown = new Uint8Array(hooks.real.length + pages * 65536);
    grown.set(hooks.real);
    hooks.real = grown;
    hooks.view.setMemorySize(grown.length);
    hooks.view.invalidate();
  },
  setRegions(regions, changed) {
    hooks.view.setRegions(regions, changed);
  },
  showMap(written, results) {
    const report = {
      written,
      results,
      writtenBytes: [],
      watched: [],
      changed: [],
      isWholeMemoryWatched: false,
      allocations: [],
      warnings: [],
      memoryBytesBefore: hooks.real.length,
    };
    const map = renderMemoryReport(report, "the call", {
      reveal: (offset, length) => hooks.view.reveal(offset, length),
      copy: () => undefined,
    });
    document.querySelector(".memory-map")?.remove();
    host.before(map);
  },
  scrollFrames(frames, pxPerFrame) {
    const grid = document.querySelector(".mv-grid") as HTMLElement;
    const deltas: number[] = [];
    let last: number | undefined;
    let n = 0;
    return new Promise((resolve) => {
      const step = (time: number) => {
        if (last !== undefined) deltas.push(time - last);
        last = time;
        if (n++ >= frames) {
          resolve(deltas);
          return;
        }
        grid.dispatchEvent(new WheelEvent("wheel", { deltaY: pxPerFrame, bubbles: true, cancelable: true }));
        requestFrame(step);
      };
      requestFrame(step);
    });
  },
};
hooks.view.setMemorySize(hooks.real.length);
(window as unknown as { __memoryPage: MemoryPageHooks }).__memoryPage = hooks;
