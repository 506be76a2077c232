/**
 * The change detector's wasm kernel in Chromium, the engine the product runs in (Node 20 lacks
 * multi-memory, so the unit tests run only the JavaScript search). The detector is bundled here
 * with esbuild; the kernel must instantiate in a Blob worker under the product's CSP, and find on
 * random memories exactly what the JavaScript search and `diffBytes` find.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import * as esbuild from "esbuild";
import type { Browser, Page } from "playwright-core";
import type { ByteRange } from "../../src/core/layout";
import { contentSecurityPolicy } from "../../src/extension/html";
import type { ChangeDetector } from "../../webview/worker/changeDetector";
import { launchChromium } from "../chromium.mjs";

const root = join(__dirname, "..", "..");

/** What the bundle puts on the page's global object. */
interface Detection {
  ChangeDetector: typeof ChangeDetector;
  diffBytes: (before: Uint8Array, after: Uint8Array, baseOffset: number, options: { maxRanges: number }) => ByteRange[];
}
type DetectionWindow = Window & { detection: Detection };

async function bundleDetector(): Promise<string> {
  const built = await esbuild.build({
    stdin: { contents: `export { ChangeDetector } from "./webview/worker/changeDetector"; export { diffBytes } from "./src/core/layout";`, resolveDir: root, loader: "ts" },
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
      route.fulfill({ contentType: "text/html", headers: { "content-security-policy": contentSecurityPolicy(origin, "unused") }, body: "<!doctype html><title>detector</title>" }),
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
          mismatches.push({ round, kind, maxRanges, expected: expected.slice(0, 5), fromKernel: fromKernel.slice(0, 5), fromJs: fromJs.slice(0, 5) });
        }
      }
      return { engines: [kernel.engine, js.engine], mismatches: mismatches.slice(0, 3), changedRanges, memoryBytes: memory.buffer.byteLength };
    });
    assert.deepEqual(report.engines, ["kernel", "js"]);
    assert.deepEqual(report.mismatches, []);
    // The rounds must have changed something, grown memory and hit the edges, or they prove little.
    assert.ok(report.changedRanges > 10_000, JSON.stringify(report));
    assert.ok(report.memoryBytes > 4 * 65536, JSON.stringify(report));
  });
});
