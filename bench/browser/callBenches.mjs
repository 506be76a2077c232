// The call benchmarks on the bench page (product worker through the product's client, no UI):
// the call pipeline against a bare round trip, per-call cost on 1 GiB against 1 MiB of memory,
// and full-memory change detection against a `set` copy of the same memory in the same worker.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "../lib/bundle.mjs";
import { median, percentile } from "../lib/stats.mjs";
import { writeMemoryModule } from "../genMemoryModule.mjs";
import { canPinToOneCpu, startBrowserBench } from "./server.mjs";

const ms = (v) => `${v < 1 ? v.toFixed(3) : v.toFixed(2)} ms`;
const base64 = (path) => readFileSync(path).toString("base64");

/**
 * Runs `rowsIn(browser, where)` in the browser as launched and again, where it can, in a Chromium kept
 * to one CPU (see `canPinToOneCpu`): on this two-CPU machine, whether a round trip pays for waking a
 * thread on the other CPU is the scheduler's choice, and on one CPU it never is.
 */
async function asLaunchedAndOnOneCpu(ctx, rowsIn) {
  const rows = await rowsIn(ctx.browser, "");
  if (canPinToOneCpu) {
    const pinned = await startBrowserBench({ oneCpu: true });
    try {
      rows.push(...(await rowsIn(pinned, ", Chromium kept to one CPU")));
    } finally {
      await pinned.close();
    }
  }
  return rows;
}

/** Call pipeline of `echo` with five tagged arguments against a bare postMessage round trip calling `echo`. */
export function pipeline(ctx) {
  return asLaunchedAndOnOneCpu(ctx, async (browser, where) => [pipelineRow(await measurePipeline(browser, ctx.quick), where)]);
}

async function measurePipeline(browser, quick) {
  const page = await browser.newPage("/bench.html");
  const sizes = quick ? { rounds: 2, calls: 20, block: 10, warmup: 10 } : { rounds: 7, calls: 300, block: 10, warmup: 200 };
  const wasm = base64(join(root, "test", "fixtures", "wasm", "tagged.wasm"));
  const result = await page.evaluate((o) => window.bench.pipeline(o), { wasm, ...sizes });
  await page.close();
  if (result.decodedResults !== 5) throw new Error(`echo gave ${result.decodedResults} decoded results, expected 5`);
  return { ...result, sizes };
}

function pipelineRow(result, where) {
  const ratios = result.rounds.map((r) => median(r.productMs) / median(r.baselineMs));
  const all = (key) => result.rounds.flatMap((r) => r[key]);
  return {
    what: `Call pipeline: \`echo\` of tagged.wasm with 5 tagged arguments (client → worker → page)${where}`,
    baseline: "bare postMessage round trip to the same worker, calling `echo` of its instance (no encoding)",
    ratios,
    target: { op: "<=", value: 2, text: "≤ 2× at the median" },
    context: `per call: product ${ms(median(all("productMs")))}, bare ${ms(median(all("baselineMs")))}; the tagged call's request and answer alone, the worker answering at once, ${ms(median(all("floorMs")))} (${median(result.rounds.map((r) => median(r.floorMs) / median(r.baselineMs))).toFixed(2)}× bare); split: the same export called plainly through the product ${ms(median(all("plainMs")))}, the worker's own time for the tagged call ${ms(median(all("workerMs")))}; ${result.sizes.rounds}×${result.sizes.calls} calls each, interleaved in timed blocks of ${result.sizes.block}`,
  };
}

/** The same calls with memory grown to 1 GiB and with 1 MiB, full-memory change detection off. */
export async function memorySize(ctx) {
  const smallPages = 16;
  const largePages = ctx.quick ? 64 : 16384;
  const wasm = base64(await writeMemoryModule(smallPages));
  const sizes = ctx.quick ? { rounds: 2, calls: 20, block: 10, warmup: 5 } : { rounds: 7, calls: 200, block: 10, warmup: 100 };
  return asLaunchedAndOnOneCpu(ctx, async (browser, where) => {
    const page = await browser.newPage("/bench.html");
    const result = await page.evaluate((o) => window.bench.memorySize(o), { wasm, largePages, ...sizes });
    await page.close();
    const label = (bytes) => (bytes >= 2 ** 30 ? `${bytes / 2 ** 30} GiB` : `${bytes / 2 ** 20} MiB`);
    return ["plain", "tagged"].map((kind) => {
      const small = result.rounds.flatMap((r) => r[`${kind}Small`]);
      const large = result.rounds.flatMap((r) => r[`${kind}Large`]);
      return {
        what: `Per-call cost, ${kind === "plain" ? "plain `add(2, 3)`" : "tagged `echo` (5 arguments)"}: ${label(result.sizes.large)} of linear memory${where}`,
        baseline: `the same call with ${label(result.sizes.small)} (another worker, interleaved)`,
        ratios: result.rounds.map((r) => median(r[`${kind}Large`]) / median(r[`${kind}Small`])),
        target: { op: "<=", value: 1.2, text: "≤ 1.2×" },
        context: `per call: ${label(result.sizes.large)} ${ms(median(large))}, ${label(result.sizes.small)} ${ms(median(small))}; ${sizes.rounds}×${sizes.calls} calls each, interleaved in timed blocks of ${sizes.block}`,
      };
    });
  });
}

/** Full-memory change detection (watchAllMemory) against `Uint8Array.prototype.set` of the same memory. */
export async function changeDetection(ctx) {
  const pages = ctx.quick ? 128 : 4096;
  const wasm = base64(await writeMemoryModule(16));
  const page = await ctx.browser.newPage("/bench.html");
  const sizes = ctx.quick ? { rounds: 2, calls: 3 } : { rounds: 7, calls: 7 };
  const result = await page.evaluate((o) => window.bench.changeDetection(o), { wasm, pages, ...sizes });
  await page.close();
  const perRound = result.rounds.map((r) => {
    const detectMs = median(r.watchedWorkerMs) - median(r.plainWorkerMs);
    const refreshMs = r.afterUnwatchedWorkerMs - median(r.plainWorkerMs);
    return {
      detectMs,
      refreshMs,
      copyMs: median(r.copyMs),
      freshMs: median(r.freshCopyMs),
      rttMs: median(r.watchedMs) - median(r.plainMs),
      changed: r.changed,
      bytes: r.memoryBytes,
    };
  });
  const bytes = perRound[0].bytes;
  const gbps = (t) => `${(bytes / 2 ** 30 / (t / 1000)).toFixed(2)} GiB/s`;
  const m = (key) => median(perRound.map((r) => r[key]));
  if (perRound.some((r) => r.changed !== 1)) throw new Error(`poke should change one range, got ${perRound.map((r) => r.changed)}`);
  return [
    {
      what: `Full-memory change detection on (${bytes / 2 ** 20} MiB, every page written, watched calls in a row, each changing 1 byte): throughput`,
      baseline: "`Uint8Array.prototype.set` copy of the same memory in the same worker",
      ratios: perRound.map((r) => r.copyMs / r.detectMs),
      target: { op: ">=", value: 0.5, text: "≥ 50% of the copy's throughput" },
      unit: "of the copy's throughput",
      context: `detection ${ms(m("detectMs"))} (${gbps(m("detectMs"))}) vs set ${ms(m("copyMs"))} (${gbps(m("copyMs"))}); the first watched call after unwatched ones ${ms(m("refreshMs"))} (${((100 * m("copyMs")) / m("refreshMs")).toFixed(0)}%: it brings its copy of memory up to date); a fresh \`slice()\` alone ${ms(m("freshMs"))}; round trip +${ms(m("rttMs"))}`,
    },
  ];
}
