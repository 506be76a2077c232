// A diagnostic, not part of the table: what full-memory change detection could cost. Times, on one
// buffer of N MiB in Node: the product's snapshot (`slice`) and `diffBytes` (src/core/layout.ts),
// against a reused snapshot buffer filled with `set`, a tighter word compare that skips equal
// 32-byte stretches with one branch, and a wasm SIMD kernel (v128, 64 bytes a step).
//   node bench/node/compareKernels.mjs [MiB]
import { createRequire } from "node:module";
import { bundleForNode } from "../lib/bundle.mjs";
import { median } from "../lib/stats.mjs";

const require = createRequire(import.meta.url);
const { diffBytes } = require(await bundleForNode("src/core/layout.ts", "layout"));
const size = Number(process.argv[2] ?? 256) * 2 ** 20;
const memory = new Uint8Array(size);
for (let i = 0; i < size; i += 4096) memory[i] = i & 0xff;
const reused = new Uint8Array(size);
reused.set(memory);

/** Changed 32-byte stretches, found with 8 word XORs ORed together: one branch per 32 bytes. */
function changedStretches(a, b) {
  const wa = new Int32Array(a.buffer, a.byteOffset, a.length >> 2);
  const wb = new Int32Array(b.buffer, b.byteOffset, b.length >> 2);
  const hits = [];
  const n = wa.length & ~7;
  for (let w = 0; w < n; w += 8) {
    if (((wa[w] ^ wb[w]) | (wa[w + 1] ^ wb[w + 1]) | (wa[w + 2] ^ wb[w + 2]) | (wa[w + 3] ^ wb[w + 3]) | (wa[w + 4] ^ wb[w + 4]) | (wa[w + 5] ^ wb[w + 5]) | (wa[w + 6] ^ wb[w + 6]) | (wa[w + 7] ^ wb[w + 7])) !== 0) hits.push(w * 4);
  }
  return hits;
}

/** A wasm SIMD kernel counting the 64-byte blocks that differ between [a, a+n) and [b, b+n) of its memory. */
async function simdKernel(bytes) {
  const wabt = await require("wabt")();
  const load = (base, offset) => `(v128.xor (v128.load offset=${offset} (i32.add (local.get $a) (local.get $i))) (v128.load offset=${offset} (i32.add (local.get $b) (local.get $i))))`;
  const wat = `(module (memory (export "m") ${Math.ceil((2 * bytes) / 65536) + 1})
    (func (export "cmp") (param $a i32) (param $b i32) (param $n i32) (result i32) (local $i i32) (local $hits i32)
      (block $done (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (v128.any_true (v128.or (v128.or ${load("a", 0)} ${load("a", 16)}) (v128.or ${load("a", 32)} ${load("a", 48)})))
          (then (local.set $hits (i32.add (local.get $hits) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 64)))
        (br $next)))
      (local.get $hits)))`;
  const parsed = wabt.parseWat("compare.wat", wat, { simd: true });
  const { instance } = await WebAssembly.instantiate(parsed.toBinary({}).buffer);
  return instance.exports;
}

const t = (fn) => {
  const runs = [];
  for (let i = 0; i < 7; i++) {
    const started = performance.now();
    fn();
    runs.push(performance.now() - started);
  }
  return median(runs);
};
const setMs = t(() => reused.set(memory));
const sliceMs = t(() => memory.slice());
memory[size >> 1] ^= 1;
const diffMs = t(() => diffBytes(reused, memory, 0, { maxRanges: 10000 }));
const fastMs = t(() => changedStretches(reused, memory));
const simd = await simdKernel(size);
const both = new Uint8Array(simd.m.buffer);
both.set(reused, 0);
both.set(memory, size);
const simdMs = t(() => simd.cmp(0, size, size));
const gib = (ms) => `${(size / 2 ** 30 / (ms / 1000)).toFixed(2)} GiB/s`;
console.log(JSON.stringify({ MiB: size / 2 ** 20, setMs, sliceMs, diffBytesMs: diffMs, fastCompareMs: fastMs, simdCompareMs: simdMs, simdHits: simd.cmp(0, size, size) }));
console.log(`now (slice + diffBytes): ${(sliceMs + diffMs).toFixed(1)} ms = ${((100 * setMs) / (sliceMs + diffMs)).toFixed(0)}% of set's throughput (${gib(sliceMs + diffMs)})`);
console.log(`reused buffer (set + diffBytes): ${(setMs + diffMs).toFixed(1)} ms = ${((100 * setMs) / (setMs + diffMs)).toFixed(0)}%`);
console.log(`reused buffer + 32-byte stretch compare (set + fast): ${(setMs + fastMs).toFixed(1)} ms = ${((100 * setMs) / (setMs + fastMs)).toFixed(0)}% (${gib(setMs + fastMs)})`);
console.log(`reused buffer + SIMD compare (set + simd): ${(setMs + simdMs).toFixed(1)} ms = ${((100 * setMs) / (setMs + simdMs)).toFixed(0)}%`);
console.log(`snapshot kept across calls, compare only (simd): ${simdMs.toFixed(1)} ms = ${((100 * setMs) / simdMs).toFixed(0)}%`);
