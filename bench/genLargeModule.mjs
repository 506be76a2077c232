// Generates the large benchmark module: a WASI reactor of about `targetBytes` bytes with many
// functions of varied signatures, calls between them, an exported memory, data, and a full name
// section (function names, and parameter names for every export). Deterministic: the same size
// gives the same bytes on every machine. It is not a fixture: its output lives in bench/.tmp/.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ByteWriter, customSection, encodeModule, prng, sectionId, valType } from "./lib/wasmEncoder.mjs";

const here = dirname(fileURLToPath(import.meta.url));

/** The custom section the runner rewrites before each load, so that no engine cache sees the same bytes twice. */
export const nonceSectionName = "bench.nonce";
const nonceBytes = 16;

const numeric = ["i32", "i64", "f32", "f64"];
const words = [
  "alloc",
  "buffer",
  "codec",
  "decode",
  "encode",
  "frame",
  "graph",
  "hash",
  "image",
  "json",
  "kernel",
  "layout",
  "matrix",
  "node",
  "parse",
  "query",
  "render",
  "stream",
  "table",
  "utf8",
  "vector",
  "widget",
  "xml",
  "zip",
];
const classes = [
  "Allocator",
  "Bitmap",
  "Canvas",
  "Document",
  "Engine",
  "Font",
  "Glyph",
  "Heap",
  "Index",
  "Layer",
  "Mesh",
  "Path",
  "Reader",
  "Scene",
  "Shader",
  "Texture",
  "Writer",
];

/**
 * Builds the module. Returns its bytes, the offset of the nonce payload, and what it contains.
 * `exportEvery`: one defined function in this many is exported (with parameter names).
 */
export function generateLargeModule(targetBytes, { exportEvery = 50, seed = 20250419 } = {}) {
  const random = prng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));

  // Types: () -> () first, the WASI imports' types, then a few hundred varied signatures.
  const types = [{ params: [], results: [] }];
  const typeIndex = new Map([["|", 0]]);
  const addType = (params, results) => {
    const key = `${params.join(",")}|${results.join(",")}`;
    if (!typeIndex.has(key)) {
      typeIndex.set(key, types.length);
      types.push({ params, results });
    }
    return typeIndex.get(key);
  };
  const imports = [
    ["fd_write", ["i32", "i32", "i32", "i32"], ["i32"]],
    ["fd_close", ["i32"], ["i32"]],
    ["fd_seek", ["i32", "i64", "i32", "i32"], ["i32"]],
    ["environ_sizes_get", ["i32", "i32"], ["i32"]],
    ["environ_get", ["i32", "i32"], ["i32"]],
    ["clock_time_get", ["i32", "i64", "i32"], ["i32"]],
    ["proc_exit", ["i32"], []],
  ].map(([name, params, results]) => ({ name, type: addType(params, results) }));
  while (types.length < 400) {
    const paramCount = random() < 0.15 ? int(5, 12) : int(0, 4);
    const params = Array.from({ length: paramCount }, () => (random() < 0.55 ? "i32" : pick(numeric)));
    const r = random();
    const results = r < 0.3 ? [] : r < 0.95 ? [random() < 0.6 ? "i32" : pick(numeric)] : [pick(numeric), pick(numeric)];
    addType(params, results);
  }

  // Function count from the target: bodies average ~150 bytes, names ~40 bytes per function.
  const functionCount = Math.max(16, Math.round(targetBytes / 205));
  const importCount = imports.length;
  const funcTypes = new Uint32Array(functionCount);
  funcTypes[0] = 0; // _initialize
  for (let i = 1; i < functionCount; i++) funcTypes[i] = int(1 + imports.length, types.length - 1);
  const bodyBudget = Math.max(24, (targetBytes - functionCount * 48) / functionCount);

  const body = new ByteWriter(512);
  const constOf = (w, type) => {
    switch (type) {
      case "i32":
        return w.byte(0x41).s32(int(-100000, 100000));
      case "i64":
        return w.byte(0x42).s64(BigInt(int(-1e9, 1e9)) * 4099n);
      case "f32":
        return w.byte(0x43).f32(random() * 1000);
      case "f64":
        return w.byte(0x44).f64(random() * 1e6);
    }
  };
  const binop = {
    i32: [0x6a, 0x6b, 0x6c, 0x71, 0x72, 0x73],
    i64: [0x7c, 0x7d, 0x7e, 0x83, 0x84, 0x85],
    f32: [0x92, 0x93, 0x94],
    f64: [0xa0, 0xa1, 0xa2],
  };
  const code = new ByteWriter(targetBytes);
  code.u32(functionCount);
  for (let f = 0; f < functionCount; f++) {
    const type = types[funcTypes[f]];
    const params = type.params;
    body.length = 0;
    // Locals: one of each numeric type after the parameters, so every statement has a place to store.
    body.u32(4);
    for (const t of numeric) body.u32(1).byte(valType[t]);
    const localOf = (t) => params.length + numeric.indexOf(t);
    const target = f === 0 ? 8 : Math.max(8, Math.round(bodyBudget * (0.3 + random() * 1.4)));
    while (body.length < target) {
      const kind = random();
      if (kind < 0.35) {
        // local = local op const (a parameter when one of that type exists)
        const t = params.length > 0 && random() < 0.6 ? pick(params) : pick(numeric);
        const from = params.indexOf(t);
        body.byte(0x20).u32(from >= 0 ? from : localOf(t));
        constOf(body, t);
        body.byte(pick(binop[t]));
        body.byte(0x21).u32(localOf(t));
      } else if (kind < 0.55 && f > 1) {
        // A call to an earlier function with constant arguments; its results are dropped.
        const callee = int(1, f - 1);
        const calleeType = types[funcTypes[callee]];
        for (const p of calleeType.params) constOf(body, p);
        body.byte(0x10).u32(importCount + callee);
        for (let k = 0; k < calleeType.results.length; k++) body.byte(0x1a);
      } else if (kind < 0.7) {
        // A memory round trip in the first page of data.
        body
          .byte(0x41)
          .s32(int(0, 4096) * 4)
          .byte(0x41)
          .s32(int(0, 4096) * 4)
          .byte(0x28)
          .u32(2)
          .u32(0)
          .byte(0x36)
          .u32(2)
          .u32(0);
      } else if (kind < 0.85) {
        // A block left early when a local is zero.
        body.byte(0x02).byte(0x40).byte(0x20).u32(localOf("i32")).byte(0x45).byte(0x0d).u32(0);
        body.byte(0x20).u32(localOf("i32")).byte(0x41).s32(int(1, 64)).byte(0x6a).byte(0x21).u32(localOf("i32"));
        body.byte(0x0b);
      } else {
        const t = pick(numeric);
        constOf(body, t);
        constOf(body, t);
        body.byte(pick(binop[t])).byte(0x1a);
      }
    }
    for (const t of type.results) body.byte(0x20).u32(localOf(t));
    body.byte(0x0b);
    code.u32(body.length).raw(body.bytes.subarray(0, body.length));
  }

  // Names: C++-like function names, and parameter names for the exports.
  const functionNames = new Array(functionCount);
  functionNames[0] = "_initialize";
  for (let f = 1; f < functionCount; f++) functionNames[f] = `${pick(classes)}::${pick(words)}_${pick(words)}_${f.toString(36)}`;
  const exported = [];
  for (let f = 1; f < functionCount; f++) if (f % exportEvery === 0) exported.push(f);

  const typeSec = new ByteWriter();
  typeSec.u32(types.length);
  for (const t of types) {
    typeSec.byte(0x60).u32(t.params.length);
    for (const p of t.params) typeSec.byte(valType[p]);
    typeSec.u32(t.results.length);
    for (const r of t.results) typeSec.byte(valType[r]);
  }
  const importSec = new ByteWriter();
  importSec.u32(imports.length);
  for (const i of imports) importSec.name("wasi_snapshot_preview1").name(i.name).byte(0x00).u32(i.type);
  const funcSec = new ByteWriter(functionCount * 3);
  funcSec.u32(functionCount);
  for (let f = 0; f < functionCount; f++) funcSec.u32(funcTypes[f]);
  const memSec = new ByteWriter().u32(1).byte(0x00).u32(17);
  const globalSec = new ByteWriter().u32(2);
  globalSec.byte(valType.i32).byte(0x01).byte(0x41).s32(1114112).byte(0x0b); // __stack_pointer
  globalSec.byte(valType.i32).byte(0x00).byte(0x41).s32(1114112).byte(0x0b); // __heap_base
  const exportSec = new ByteWriter();
  exportSec.u32(exported.length + 3);
  exportSec.name("memory").byte(0x02).u32(0);
  exportSec.name("_initialize").byte(0x00).u32(importCount);
  exportSec.name("__heap_base").byte(0x03).u32(1);
  for (const f of exported)
    exportSec
      .name(`${functionNames[f].replace("::", "_")}`)
      .byte(0x00)
      .u32(importCount + f);
  const dataSec = new ByteWriter();
  const data = new ByteWriter();
  for (let i = 0; data.length < 64 * 1024; i++) data.name(`${pick(words)} ${pick(classes)} ${i}\n`);
  dataSec.u32(1).byte(0x00).byte(0x41).s32(1024).byte(0x0b).sized(data);

  const names = new ByteWriter(functionCount * 40);
  const moduleName = new ByteWriter().name("bench-large");
  names.byte(0).sized(moduleName);
  const fnNames = new ByteWriter(functionCount * 36);
  fnNames.u32(functionCount + importCount);
  imports.forEach((imp, i) => fnNames.u32(i).name(`__wasi_${imp.name}`));
  for (let f = 0; f < functionCount; f++) fnNames.u32(importCount + f).name(functionNames[f]);
  names.byte(1).sized(fnNames);
  const localNames = new ByteWriter();
  localNames.u32(exported.length);
  for (const f of exported) {
    const params = types[funcTypes[f]].params;
    localNames.u32(importCount + f).u32(params.length);
    params.forEach((p, k) => localNames.u32(k).name(`${pick(words)}${k}`));
  }
  names.byte(2).sized(localNames);

  const nonce = new Uint8Array(nonceBytes);
  const sections = [
    customSection(nonceSectionName, nonce),
    [sectionId.type, typeSec],
    [sectionId.import, importSec],
    [sectionId.function, funcSec],
    [sectionId.memory, memSec],
    [sectionId.global, globalSec],
    [sectionId.export, exportSec],
    [sectionId.code, code],
    [sectionId.data, dataSec],
    customSection("name", names.finish()),
  ];
  const bytes = encodeModule(sections);
  // The nonce section is the first: header (8), id (1), size (1), name length (1), name.
  const nonceOffset = 8 + 1 + 1 + 1 + nonceSectionName.length;
  return {
    bytes,
    nonceOffset,
    nonceBytes,
    functionCount: functionCount + importCount,
    exportCount: exported.length + 3,
    exportedFunctions: exported.length + 1,
    typeCount: types.length,
  };
}

/** Writes a copy of `bytes` whose nonce section holds `n`, so each load is new to the engine. */
export function withNonce(module, n) {
  const copy = module.bytes.slice();
  new DataView(copy.buffer).setFloat64(module.nonceOffset, n, true);
  new DataView(copy.buffer).setFloat64(module.nonceOffset + 8, Math.random(), true);
  return copy;
}

/** Generates the module into bench/.tmp/ and returns its description with the path. */
export function writeLargeModule(targetBytes) {
  const module = generateLargeModule(targetBytes);
  const path = join(here, ".tmp", `large-${targetBytes}.wasm`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, module.bytes);
  return { ...module, path };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = Number(process.argv[2] ?? 20 * 1024 * 1024);
  const started = performance.now();
  const m = writeLargeModule(target);
  const ms = performance.now() - started;
  console.log(
    `${m.path}: ${m.bytes.length} bytes, ${m.functionCount} functions, ${m.exportCount} exports, ${m.typeCount} types, in ${ms.toFixed(0)} ms; valid: ${WebAssembly.validate(m.bytes)}`,
  );
}
