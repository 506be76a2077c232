/**
 * The baselines' bare worker: it compiles and instantiates bytes with stand-in imports and calls
 * an export by name with no arguments, no encoding, no validation and no report. Each request is
 * answered with the bare result.
 */
declare const self: DedicatedWorkerGlobalScope;

let instance: WebAssembly.Instance | undefined;

self.onmessage = async (event: MessageEvent) => {
  const message = event.data as { kind: "ping" } | { kind: "load"; bytes: Uint8Array } | { kind: "call"; name: string };
  if (message.kind === "ping") {
    self.postMessage("pong");
    return;
  }
  if (message.kind === "load") {
    const module = await WebAssembly.compile(message.bytes as Uint8Array<ArrayBuffer>);
    const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {};
    for (const { module: from, name, kind } of WebAssembly.Module.imports(module)) {
      if (kind === "function") (imports[from] ??= {})[name] = () => 0;
    }
    instance = await WebAssembly.instantiate(module, imports);
    self.postMessage({ kind: "loaded", exports: WebAssembly.Module.exports(module).length });
    return;
  }
  self.postMessage((instance?.exports[message.name] as () => unknown)());
};
