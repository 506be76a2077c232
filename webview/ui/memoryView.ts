/**
 * A hex and ASCII view of a reactor's live linear memory, virtualized so that a 4 GiB memory
 * scrolls like a 64 KiB one, with region colours, changed-byte highlights, go-to and a value
 * inspector. It composes three parts: the block cache (blockCache.ts) that reads small windows of
 * what is on screen and forgets them again, the scrollbar (virtualScrollbar.ts), and the grid
 * (memoryGrid.ts) that paints rows; this file holds the toolbar, legend, inspector and the frame loop.
 */
import type { ByteRange, Region, RegionKind } from "../../src/core/layout";
import type { MemoryWindow } from "../../src/core/protocol";
import { wasmPageBytes as pageBytes } from "../../src/core/wasm/types";
import { byteSizeText, groupThousands, pluralNoun } from "../../src/core/wording";
import { BlockCache, type Focus, type MemorySource, type ReadError } from "./blockCache";
import { h } from "./dom";
import { hex8, inspectedBytes, Inspector } from "./inspector";
import { bytesPerRow, hexText, MemoryGrid } from "./memoryGrid";
import { VirtualScrollbar } from "./virtualScrollbar";

export type { MemorySource } from "./blockCache";

/** The result of reading a typed address: an offset inside memory, or the reason there is none. */
export type ParsedAddress = { ok: true; offset: number } | { ok: false; reason: string };

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

let instances = 0;

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
    return {
      ok: false,
      reason:
        memoryBytes === 0
          ? "There is no memory to go to."
          : `Beyond the end of memory: the last address is ${hex8(memoryBytes - 1)} (${memoryBytes - 1}).`,
    };
  }
  return { ok: true, offset };
}

/** `1 page`, `2.5 pages`: a size in wasm pages of 64 KiB. */
function pagesText(bytes: number): string {
  const pages = bytes / pageBytes;
  const n = Number.isInteger(pages) ? groupThousands(pages) : pages.toFixed(2);
  return `${n} ${pluralNoun(pages, "page")}`;
}

/** A failed read in words, shown under the grid. */
function readErrorText(error: ReadError): string {
  switch (error.kind) {
    case "wrongAddress":
      return `Memory at ${hex8(error.offset)} came back for the wrong address (${hex8(error.answeredOffset)}).`;
    case "failed":
      return `Could not read memory at ${hex8(error.offset)}: ${error.message}`;
  }
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
  private readonly selectionLine = h("div", { className: "mv-selection", "aria-live": "polite" });
  private readonly status = h("div", { className: "mv-status", "aria-live": "polite" });
  private readonly scrollbar: VirtualScrollbar;
  private readonly grid: MemoryGrid;
  private readonly cache: BlockCache;
  private readonly inspector: Inspector;
  private readonly resizeObserver: ResizeObserver;

  private memoryBytes = 0;
  private frame?: number;
  private isDisposed = false;

  /** Builds the view inside `container`; it shows nothing until `setMemorySize`. */
  constructor(container: HTMLElement, source: MemorySource) {
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
    this.prevButton = h(
      "button",
      { type: "button", className: "secondary", disabled: true, onclick: () => this.goToChange(-1) },
      "Previous change",
    );
    this.nextButton = h(
      "button",
      { type: "button", className: "secondary", disabled: true, onclick: () => this.goToChange(1) },
      "Next change",
    );
    this.scrollbar = new VirtualScrollbar({
      controls: `${id}-grid`,
      didScroll: () => this.scheduleRender(),
      describe: (px) => this.grid.describeScroll(px),
    });
    this.cache = new BlockCache(source, () => this.focus(), {
      didChange: () => {
        this.grid.invalidateRows();
        this.scheduleRender();
      },
      didFail: (error) => {
        this.status.textContent = readErrorText(error);
      },
    });
    this.grid = new MemoryGrid(id, this.scrollbar, this.cache, {
      didSelect: () => {
        this.updateChangeButtons();
        this.scheduleRender();
        this.cache.scheduleFetch();
      },
    });
    this.inspector = new Inspector(id, (address) => this.reveal(address));

    const frame = h("div", { className: "mv-frame" }, this.grid.element, this.scrollbar.element);
    this.root = h(
      "section",
      { className: "memory-view", "aria-label": "Linear memory" },
      h(
        "div",
        { className: "mv-toolbar" },
        h("div", { className: "mv-info" }, this.sizeLine, this.grewLine),
        h("div", { className: "mv-goto" }, h("label", { for: `${id}-goto` }, "Go to address"), this.gotoInput, this.gotoError),
        h("div", { className: "mv-change-nav" }, this.changesLine, this.prevButton, this.nextButton),
      ),
      this.legend,
      h(
        "div",
        { className: "mv-body" },
        h("div", { className: "mv-main" }, frame, this.selectionLine, this.status),
        this.inspector.element,
      ),
      h(
        "p",
        { id: `${id}-help`, className: "mv-help" },
        "Arrow keys move the selection, Page Up and Page Down move by a screen, Home and End to the start and end of the row, Ctrl+Home and Ctrl+End to the start and end of memory.",
      ),
    );
    container.append(this.root);

    this.scrollbar.attachWheel(frame);
    this.resizeObserver = new ResizeObserver(() => this.scheduleRender());
    this.resizeObserver.observe(this.grid.viewport);
    this.resizeObserver.observe(this.scrollbar.element);
    this.setRegions([], []);
    this.setMemorySize(0);
  }

  /** Sets the memory size (bytes; may be up to 4 GiB = 2**32, and may grow between calls) and re-renders. */
  setMemorySize(bytes: number): void {
    const size = Number.isSafeInteger(bytes) && bytes > 0 ? bytes : 0;
    const before = this.memoryBytes;
    this.memoryBytes = size;
    this.cache.setMemorySize(size);
    this.grid.setMemorySize(size);
    this.sizeLine.textContent =
      size === 0
        ? "No linear memory"
        : `Memory: ${groupThousands(size)} bytes = ${pagesText(size)} of 64 KiB (${byteSizeText(size, "exact")})`;
    // The note describes the latest change only; a call that did not grow memory clears it.
    this.grewLine.textContent =
      before > 0 && size > before
        ? `grew from ${pagesText(before)} (${byteSizeText(before, "exact")}) to ${pagesText(size)} (${byteSizeText(size, "exact")})`
        : "";
    this.scheduleRender();
    // Ask for the visible bytes now rather than after the first frame: one round trip sooner.
    this.cache.scheduleFetch();
  }

  /** Labelled regions to colour (with a legend) and the byte ranges the last call changed (highlighted). */
  setRegions(regions: Region[], changed: ByteRange[]): void {
    this.grid.setRegions(regions, changed);
    const merged = this.grid.changed;
    const counts = new Map<RegionKind, number>();
    for (const r of regions) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
    this.legend.replaceChildren(
      ...kinds
        .filter((k) => counts.has(k))
        .map((k) =>
          h(
            "li",
            { title: kindDescriptions[k] },
            h("span", { className: `mv-swatch k-${k}`, "aria-hidden": "true" }),
            `${k} (${counts.get(k)})`,
          ),
        ),
      ...(merged.length > 0
        ? [h("li", {}, h("span", { className: "mv-swatch mv-changed", "aria-hidden": "true" }), "changed by the last call")]
        : []),
    );
    this.legend.hidden = this.legend.childElementCount === 0;
    const changedBytes = merged.reduce((sum, r) => sum + r.size, 0);
    this.changesLine.textContent =
      changedBytes === 0
        ? "No bytes changed"
        : `${groupThousands(changedBytes)} ${pluralNoun(changedBytes, "byte")} changed${merged.length > 1 ? ` in ${merged.length} ranges` : ""}`;
    this.updateChangeButtons();
    this.scheduleRender();
  }

  /** Drops cached windows (after a call, memory changed) and repaints what is visible. */
  invalidate(): void {
    this.cache.invalidate();
    this.status.textContent = "";
    this.grid.invalidateRows();
    this.scheduleRender();
    this.cache.scheduleFetch();
  }

  /**
   * Takes bytes read from the current memory without asking (a load report carries the first
   * block, sparing a round trip), and repaints.
   */
  accept(win: MemoryWindow): void {
    this.cache.accept(win);
  }

  /** Scrolls so that `offset` is visible and selects it (with `length`, the `length` bytes from there). */
  reveal(offset: number, length = 1): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset >= this.memoryBytes) return;
    const size = Math.max(1, Math.min(Number.isSafeInteger(length) ? length : 1, this.memoryBytes - offset));
    this.grid.reveal(offset, size);
  }

  /** Removes the view and stops every timer and observer; pending reads are ignored when they arrive. */
  dispose(): void {
    this.isDisposed = true;
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.cache.dispose();
    this.resizeObserver.disconnect();
    this.root.remove();
  }

  /** Where the view looks, for the cache: the rows on screen and the inspected bytes. */
  private focus(): Focus {
    const sel = this.grid.selection;
    return {
      ...this.grid.visibleRows(),
      bytesPerRow,
      inspected: sel === undefined ? undefined : { offset: sel.offset, length: inspectedBytes },
    };
  }

  private scheduleRender(): void {
    if (this.frame !== undefined || this.isDisposed) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = undefined;
      this.render();
    });
  }

  private render(): void {
    if (this.isDisposed) return;
    this.scrollbar.setExtent(this.grid.measure());
    this.grid.paint();
    this.scrollbar.render();
    this.renderSelection();
    if (this.cache.hasMissingData()) this.cache.scheduleFetch();
  }

  /** The selection's sentence under the grid, and the inspector. */
  private renderSelection(): void {
    const sel = this.grid.selection;
    if (sel === undefined) {
      this.setText(this.selectionLine, "");
      this.inspector.update(undefined);
      return;
    }
    const bytes = this.cache.bytesFrom(sel.offset, inspectedBytes);
    const v = bytes[0];
    const region = this.grid.regionAt(sel.offset);
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
    const at = this.grid.selection?.offset;
    const changed = this.grid.changed;
    if (direction === 1) return changed.find((r) => at === undefined || r.offset > at);
    for (let i = changed.length - 1; i >= 0; i--) {
      const r = changed[i] as ByteRange;
      if (at === undefined || r.offset < at) return r;
    }
    return undefined;
  }

  private updateChangeButtons(): void {
    this.prevButton.disabled = this.grid.selection === undefined || this.changeFrom(-1) === undefined;
    this.nextButton.disabled = this.changeFrom(1) === undefined;
  }
}
