/**
 * A hex and ASCII view of a reactor's live linear memory, virtualized so that a 4 GiB memory
 * scrolls like a 64 KiB one, with region colours, changed-byte highlights, go-to and a value
 * inspector. It holds no memory of its own: it asks a `MemorySource` for small windows of what is
 * on screen and forgets them again.
 */
import type { ByteRange, Region, RegionKind } from "../../src/core/layout";
import type { MemoryWindow } from "../../src/core/protocol";
import { h } from "./dom";
import { hex8, inspectedBytes, Inspector } from "./inspector";

/** Where the view's bytes come from: in the page, the reactor worker's `readMemory` request. */
export interface MemorySource {
  /** Copies a window of memory (at most 1 MiB per request); resolves with what exists. */
  read(offset: number, length: number): Promise<MemoryWindow>;
}

/** The result of reading a typed address: an offset inside memory, or the reason there is none. */
/** `1234567` → `1,234,567`, without Intl, whose first use costs milliseconds. */
function groupThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export type ParsedAddress = { ok: true; offset: number } | { ok: false; reason: string };

const bytesPerRow = 16;
const pageBytes = 65536;
/** The view reads memory in aligned blocks of this size: a few screens each, far below the 1 MiB limit. */
const blockBytes = 4096;
/** Enough blocks for the screen, its margins and the inspector, and some history to scroll back to. */
const maxCachedBlocks = 48;
const maxRequestsInFlight = 4;
/** While scrolling fast, requests go out at most this often, each for where the view is by then. */
const fetchIntervalMs = 40;
const overscanRows = 2;
const minThumbPx = 24;

const kindDescriptions: Record<RegionKind, string> = {
  tag: "a tag saying what follows",
  length: "a length",
  payload: "the bytes of a value",
  terminator: "the end of a list",
  padding: "padding for alignment",
  pointer: "a pointer",
  nul: "the NUL ending a C string",
  allocation: "memory the module allocated",
  result: "a result written by the call",
};
const kinds = Object.keys(kindDescriptions) as RegionKind[];

const hexText: string[] = Array.from({ length: 256 }, (_, v) => v.toString(16).padStart(2, "0"));
const asciiText: string[] = Array.from({ length: 256 }, (_, v) => (v >= 0x20 && v < 0x7f ? String.fromCharCode(v) : "."));

let instances = 0;

/** A cached block of memory, tagged with the generation (see `invalidate`) it was read in. */
interface Block {
  bytes: Uint8Array;
  generation: number;
  /** The memory's size when it was read; a block may be short because memory ended there. */
  memoryBytes: number;
}

/** A stretch of memory covered by the same regions, innermost (smallest) first. */
interface Segment {
  start: number;
  end: number;
  regions: Region[];
}

/** One row element of the pool, and what it shows, so that unchanged text is never rewritten. */
interface RowView {
  element: HTMLElement;
  offsetCell: HTMLElement;
  cells: HTMLElement[];
  chars: HTMLElement[];
  /** The text nodes of `cells` then `chars`, then the offset's: updating `data` creates no nodes. */
  texts: Text[];
  /** The row index shown, or -1 when the row has not been painted. */
  index: number;
  /** The content version (see `MemoryView.contentVersion`) the row was painted at. */
  version: number;
  shown: string[];
  classes: string[];
  titles: string[];
}

/**
 * Reads an address as typed: `0x10` or `10h` in hex, `16` in decimal. Anything else, or an address
 * at or past the end of memory, gives a reason instead.
 */
export function parseAddress(text: string, memoryBytes: number): ParsedAddress {
  const t = text.trim().replace(/_/g, "");
  let offset: number;
  if (t === "") return { ok: false, reason: "Type an address, such as 0x1000 or 4096." };
  if (/^-/.test(t)) return { ok: false, reason: "Addresses start at 0." };
  if (/^0x[0-9a-f]+$/i.test(t)) offset = parseInt(t.slice(2), 16);
  else if (/^[0-9a-f]+h$/i.test(t)) offset = parseInt(t.slice(0, -1), 16);
  else if (/^[0-9]+$/.test(t)) offset = parseInt(t, 10);
  else if (/^[0-9a-f]+$/i.test(t)) return { ok: false, reason: `Write hex with 0x (0x${t}) or an h suffix (${t}h).` };
  else return { ok: false, reason: "Not an address: use hex (0x1f, 1fh) or decimal (31)." };
  if (!Number.isSafeInteger(offset)) return { ok: false, reason: "That address is far beyond any memory." };
  if (offset >= memoryBytes) {
    return { ok: false, reason: memoryBytes === 0 ? "There is no memory to go to." : `Beyond the end of memory: the last address is ${hex8(memoryBytes - 1)} (${memoryBytes - 1}).` };
  }
  return { ok: true, offset };
}

/** `1 page`, `2.5 pages`: a size in wasm pages of 64 KiB. */
function pagesText(bytes: number): string {
  const pages = bytes / pageBytes;
  const n = Number.isInteger(pages) ? groupThousands(pages) : pages.toFixed(2);
  return `${n} page${pages === 1 ? "" : "s"}`;
}

/** `64 KiB`, `4 GiB`, `1.5 MiB`: exact when whole. */
function sizeText(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

function plural(n: number, one: string): string {
  return `${groupThousands(n)} ${one}${n === 1 ? "" : "s"}`;
}

/**
 * Splits possibly nested regions into non-overlapping segments, each listing the regions that
 * cover it, smallest first: an allocation's payload shows as payload, and its tooltip still names
 * the allocation.
 */
function buildSegments(regions: readonly Region[]): Segment[] {
  const valid = regions.filter((r) => Number.isFinite(r.offset) && Number.isFinite(r.size) && r.offset >= 0 && r.size > 0);
  const points = [...new Set(valid.flatMap((r) => [r.offset, r.offset + r.size]))].sort((a, b) => a - b);
  const byOffset = [...valid].sort((a, b) => a.offset - b.offset);
  const segments: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i] as number;
    const end = points[i + 1] as number;
    const covering: Region[] = [];
    for (const r of byOffset) {
      if (r.offset > start) break;
      if (r.offset + r.size >= end) covering.push(r);
    }
    if (covering.length > 0) segments.push({ start, end, regions: covering.sort((a, b) => a.size - b.size) });
  }
  return segments;
}

/** Sorts and merges byte ranges, dropping empty ones. */
function mergeRanges(ranges: readonly ByteRange[]): ByteRange[] {
  const sorted = ranges.filter((r) => Number.isFinite(r.offset) && r.size > 0).sort((a, b) => a.offset - b.offset);
  const merged: ByteRange[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && r.offset <= last.offset + last.size) last.size = Math.max(last.size, r.offset + r.size - last.offset);
    else merged.push({ offset: r.offset, size: r.size });
  }
  return merged;
}

/** The index of the first item whose end lies after `offset`. */
function firstEndingAfter<T>(items: readonly T[], offset: number, end: (item: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (end(items[mid] as T) <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The memory view. It renders into `container`, reads through `source`, and is driven by the
 * page: `setMemorySize` after a load or a call, `setRegions` with the call's layout, `invalidate`
 * when memory may have changed.
 */
export class MemoryView {
  private readonly id = `mv${++instances}`;
  private readonly root: HTMLElement;
  private readonly sizeLine = h("span", { className: "mv-size" });
  private readonly grewLine = h("span", { className: "mv-grew" });
  private readonly gotoInput: HTMLInputElement;
  private readonly gotoError: HTMLElement;
  private readonly changesLine = h("span", { className: "mv-changes" });
  private readonly prevButton: HTMLButtonElement;
  private readonly nextButton: HTMLButtonElement;
  private readonly legend = h("ul", { className: "mv-legend", "aria-label": "Legend" });
  private readonly grid: HTMLElement;
  private readonly head: HTMLElement;
  private readonly viewport = h("div", { className: "mv-viewport", role: "rowgroup" });
  private readonly rowsLayer = h("div", { className: "mv-rows" });
  private readonly empty = h("p", { className: "mv-empty muted" }, "This reactor has no linear memory.");
  private readonly scrollbar: HTMLElement;
  private readonly thumb = h("div", { className: "mv-thumb" });
  private readonly selectionLine = h("div", { className: "mv-selection", "aria-live": "polite" });
  private readonly status = h("div", { className: "mv-status", "aria-live": "polite" });
  private readonly inspector: Inspector;
  private readonly resizeObserver: ResizeObserver;
  private readonly rowOf = new WeakMap<Element, RowView>();

  private memoryBytes = 0;
  private totalRows = 0;
  private rowHeight = 20;
  private isRowHeightMeasured = false;
  private viewportHeight = 0;
  private trackHeight = 0;
  /** The virtual scroll position in pixels: exact for any memory, since rows × height stays far below 2^53. */
  private scrollPx = 0;
  private pool: RowView[] = [];
  private poolStart = 0;
  private slots = 0;

  /** Bumped whenever every visible row must be painted again (data, regions, selection). */
  private contentVersion = 0;
  /** Bumped by `invalidate` and by a memory that shrank: responses from older generations are stale. */
  private generation = 0;
  private readonly blocks = new Map<number, Block>();
  private readonly inFlight = new Map<number, number>();
  private readonly failed = new Map<number, number>();
  private fetchTimer?: ReturnType<typeof setTimeout>;
  private isFetchScheduled = false;
  private lastFetchAt = -Infinity;
  private frame?: number;
  private isDisposed = false;

  private segments: Segment[] = [];
  private changed: ByteRange[] = [];
  private selection?: { offset: number; length: number };
  private hoveredOffset?: number;
  private drag?: { pointerId: number; startY: number; startScroll: number; pxPerThumbPx: number };

  /** Builds the view inside `container`; it shows nothing until `setMemorySize`. */
  constructor(
    container: HTMLElement,
    private readonly source: MemorySource,
  ) {
    const id = this.id;
    this.gotoInput = h("input", {
      id: `${id}-goto`,
      className: "mv-goto-input",
      type: "text",
      spellcheck: "false",
      autocomplete: "off",
      placeholder: "0x0000 or 1024",
      "aria-describedby": `${id}-goto-error`,
      onkeydown: (e) => this.onGotoKey(e as KeyboardEvent),
      oninput: () => this.showGotoError(undefined),
    });
    this.gotoError = h("span", { id: `${id}-goto-error`, className: "mv-goto-error", "aria-live": "polite" });
    this.prevButton = h("button", { type: "button", className: "secondary", disabled: true, onclick: () => this.goToChange(-1) }, "Previous change");
    this.nextButton = h("button", { type: "button", className: "secondary", disabled: true, onclick: () => this.goToChange(1) }, "Next change");
    this.head = h(
      "div",
      { className: "mv-line mv-head", role: "row", "aria-rowindex": "1" },
      h("span", { className: "mv-off", role: "columnheader" }, "Offset"),
      ...Array.from({ length: bytesPerRow }, (_, c) => h("span", { className: c === 7 ? "mv-b mv-gap" : "mv-b", role: "columnheader" }, hexText[c] ?? "")),
      h("span", { className: "mv-ascii", role: "columnheader" }, "ASCII"),
    );
    this.grid = h(
      "div",
      {
        className: "mv-grid",
        role: "grid",
        tabindex: "0",
        "aria-label": "Memory bytes",
        "aria-readonly": "true",
        "aria-colcount": String(bytesPerRow + 2),
        "aria-describedby": `${id}-help`,
        onkeydown: (e) => this.onGridKey(e as KeyboardEvent),
      },
      this.head,
      this.viewport,
    );
    this.viewport.append(this.rowsLayer, this.empty);
    this.scrollbar = h(
      "div",
      { className: "mv-scrollbar", role: "scrollbar", "aria-controls": `${id}-grid`, "aria-orientation": "vertical", "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": "0" },
      this.thumb,
    );
    this.grid.id = `${id}-grid`;
    this.inspector = new Inspector(id, (address) => this.reveal(address));

    this.root = h(
      "section",
      { className: "memory-view", "aria-label": "Linear memory" },
      h(
        "div",
        { className: "mv-toolbar" },
        h("div", { className: "mv-info" }, this.sizeLine, this.grewLine),
        h(
          "div",
          { className: "mv-goto" },
          h("label", { for: `${id}-goto` }, "Go to address"),
          this.gotoInput,
          this.gotoError,
        ),
        h("div", { className: "mv-change-nav" }, this.changesLine, this.prevButton, this.nextButton),
      ),
      this.legend,
      h(
        "div",
        { className: "mv-body" },
        h("div", { className: "mv-main" }, h("div", { className: "mv-frame" }, this.grid, this.scrollbar), this.selectionLine, this.status),
        this.inspector.element,
      ),
      h("p", { id: `${id}-help`, className: "mv-help" }, "Arrow keys move the selection, Page Up and Page Down move by a screen, Home and End to the start and end of the row, Ctrl+Home and Ctrl+End to the start and end of memory."),
    );
    container.append(this.root);

    this.viewport.addEventListener("pointerdown", (e) => this.onCellPointer(e));
    this.viewport.addEventListener("pointerover", (e) => this.onHover(e, true));
    this.viewport.addEventListener("pointerout", (e) => this.onHover(e, false));
    this.root.querySelector(".mv-frame")?.addEventListener("wheel", (e) => this.onWheel(e as WheelEvent), { passive: false });
    this.scrollbar.addEventListener("pointerdown", (e) => this.onTrackPointerDown(e));
    this.thumb.addEventListener("pointermove", (e) => this.onThumbMove(e));
    this.thumb.addEventListener("pointerup", (e) => this.endDrag(e));
    this.thumb.addEventListener("pointercancel", (e) => this.endDrag(e));
    this.resizeObserver = new ResizeObserver(() => this.onResize());
    this.resizeObserver.observe(this.viewport);
    this.resizeObserver.observe(this.scrollbar);
    this.setRegions([], []);
    this.setMemorySize(0);
  }

  /** Sets the memory size (bytes; may be up to 4 GiB = 2**32, and may grow between calls) and re-renders. */
  setMemorySize(bytes: number): void {
    const size = Number.isSafeInteger(bytes) && bytes > 0 ? bytes : 0;
    const before = this.memoryBytes;
    if (size < before) {
      // Wasm memories never shrink: a smaller one is a new instance, so nothing cached is valid.
      this.generation++;
      this.blocks.clear();
      this.failed.clear();
    }
    this.memoryBytes = size;
    this.totalRows = Math.ceil(size / bytesPerRow);
    if (this.selection !== undefined && this.selection.offset >= size) this.selection = undefined;
    this.sizeLine.textContent = size === 0 ? "No linear memory" : `Memory: ${groupThousands(size)} bytes = ${pagesText(size)} of 64 KiB (${sizeText(size)})`;
    // The note describes the latest change only; a call that did not grow memory clears it.
    this.grewLine.textContent = before > 0 && size > before ? `grew from ${pagesText(before)} (${sizeText(before)}) to ${pagesText(size)} (${sizeText(size)})` : "";
    this.grid.setAttribute("aria-rowcount", String(this.totalRows + 1));
    this.empty.hidden = size > 0;
    this.contentVersion++;
    this.scheduleRender();
    // Ask for the visible bytes now rather than after the first frame: one round trip sooner.
    this.scheduleFetch();
  }

  /** Labelled regions to colour (with a legend) and the byte ranges the last call changed (highlighted). */
  setRegions(regions: Region[], changed: ByteRange[]): void {
    this.segments = buildSegments(regions);
    this.changed = mergeRanges(changed);
    const counts = new Map<RegionKind, number>();
    for (const r of regions) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
    this.legend.replaceChildren(
      ...kinds
        .filter((k) => counts.has(k))
        .map((k) => h("li", { title: kindDescriptions[k] }, h("span", { className: `mv-swatch k-${k}`, "aria-hidden": "true" }), `${k} (${counts.get(k)})`)),
      ...(this.changed.length > 0 ? [h("li", {}, h("span", { className: "mv-swatch mv-changed", "aria-hidden": "true" }), "changed by the last call")] : []),
    );
    this.legend.hidden = this.legend.childElementCount === 0;
    const changedBytes = this.changed.reduce((sum, r) => sum + r.size, 0);
    this.changesLine.textContent =
      changedBytes === 0 ? "No bytes changed" : `${plural(changedBytes, "byte")} changed${this.changed.length > 1 ? ` in ${this.changed.length} ranges` : ""}`;
    this.updateChangeButtons();
    this.contentVersion++;
    this.scheduleRender();
  }

  /** Drops cached windows (after a call, memory changed) and repaints what is visible. */
  invalidate(): void {
    this.generation++;
    this.failed.clear();
    // Blocks on screen stay until fresh ones replace them, so the grid does not flash placeholders.
    const keep = new Set(this.wantedBlocks());
    for (const b of [...this.blocks.keys()]) if (!keep.has(b)) this.blocks.delete(b);
    this.status.textContent = "";
    this.contentVersion++;
    this.scheduleRender();
    this.scheduleFetch();
  }

  /**
   * Takes bytes read from the current memory, by the view's own reads or without asking (a load
   * report carries the first block, sparing a round trip), and repaints.
   */
  accept(win: MemoryWindow): void {
    if (win.offset % blockBytes !== 0) return;
    // At least one block, even an empty one: a read at the end of memory is an answer too.
    let at = 0;
    do {
      this.blocks.set((win.offset + at) / blockBytes, { bytes: win.bytes.subarray(at, at + blockBytes), generation: this.generation, memoryBytes: win.memoryBytes });
      at += blockBytes;
    } while (at < win.bytes.length);
    this.evict();
    this.contentVersion++;
    this.scheduleRender();
  }

  /** Scrolls so that `offset` is visible and selects it (with `length`, the `length` bytes from there). */
  reveal(offset: number, length = 1): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset >= this.memoryBytes) return;
    const size = Math.max(1, Math.min(Number.isSafeInteger(length) ? length : 1, this.memoryBytes - offset));
    this.select(offset, size);
    const row = Math.floor(offset / bytesPerRow);
    const top = row * this.rowHeight;
    if (top < this.scrollPx || top + this.rowHeight > this.scrollPx + this.viewportHeight) {
      // A third of the way down leaves context above the target, as editors do.
      const above = Math.floor(this.viewportHeight / this.rowHeight / 3);
      this.setScroll((row - above) * this.rowHeight);
    }
  }

  /** Removes the view and stops every timer and observer; pending reads are ignored when they arrive. */
  dispose(): void {
    this.isDisposed = true;
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    if (this.fetchTimer !== undefined) clearTimeout(this.fetchTimer);
    this.resizeObserver.disconnect();
    this.blocks.clear();
    this.root.remove();
  }

  // -------------------------------------------------------------------------------------------
  // Rendering

  private scheduleRender(): void {
    if (this.frame !== undefined || this.isDisposed) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = undefined;
      this.render();
    });
  }

  private get maxScroll(): number {
    return Math.max(0, this.totalRows * this.rowHeight - this.viewportHeight);
  }

  private setScroll(px: number): void {
    const next = Math.min(Math.max(0, px), this.maxScroll);
    if (next === this.scrollPx) return;
    this.scrollPx = next;
    this.scheduleRender();
  }

  private measure(): void {
    if (!this.isRowHeightMeasured) {
      const height = this.head.getBoundingClientRect().height;
      if (height > 0) {
        // Whole pixels keep row positions exact: row r sits at r × rowHeight, without drift.
        this.rowHeight = Math.ceil(height);
        this.root.style.setProperty("--mv-row-height", `${this.rowHeight}px`);
        this.isRowHeightMeasured = true;
      }
    }
    this.viewportHeight = this.viewport.clientHeight;
    this.trackHeight = this.scrollbar.clientHeight;
  }

  private onResize(): void {
    this.measure();
    this.scheduleRender();
  }

  private render(): void {
    if (this.isDisposed) return;
    this.measure();
    const rowHeight = this.rowHeight;
    this.scrollPx = Math.min(Math.max(0, this.scrollPx), this.maxScroll);
    const rowsOnScreen = Math.ceil(this.viewportHeight / rowHeight) + 1;
    this.resizePool(rowsOnScreen + 2 * overscanRows);

    const first = Math.floor(this.scrollPx / rowHeight);
    const start = Math.max(0, first - overscanRows);
    const n = this.pool.length;
    const delta = start - this.poolStart;
    // Rows that stay on screen keep their node and text; only the rows scrolled in are painted.
    if (delta > 0 && delta < n) {
      for (let k = 0; k < delta; k++) {
        const row = this.pool.shift() as RowView;
        this.pool.push(row);
        this.rowsLayer.append(row.element);
      }
    } else if (delta < 0 && -delta < n) {
      for (let k = 0; k < -delta; k++) {
        const row = this.pool.pop() as RowView;
        this.pool.unshift(row);
        this.rowsLayer.prepend(row.element);
      }
    }
    this.poolStart = start;
    for (let i = 0; i < n; i++) {
      const row = this.pool[i] as RowView;
      const index = start + i;
      if (index >= this.totalRows) {
        row.element.hidden = true;
        row.index = -1;
        continue;
      }
      row.element.hidden = false;
      if (row.index !== index || row.version !== this.contentVersion) this.paintRow(row, index);
    }
    this.rowsLayer.style.transform = `translateY(${start * rowHeight - this.scrollPx}px)`;
    this.renderScrollbar();
    this.renderSelection();
    if (this.hasMissingData()) this.scheduleFetch();
  }

  private resizePool(size: number): void {
    if (size === this.pool.length) return;
    while (this.pool.length < size) {
      const row = this.createRow();
      this.pool.push(row);
      this.rowsLayer.append(row.element);
    }
    while (this.pool.length > size) this.pool.pop()?.element.remove();
    for (const row of this.pool) row.index = -1;
  }

  /** A row with empty cells, cloned for each pooled row: cloning costs a fraction of building. */
  private readonly rowTemplate = h(
    "div",
    { className: "mv-line mv-row", role: "row" },
    h("span", { className: "mv-off", role: "rowheader" }, ""),
    ...Array.from({ length: bytesPerRow }, (_, c) => h("span", { className: "mv-b", role: "gridcell", "data-col": String(c) }, "")),
    h("span", { className: "mv-ascii", role: "gridcell" }, ...Array.from({ length: bytesPerRow }, (_, c) => h("span", { className: "mv-ch", "data-col": String(c) }, ""))),
  );

  private createRow(): RowView {
    const slot = this.slots++;
    const element = this.rowTemplate.cloneNode(true) as HTMLElement;
    const offsetCell = element.firstElementChild as HTMLElement;
    const cells = Array.from(element.children).slice(1, 1 + bytesPerRow) as HTMLElement[];
    const chars = Array.from((element.lastElementChild as HTMLElement).children) as HTMLElement[];
    cells.forEach((cell, c) => (cell.id = `${this.id}-s${slot}-${c}`));
    const texts = [...cells, ...chars, offsetCell].map((e) => e.firstChild as Text);
    const row: RowView = { element, offsetCell, cells, chars, texts, index: -1, version: -1, shown: [], classes: [], titles: [] };
    this.rowOf.set(element, row);
    return row;
  }

  /** Writes one row's offset, bytes, characters, classes and tooltips, touching only what differs. */
  private paintRow(row: RowView, index: number): void {
    row.index = index;
    row.version = this.contentVersion;
    const base = index * bytesPerRow;
    const offsetText = hex8(base).slice(2);
    if (row.shown[32] !== offsetText) {
      row.shown[32] = offsetText;
      (row.texts[32] as Text).data = offsetText;
      row.offsetCell.title = `${hex8(base)} = ${groupThousands(base)} decimal`;
      row.element.setAttribute("aria-rowindex", String(index + 2));
    }
    const blockIndex = Math.floor(base / blockBytes);
    const block = this.blocks.get(blockIndex);
    const blockStart = blockIndex * blockBytes;
    let s = firstEndingAfter(this.segments, base, (seg) => seg.end);
    let ch = firstEndingAfter(this.changed, base, (r) => r.offset + r.size);
    const sel = this.selection;
    for (let c = 0; c < bytesPerRow; c++) {
      const o = base + c;
      let text: string;
      let char: string;
      let cls = c === 7 ? "mv-b mv-gap" : "mv-b";
      let title = "";
      if (o >= this.memoryBytes) {
        text = "";
        char = "";
        cls += " mv-none";
      } else {
        const i = o - blockStart;
        const v = block !== undefined && i < block.bytes.length ? (block.bytes[i] as number) : -1;
        while (s < this.segments.length && (this.segments[s] as Segment).end <= o) s++;
        const seg = this.segments[s];
        const regions = seg !== undefined && seg.start <= o ? seg.regions : undefined;
        while (ch < this.changed.length && (this.changed[ch] as ByteRange).offset + (this.changed[ch] as ByteRange).size <= o) ch++;
        const changed = this.changed[ch];
        const isChanged = changed !== undefined && changed.offset <= o;
        if (v < 0) {
          text = "··";
          char = "·";
          cls += " mv-missing";
        } else {
          text = hexText[v] as string;
          char = asciiText[v] as string;
        }
        if (regions !== undefined) cls += ` mv-k k-${(regions[0] as Region).kind}`;
        if (isChanged) {
          // The outline runs around each changed range, closing at its ends and at the gap and row edges.
          cls += " mv-changed";
          if (o === changed.offset || c === 0 || c === 8) cls += " mv-cs";
          if (o === changed.offset + changed.size - 1 || c === 7 || c === 15 || o === this.memoryBytes - 1) cls += " mv-ce";
        }
        if (sel !== undefined && o >= sel.offset && o < sel.offset + sel.length) cls += o === sel.offset ? " mv-sel mv-cursor" : " mv-sel";
        // Only the cells someone is looking at get a tooltip: one for every byte painted would cost each frame.
        if (o === this.hoveredOffset || o === sel?.offset) title = this.byteTitle(o, v, regions, isChanged);
      }
      if (row.shown[c] !== text) {
        row.shown[c] = text;
        (row.texts[c] as Text).data = text;
      }
      if (row.shown[16 + c] !== char) {
        row.shown[16 + c] = char;
        (row.texts[16 + c] as Text).data = char;
      }
      if (row.classes[c] !== cls) {
        row.classes[c] = cls;
        (row.cells[c] as HTMLElement).className = cls;
        (row.chars[c] as HTMLElement).className = cls.replace("mv-b", "mv-ch").replace(" mv-gap", "");
      }
      if (row.titles[c] !== title) {
        row.titles[c] = title;
        (row.cells[c] as HTMLElement).title = title;
        (row.chars[c] as HTMLElement).title = title;
      }
    }
  }

  /** A byte's tooltip: its address in hex and decimal, its value, and every region that holds it. */
  private byteTitle(o: number, v: number, regions: Region[] | undefined, isChanged: boolean): string {
    let title = `${hex8(o)} (${o})`;
    if (v >= 0) title += `: 0x${hexText[v]} = ${v}`;
    if (regions !== undefined) {
      for (const r of regions) {
        title += `\n${r.kind}: ${r.label}`;
        if (r.value !== undefined) title += ` = ${r.value}`;
        title += ` (${r.size} byte${r.size === 1 ? "" : "s"} at ${hex8(r.offset)})`;
      }
    }
    if (isChanged) title += "\nchanged by the last call";
    return title;
  }

  private renderScrollbar(): void {
    const max = this.maxScroll;
    this.scrollbar.classList.toggle("mv-scrollbar-idle", max === 0);
    if (max === 0) {
      this.thumb.style.height = "0px";
      this.scrollbar.setAttribute("aria-valuenow", "0");
      return;
    }
    const contentHeight = this.totalRows * this.rowHeight;
    const thumbHeight = Math.min(this.trackHeight, Math.max(minThumbPx, Math.round((this.trackHeight * this.viewportHeight) / contentHeight)));
    const top = ((this.trackHeight - thumbHeight) * this.scrollPx) / max;
    this.thumb.style.height = `${thumbHeight}px`;
    this.thumb.style.transform = `translateY(${top}px)`;
    this.scrollbar.setAttribute("aria-valuenow", String(Math.round((100 * this.scrollPx) / max)));
    this.scrollbar.setAttribute("aria-valuetext", `rows from ${hex8(Math.floor(this.scrollPx / this.rowHeight) * bytesPerRow)}`);
  }

  /** The grid's active cell, the selection's sentence, and the inspector. */
  private renderSelection(): void {
    const sel = this.selection;
    const row = sel === undefined ? undefined : this.pool.find((r) => r.index === Math.floor(sel.offset / bytesPerRow));
    const cell = sel === undefined || row === undefined ? undefined : row.cells[sel.offset % bytesPerRow];
    if (cell !== undefined) this.grid.setAttribute("aria-activedescendant", cell.id);
    else this.grid.removeAttribute("aria-activedescendant");
    if (sel === undefined) {
      this.setText(this.selectionLine, "");
      this.inspector.update(undefined);
      return;
    }
    const bytes = this.bytesFrom(sel.offset, inspectedBytes);
    const v = bytes[0];
    const s = firstEndingAfter(this.segments, sel.offset, (seg) => seg.end);
    const seg = this.segments[s];
    const region = seg !== undefined && seg.start <= sel.offset ? seg.regions[0] : undefined;
    const parts = [`Selected ${hex8(sel.offset)} (${sel.offset})`];
    if (sel.length > 1) parts[0] += ` and ${sel.length - 1} more byte${sel.length === 2 ? "" : "s"}`;
    parts.push(v === undefined ? "loading" : `0x${hexText[v]} = ${v}`);
    if (region !== undefined) parts.push(`${region.kind}: ${region.label}`);
    this.setText(this.selectionLine, parts.join(" · "));
    this.inspector.update({ offset: sel.offset, bytes, memoryBytes: this.memoryBytes });
  }

  private setText(element: HTMLElement, text: string): void {
    if (element.textContent !== text) element.textContent = text;
  }

  /** Up to `count` loaded bytes from `offset` on, stopping at the first one not loaded. */
  private bytesFrom(offset: number, count: number): Uint8Array {
    const out = new Uint8Array(count);
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

  // -------------------------------------------------------------------------------------------
  // Reading memory

  /** The blocks worth having, most wanted first: the screen, a screen of margin each way, the inspector's bytes. */
  private wantedBlocks(): number[] {
    if (this.memoryBytes === 0) return [];
    const rows = Math.max(1, Math.ceil(this.viewportHeight / this.rowHeight));
    const first = Math.floor(this.scrollPx / this.rowHeight);
    const last = Math.min(this.totalRows - 1, first + rows);
    const blockOfRow = (r: number) => Math.floor((r * bytesPerRow) / blockBytes);
    const wanted: number[] = [];
    const add = (from: number, to: number) => {
      for (let b = from; b <= to; b++) if (!wanted.includes(b)) wanted.push(b);
    };
    add(blockOfRow(first), blockOfRow(last));
    if (this.selection !== undefined) {
      const end = Math.min(this.memoryBytes, this.selection.offset + inspectedBytes) - 1;
      add(Math.floor(this.selection.offset / blockBytes), Math.floor(end / blockBytes));
    }
    add(blockOfRow(Math.max(0, first - rows)), blockOfRow(Math.min(this.totalRows - 1, last + rows)));
    return wanted;
  }

  private isFresh(b: number): boolean {
    const block = this.blocks.get(b);
    if (block === undefined || block.generation !== this.generation) return false;
    const start = b * blockBytes;
    const expected = Math.min(blockBytes, this.memoryBytes - start);
    return block.bytes.length >= expected || start + block.bytes.length >= block.memoryBytes;
  }

  private hasMissingData(): boolean {
    return this.wantedBlocks().some((b) => !this.isFresh(b) && this.failed.get(b) !== this.generation);
  }

  /**
   * Coalesces reads: at most one batch per `fetchIntervalMs`, each for wherever the view is by then.
   * A batch that is already due goes out as a microtask, once the current update is done: a timer
   * would wait behind the next frame's style, layout and paint, and so show the first bytes frames late.
   */
  private scheduleFetch(): void {
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

  private fetchWanted(): void {
    for (const b of this.wantedBlocks()) {
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
          this.status.textContent = `Memory at ${hex8(offset)} came back for the wrong address (${hex8(win.offset)}).`;
          return;
        }
        this.accept({ ...win, bytes: win.bytes.subarray(0, length) });
      },
      (error: unknown) => {
        settle();
        if (this.isDisposed || generation !== this.generation) return;
        this.failed.set(b, generation);
        const message = error instanceof Error ? error.message : typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error);
        this.status.textContent = `Could not read memory at ${hex8(offset)}: ${message}`;
      },
    );
  }

  /** Keeps the cache small by dropping the blocks farthest from the screen. */
  private evict(): void {
    if (this.blocks.size <= maxCachedBlocks) return;
    const center = Math.floor((Math.floor(this.scrollPx / this.rowHeight) * bytesPerRow) / blockBytes);
    const byDistance = [...this.blocks.keys()].sort((a, b) => Math.abs(b - center) - Math.abs(a - center));
    for (const b of byDistance.slice(0, this.blocks.size - maxCachedBlocks)) this.blocks.delete(b);
  }

  // -------------------------------------------------------------------------------------------
  // Input

  private select(offset: number, length: number): void {
    this.selection = { offset, length };
    this.contentVersion++;
    this.updateChangeButtons();
    this.scheduleRender();
    this.scheduleFetch();
  }

  private cellAt(target: EventTarget | null): { row: RowView; col: number; cell: HTMLElement } | undefined {
    const cell = target instanceof Element ? target.closest<HTMLElement>(".mv-b, .mv-ch") : null;
    const rowElement = cell?.closest(".mv-row");
    const row = rowElement ? this.rowOf.get(rowElement) : undefined;
    if (cell === null || cell === undefined || row === undefined || row.index < 0) return undefined;
    return { row, col: Number(cell.dataset.col), cell };
  }

  private onCellPointer(e: PointerEvent): void {
    if (e.button !== 0) return;
    const hit = this.cellAt(e.target);
    if (hit === undefined) return;
    const offset = hit.row.index * bytesPerRow + hit.col;
    if (offset >= this.memoryBytes) return;
    this.select(offset, 1);
    // The grid takes focus so that arrow keys continue from the clicked byte.
    this.grid.focus({ preventScroll: true });
    e.preventDefault();
  }

  /** Hovering a byte also marks its character, and the other way round, as hex editors do. */
  private onHover(e: PointerEvent, isOver: boolean): void {
    const hit = this.cellAt(e.target);
    if (hit === undefined) return;
    hit.row.cells[hit.col]?.classList.toggle("mv-hover", isOver);
    hit.row.chars[hit.col]?.classList.toggle("mv-hover", isOver);
    // The tooltip is written now, before the browser shows it.
    this.hoveredOffset = isOver ? hit.row.index * bytesPerRow + hit.col : undefined;
    this.paintRow(hit.row, hit.row.index);
  }

  private onWheel(e: WheelEvent): void {
    if (e.ctrlKey || this.maxScroll === 0) return;
    const unit = e.deltaMode === WheelEvent.DOM_DELTA_LINE ? this.rowHeight : e.deltaMode === WheelEvent.DOM_DELTA_PAGE ? this.viewportHeight : 1;
    const before = this.scrollPx;
    this.setScroll(this.scrollPx + e.deltaY * unit);
    // At either end the page may scroll instead, as a native scroller lets it.
    if (this.scrollPx !== before) e.preventDefault();
  }

  private onTrackPointerDown(e: PointerEvent): void {
    if (e.button !== 0 || this.maxScroll === 0) return;
    e.preventDefault();
    const thumbRect = this.thumb.getBoundingClientRect();
    if (e.target === this.thumb) {
      const thumbHeight = thumbRect.height;
      this.drag = { pointerId: e.pointerId, startY: e.clientY, startScroll: this.scrollPx, pxPerThumbPx: this.maxScroll / Math.max(1, this.trackHeight - thumbHeight) };
      this.thumb.setPointerCapture(e.pointerId);
      this.thumb.classList.add("mv-dragging");
      return;
    }
    // A click on the track moves a screen towards it, like a native scrollbar.
    const page = Math.max(1, Math.floor(this.viewportHeight / this.rowHeight) - 1) * this.rowHeight;
    this.setScroll(this.scrollPx + (e.clientY < thumbRect.top ? -page : page));
  }

  private onThumbMove(e: PointerEvent): void {
    if (this.drag === undefined || e.pointerId !== this.drag.pointerId) return;
    this.setScroll(this.drag.startScroll + (e.clientY - this.drag.startY) * this.drag.pxPerThumbPx);
  }

  private endDrag(e: PointerEvent): void {
    if (this.drag === undefined || e.pointerId !== this.drag.pointerId) return;
    this.drag = undefined;
    this.thumb.classList.remove("mv-dragging");
  }

  private onGridKey(e: KeyboardEvent): void {
    if (this.memoryBytes === 0 || e.altKey) return;
    const rowsPerPage = Math.max(1, Math.floor(this.viewportHeight / this.rowHeight) - 1);
    const firstVisible = Math.min(this.memoryBytes - 1, Math.ceil(this.scrollPx / this.rowHeight) * bytesPerRow);
    const current = this.selection?.offset ?? firstVisible;
    const isToEnds = e.ctrlKey || e.metaKey;
    let next: number;
    let scrollBy = 0;
    switch (e.key) {
      case "ArrowLeft":
        next = current - 1;
        break;
      case "ArrowRight":
        next = current + 1;
        break;
      case "ArrowUp":
        next = current - bytesPerRow;
        break;
      case "ArrowDown":
        next = current + bytesPerRow;
        break;
      case "PageUp":
        next = current - rowsPerPage * bytesPerRow;
        scrollBy = -rowsPerPage * this.rowHeight;
        break;
      case "PageDown":
        next = current + rowsPerPage * bytesPerRow;
        scrollBy = rowsPerPage * this.rowHeight;
        break;
      case "Home":
        next = isToEnds ? 0 : current - (current % bytesPerRow);
        break;
      case "End":
        next = isToEnds ? this.memoryBytes - 1 : current - (current % bytesPerRow) + bytesPerRow - 1;
        break;
      default:
        return;
    }
    e.preventDefault();
    // Without a selection the first key selects where the screen is, rather than jumping away.
    if (this.selection === undefined && !e.key.startsWith("Page") && !isToEnds) next = current;
    next = Math.min(Math.max(0, next), this.memoryBytes - 1);
    if (scrollBy !== 0) this.setScroll(this.scrollPx + scrollBy);
    this.select(next, 1);
    this.scrollIntoView(next);
  }

  /** Scrolls the least that shows the row of `offset` whole. */
  private scrollIntoView(offset: number): void {
    const top = Math.floor(offset / bytesPerRow) * this.rowHeight;
    if (top < this.scrollPx) this.setScroll(top);
    else if (top + this.rowHeight > this.scrollPx + this.viewportHeight) this.setScroll(top + this.rowHeight - this.viewportHeight);
  }

  private onGotoKey(e: KeyboardEvent): void {
    if (e.key !== "Enter") return;
    e.preventDefault();
    const parsed = parseAddress(this.gotoInput.value, this.memoryBytes);
    if (!parsed.ok) {
      this.showGotoError(parsed.reason);
      return;
    }
    this.showGotoError(undefined);
    this.reveal(parsed.offset);
  }

  private showGotoError(reason: string | undefined): void {
    this.gotoError.textContent = reason ?? "";
    if (reason === undefined) this.gotoInput.removeAttribute("aria-invalid");
    else this.gotoInput.setAttribute("aria-invalid", "true");
  }

  /** Reveals the next (+1) or previous (-1) changed range, counting from the selection. */
  private goToChange(direction: 1 | -1): void {
    const range = this.changeFrom(direction);
    if (range !== undefined) this.reveal(range.offset, range.size);
  }

  private changeFrom(direction: 1 | -1): ByteRange | undefined {
    const at = this.selection?.offset;
    if (direction === 1) return this.changed.find((r) => at === undefined || r.offset > at);
    for (let i = this.changed.length - 1; i >= 0; i--) {
      const r = this.changed[i] as ByteRange;
      if (at === undefined || r.offset < at) return r;
    }
    return undefined;
  }

  private updateChangeButtons(): void {
    this.prevButton.disabled = this.selection === undefined || this.changeFrom(-1) === undefined;
    this.nextButton.disabled = this.changeFrom(1) === undefined;
  }
}
