// A diagnostic, not part of the table: what full-memory change detection costs, measured with the
// product's ChangeDetector (webview/worker/changeDetector.ts) in a Blob worker in Debian's Chromium,
// against a `Uint8Array.prototype.set` copy of the same memory. Node 20 lacks multi-memory, so the
// wasm kernel runs only there. Two memories of N MiB: "untouched" (grown, never written, as in the
// benchmark: its pages read as the shared zero page) and "written" (every byte set, so every page of
// memory and of the detector's copy is backed by RAM). For each, a watched call that changes one
// byte costs `collect` when the copy is kept, and `prepare` + `collect` after an unwatched call.
//   node bench/node/compareKernels.mjs [MiB]
import * as esbuild from "esbuild";
import { launchChromium } from "../../test/chromium.mjs";
import { root } from "../lib/bundle.mjs";

const mib = Number(process.argv[2] ?? 256);

const bundle = await esbuild.build({
  entryPoints: ["webview/worker/changeDetector.ts"],
  absWorkingDir: root,
  bundle: true,
  format: "iife",
  globalName: "detection",
  target: "es2022",
  write: false,
});

// Runs in the worker after the bundle: medians of 9 runs of each step, in ms.
const measure = `
onmessage = ({ data: { pages, isWritten, useKernel } }) => {
  const memory = new WebAssembly.Memory({ initial: pages });
  const live = new Uint8Array(memory.buffer);
  if (isWritten) for (let i = 0, x = 1; i < live.length; i++) live[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24 | 1;
  const target = new Uint8Array(live.length);
  target.set(live);
  const detector = new detection.ChangeDetector({ useKernel });
  let invocations = 0;
  detector.prepare(memory, invocations);
  detector.collect(memory, ++invocations, 10000);
  const runs = { setMs: [], keptMs: [], afterUnwatchedMs: [] };
  const time = (list, step) => { const started = performance.now(); step(); list.push(performance.now() - started); };
  for (let i = 0; i < 9; i++) {
    time(runs.setMs, () => target.set(live));
    live[live.length >> 1] ^= 1;
    time(runs.keptMs, () => { detector.prepare(memory, invocations); detector.collect(memory, ++invocations, 10000); });
    invocations++;
    live[live.length >> 1] ^= 1;
    time(runs.afterUnwatchedMs, () => { detector.prepare(memory, invocations); detector.collect(memory, ++invocations, 10000); });
  }
  const median = (list) => list.sort((a, b) => a - b)[list.length >> 1];
  postMessage({ engine: detector.engine, ...Object.fromEntries(Object.entries(runs).map(([key, list]) => [key, median(list)])) });
};`;

const browser = await launchChromium();
try {
  const page = await browser.newPage();
  const pct = (setMs, ms) => `${((100 * setMs) / ms).toFixed(0)}%`;
  for (const isWritten of [false, true]) {
    for (const useKernel of [undefined, false]) {
      const r = await page.evaluate(
        ({ script, options }) =>
          new Promise((resolve, reject) => {
            const worker = new Worker(URL.createObjectURL(new Blob([script], { type: "text/javascript" })));
            worker.onmessage = (event) => (worker.terminate(), resolve(event.data));
            worker.onerror = (event) => reject(new Error(event.message));
            worker.postMessage(options);
          }),
        { script: bundle.outputFiles[0].text + measure, options: { pages: mib * 16, isWritten, useKernel } },
      );
      console.log(
        `${mib} MiB ${isWritten ? "written" : "untouched"}, ${r.engine}: set ${r.setMs.toFixed(1)} ms; watched call, copy kept ${r.keptMs.toFixed(1)} ms = ${pct(r.setMs, r.keptMs)} of set's throughput; after an unwatched call ${r.afterUnwatchedMs.toFixed(1)} ms = ${pct(r.setMs, r.afterUnwatchedMs)}`,
      );
    }
  }
} finally {
  await browser.close();
}
