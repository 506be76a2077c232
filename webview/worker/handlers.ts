/**
 * The worker's request handlers as plain functions over one reactor. Each runs only on params that
 * passed the checks protocol.ts writes beside the request types, so the handlers act on typed values.
 * They hold no reference to the worker global, so unit tests call them directly under Node.
 */
import { isRecord } from "../../src/core/guards";
import { workerParamsChecks, type MemoryWindow, type WorkerRequests } from "../../src/core/protocol";
import { checkedHandlers, type Handlers } from "../../src/core/rpc";
import { Reactor } from "./reactor";

/** The largest window `readMemory` copies at once; the memory view asks for screens, not memories. */
export const maxWindowBytes = 1 << 20;

/** Whether `compiled` is a module this engine compiled, the only kind `load` may restart from. */
function isCompiledModule(compiled: unknown): boolean {
  return compiled instanceof WebAssembly.Module;
}

/** Creates the handlers for one worker; each `load` replaces the reactor. */
export function createHandlers(): Handlers<WorkerRequests> {
  let reactor: Reactor | undefined;
  const requireReactor = (): Reactor => {
    if (!reactor) throw new Error("No reactor is running: load a module first.");
    return reactor;
  };
  return checkedHandlers(workerParamsChecks(isCompiledModule), {
    async load(params, progress) {
      reactor = undefined;
      // The check ran `isCompiledModule` on it: the protocol's type is opaque only because core code knows no engine types.
      const compiled = params.compiled as WebAssembly.Module | undefined;
      const loaded = await Reactor.load(params.bytes, compiled, (module) => progress({ module }));
      reactor = loaded.reactor;
      const { report } = loaded;
      return {
        report: report.status === "loaded" ? { status: "loaded", instance: report.instance } : report,
        bytes: params.bytes,
        compiled: loaded.compiled,
      };
    },
    call(params) {
      return requireReactor().answer(params.exportName, params.call, params.watchAllMemory === true);
    },
    readMemory(params): MemoryWindow {
      return requireReactor().readWindow(params.offset, Math.min(params.length, maxWindowBytes));
    },
  });
}

/** Transfers the byte windows a result carries instead of copying them. */
export function transferOf(result: unknown): ArrayBuffer[] {
  if (isRecord(result) && result.bytes instanceof Uint8Array && result.bytes.buffer instanceof ArrayBuffer) return [result.bytes.buffer];
  return [];
}
