/**
 * The load benchmark's bare worker: it compiles and instantiates bytes with stand-in imports, and
 * answers with how many exports the module has. No parsing, no WASI, no report.
 */
declare const self: DedicatedWorkerGlobalScope;
// A module, so that `self` above is this file's own declaration.
export {};

type Message = { kind: "ping" } | { kind: "load"; bytes: Uint8Array };

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
      await WebAssembly.instantiate(module, imports);
      self.postMessage({ kind: "loaded", exports: WebAssembly.Module.exports(module).length });
    }
  }
};
