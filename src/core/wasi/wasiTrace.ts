/**
 * The trace of the WASI calls of one run (`_initialize` or one export call): counts by function,
 * the first calls kept in full up to a cap and the rest only counted, so memory stays bounded
 * however chatty the module is. It also remembers the sizes `args_sizes_get` and
 * `environ_sizes_get` reported, which `args_get` and `environ_get` need to be decoded.
 * It decodes nothing itself.
 */

import type { WasiCall, WasiSizes } from "./decodeCall";

/** Calls counted for one function. */
export interface WasiFunctionCount {
  calls: number;
  /** Calls that returned an errno other than success. */
  failures: number;
  /** Calls past the cap: counted here, not kept. */
  dropped: number;
}

/** A trace as plain data (for postMessage). */
export interface WasiTraceSummary {
  /** Every call seen, kept or not. */
  total: number;
  /** The first `cap` calls, in order. */
  kept: WasiCall[];
  /** Calls seen after the cap was reached. */
  dropped: number;
  /** Counts by function name, over all calls. Past `maxFunctionNames` distinct names, the rest count under `(other)`. */
  byFunction: Record<string, WasiFunctionCount>;
  cap: number;
}

/** Distinct function names counted at most; a preview1 module imports at most 46 anyway. */
export const maxFunctionNames = 256;

/** An accumulator for one run's WASI calls. */
export class WasiTrace {
  private readonly kept: WasiCall[] = [];
  private total = 0;
  private readonly counts = new Map<string, WasiFunctionCount>();
  /** The latest `args_sizes_get` answer, for decoding `args_get`. */
  argSizes: WasiSizes | undefined;
  /** The latest `environ_sizes_get` answer, for decoding `environ_get`. */
  environSizes: WasiSizes | undefined;

  /** How many calls are kept in full. */
  readonly cap: number;

  /** `cap` is how many calls are kept in full (default 1,000; a negative or fractional cap is floored at 0). */
  constructor(cap = 1000) {
    this.cap = Number.isFinite(cap) ? Math.max(0, Math.floor(cap)) : 1000;
  }

  /** Counts a call, keeps it while under the cap, and notes the sizes a `*_sizes_get` reported. */
  add(call: WasiCall): void {
    this.total++;
    const isKept = this.kept.length < this.cap;
    if (isKept) this.kept.push(call);
    const key = this.counts.has(call.name) || this.counts.size < maxFunctionNames ? call.name : "(other)";
    const count = this.counts.get(key) ?? { calls: 0, failures: 0, dropped: 0 };
    count.calls++;
    if (!isKept) count.dropped++;
    if (call.errno !== undefined && call.errno.code !== 0) count.failures++;
    this.counts.set(key, count);
    if (call.errno?.code === 0 && (call.name === "args_sizes_get" || call.name === "environ_sizes_get")) {
      const [count0, size] = call.results.map((r) => r.value);
      if (count0 !== undefined && size !== undefined) {
        if (call.name === "args_sizes_get") this.argSizes = { count: count0, bufSize: size };
        else this.environSizes = { count: count0, bufSize: size };
      }
    }
  }

  /** The trace so far, as plain data (copies: later calls do not change it). */
  summary(): WasiTraceSummary {
    const byFunction: Record<string, WasiFunctionCount> = {};
    for (const [name, c] of this.counts) byFunction[name] = { ...c };
    return { total: this.total, kept: [...this.kept], dropped: this.total - this.kept.length, byFunction, cap: this.cap };
  }
}
