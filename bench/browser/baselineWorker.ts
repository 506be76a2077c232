/**
 * The baselines' bare worker: it compiles and instantiates bytes with stand-in imports and calls
 * an export by name with no arguments, no encoding, no validation and no report. Each request is
 * answered with the bare result.
 *
 * It also measures the pipeline's floor: given an answer of the product's worker to keep, it
 * answers each of the product's requests with that answer at once, so that such a round trip costs
 * the product's messages (their structured clone, both ways) and none of its work.
 */
declare const self: DedicatedWorkerGlobalScope;

type Message =
  | { kind: "ping" }
  | { kind: "load"; bytes: Uint8Array }
  | { kind: "call"; name: string }
  | { kind: "keep"; answer: object }
  | { kind: "request"; id: number };

let instance: WebAssembly.Instance | undefined;
let kept: object | undefined;

self.onmessage = async (event: MessageEvent) => {
  const message = event.data as Message;
  switch (message.kind) {
    case "ping":
      self.postMessage("pong");
      return;
    case "load": {
      const module = await WebAssembly.compile(message.bytes as Uint8Array<ArrayBuffer>);
      const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {};
      for (const { module: from, name, kind } of WebAssembly.Module.imports(module)) {
        if (kind === "function") (imports[from] ??= {})[name] = () => 0;
      }
      instance = await WebAssembly.instantiate(module, imports);
      self.postMessage({ kind: "loaded", exports: WebAssembly.Module.exports(module).length });
      return;
    }
    case "keep":
      kept = message.answer;
      self.postMessage("kept");
      return;
    case "request":
      self.postMessage({ ...kept, id: message.id });
      return;
    case "call":
      self.postMessage((instance?.exports[message.name] as () => unknown)());
  }
};
