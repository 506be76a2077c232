/** The boundaries: message validation on both host channels, the RPC helper, and the webview CSP. */
import assert from "node:assert/strict";
import * as protocol from "../../../src/core/protocol";
import { parseHostMessage, parseWebviewMessage, workerParamsChecks } from "../../../src/core/protocol";
import { checkedHandlers, createRpcClient, serveRpc, type Handlers, type RpcResponse } from "../../../src/core/rpc";
import { contentSecurityPolicy, createNonce, renderHtml } from "../../../src/extension/html";

const garbage: unknown[] = [
  undefined,
  null,
  42,
  "ready",
  [],
  [{ type: "ready" }],
  {},
  { type: "nope" },
  { type: "open", fileName: "x.wasm", bytes: [0, 97, 115, 109], settings: { callTimeoutMs: 1, maxFileBytes: 1 } },
  { type: "open", fileName: "x.wasm", bytes: new Uint8Array(4) },
  { type: "invoke", exportName: "f", args: [1, 2] },
  { type: "invoke", exportName: 7, args: [] },
  { type: "didCall", exportName: "f", args: [], outcome: "exploded", results: [], stdout: "", stderr: "", durationMs: 1 },
  { type: "didLoad", fileName: "x", kind: "reactor", exports: "add" },
  { type: "copy", text: 5 },
  { type: "copy", text: "x".repeat((1 << 20) + 1) },
  { type: "didChangeState", state: { big: "x".repeat(300 * 1024) } },
  { type: "didStartCall" },
  { type: "__proto__" },
];

describe("protocol: messages from the other side are validated", () => {
  for (const value of garbage) {
    it(`drops ${JSON.stringify(value)?.slice(0, 80) ?? String(value)} on both channels`, () => {
      const isHostValid = parseHostMessage(value) !== undefined;
      const isWebviewValid = parseWebviewMessage(value) !== undefined;
      // "ready" objects are valid only from the webview; nothing here is valid from the host.
      assert.equal(isHostValid, false);
      assert.equal(isWebviewValid, false);
    });
  }

  it("accepts the messages the product sends", () => {
    assert.deepEqual(parseWebviewMessage({ type: "ready", extra: 1 }), { type: "ready" });
    assert.ok(
      parseHostMessage({ type: "open", fileName: "a.wasm", bytes: new Uint8Array([0]), settings: { callTimeoutMs: 10, maxFileBytes: 10 } }),
    );
    assert.ok(parseHostMessage({ type: "invoke", exportName: "f", args: ["1"] }));
    assert.deepEqual(parseHostMessage({ type: "cancel" }), { type: "cancel" });
    assert.deepEqual(parseWebviewMessage({ type: "didChangeState", state: { a: [1, "b"] } }), {
      type: "didChangeState",
      state: { a: [1, "b"] },
    });
  });
});

describe("protocol: each validator accepts its message and refuses malformed ones", () => {
  const settings = { callTimeoutMs: 10, maxFileBytes: 10 };
  const compiledStandIn = { compiled: true };
  const bytes = new Uint8Array([0, 97, 115, 109]);
  const didCall = {
    type: "didCall",
    exportName: "f",
    args: ["1"],
    outcome: "returned",
    results: ["2"],
    stdout: "",
    stderr: "",
    durationMs: 1,
  };
  const plain = {
    convention: "plain",
    args: [
      { type: "i32", value: 1 },
      { type: "i64", value: 2n },
    ],
  };
  const tagged = {
    convention: "tagged",
    args: [
      { type: "string", value: "hi" },
      { type: "Uint32Array", value: [1, 2] },
    ],
    options: { startOffset: 8, tagWidth: 1, padStringsTo4: false },
  };
  const allocator = {
    convention: "allocator",
    plan: { slots: [] },
    values: [
      { kind: "scalar", value: { type: "f64", value: 1.5 } },
      { kind: "memory", value: { kind: "bytes", bytes } },
    ],
    keepAllocations: false,
  };
  const table: { name: string; is: (value: unknown) => boolean; valid: unknown[]; malformed: unknown[] }[] = [
    {
      name: "isSettings",
      is: protocol.isSettings,
      valid: [settings],
      malformed: [
        null,
        [],
        {},
        { callTimeoutMs: "10", maxFileBytes: 10 },
        { callTimeoutMs: 10, maxFileBytes: Infinity },
        { callTimeoutMs: NaN, maxFileBytes: 1 },
      ],
    },
    {
      name: "isOpenMessage",
      is: protocol.isOpenMessage,
      valid: [{ type: "open", fileName: "a.wasm", bytes, settings }],
      malformed: [
        { type: "open", fileName: "a.wasm", bytes: [0, 97], settings },
        { type: "open", fileName: "a.wasm", bytes: bytes.buffer, settings },
        { type: "open", fileName: 1, bytes, settings },
        { type: "open", fileName: "a.wasm", bytes },
        { type: "openFailed", fileName: "a.wasm", bytes, settings },
      ],
    },
    {
      name: "isOpenFailedMessage",
      is: protocol.isOpenFailedMessage,
      valid: [{ type: "openFailed", fileName: "a", message: "too large" }],
      malformed: [
        { type: "openFailed", fileName: "a" },
        { type: "openFailed", fileName: "a", message: 1 },
      ],
    },
    {
      name: "isInvokeMessage",
      is: protocol.isInvokeMessage,
      valid: [{ type: "invoke", exportName: "f", args: [] }],
      malformed: [
        { type: "invoke", exportName: "f", args: [1] },
        { type: "invoke", exportName: "f", args: "1" },
        { type: "invoke", args: [] },
      ],
    },
    {
      name: "isCancelMessage",
      is: protocol.isCancelMessage,
      valid: [{ type: "cancel" }],
      malformed: [[{ type: "cancel" }], { type: "Cancel" }, "cancel"],
    },
    {
      name: "isReadyMessage",
      is: protocol.isReadyMessage,
      valid: [{ type: "ready" }],
      malformed: [[{ type: "ready" }], { type: "ready " }, null],
    },
    {
      name: "isDidLoadMessage",
      is: protocol.isDidLoadMessage,
      valid: [
        { type: "didLoad", fileName: "a", kind: "reactor", exports: ["f"] },
        { type: "didLoad", fileName: "a", kind: "module", exports: [], error: "bad magic" },
      ],
      malformed: [
        { type: "didLoad", fileName: "a", kind: "reactor", exports: "f" },
        { type: "didLoad", fileName: "a", kind: "reactor", exports: [], error: 1 },
        { type: "didLoad", kind: "reactor", exports: [] },
      ],
    },
    {
      name: "isDidCallMessage",
      is: protocol.isDidCallMessage,
      valid: [didCall, { ...didCall, outcome: "failed", message: "gone" }],
      malformed: [
        { ...didCall, outcome: "exploded" },
        { ...didCall, results: [2] },
        { ...didCall, durationMs: "1" },
        { ...didCall, stdout: undefined },
        { ...didCall, type: "didLoad" },
      ],
    },
    {
      name: "isCopyMessage",
      is: protocol.isCopyMessage,
      valid: [
        { type: "copy", text: "" },
        { type: "copy", text: "x".repeat(1 << 20) },
      ],
      malformed: [
        { type: "copy", text: 5 },
        { type: "copy", text: "x".repeat((1 << 20) + 1) },
      ],
    },
    {
      name: "isDidStartCallMessage",
      is: protocol.isDidStartCallMessage,
      valid: [{ type: "didStartCall", exportName: "f" }],
      malformed: [{ type: "didStartCall" }, { type: "didStartCall", exportName: null }],
    },
    {
      name: "parseDidChangeStateMessage",
      is: (value) => protocol.parseDidChangeStateMessage(value) !== undefined,
      valid: [
        { type: "didChangeState", state: { a: [1, "b"] } },
        { type: "didChangeState", state: null },
      ],
      malformed: [
        { type: "didChangeState" },
        { type: "didChangeState", state: () => 1 },
        { type: "didChangeState", state: { n: 1n } },
        { type: "didChangeState", state: "x".repeat(256 * 1024) },
      ],
    },
    {
      name: "isConventionCall",
      is: protocol.isConventionCall,
      valid: [plain, tagged, allocator, { convention: "plain", args: [] }],
      malformed: [
        { convention: "plain", args: [1] },
        { convention: "plain", args: [{ type: "i64", value: 1 }] },
        { convention: "plain", args: [{ type: "i32", value: 1n }] },
        { convention: "plain", args: [{ type: "v128", value: 1 }] },
        { ...tagged, args: [{ type: "Int64", value: 1 }] },
        { ...tagged, args: [{ type: "string", value: 1 }] },
        { ...tagged, args: [{ type: "Int32Array", value: ["1"] }] },
        { ...tagged, args: [{ type: "toString", value: 1 }] },
        { ...tagged, options: undefined },
        { ...allocator, plan: {} },
        { ...allocator, values: [{ kind: "memory", value: { kind: "bytes", bytes: [1] } }] },
        { ...allocator, values: [{ kind: "scalar", value: 1 }] },
        { ...allocator, keepAllocations: "no" },
        { convention: "eval", code: "1" },
      ],
    },
    {
      name: "isCallParams",
      is: protocol.isCallParams,
      valid: [
        { exportName: "f", call: plain },
        { exportName: "f", call: plain, watchAllMemory: true },
      ],
      malformed: [{ exportName: "f" }, { call: plain }, { exportName: "f", call: plain, watchAllMemory: "yes" }],
    },
    {
      name: "isReadMemoryParams",
      is: protocol.isReadMemoryParams,
      valid: [{ offset: 0, length: 16 }],
      malformed: [{ offset: "0", length: 10 }, { offset: 1.5, length: 10 }, { offset: 0 }, { offset: 2 ** 53, length: 1 }],
    },
    {
      name: "isLoadParams (with a stand-in for the engine's compiled module)",
      is: (value) => protocol.isLoadParams(value, (compiled) => compiled === compiledStandIn),
      valid: [{ bytes }, { bytes, compiled: compiledStandIn }],
      malformed: [{ bytes: [0, 97, 115, 109] }, { bytes, compiled: {} }, { bytes: bytes.buffer }],
    },
  ];
  for (const { name, is, valid, malformed } of table) {
    it(`${name} accepts ${valid.length} and refuses ${malformed.length + 4} malformed values`, () => {
      for (const value of valid)
        assert.equal(is(value), true, `refused ${String(JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)))}`);
      for (const value of [...malformed, undefined, null, 42, "text"])
        assert.equal(
          is(value),
          false,
          `accepted ${String(JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)))?.slice(0, 120)}`,
        );
    });
  }

  it("answers a worker request whose params fail their check with a TypeError naming what it needs, and never runs the handler", async () => {
    let runs = 0;
    const handlers = checkedHandlers(
      workerParamsChecks(() => false),
      {
        load: () => ({ report: { status: "loaded" as const, instance: { status: "starting" as const } }, bytes: new Uint8Array(0) }),
        call: () => {
          runs++;
          throw new Error("ran");
        },
        readMemory: ({ offset }) => ({ offset, bytes: new Uint8Array(0), memoryBytes: 0 }),
      },
    );
    const client = createRpcClient<protocol.WorkerRequests>((message) => void serve(message as never));
    const serve = serveRpc(handlers, (response) => client.handleResponse(response));
    await assert.rejects(client.request("call", { exportName: "f" } as never), {
      name: "TypeError",
      message: /^call needs \{ exportName: string, call: ConventionCall/,
    });
    await assert.rejects(client.request("load", { bytes, compiled: {} }), { name: "TypeError", message: /^load needs/ });
    await assert.rejects(client.request("readMemory", { offset: -0.5, length: 1 }), {
      name: "TypeError",
      message: "readMemory needs integer { offset, length }.",
    });
    assert.equal(runs, 0);
    assert.deepEqual(await client.request("readMemory", { offset: 3, length: 1 }), { offset: 3, bytes: new Uint8Array(0), memoryBytes: 0 });
  });
});

describe("rpc: every request is answered", () => {
  type Table = Record<string, { params: unknown; result: unknown; progress: unknown }>;
  function pair(handlers: Handlers<Table>) {
    const client = createRpcClient<Table>((message) => {
      void serve(message as never);
    });
    const serve = serveRpc(handlers, (response) => client.handleResponse(response as RpcResponse));
    return client;
  }

  it("resolves results, and rejects with the remote error's name when a handler throws or the method is unknown", async () => {
    const client = pair({
      double: (n) => (n as number) * 2,
      fail: () => {
        throw new TypeError("bad params");
      },
      later: () => Promise.resolve("done"),
    });
    assert.equal(await client.request("double", 21), 42);
    assert.equal(await client.request("later", undefined), "done");
    await assert.rejects(client.request("fail", undefined), { name: "TypeError", message: "bad params" });
    await assert.rejects(client.request("missing", undefined), { name: "UnknownMethod" });
    assert.equal(client.pendingCount, 0);
  });

  it("hands each progress report to its own request, in order and before the result", async () => {
    const seen: string[] = [];
    const client = pair({
      count: (n, progress) => {
        for (let i = 1; i <= (n as number); i++) progress(i);
        return Promise.resolve("counted");
      },
    });
    const [a, b] = await Promise.all([
      client.request("count", 2, [], (value) => seen.push(`a${String(value)}`)).then((r) => seen.push(`a:${String(r)}`)),
      client.request("count", 1, [], (value) => seen.push(`b${String(value)}`)).then((r) => seen.push(`b:${String(r)}`)),
    ]);
    assert.ok(a && b);
    assert.deepEqual(
      seen.filter((s) => s.startsWith("a")),
      ["a1", "a2", "a:counted"],
    );
    assert.deepEqual(
      seen.filter((s) => s.startsWith("b")),
      ["b1", "b:counted"],
    );
    assert.equal(client.pendingCount, 0);
    assert.equal(client.handleResponse({ kind: "progress", id: 999, value: 1 }), false);
  });

  it("rejects pending requests when the other side is gone, and ignores strangers' responses", async () => {
    const client = createRpcClient<{ x: { params: unknown; result: unknown } }>(() => undefined);
    const pending = client.request("x", 1);
    assert.equal(client.handleResponse({ kind: "response", id: 999, ok: true, result: 1 }), false);
    assert.equal(client.handleResponse("garbage"), false);
    client.rejectAll({ name: "Terminated", message: "gone" });
    await assert.rejects(pending, { name: "Terminated" });
  });

  it("answers a handler's plain value in the same task, and a promise once it settles", () => {
    const posted: RpcResponse[] = [];
    const serve = serveRpc<Table>({ now: () => 1, later: () => Promise.resolve(2) }, (response) => posted.push(response as RpcResponse));
    assert.equal(serve({ kind: "request", id: 1, method: "now", params: undefined }), undefined);
    assert.deepEqual(posted, [{ kind: "response", id: 1, ok: true, result: 1 }]);
    const later = serve({ kind: "request", id: 2, method: "later", params: undefined });
    assert.ok(later instanceof Promise);
    assert.equal(posted.length, 1);
    return later.then(() => assert.deepEqual(posted[1], { kind: "response", id: 2, ok: true, result: 2 }));
  });

  it("fails a request whose result cannot be posted, instead of leaving it unanswered", () => {
    const posted: RpcResponse[] = [];
    const serve = serveRpc<Table>({ fn: () => () => 1 }, (response) => {
      // As postMessage does with a function: the structured clone refuses it.
      if ((response as { result?: unknown }).result instanceof Function) throw new DOMException("could not be cloned", "DataCloneError");
      posted.push(response as RpcResponse);
    });
    void serve({ kind: "request", id: 7, method: "fn", params: undefined });
    assert.deepEqual(posted, [{ kind: "response", id: 7, ok: false, error: { name: "DataCloneError", message: "could not be cloned" } }]);
  });

  it("fails the caller when the message cannot be posted", async () => {
    const client = createRpcClient<{ x: { params: unknown; result: unknown } }>(() => {
      throw new Error("DataCloneError");
    });
    await assert.rejects(
      client.request("x", () => 1),
      /DataCloneError/,
    );
  });
});

describe("html: the webview's Content Security Policy", () => {
  const html = renderHtml({
    cspSource: "https://file+.vscode-resource.vscode-cdn.net",
    nonce: "abc123",
    scriptUri: "s.js",
    styleUri: "s.css",
    codiconUri: "c.css",
  });
  const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, "&") ?? "";

  it("is exactly the platform's policy", () => {
    assert.equal(
      csp,
      "default-src 'none'; script-src 'nonce-abc123' 'wasm-unsafe-eval'; worker-src blob:; style-src https://file+.vscode-resource.vscode-cdn.net; font-src https://file+.vscode-resource.vscode-cdn.net; img-src https://file+.vscode-resource.vscode-cdn.net data:",
    );
    assert.equal(csp, contentSecurityPolicy("https://file+.vscode-resource.vscode-cdn.net", "abc123"));
  });

  it("has no unsafe-eval, no unsafe-inline, no remote source, and only nonce'd scripts", () => {
    assert.doesNotMatch(csp, /'unsafe-eval'|'unsafe-inline'|\*|https?:\/\/(?!file\+)/);
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    assert.ok(scripts.length > 0);
    for (const tag of scripts) assert.match(tag, /nonce="abc123"/);
    assert.doesNotMatch(html, /\son[a-z]+=/i);
  });

  it("makes a fresh 32-character nonce from the random source", () => {
    let seed = 0;
    const a = createNonce((array) => array.map(() => seed++));
    const b = createNonce((array) => array.map(() => seed++));
    assert.equal(a.length, 32);
    assert.notEqual(a, b);
    assert.match(a, /^[A-Za-z0-9]{32}$/);
  });
});
