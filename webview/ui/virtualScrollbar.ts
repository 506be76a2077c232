/**
 * A vertical scrollbar of our own for content far taller than any element can be (a 4 GiB memory
 * is 5 billion pixels of rows): it owns the scroll position, the track and its thumb, wheel, click
 * and drag. It is not the grid that paints rows, and it knows nothing of the data they show.
 */
import { h } from "./dom";

/** The thumb's smallest height, so that it stays grabbable over any content. */
const minThumbPx = 24;

/** What is scrolled: the content's height, the viewport's, and one line (a wheel notch in line mode). */
export interface ScrollExtent {
  contentPx: number;
  viewportPx: number;
  linePx: number;
}

/** The thumb's height and its top within the track, in pixels. */
export function thumbGeometry(trackPx: number, extent: ScrollExtent, scrollPx: number): { height: number; top: number } {
  const max = Math.max(0, extent.contentPx - extent.viewportPx);
  if (max === 0 || extent.contentPx <= 0) return { height: 0, top: 0 };
  const height = Math.min(trackPx, Math.max(minThumbPx, Math.round((trackPx * extent.viewportPx) / extent.contentPx)));
  return { height, top: ((trackPx - height) * Math.min(Math.max(0, scrollPx), max)) / max };
}

/** How the scrollbar is wired to the page. */
export interface VirtualScrollbarOptions {
  /** The id of the element it scrolls, for `aria-controls`. */
  controls: string;
  /** The position changed: the owner repaints. */
  didScroll(): void;
  /** Where the position is, in words, for `aria-valuetext` (say, the first row's address). */
  describe(scrollPx: number): string;
}

/**
 * The scrollbar. The owner tells it the extent each frame (`setExtent`), calls `render` after
 * painting, and moves it with `scrollTo`; wheel events over `attachWheel`'s target scroll it too.
 */
export class VirtualScrollbar {
  /** The track element, to be placed beside the content. */
  readonly element: HTMLElement;
  private readonly thumb = h("div", { className: "mv-thumb" });
  private extent: ScrollExtent = { contentPx: 0, viewportPx: 0, linePx: 1 };
  private trackPx = 0;
  /** The scroll position in pixels: exact for any memory, since rows × height stays far below 2^53. */
  private scrollPx = 0;
  private drag?: { pointerId: number; startY: number; startScroll: number; pxPerThumbPx: number };

  /** Builds the track and its thumb; nothing scrolls until `setExtent`. */
  constructor(private readonly options: VirtualScrollbarOptions) {
    this.element = h(
      "div",
      {
        className: "mv-scrollbar",
        role: "scrollbar",
        "aria-controls": options.controls,
        "aria-orientation": "vertical",
        "aria-valuemin": "0",
        "aria-valuemax": "100",
        "aria-valuenow": "0",
      },
      this.thumb,
    );
    this.element.addEventListener("pointerdown", (e) => this.onTrackPointerDown(e));
    this.thumb.addEventListener("pointermove", (e) => this.onThumbMove(e));
    this.thumb.addEventListener("pointerup", (e) => this.endDrag(e));
    this.thumb.addEventListener("pointercancel", (e) => this.endDrag(e));
  }

  /** The scroll position in pixels, from 0 to `maxScroll`. */
  get position(): number {
    return this.scrollPx;
  }

  /** The farthest the content scrolls. */
  get maxScroll(): number {
    return Math.max(0, this.extent.contentPx - this.extent.viewportPx);
  }

  /** A screen's worth of whole lines less one, as Page Up and Page Down move. */
  get pagePx(): number {
    const line = this.extent.linePx;
    return Math.max(1, Math.floor(this.extent.viewportPx / line) - 1) * line;
  }

  /** Takes the content's new extent and the track's height, and keeps the position inside it (without telling the owner). */
  setExtent(extent: ScrollExtent): void {
    this.extent = extent;
    this.trackPx = this.element.clientHeight;
    this.scrollPx = Math.min(Math.max(0, this.scrollPx), this.maxScroll);
  }

  /** Moves to `px` (clamped); tells the owner when the position changed. */
  scrollTo(px: number): void {
    const next = Math.min(Math.max(0, px), this.maxScroll);
    if (next === this.scrollPx) return;
    this.scrollPx = next;
    this.options.didScroll();
  }

  /** Scrolls with the wheel over `target` (the content and the track together). */
  attachWheel(target: HTMLElement): void {
    target.addEventListener("wheel", (e) => this.onWheel(e), { passive: false });
  }

  /** Sizes and places the thumb and updates what assistive technology reads. */
  render(): void {
    const max = this.maxScroll;
    this.element.classList.toggle("mv-scrollbar-idle", max === 0);
    if (max === 0) {
      this.thumb.style.height = "0px";
      this.element.setAttribute("aria-valuenow", "0");
      return;
    }
    const thumb = thumbGeometry(this.trackPx, this.extent, this.scrollPx);
    this.thumb.style.height = `${thumb.height}px`;
    this.thumb.style.transform = `translateY(${thumb.top}px)`;
    this.element.setAttribute("aria-valuenow", String(Math.round((100 * this.scrollPx) / max)));
    this.element.setAttribute("aria-valuetext", this.options.describe(this.scrollPx));
  }

  private onWheel(e: WheelEvent): void {
    if (e.ctrlKey || this.maxScroll === 0) return;
    const unit =
      e.deltaMode === WheelEvent.DOM_DELTA_LINE
        ? this.extent.linePx
        : e.deltaMode === WheelEvent.DOM_DELTA_PAGE
          ? this.extent.viewportPx
          : 1;
    const before = this.scrollPx;
    this.scrollTo(this.scrollPx + e.deltaY * unit);
    // At either end the page may scroll instead, as a native scroller lets it.
    if (this.scrollPx !== before) e.preventDefault();
  }

  private onTrackPointerDown(e: PointerEvent): void {
    if (e.button !== 0 || this.maxScroll === 0) return;
    e.preventDefault();
    const thumbRect = this.thumb.getBoundingClientRect();
    if (e.target === this.thumb) {
      this.drag = {
        pointerId: e.pointerId,
        startY: e.clientY,
        startScroll: this.scrollPx,
        pxPerThumbPx: this.maxScroll / Math.max(1, this.trackPx - thumbRect.height),
      };
      this.thumb.setPointerCapture(e.pointerId);
      this.thumb.classList.add("mv-dragging");
      return;
    }
    // A click on the track moves a screen towards it, like a native scrollbar.
    this.scrollTo(this.scrollPx + (e.clientY < thumbRect.top ? -this.pagePx : this.pagePx));
  }

  private onThumbMove(e: PointerEvent): void {
    if (this.drag === undefined || e.pointerId !== this.drag.pointerId) return;
    this.scrollTo(this.drag.startScroll + (e.clientY - this.drag.startY) * this.drag.pxPerThumbPx);
  }

  private endDrag(e: PointerEvent): void {
    if (this.drag === undefined || e.pointerId !== this.drag.pointerId) return;
    this.drag = undefined;
    this.thumb.classList.remove("mv-dragging");
  }
}
