/**
 * The memory view's grid: a pool of row elements showing offsets, hex bytes and ASCII, tinted by
 * region kind, with changed bytes outlined, a selection, hover and keyboard movement. It paints the
 * rows at the scroller's position from bytes it is handed; it neither scrolls nor reads memory.
 */
import type { ByteRange, Region } from "../../src/core/layout";
import { groupThousands, plural } from "../../src/core/wording";
import { h } from "./dom";
import { hex8 } from "./inspector";
import type { ScrollExtent, VirtualScrollbar } from "./virtualScrollbar";

/** Bytes shown in each row. */
export const bytesPerRow = 16;
const overscanRows = 2;

/** `00`…`ff`, the column heads and every byte's text. */
export const hexText: string[] = Array.from({ length: 256 }, (_, v) => v.toString(16).padStart(2, "0"));
const asciiText: string[] = Array.from({ length: 256 }, (_, v) => (v >= 0x20 && v < 0x7f ? String.fromCharCode(v) : "."));

/** Loaded bytes by the block holding an offset: the grid reads a row's bytes from one block. */
export interface LoadedBytes {
  /** The loaded stretch holding `offset`, if any; it may be short where memory ended. */
  blockAt(offset: number): { offset: number; bytes: Uint8Array } | undefined;
}

/** What the grid tells its owner. */
export interface MemoryGridEvents {
  /** The selection moved (by click, key or `select`): the owner repaints and reads what it needs. */
  didSelect(): void;
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
  /** The content version (see `MemoryGrid.contentVersion`) the row was painted at. */
  version: number;
  shown: string[];
  classes: string[];
  titles: string[];
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
 * The grid. The owner sets the memory size and regions, calls `paint` in an animation frame, and
 * bumps `invalidateRows` when the bytes behind the rows changed.
 */
export class MemoryGrid {
  /** The focusable grid element (head row and viewport). */
  readonly element: HTMLElement;
  /** The part that shows rows; its height is the scroller's viewport. */
  readonly viewport = h("div", { className: "mv-viewport", role: "rowgroup" });
  private readonly head: HTMLElement;
  private readonly rowsLayer = h("div", { className: "mv-rows" });
  private readonly empty = h("p", { className: "mv-empty muted" }, "This reactor has no linear memory.");
  private readonly rowOf = new WeakMap<Element, RowView>();

  private memoryBytes = 0;
  private totalRows = 0;
  private rowHeight = 20;
  private isRowHeightMeasured = false;
  private viewportHeight = 0;
  private pool: RowView[] = [];
  private poolStart = 0;
  private slots = 0;
  /** Bumped whenever every visible row must be painted again (data, regions, selection). */
  private contentVersion = 0;

  private segments: Segment[] = [];
  private changedRanges: ByteRange[] = [];
  private selected?: { offset: number; length: number };
  private hoveredOffset?: number;

  /** Builds the grid; `id` prefixes its element ids, `scroller` says where it is and moves it. */
  constructor(
    private readonly id: string,
    private readonly scroller: VirtualScrollbar,
    private readonly data: LoadedBytes,
    private readonly events: MemoryGridEvents,
  ) {
    this.head = h(
      "div",
      { className: "mv-line mv-head", role: "row", "aria-rowindex": "1" },
      h("span", { className: "mv-off", role: "columnheader" }, "Offset"),
      ...Array.from({ length: bytesPerRow }, (_, c) =>
        h("span", { className: c === 7 ? "mv-b mv-gap" : "mv-b", role: "columnheader" }, hexText[c] ?? ""),
      ),
      h("span", { className: "mv-ascii", role: "columnheader" }, "ASCII"),
    );
    this.element = h(
      "div",
      {
        id: `${id}-grid`,
        className: "mv-grid",
        role: "grid",
        tabindex: "0",
        "aria-label": "Memory bytes",
        "aria-readonly": "true",
        "aria-colcount": String(bytesPerRow + 2),
        "aria-describedby": `${id}-help`,
        onkeydown: (e) => this.onKey(e as KeyboardEvent),
      },
      this.head,
      this.viewport,
    );
    this.viewport.append(this.rowsLayer, this.empty);
    this.viewport.addEventListener("pointerdown", (e) => this.onCellPointer(e));
    this.viewport.addEventListener("pointerover", (e) => this.onHover(e, true));
    this.viewport.addEventListener("pointerout", (e) => this.onHover(e, false));
  }

  /** The selected bytes, if any. */
  get selection(): { offset: number; length: number } | undefined {
    return this.selected;
  }

  /** The changed ranges, sorted and merged. */
  get changed(): readonly ByteRange[] {
    return this.changedRanges;
  }

  /** Sets the memory size in bytes; a selection past the end goes away. */
  setMemorySize(bytes: number): void {
    this.memoryBytes = bytes;
    this.totalRows = Math.ceil(bytes / bytesPerRow);
    if (this.selected !== undefined && this.selected.offset >= bytes) this.selected = undefined;
    this.element.setAttribute("aria-rowcount", String(this.totalRows + 1));
    this.empty.hidden = bytes > 0;
    this.contentVersion++;
  }

  /** Regions to tint and the byte ranges the last call changed (outlined). */
  setRegions(regions: readonly Region[], changed: readonly ByteRange[]): void {
    this.segments = buildSegments(regions);
    this.changedRanges = mergeRanges(changed);
    this.contentVersion++;
  }

  /** The innermost region holding `offset`, if any. */
  regionAt(offset: number): Region | undefined {
    const seg = this.segments[firstEndingAfter(this.segments, offset, (s) => s.end)];
    return seg !== undefined && seg.start <= offset ? seg.regions[0] : undefined;
  }

  /** Every row must be painted again: the bytes behind them changed. */
  invalidateRows(): void {
    this.contentVersion++;
  }

  /** Selects `length` bytes from `offset` on. */
  select(offset: number, length: number): void {
    this.selected = { offset, length };
    this.contentVersion++;
    this.events.didSelect();
  }

  /** Selects `offset` (and `length` bytes from there) and scrolls it into view a third of the way down. */
  reveal(offset: number, length: number): void {
    this.select(offset, length);
    const row = Math.floor(offset / bytesPerRow);
    const top = row * this.rowHeight;
    const scroll = this.scroller.position;
    if (top < scroll || top + this.rowHeight > scroll + this.viewportHeight) {
      // A third of the way down leaves context above the target, as editors do.
      const above = Math.floor(this.viewportHeight / this.rowHeight / 3);
      this.scroller.scrollTo((row - above) * this.rowHeight);
    }
  }

  /** Where the grid looks, for the block cache: the rows on screen. */
  visibleRows(): { firstRow: number; rowCount: number } {
    return {
      firstRow: Math.floor(this.scroller.position / this.rowHeight),
      rowCount: Math.max(1, Math.ceil(this.viewportHeight / this.rowHeight)),
    };
  }

  /** `rows from 0x…`: the scroll position in words. */
  describeScroll(scrollPx: number): string {
    return `rows from ${hex8(Math.floor(scrollPx / this.rowHeight) * bytesPerRow)}`;
  }

  /** Measures the row height (once) and the viewport, and returns what the scroller scrolls. */
  measure(): ScrollExtent {
    if (!this.isRowHeightMeasured) {
      const height = this.head.getBoundingClientRect().height;
      if (height > 0) {
        // Whole pixels keep row positions exact: row r sits at r × rowHeight, without drift.
        this.rowHeight = Math.ceil(height);
        this.element.style.setProperty("--mv-row-height", `${this.rowHeight}px`);
        this.isRowHeightMeasured = true;
      }
    }
    this.viewportHeight = this.viewport.clientHeight;
    return { contentPx: this.totalRows * this.rowHeight, viewportPx: this.viewportHeight, linePx: this.rowHeight };
  }

  /** Paints the rows at the scroller's position: rows that stay on screen keep their nodes and text. */
  paint(): void {
    const rowHeight = this.rowHeight;
    const scrollPx = this.scroller.position;
    const rowsOnScreen = Math.ceil(this.viewportHeight / rowHeight) + 1;
    this.resizePool(rowsOnScreen + 2 * overscanRows);

    const first = Math.floor(scrollPx / rowHeight);
    const start = Math.max(0, first - overscanRows);
    const n = this.pool.length;
    const delta = start - this.poolStart;
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
    this.rowsLayer.style.transform = `translateY(${start * rowHeight - scrollPx}px)`;
    this.renderActiveCell();
  }

  /** Points `aria-activedescendant` at the selected byte's cell while it is painted. */
  private renderActiveCell(): void {
    const sel = this.selected;
    const row = sel === undefined ? undefined : this.pool.find((r) => r.index === Math.floor(sel.offset / bytesPerRow));
    const cell = sel === undefined || row === undefined ? undefined : row.cells[sel.offset % bytesPerRow];
    if (cell !== undefined) this.element.setAttribute("aria-activedescendant", cell.id);
    else this.element.removeAttribute("aria-activedescendant");
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
    h(
      "span",
      { className: "mv-ascii", role: "gridcell" },
      ...Array.from({ length: bytesPerRow }, (_, c) => h("span", { className: "mv-ch", "data-col": String(c) }, "")),
    ),
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
    // A row never straddles two blocks: blocks are whole rows long.
    const block = this.data.blockAt(base);
    const blockStart = block?.offset ?? 0;
    let s = firstEndingAfter(this.segments, base, (seg) => seg.end);
    let ch = firstEndingAfter(this.changedRanges, base, (r) => r.offset + r.size);
    const sel = this.selected;
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
        while (
          ch < this.changedRanges.length &&
          (this.changedRanges[ch] as ByteRange).offset + (this.changedRanges[ch] as ByteRange).size <= o
        )
          ch++;
        const changed = this.changedRanges[ch];
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
        title += ` (${plural(r.size, "byte")} at ${hex8(r.offset)})`;
      }
    }
    if (isChanged) title += "\nchanged by the last call";
    return title;
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
    this.element.focus({ preventScroll: true });
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

  private onKey(e: KeyboardEvent): void {
    if (this.memoryBytes === 0 || e.altKey) return;
    const scroll = this.scroller.position;
    const rowsPerPage = Math.max(1, Math.floor(this.viewportHeight / this.rowHeight) - 1);
    const firstVisible = Math.min(this.memoryBytes - 1, Math.ceil(scroll / this.rowHeight) * bytesPerRow);
    const current = this.selected?.offset ?? firstVisible;
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
    if (this.selected === undefined && !e.key.startsWith("Page") && !isToEnds) next = current;
    next = Math.min(Math.max(0, next), this.memoryBytes - 1);
    if (scrollBy !== 0) this.scroller.scrollTo(scroll + scrollBy);
    this.select(next, 1);
    this.scrollIntoView(next);
  }

  /** Scrolls the least that shows the row of `offset` whole. */
  private scrollIntoView(offset: number): void {
    const top = Math.floor(offset / bytesPerRow) * this.rowHeight;
    const scroll = this.scroller.position;
    if (top < scroll) this.scroller.scrollTo(top);
    else if (top + this.rowHeight > scroll + this.viewportHeight) this.scroller.scrollTo(top + this.rowHeight - this.viewportHeight);
  }
}
