/**
 * The product's worker (webview/worker/main.ts, unchanged) with the benchmarks' baselines beside it
 * on the same thread (probeMessages.ts lists them), so that both pay the same for where the
 * scheduler put that thread. Every other message goes to the product's handler, one `switch` later.
 */
import "./instantiateProbe";
import "../../webview/worker/main";
import type { ProbeMessage } from "./probeMessages";

declare const self: DedicatedWorkerGlobalScope & { __benchInstance?: WebAssembly.Instance };

const productOnMessage = self.onmessage!;
let kept: object | undefined;

self.onmessage = (event: MessageEvent) => {
  const data = event.data as ProbeMessage;
  switch (data.kind) {
    case "bare":
      self.postMessage((self.__benchInstance!.exports[data.name] as () => unknown)());
      return;
    case "keep":
      kept = data.answer;
      self.postMessage("kept");
      return;
    case "floor":
      self.postMessage({ ...kept, id: data.id });
      return;
    case "copy":
      copy(event.ports[0]!, data.reps);
      return;
    default:
      productOnMessage.call(self, event);
  }
};

/** Times `Uint8Array.prototype.set` copies of the live memory into a warmed buffer, and a fresh `slice()`. */
function copy(port: MessagePort, reps: number): void {
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
  for (let i = 0; i < reps; i++) {
    let started = performance.now();
    target.set(source);
    copyMs.push(performance.now() - started);
    started = performance.now();
    source.slice();
    freshCopyMs.push(performance.now() - started);
  }
  port.postMessage({ bytes: source.length, copyMs, freshCopyMs });
}
