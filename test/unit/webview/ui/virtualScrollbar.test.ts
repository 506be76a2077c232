/** The virtual scrollbar's thumb geometry in plain Node: its height and place for contents from a screen to 4 GiB of rows. */
import assert from "node:assert/strict";
import { thumbGeometry } from "../../../../webview/ui/virtualScrollbar";

describe("ui: the virtual scrollbar's thumb", () => {
  const track = 400;
  const cases: { name: string; contentPx: number; scrollPx: number; height: number; top: number }[] = [
    { name: "content that fits has no thumb", contentPx: 300, scrollPx: 0, height: 0, top: 0 },
    { name: "two screens: half the track, at the top", contentPx: 800, scrollPx: 0, height: 200, top: 0 },
    { name: "two screens, scrolled to the end", contentPx: 800, scrollPx: 400, height: 200, top: 200 },
    {
      name: "4 GiB of 20 px rows: the smallest thumb, halfway",
      contentPx: 2 ** 28 * 20,
      scrollPx: (2 ** 28 * 20 - 400) / 2,
      height: 24,
      top: 188,
    },
    { name: "a position past the end is clamped", contentPx: 800, scrollPx: 10_000, height: 200, top: 200 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(thumbGeometry(track, { contentPx: c.contentPx, viewportPx: 400, linePx: 20 }, c.scrollPx), {
        height: c.height,
        top: c.top,
      });
    });
  }
});
