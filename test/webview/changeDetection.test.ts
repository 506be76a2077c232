/**
 * The change detector's wasm kernel in Chromium, the engine the product runs in (Node 20 lacks
 * multi-memory, so the unit tests run only the JavaScript search). The detector is bundled here
 * with esbuild; the kernel must instantiate in a Blob worker under the product's CSP, and find on
 * random memories exactly what the JavaScript search and `diffBytes` find. Then the real page
 * shows what a call changed, grouped by where it lies.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import * as esbuild from "esbuild";
import type { Browser, Page } from "playwright-core";
import type { ByteRange } from "../../src/core/layout";
import { contentSecurityPolicy } from "../../src/extension/html";
import type { ChangeDetector } from "../../webview/worker/changeDetector";
import { launchChromium } from "../chromium.mjs";
import { enterTaggedRows } from "../workedExample.mjs";
import { openFixture, posted, pressCall, startHarness, type Harness } from "./harness";

const root = join(__dirname, "..", "..");

/** What the bundle puts on the page's global object. */
interface Detection {
  ChangeDetector: typeof ChangeDetector;
  diffBytes: (before: Uint8Array, after: Uint8Array, baseOffset: number, options: { maxRanges: number }) => ByteRange[];
}
type DetectionWindow = Window & { detection: Detection };

async function bundleDetector(): Promise<string> {
  const built = await esbuild.build({
    stdin: {
      contents: `export { ChangeDetector } from "./webview/worker/changeDetector"; export { diffBytes } from "./src/core/layout";`,
      resolveDir: root,
      loader: "ts",
    },
    bundle: true,
    format: "iife",
    globalName: "detection",
    platform: "browser",
    target: "es2022",
    write: false,
  });
  return built.outputFiles[0]!.text;
}

describe("webview: the change detector's kernel in Chromium", function () {
  let browser: Browser;
  let page: Page;
  let script: string;

  before(async () => {
    script = await bundleDetector();
    browser = await launchChromium();
    page = await browser.newPage();
    const origin = "http://detector.test";
    await page.route(`${origin}/`, (route) =>
      route.fulfill({
        contentType: "text/html",
        headers: { "content-security-policy": contentSecurityPolicy(origin, "unused") },
        body: "<!doctype html><title>detector</title>",
      }),
    );
    await page.goto(`${origin}/`);
  });

  after(async () => {
    await browser?.close();
  });

  it("instantiates in a Blob worker under the product's CSP", async () => {
    const engine = await page.evaluate(async (bundle) => {
      const probe = `${bundle}\nconst memory = new WebAssembly.Memory({ initial: 1 }); const detector = new detection.ChangeDetector(); detector.prepare(memory, 0); postMessage(detector.engine);`;
      const worker = new Worker(URL.createObjectURL(new Blob([probe], { type: "text/javascript" })));
      return new Promise<unknown>((resolve, reject) => {
        worker.onmessage = (event) => resolve(event.data);
        worker.onerror = (event) => reject(new Error(event.message));
      });
    }, script);
    assert.equal(engine, "kernel");
  });

  it("finds on random memories exactly what the JavaScript search and diffBytes find, round after round", async () => {
    // The page's CSP allows no inline script, so the bundle runs through the debugger protocol;
    // the test's own functions are compiled with esbuild's name helper, which the page lacks.
    await page.evaluate(`${script}\nwindow.detection = detection; window.__name = (f) => f;`);
    const report = await page.evaluate(() => {
      const { ChangeDetector, diffBytes } = (window as unknown as DetectionWindow).detection;
      let seed = 12345;
      const random = (below: number) => {
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        return (seed >>> 0) % below;
      };
      const memory = new WebAssembly.Memory({ initial: 4 });
      const bytes = () => new Uint8Array(memory.buffer);
      for (let i = 0; i < 65536; i++) bytes()[i] = random(256);
      const kernel = new ChangeDetector();
      const js = new ChangeDetector({ useKernel: false });
      const mismatches: unknown[] = [];
      let changedRanges = 0;
      let invocations = 0;
      for (let round = 0; round < 300; round++) {
        if (round % 10 === 9) {
          // An unwatched invocation changes memory; the next round must not report its change.
          const view = bytes();
          const at = random(view.length);
          view[at] = view[at]! ^ 0xff;
          invocations++;
        }
        kernel.prepare(memory, invocations);
        js.prepare(memory, invocations);
        const before = bytes().slice();
        const kind = random(6);
        if (kind === 5 && memory.buffer.byteLength < 12 * 65536) memory.grow(1 + random(2));
        const size = memory.buffer.byteLength;
        const writes = kind === 0 ? 0 : kind === 1 ? 1 + random(4) : 1 + random(400);
        for (let w = 0; w < writes; w++) {
          // Edges first: block and page boundaries and the ends of memory, then anywhere.
          const edges = [0, 63, 64, 65535, 65536, size - 64, size - 1];
          const at = random(3) === 0 ? edges[random(edges.length)]! : random(size);
          const run = random(4) === 0 ? 1 + random(300) : 1;
          for (let i = at; i < Math.min(size, at + run); i++) bytes()[i] = random(256);
        }
        const maxRanges = random(4) === 0 ? 1 + random(20) : 10_000;
        const expected = diffBytes(before, bytes(), 0, { maxRanges });
        invocations++;
        const fromKernel = kernel.collect(memory, invocations, maxRanges);
        const fromJs = js.collect(memory, invocations, maxRanges);
        changedRanges += expected.length;
        if (JSON.stringify(fromKernel) !== JSON.stringify(expected) || JSON.stringify(fromJs) !== JSON.stringify(expected)) {
          mismatches.push({
            round,
            kind,
            maxRanges,
            expected: expected.slice(0, 5),
            fromKernel: fromKernel.slice(0, 5),
            fromJs: fromJs.slice(0, 5),
          });
        }
      }
      return {
        engines: [kernel.engine, js.engine],
        mismatches: mismatches.slice(0, 3),
        changedRanges,
        memoryBytes: memory.buffer.byteLength,
      };
    });
    assert.deepEqual(report.engines, ["kernel", "js"]);
    assert.deepEqual(report.mismatches, []);
    // The rounds must have changed something, grown memory and hit the edges, or they prove little.
    assert.ok(report.changedRanges > 10_000, JSON.stringify(report));
    assert.ok(report.memoryBytes > 4 * 65536, JSON.stringify(report));
  });
});

describe("webview: what a call changed, by where it lies", function () {
  let harness: Harness;
  let page: Page;

  before(async () => {
    harness = await startHarness();
  });
  after(async () => harness?.close());
  afterEach(async () => page?.close());

  /** Each group's title line, as the page shows it. */
  function groupTitles(): Promise<string[]> {
    return page.locator(".changed-summary .change-group-title").evaluateAll((titles) => titles.map((t) => t.textContent ?? ""));
  }

  for (const isWholeMemory of [false, true]) {
    it(`puts the tagged results first and names the guest's own writes .bss${isWholeMemory ? ", comparing all of memory" : ""}`, async () => {
      page = await harness.newPage();
      await openFixture(page, "tagged");
      await page.getByRole("button", { name: "test_memory", exact: true }).click();
      await page.getByLabel("Convention").selectOption("tagged");
      if (isWholeMemory) await page.getByLabel("Compare all of memory", { exact: false }).check();
      await enterTaggedRows(page);
      assert.equal((await pressCall(page)).outcome, "returned");
      const summary = page.locator(".changed-summary");
      const sentence = "The export changed 26 bytes in the arguments/results; elsewhere: 43 bytes in .bss.";
      assert.equal(
        await summary.locator("> p").first().innerText(),
        `${sentence} ${isWholeMemory ? "Compared: all of memory." : "Compared: the arguments and what follows them, not all of memory."}`,
      );
      const titles = await groupTitles();
      assert.equal(titles.length, 2, titles.join(" | "));
      assert.match(titles[0]!, /^Arguments\/results: changed 26 bytes in 8 ranges — /);
      assert.match(titles[1]!, /^\.bss: changed 43 bytes in 28 ranges — the module's static data/);
      // The arguments' ranges are listed under their own title; .bss lists 24 and counts the rest.
      const lists = await summary
        .locator(".change-group")
        .evaluateAll((groups) => groups.map((g) => Array.from(g.querySelectorAll("li"), (li) => li.textContent ?? "")));
      assert.deepEqual(lists[0]?.slice(0, 2), ["0x0009 4 bytes", "0x000e 1 byte"]);
      assert.equal(lists[1]?.length, 24);
      assert.equal(lists[1]?.[0], "0x0460 1 byte");
      assert.match(await summary.innerText(), /…and 4 more/);
      // Clicking a range shows it in the memory view.
      await summary.getByRole("button", { name: "0x0460" }).click();
      // The narration and the Markdown say the same.
      assert.match(
        await page.locator(".narration ol li").last().innerText(),
        new RegExp(`^${sentence.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`),
      );
      await page.getByRole("button", { name: "Copy as Markdown" }).click();
      const copy = (await posted(page)).find((m) => m.type === "copy");
      const markdown = copy?.type === "copy" ? copy.text : "";
      assert.match(markdown, new RegExp(`Changed by the call: ${sentence.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}`));
      assert.match(markdown, /- Arguments\/results: changed 26 bytes in 8 ranges: `0x0009` \(4 bytes\), `0x000e` \(1 byte\)/);
      assert.match(markdown, /- \.bss: changed 43 bytes in 28 ranges: `0x0460` \(1 byte\).*, and 4 more/);
    });
  }

  it("names stack and .data for a plain call when all of memory is compared", async () => {
    page = await harness.newPage();
    await openFixture(page, "hello");
    await page.getByRole("button", { name: "greet", exact: true }).click();
    await page.getByLabel("Compare all of memory", { exact: false }).check();
    await page.getByLabel("p0", { exact: true }).fill("3");
    assert.equal((await pressCall(page)).outcome, "returned");
    assert.equal(
      await page.locator(".changed-summary > p").first().innerText(),
      "The export changed 32 bytes: 27 bytes of stack, 5 bytes in .data. Compared: all of memory.",
    );
    const titles = await groupTitles();
    assert.deepEqual(
      titles.map((t) => t.split(" — ")[0]),
      ["Stack: changed 27 bytes in 12 ranges", ".data: changed 5 bytes in 2 ranges"],
    );
  });
});
