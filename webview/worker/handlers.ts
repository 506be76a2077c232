/**
 * The worker's request handlers as plain functions over one reactor, validated at the boundary.
 * They hold no reference to the worker global, so unit tests call them directly under Node.
 */
import type { WasmValue } from "../../src/core/abi/numbers";
import type { MemoryWindow, WorkerRequests } from "../../src/core/protocol";
import type { Handlers } from "../../src/core/rpc";
import { Reactor } from "./reactor";

/** The largest window `readMemory` copies at once; the memory view asks for screens, not memories. */
export const maxWindowBytes = 1 << 20;

const numericTypes = new Set(["i32", "i64", "f32", "f64"]);

function isWasmValue(value: unknown): value is WasmValue {
  const v = value as WasmValue | null;
  if (typeof v !== "object" || v === null || !numericTypes.has(v.type)) return false;
  return v.type === "i64" ? typeof v.value === "bigint" : typeof v.value === "number";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** Creates the handlers for one worker; each `load` replaces the reactor. */
export function createHandlers(): Handlers<WorkerRequests> {
  let reactor: Reactor | undefined;
  const requireReactor = (): Reactor => {
    if (!reactor) throw new Error("No reactor is running: load a module first.");
    return reactor;
  };
  return {
    async load(params) {
      if (!isRecord(params) || !(params.bytes instanceof Uint8Array)) throw new TypeError("load needs { bytes: Uint8Array }.");
      reactor = undefined;
      const loaded = await Reactor.load(params.bytes);
      reactor = loaded.reactor;
      return loaded.report;
    },
    call(params) {
      if (!isRecord(params) || typeof params.exportName !== "string" || !Array.isArray(params.args) || !params.args.every(isWasmValue)) {
        throw new TypeError("call needs { exportName: string, args: WasmValue[] }.");
      }
      return requireReactor().call(params.exportName, params.args);
    },
    readMemory(params): MemoryWindow {
      if (!isRecord(params) || !Number.isSafeInteger(params.offset) || !Number.isSafeInteger(params.length)) {
        throw new TypeError("readMemory needs integer { offset, length }.");
      }
      const memory = requireReactor().linearMemory;
      const memoryBytes = memory?.buffer.byteLength ?? 0;
      const offset = Math.min(Math.max(0, params.offset as number), memoryBytes);
      const length = Math.min(Math.max(0, params.length as number), maxWindowBytes, memoryBytes - offset);
      // A copy, never the live buffer: posting memory.buffer would clone all of memory.
      const bytes = memory ? new Uint8Array(memory.buffer, offset, length).slice() : new Uint8Array(0);
      return { offset, bytes, memoryBytes };
    },
  };
}

/** Transfers the byte windows a result carries instead of copying them. */
export function transferOf(result: unknown): ArrayBuffer[] {
  if (isRecord(result) && result.bytes instanceof Uint8Array && result.bytes.buffer instanceof ArrayBuffer) return [result.bytes.buffer];
  return [];
}
