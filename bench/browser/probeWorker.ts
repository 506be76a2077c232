/**
 * The product's worker (webview/worker/main.ts, unchanged) plus a side channel for the baseline of
 * the change-detection benchmark: a `Uint8Array.prototype.set` copy of the same live memory, timed
 * inside the same worker. Side-channel requests arrive with a MessagePort, so the product's RPC
 * never sees their answers.
 */
import "./instantiateProbe";
import "../../webview/worker/main";

declare const self: DedicatedWorkerGlobalScope & { __benchInstance?: WebAssembly.Instance };

const productOnMessage = self.onmessage;
self.onmessage = (event: MessageEvent) => {
  const data = event.data as { kind?: string; reps?: number } | null;
  if (data?.kind !== "bench") {
    productOnMessage?.call(self, event);
    return;
  }
  const port = event.ports[0] as MessagePort;
  const memory = Object.values(self.__benchInstance?.exports ?? {}).find((e): e is WebAssembly.Memory => e instanceof WebAssembly.Memory);
  if (!memory) {
    port.postMessage({ error: "no memory" });
    return;
  }
  const source = new Uint8Array(memory.buffer);
  const target = new Uint8Array(source.length);
  // Warm: the first copy faults the target's pages in, as the product's snapshot does each time.
  target.set(source);
  const copyMs: number[] = [];
  const freshCopyMs: number[] = [];
  for (let i = 0; i < (data.reps ?? 5); i++) {
    let started = performance.now();
    target.set(source);
    copyMs.push(performance.now() - started);
    started = performance.now();
    source.slice();
    freshCopyMs.push(performance.now() - started);
  }
  port.postMessage({ bytes: source.length, copyMs, freshCopyMs });
};
