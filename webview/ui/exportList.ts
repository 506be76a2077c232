/**
 * The list of exported functions, with its filter. It is virtualized: rows have one height, and
 * only those in view (plus a margin) exist, so a module with thousands of exports costs a screen
 * of rows to list and to scroll. The list is one Tab stop; arrows, Page Up/Down, Home and End
 * move between exports, as in VS Code's own lists.
 */
import type { ExportedFunction } from "../../src/core/wasm/types";
import { h, icon } from "./dom";
import { signatureText } from "./format";

/** Rows drawn beyond each edge of the view, so that a short scroll shows no gap. */
const overscan = 8;
/** Rows drawn before the list has been laid out: enough for its 60% of the window at a small font. */
const firstRows = () => Math.ceil((0.6 * window.innerHeight) / 28) + overscan;
/** Below this many exports the filter box would only take room. */
const filterFrom = 9;

/** A stable id fragment for an export name, which may contain any character. */
function cssIdent(name: string): string {
  return Array.from(name, (c) => (/[A-Za-z0-9_-]/.test(c) ? c : `_${c.codePointAt(0)?.toString(16)}`)).join("");
}

/** The module's entry point and what to say of it instead of an ordinary export's signature. */
export interface EntryPointNote {
  exportName: string;
  note: string;
}

/** The export list: a filter box above virtualized rows, one per exported function. */
export class ExportList {
  readonly element = h("nav", { className: "exports", "aria-label": "Exports" });
  private readonly heading = h("h2", {});
  private readonly filter = h("input", {
    type: "search",
    placeholder: "Filter exports",
    "aria-label": "Filter exports",
    className: "filter",
  });
  private readonly list = h("ul", { className: "export-list", role: "list" });
  private readonly scroller = h("div", { className: "export-scroller" }, this.list);
  private readonly empty = h("p", { className: "muted" });
  private functions: readonly ExportedFunction[] = [];
  /** The functions the filter lets through, in module order. */
  private shown: readonly ExportedFunction[] = [];
  private selected?: string;
  private entryPoint?: EntryPointNote;
  /** The export that holds the list's Tab stop: the selected one, or the one the arrows moved to. */
  private active?: string;
  private readonly rows = new Map<string, HTMLLIElement>();
  private rowPx = 0;
  /** The scroller's offset and height as of its last scroll and resize: reading them anew could force a layout. */
  private scrollTop = 0;
  private viewportPx = 0;
  /** An export to scroll into view once the rows' height is known. */
  private pendingReveal?: string;
  private frame?: number;

  constructor(private readonly onSelect: (exportName: string) => void) {
    this.element.append(this.heading, this.filter, this.scroller, this.empty);
    this.filter.addEventListener("input", () => this.applyFilter());
    this.scroller.addEventListener("scroll", () => {
      this.scrollTop = this.scroller.scrollTop;
      this.measureRow();
      this.scheduleRender();
    });
    this.list.addEventListener("keydown", (e) => this.onKey(e));
    // Sizes are read where the browser has just laid the list out, so reading them forces nothing.
    new ResizeObserver((entries) => {
      this.viewportPx = entries[entries.length - 1]?.contentRect.height ?? 0;
      this.measureRow();
      this.render();
    }).observe(this.scroller);
  }

  /**
   * Shows a module's functions (a new array means a new module), which one is selected, and the
   * entry point, which is marked as the one that runs at load rather than listed as an ordinary export.
   */
  update(functions: readonly ExportedFunction[], selected: string | undefined, entryPoint?: EntryPointNote): void {
    const isNewModule = functions !== this.functions;
    const isNewEntryPoint = entryPoint?.exportName !== this.entryPoint?.exportName || entryPoint?.note !== this.entryPoint?.note;
    if (isNewEntryPoint) {
      // Its row says how far loading has come: draw it afresh.
      for (const name of [entryPoint?.exportName, this.entryPoint?.exportName]) {
        if (name === undefined) continue;
        this.rows.get(name)?.remove();
        this.rows.delete(name);
      }
      this.entryPoint = entryPoint;
    }
    if (!isNewModule && selected === this.selected) {
      if (isNewEntryPoint) this.render();
      return;
    }
    this.selected = selected;
    this.active = selected;
    this.pendingReveal = selected;
    if (!isNewModule) return this.render();
    this.functions = functions;
    for (const row of this.rows.values()) row.remove();
    this.rows.clear();
    this.filter.hidden = functions.length < filterFrom;
    this.applyFilter();
  }

  private applyFilter(): void {
    const query = this.filter.value.trim().toLowerCase();
    this.shown = query === "" ? this.functions : this.functions.filter((fn) => fn.name.toLowerCase().includes(query));
    const total = this.functions.length;
    this.heading.replaceChildren(
      "Exports ",
      h("span", { className: "count" }, this.shown.length === total ? String(total) : `${this.shown.length} of ${total}`),
    );
    this.empty.textContent = total === 0 ? "No exported functions." : this.shown.length === 0 ? "No export matches the filter." : "";
    this.empty.hidden = this.shown.length > 0;
    this.scroller.hidden = this.shown.length === 0;
    this.list.style.setProperty("--count", String(this.shown.length));
    if (this.scrollTop !== 0) this.scroller.scrollTop = this.scrollTop = 0;
    this.render();
  }

  private scheduleRender(): void {
    if (this.frame !== undefined) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = undefined;
      this.render();
    });
  }

  /** Reads the rows' one height from a drawn row, once. */
  private measureRow(): void {
    const row = this.rows.values().next().value;
    if (this.rowPx === 0 && row !== undefined) this.rowPx = row.getBoundingClientRect().height;
  }

  /** Draws the rows in view; until the list has been laid out once, the first rows. */
  private render(): void {
    if (this.rowPx > 0 && this.pendingReveal !== undefined) {
      this.reveal(this.pendingReveal);
      this.pendingReveal = undefined;
    }
    let first = 0;
    let last = Math.min(this.shown.length, firstRows()) - 1;
    if (this.rowPx > 0) {
      first = Math.max(0, Math.floor(this.scrollTop / this.rowPx) - overscan);
      last = Math.min(this.shown.length - 1, Math.ceil((this.scrollTop + this.viewportPx) / this.rowPx) + overscan);
    }
    const wanted = new Map<string, number>();
    for (let i = first; i <= last; i++) wanted.set((this.shown[i] as ExportedFunction).name, i);
    // The row holding focus stays, wherever it is, so that scrolling away does not drop focus.
    const activeIndex = this.active === undefined ? -1 : this.shown.findIndex((fn) => fn.name === this.active);
    if (activeIndex >= 0) wanted.set(this.active as string, activeIndex);
    const tabStop = activeIndex >= 0 ? this.active : this.shown[first]?.name;
    for (const [name, row] of this.rows) {
      if (!wanted.has(name)) {
        row.remove();
        this.rows.delete(name);
      }
    }
    for (const [name, index] of wanted) {
      const fn = this.shown[index] as ExportedFunction;
      let row = this.rows.get(name);
      if (!row) {
        row = this.createRow(fn);
        this.rows.set(name, row);
        this.list.append(row);
      }
      row.style.setProperty("--index", String(index));
      row.setAttribute("aria-posinset", String(index + 1));
      row.setAttribute("aria-setsize", String(this.shown.length));
      const button = row.firstElementChild as HTMLButtonElement;
      const isSelected = name === this.selected;
      button.classList.toggle("selected", isSelected);
      button.setAttribute("aria-pressed", String(isSelected));
      button.tabIndex = name === tabStop ? 0 : -1;
    }
  }

  private createRow(fn: ExportedFunction): HTMLLIElement {
    const signatureId = `signature-${cssIdent(fn.name)}`;
    const entry = this.entryPoint?.exportName === fn.name ? this.entryPoint : undefined;
    const signature = signatureText(fn);
    return h(
      "li",
      { "data-name": fn.name },
      h(
        "button",
        {
          type: "button",
          className: entry ? "export entry-point" : "export",
          "aria-label": fn.name,
          "aria-describedby": signatureId,
          title: entry ? `${fn.name} ${signature}: the module's entry point (${entry.note})` : `${fn.name} ${signature}`,
          onClick: () => this.onSelect(fn.name),
        },
        icon(entry ? "rocket" : "symbol-method"),
        h("span", { className: "export-name" }, fn.name),
        h("code", { className: "signature", id: signatureId }, signature, entry ? ` · ${entry.note}` : ""),
      ),
    );
  }

  /** Scrolls so that `name` is in view, when it is listed. */
  private reveal(name: string | undefined): void {
    const index = name === undefined ? -1 : this.shown.findIndex((fn) => fn.name === name);
    if (index < 0 || this.rowPx === 0) return;
    const top = index * this.rowPx;
    if (top < this.scrollTop) this.scroller.scrollTop = this.scrollTop = top;
    else if (top + this.rowPx > this.scrollTop + this.viewportPx)
      this.scroller.scrollTop = this.scrollTop = top + this.rowPx - this.viewportPx;
  }

  private onKey(e: KeyboardEvent): void {
    const focused = e.target instanceof Element ? e.target.closest("li")?.dataset.name : undefined;
    const from = this.shown.findIndex((fn) => fn.name === focused);
    const page = this.rowPx > 0 ? Math.max(1, Math.floor(this.viewportPx / this.rowPx) - 1) : 10;
    const moves: Record<string, number> = {
      ArrowDown: from + 1,
      ArrowUp: from - 1,
      PageDown: from + page,
      PageUp: from - page,
      Home: 0,
      End: this.shown.length - 1,
    };
    if (!(e.key in moves) || this.shown.length === 0) return;
    e.preventDefault();
    const to = Math.min(this.shown.length - 1, Math.max(0, moves[e.key] as number));
    this.active = (this.shown[to] as ExportedFunction).name;
    this.pendingReveal = this.active;
    this.render();
    (this.rows.get(this.active)?.firstElementChild as HTMLElement | null)?.focus();
  }
}
