// How each figure is measured, appended under the table in RESULTS.md.
export const notes = `## How each figure is measured

Run with \`npm run build && npm run bench\` (run \`npm run package\` before to get the \`.vsix\` row; it
also builds dist/). \`npm run bench -- --quick\` runs everything, the diagnostics below included, with tiny
sizes, only to prove it still runs (its table goes to bench/.tmp/RESULTS-quick.md). \`--only=pipeline,ui,…\`
runs a subset.

Every figure is a ratio to a baseline measured in the same run on the same machine: each run (a round
of interleaved measurements, or a fresh page or process) gives one ratio; the table shows the median of
those ratios with their min and max. Absolute times are context. Where a target is in milliseconds
(UI, memory view, activation) the verdict is taken on the absolute value and the ratio is to one
measured animation frame. The machine is shared (2 cores, other test suites running): the load
average is printed above the table. Chromium runs headless with the flags of test/chromium.mjs, which
also turn off the browser's own WebUI pages (the omnibox popup): headless Chromium loads them in the
background whenever a page opens, a VS Code webview never runs them, and for about half a second they
took CPU from the page under test (the memory view's first paint read 54 ms with them, 26 without).

- **Call pipeline** (bench page, no UI): \`ReactorClient.call\` from webview/ui/reactorClient.ts to the
  worker built from webview/worker/main.ts exactly as scripts/build.mjs builds it, \`echo\` of
  test/fixtures/wasm/tagged.wasm with the five arguments of the convention's worked example, full-memory
  change detection off. Baseline: one \`postMessage\` to the same worker thread, which calls
  \`exports.echo()\` of the product's own instance and posts the number back (bench/browser/probeWorker.ts
  adds it beside the unchanged product worker; the product's messages pass one \`switch\` more, so the
  ratio errs against the product). Baseline and product share one thread on purpose: on this two-CPU
  virtual machine, posting to a sleeping thread on the other CPU costs tens of microseconds, and with
  the baseline in a second worker, the scheduler put the two workers apart: in one launch the bare
  round trip took 37 µs against the product's 170 µs (4.69×), in the next 111 µs against 172 µs
  (1.52×). On one thread, four launches in a row read 1.52–1.60×. The ways take turns in blocks of 10
  calls, each block timed whole: the page is cross-origin isolated, where \`performance.now()\` ticks
  in 5 µs (100 µs otherwise), a quarter of a bare round trip on one CPU; timed call by call, the
  medians moved in those steps. The row runs twice: in Chromium as launched, where the page and its
  worker run on the two CPUs and each hop wakes the other, and in a second Chromium kept to CPU 0 with
  \`taskset\`, where each hop is a context switch and the row compares the work of both sides alone. The
  row's floor: the tagged call's own request and answer (recorded from its first call, exactly as they
  crossed), posted to the same worker, which answers at once with the answer it was given; so the
  messages' structured clone, both ways, and none of the product's work. Where the time goes
  (bench/browser/callCpu.mjs, CPU time per call on one CPU, in one run): the bare round trip 28 µs, the
  floor 52 µs (1.8×: 13 µs more on the page, 10 in the worker), a plain call through the product 35 µs,
  the tagged call 68 µs (page 32, worker 32, V8's helper threads 3). So on one CPU the messages alone
  take most of the 2× budget, and the product's work adds about 0.6× of the bare round trip above
  them. That work in the worker (encode, write, compare the watched 4 KiB, find where the results end,
  pack) takes about 9 µs of JavaScript, comparing 1.7 of them (a CPU profile in a worker of the bench
  page); the page's unpacking, which encodes and decodes again to label the regions, about 3. An answer
  that carries only what the page cannot derive (globals as numbers, no export name, the read-back
  bytes unwrapped) made the tagged call 8% and a plain call 5% cheaper, and finding where the results
  end instead of decoding them in the worker another 4% (both measured with bench/browser/callAB.mjs
  against the revision before). Flattening a tagged answer further into one object gained 2%, within
  the noise. Answering a handler's plain value in the same task (no promise, no microtask) and posting
  without empty transfer lists made the tagged call another 4% cheaper; the same messages as arrays
  without keys cost about 0.2× of the bare round trip less than as objects (a stand-in worker, not
  kept), which would not reach 2× on one CPU either. Nor would any shape of the same information: a
  stand-in floor whose request carries the arguments as their 57 encoded bytes and whose answer is one
  200-byte array cost 1.31× of the bare round trip on one CPU (35.5 µs against 27.0, callCpu in one
  run; the recorded floor 44.7), before any of the product's work.
- **Call with the UI**: the real page (dist/webview.js under the CSP of src/extension/html.ts, the host
  stubbed by bench/browser/probe.js as test/webview/harness.ts does): \`echo\`, convention tagged, five
  rows entered. Playwright clicks “Call”; the time runs from the click event's \`timeStamp\` to the
  MutationObserver callback that sees the outcome in \`role=status\` (all in the page). “To the
  painted frame” adds the wait for the frame that shows it: the same frame when the change was made in
  a frame callback, else the next one. Baseline: the idle rAF interval.
- **Load**: the real page; a generated module (bench/genLargeModule.mjs: a WASI reactor with ~100 k
  functions of 400 signatures, calls, data, exports every 50th function, a full name section) is posted
  as VS Code's webview frame posts the host's \`open\` (its buffer transferred); the time runs until the
  export list holds every export (\`aria-setsize\`) and shows the first (the list is virtualized and
  draws only the rows in view). The worker parses first and sends the module ahead, then compiles, so
  the exports are listed while the engine still compiles; “ready to call” is when **Call** is enabled,
  after instantiation and \`_initialize\`. Baseline: a bare
  worker in the same page compiles and instantiates the same bytes (transfer included, worker started
  before the clock). A nonce custom section makes every load's bytes unique, so no engine cache helps
  either side; which side goes first alternates.
- **Signature parsing** (Node): \`parseModule\` (bundled as the worker bundles it) against \`wasmparser\` 5
  reading with code and data sections skipped (its fastest mode that still yields types, imports,
  functions, exports and names). Each runs in a fresh process per round, seven times after five
  warm-up runs, and the two take turns to go first; sharing one process, wasmparser's heap made
  parseModule half as slow again (4.0–4.7 ms against 2.7–2.9 ms). \`@webassemblyjs/wasm-parser\`
  (code and data ignored, names kept) runs in its own process and only twice: it is quadratic in
  function names.
- **Per-call cost on 1 GiB**: two product workers with the module of bench/genMemoryModule.mjs (WAT via
  npm \`wabt\`), one grown to 1 GiB by its \`grow\` export through the product's \`call\`; plain
  \`add(2, 3)\` and tagged \`echo\` alternate between them, in timed blocks of 10 calls. The rows run in
  Chromium as launched and again kept to one CPU: with two workers on two CPUs, one of them can be the
  one whose thread sleeps on the other CPU, and then its calls pay the wake-up whatever the size of its
  memory (a full run read 1.79× for plain calls as launched, where runs of this row alone read
  0.97–1.00×).
- **Change detection**: the product worker plus a side channel (bench/browser/probeWorker.ts: the
  unchanged product worker, and a \`copy\` request with a \`MessagePort\` that times \`Uint8Array.prototype.set\` of the
  live memory into a warmed buffer). Memory is grown to 256 MiB and \`fill\` writes every byte first,
  so that no page is an untouched zero page (those cost either side almost nothing). Detection time =
  the worker's own \`durationMs\` of a watched call minus that of the same call unwatched (\`poke\`
  changes one byte). With the setting on, watched calls follow each other; the first watched call after
  unwatched ones also brings the detector's copy of memory up to date, and is shown as context.
- **Memory view**: the real page with a module whose memory is 1 GiB. First paint: from the memory
  section becoming visible (load handled) to the first visible row showing bytes, plus the rest of the
  frame that paints it. Scrolling: wheel events on the grid, one per frame (100 px, then ~5 MiB jumps); per frame,
  the wheel handler plus every frame callback with the style and layout it causes (forced at its end).
- **Activation**: \`require(dist/extension.js)\` + \`activate(context)\` in a fresh Node process per sample,
  with a fake \`vscode\` module injected through \`Module._load\` (bench/node/activate.cjs); this is not
  a real VS Code extension host. Baseline: a hello-world extension loaded the same way.
- **.vsix**: the size of dist/wasi-reactor-explorer.vsix when it exists.

## Diagnostics (not in the table)

- \`node bench/browser/profile.mjs ui|load|memoryView [--trace]\`: CPU profile (CDP Profiler) of the real
  page's main thread for one scenario, and with \`--trace\` the timeline's main-thread and worker time by
  event; the profile is written to bench/.tmp/.
- \`node bench/browser/callCpu.mjs [seconds]\`: CPU time per call of each Chromium thread, Chromium kept
  to one CPU, for the bare round trip, the pipeline's floor, a plain call through the product and the
  pipeline's tagged call (Linux: /proc and \`taskset\`). Where the pipeline's time goes, side by side.
- \`node bench/browser/callAB.mjs <revision> [rounds]\`: a change's before and after. The bench page of a
  git revision and that of the working tree run in one page of one Chromium kept to one CPU, and their
  call loops (tagged, plain, bare) take turns, so that both meet the same machine: between two separate
  runs the bare round trip alone has moved from 20 µs to 26 µs.
- \`node bench/node/workerCall.mjs\`: the worker's \`call\` handler in Node, split from the clone of its answer.
- \`node bench/node/compareKernels.mjs [MiB]\`: what change detection costs now and with a reused snapshot
  buffer, a tighter JS compare or a wasm SIMD compare.
`;
