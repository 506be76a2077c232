// The benchmarks that run in Node, each in fresh child processes: signature parsing against the
// npm parsers, extension activation with a fake `vscode`, and the .vsix size.
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { benchDir, bundleForNode, root } from "../lib/bundle.mjs";
import { median } from "../lib/stats.mjs";
import { writeLargeModule } from "../genLargeModule.mjs";

const ms = (v) => `${v < 1 ? v.toFixed(3) : v.toFixed(1)} ms`;

function child(args) {
  const out = execFileSync(process.execPath, args, {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 1 << 26,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return JSON.parse(out.trim().split("\n").pop());
}

/** Signature parsing alone, in Node: parseModule against @webassemblyjs/wasm-parser and wasmparser. */
export async function parser(ctx) {
  const module = writeLargeModule(ctx.quick ? 256 * 1024 : 20 * 1024 * 1024);
  const bundle = await bundleForNode("src/core/wasm/parseModule.ts", "parseModule");
  const script = join(benchDir, "node", "parser.mjs");
  // Each parser runs in a process of its own, a round at a time, the two taking turns to go first:
  // sharing a process, wasmparser's heap taxed parseModule (4.0–4.7 ms against 2.7–2.9 ms alone).
  const rounds = ctx.quick ? 2 : 7;
  const reps = ctx.quick ? "2" : "7";
  // Optimized code takes a few runs of 20 MB to settle: parseModule's first runs take 3.8 ms, later ones 2.7.
  const warmups = ctx.quick ? "1" : "5";
  const perRound = [];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ["product", "wasmparser"] : ["wasmparser", "product"];
    const round = {};
    for (const name of order)
      Object.assign(round, child(["--expose-gc", script, bundle, module.path, "1", reps, name, warmups]).perRound[0]);
    perRound.push(round);
  }
  // @webassemblyjs runs fewer times: it takes tens of seconds here.
  const slow = child(["--expose-gc", "--max-old-space-size=8192", script, bundle, module.path, "2", "1", "webassemblyjs"]);
  const product = median(perRound.map((r) => r.product));
  const wasmparserMs = median(perRound.map((r) => r.wasmparser));
  const webassemblyjsMs = median(slow.perRound.map((r) => r.webassemblyjs));
  const mb = (module.bytes.length / 1e6).toFixed(1);
  return [
    {
      what: `Signature parsing alone, ${mb} MB module (Node): how many times faster than the faster peer`,
      baseline:
        "`wasmparser` 5 (npm) on the same bytes, code and data sections skipped (its fastest mode); each in its own process, taking turns",
      ratios: perRound.map((r) => r.wasmparser / r.product),
      target: { op: ">=", value: 10, text: "≥ 10× faster" },
      unit: "× faster",
      context: `parseModule ${ms(product)}, wasmparser ${ms(wasmparserMs)}, @webassemblyjs/wasm-parser ${ms(webassemblyjsMs)} (code and data ignored, names kept; ${(webassemblyjsMs / product).toFixed(0)}× slower than parseModule)`,
    },
  ];
}

/** activate() of dist/extension.js in fresh Node processes with a fake `vscode`, against a hello-world extension. */
export async function activation(ctx) {
  const extension = join(root, "dist", "extension.js");
  if (!existsSync(extension)) throw new Error("dist/extension.js is missing: run `npm run build` first.");
  const script = join(benchDir, "node", "activate.cjs");
  const hello = join(benchDir, "node", "helloExtension.cjs");
  const runs = ctx.quick ? 2 : 15;
  const ours = [];
  const base = [];
  for (let i = 0; i < runs; i++) {
    ours.push(child([script, extension]));
    base.push(child([script, hello]));
  }
  return [
    {
      what: "Extension activation: require(dist/extension.js) + activate() in a fresh Node process with a fake `vscode` (not a real VS Code)",
      baseline: "a hello-world extension (one command) loaded and activated the same way",
      ratios: ours.map((o, i) => o.totalMs / base[i].totalMs),
      target: { op: "<=", value: 30, on: "absolute", text: "≤ 30 ms" },
      absolute: median(ours.map((o) => o.totalMs)),
      context: `${ms(median(ours.map((o) => o.totalMs)))} (require ${ms(median(ours.map((o) => o.requireMs)))}, activate ${ms(median(ours.map((o) => o.activateMs)))}), hello ${ms(median(base.map((o) => o.totalMs)))}; touched ${ours[0].touched.join(", ")}`,
    },
  ];
}

/** The packaged extension's size, when `npm run package` has built it. */
export async function vsix() {
  const path = join(root, "dist", "wasi-reactor-explorer.vsix");
  if (!existsSync(path)) {
    return [
      {
        what: "`.vsix` size",
        baseline: "the 1 MB budget",
        ratios: [],
        context: "not measured: dist/wasi-reactor-explorer.vsix does not exist (run `npm run package` before the benchmark)",
      },
    ];
  }
  const bytes = statSync(path).size;
  const listing = execFileSync("unzip", ["-l", path], { encoding: "utf8" }).trim().split("\n");
  return [
    {
      what: "`.vsix` size (dist/wasi-reactor-explorer.vsix)",
      baseline: "the 1 MB budget (a size is the same on every machine)",
      ratios: [bytes / 1e6],
      target: { op: "<=", value: 1, text: "≤ 1 MB" },
      unit: "of 1 MB",
      context: `${(bytes / 1024).toFixed(0)} KiB; ${listing.at(-1).trim().replace(/\s+/g, " ")}`,
    },
  ];
}
