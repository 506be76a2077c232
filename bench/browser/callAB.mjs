// A diagnostic for the before and after of a change to the call path. On this shared machine two runs
// minutes apart differ by more than most changes do (the bare round trip alone has measured 20 µs in
// one and 26 µs in the next), so here the bench page of a git revision and that of the working tree
// run in one page of one Chromium kept to one CPU, and their call loops take turns: both meet the same
// machine at the same moments. It prints each loop's time per call and the working tree's against the
// revision's:
//   node bench/browser/callAB.mjs <revision> [rounds]
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { root, tmpDir } from "../lib/bundle.mjs";
import { median } from "../lib/stats.mjs";
import { canPinToOneCpu, startBrowserBench } from "./server.mjs";

const [revision, roundsArg] = process.argv.slice(2);
if (!revision) throw new Error("usage: node bench/browser/callAB.mjs <revision> [rounds]");
if (!canPinToOneCpu) throw new Error("callAB needs `taskset` (util-linux) to keep Chromium to one CPU.");
const rounds = Number(roundsArg ?? 15);

/** The revision's sources, extracted once into bench/.tmp/, with this tree's packages. */
function extract(revision) {
  const sha = execFileSync("git", ["rev-parse", "--verify", `${revision}^{commit}`], { cwd: root })
    .toString()
    .trim();
  const tree = join(tmpDir, `tree-${sha.slice(0, 12)}`);
  if (!existsSync(tree)) {
    mkdirSync(tree, { recursive: true });
    execFileSync("sh", ["-c", `git archive ${sha} | tar -x -C "${tree}"`], { cwd: root });
    symlinkSync(join(root, "node_modules"), join(tree, "node_modules"));
  }
  return { sha, tree };
}

const { sha, tree } = extract(revision);
const browser = await startBrowserBench({ oneCpu: true, before: tree });
try {
  const page = await browser.newPage("/bench.html");
  const wasm = readFileSync(join(root, "test", "fixtures", "wasm", "tagged.wasm")).toString("base64");
  const ready = await page.evaluate(async (wasm) => {
    if (typeof window.benchBefore?.callLoop !== "function") return false;
    await window.benchBefore.prepareCallLoop({ wasm });
    await window.bench.prepareCallLoop({ wasm });
    return true;
  }, wasm);
  if (!ready) throw new Error(`The bench page of ${revision} has no call loop (bench.callLoop came later).`);
  const loops = [
    ["before", "tagged"],
    ["now", "tagged"],
    ["before", "plain"],
    ["now", "plain"],
    ["now", "bare"],
  ];
  const run = (side, kind, ms) =>
    page.evaluate(([side, kind, ms]) => (side === "now" ? window.bench : window.benchBefore).callLoop({ kind, ms }), [side, kind, ms]);
  // Warm-up first, so that the loops measure optimized code.
  for (const [side, kind] of loops) await run(side, kind, 1000);
  const perCall = new Map(loops.map((loop) => [loop.join(" "), []]));
  const ms = 400;
  for (let r = 0; r < rounds; r++) {
    for (const [side, kind] of loops) perCall.get(`${side} ${kind}`).push((ms * 1000) / (await run(side, kind, ms)));
  }
  console.log(`${revision} (${sha.slice(0, 12)}) against the working tree, Chromium on one CPU, ${rounds} rounds of ${ms} ms per loop:`);
  for (const [loop, us] of perCall)
    console.log(
      `  ${loop.padEnd(13)} ${median(us).toFixed(1)} µs per call [${Math.min(...us).toFixed(1)} – ${Math.max(...us).toFixed(1)}]`,
    );
  const m = (loop) => median(perCall.get(loop));
  console.log(
    `  tagged: now / before ${(m("now tagged") / m("before tagged")).toFixed(3)}; against bare: before ${(m("before tagged") / m("now bare")).toFixed(2)}×, now ${(m("now tagged") / m("now bare")).toFixed(2)}×`,
  );
  console.log(`  plain:  now / before ${(m("now plain") / m("before plain")).toFixed(3)}`);
} finally {
  await browser.close();
}
