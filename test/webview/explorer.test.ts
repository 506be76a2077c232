/** The real page and worker in Chromium: listing a module, calling exports, validation, output and traps. */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import type { DidCallMessage } from "../../src/core/protocol";
import createWabt from "wabt";
import { callExport, openBytes, openFixture, posted, postedCount, startHarness, waitForPosted, type Harness } from "./harness";

const shots = join(__dirname, "..", "..", "test-results");

/** A module exporting `count` functions `fn_0` … `fn_<count-1>`, each `(a: i32) → i32`. */
async function manyExports(count: number): Promise<Uint8Array> {
  const wabt = await createWabt();
  const funcs = Array.from({ length: count }, (_, i) => `(func (export "fn_${i}") (param $a i32) (result i32) local.get $a)`).join("\n");
  const module = wabt.parseWat("many.wat", `(module ${funcs})`);
  try {
    module.resolveNames();
    return module.toBinary({ write_debug_names: true }).buffer;
  } finally {
    module.destroy();
  }
}

describe("webview: the real bundles in Chromium", function () {
  let harness: Harness;
  let page: Page;

  before(async () => {
    harness = await startHarness();
    mkdirSync(shots, { recursive: true });
  });
  after(async () => harness?.close());
  beforeEach(async () => {
    page = await harness.newPage();
  });
  afterEach(async () => page?.close());

  it("lists the module: kind, exports with signatures, globals, memories", async () => {
    await openFixture(page, "numbers");
    await assert.doesNotReject(page.getByRole("button", { name: "add_i32", exact: true }).waitFor());
    const addSignature = await page.locator("#signature-add_i32").textContent();
    assert.equal(addSignature, "(a: i32, b: i32) → i32");
    assert.equal(await page.locator("#signature-divmod").textContent(), "(a: i32, b: i32) → (i32, i32)");
    assert.equal(await page.locator("#signature-sub_i32").textContent(), "(p0: i32, p1: i32) → i32");
    const details = await page.locator(".module-details").innerText();
    assert.match(details, /answer\s+i32\s+42/);
    assert.match(details, /1 page \(64 KiB\) – no maximum/);
  });

  it("lists 3000 exports with a screen of rows; scrolls, filters and moves by keyboard as one Tab stop", async () => {
    await openBytes(page, "many", await manyExports(3000));
    const button = (name: string) => page.getByRole("button", { name, exact: true });
    await button("fn_0").waitFor();
    assert.equal(await page.locator(".exports h2").innerText(), "Exports 3000");
    const rowCount = () => page.locator(".export-list > li").count();
    assert.ok((await rowCount()) <= 60, `${await rowCount()} rows in the DOM`);
    assert.equal(await page.locator(".export-list button[tabindex='0']").count(), 1, "the list is one Tab stop");

    // The keyboard moves focus, and the list follows it to the end.
    await button("fn_0").focus();
    await page.keyboard.press("ArrowDown");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "fn_1");
    await page.keyboard.press("End");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "fn_2999");
    assert.equal(await page.locator("li[data-name='fn_2999']").getAttribute("aria-posinset"), "3000");
    assert.equal(await page.locator("li[data-name='fn_2999']").getAttribute("aria-setsize"), "3000");
    await page.keyboard.press("Enter");
    await page.locator(".call h2", { hasText: "fn_2999" }).waitFor();

    // Scrolling draws the rows scrolled to and drops the others.
    await page.locator(".export-scroller").evaluate((e) => (e.scrollTop = e.scrollHeight / 2));
    await button("fn_1500").waitFor();
    assert.equal(await button("fn_0").count(), 0);
    assert.ok((await rowCount()) <= 60);

    await page.getByLabel("Filter exports").fill("fn_29");
    assert.equal(await page.locator(".exports h2").innerText(), "Exports 111 of 3000");
    await button("fn_29").click();
    assert.equal(await button("fn_29").getAttribute("aria-pressed"), "true");
    assert.deepEqual((await callExport(page, "fn_29", { a: "7" })).results, ["7"]);
    await page.getByLabel("Filter exports").fill("nothing like it");
    assert.equal(await page.locator(".exports").getByText("No export matches the filter.").count(), 1);
  });

  it("calls an export in the worker and shows results in decimal, unsigned and hex", async () => {
    await openFixture(page, "numbers");
    const reply = await callExport(page, "add_i32", { a: "2", b: "40" });
    assert.deepEqual(reply.results, ["42"]);
    const status = page.getByRole("status");
    assert.match(await status.innerText(), /add_i32 returned[\s\S]*42[\s\S]*0x0000002a/);
    const minusOne = await callExport(page, "add_i32", { a: "0xffffffff", b: "0" });
    assert.deepEqual(minusOne.results, ["-1"]);
    assert.match(await status.innerText(), /4294967295/);
    await page.screenshot({ path: join(shots, "webview-after-call.png") });
  });

  it("passes i64 at full range, rounds f32 visibly, accepts NaN and -0 for f64, and shows multi-value results", async () => {
    await openFixture(page, "numbers");
    assert.deepEqual((await callExport(page, "add_i64", { a: "9223372036854775807", b: "1" })).results, ["-9223372036854775808"]);
    await page.getByRole("button", { name: "mul_f32", exact: true }).click();
    await page.getByLabel("a", { exact: true }).fill("0.1");
    assert.match(await page.locator("#arg-0-hint").innerText(), /0\.10000000149011612/);
    assert.deepEqual((await callExport(page, "id_f64", { x: "NaN" })).results, ["NaN"]);
    assert.deepEqual((await callExport(page, "id_f64", { x: "-0" })).results, ["-0"]);
    assert.deepEqual((await callExport(page, "divmod", { a: "17", b: "5" })).results, ["3", "2"]);
  });

  it("marks invalid input at the field with a reason and calls nothing", async () => {
    await openFixture(page, "numbers");
    const reply = await callExport(page, "add_i32", { a: "4294967296", b: "abc" });
    assert.equal(reply.outcome, "invalid");
    const a = page.getByLabel("a", { exact: true });
    assert.equal(await a.getAttribute("aria-invalid"), "true");
    assert.match(await page.locator("#arg-0-hint").innerText(), /out of range/);
    assert.equal(await page.getByLabel("b", { exact: true }).getAttribute("aria-invalid"), "true");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "arg-0");
    assert.equal(await page.getByRole("status").innerText(), "");
  });

  it("shows stdout from printf, and stderr", async () => {
    await openFixture(page, "hello");
    const reply = await callExport(page, "greet", { p0: "5" });
    assert.equal(reply.stdout, "hello 5\n");
    assert.match(await page.locator(".outcome pre.stdout").innerText(), /hello 5/);
  });

  it("shows a trap by kind, and the reactor stays usable; the counter keeps its state", async () => {
    await openFixture(page, "traps");
    const trap = await callExport(page, "div_zero", { a: "1", b: "0" });
    assert.equal(trap.outcome, "trapped");
    assert.match(await page.getByRole("status").innerText(), /trapped: divideByZero[\s\S]*divide by zero/i);
    assert.deepEqual((await callExport(page, "ok")).results, ["7"]);
    await openFixture(page, "counter");
    for (const expected of ["1", "2", "3"]) assert.deepEqual((await callExport(page, "increment")).results, [expected]);
    assert.match(await page.locator(".module-details").innerText(), /count\s+mut i32\s+3/);
  });

  it("lists stubbed imports, and a stub traps naming its import", async () => {
    await openFixture(page, "imports");
    assert.match(await page.locator(".module-details").innerText(), /env\.host_value[\s\S]*stubbed/);
    const reply = await callExport(page, "call_host");
    assert.equal(reply.outcome, "trapped");
    assert.match(reply.message ?? "", /env\.host_value/);
  });

  it("identifies commands, components and files that are not WebAssembly", async () => {
    await openFixture(page, "command");
    assert.match(await page.locator(".notices").innerText(), /WASI command/);
    assert.equal(await page.getByRole("button", { name: "Call", exact: true }).isDisabled(), true);
    await openFixture(page, "component");
    assert.match(await page.locator(".notices").innerText(), /component/i);
    await openFixture(page, "not_wasm");
    assert.match(await page.getByRole("alert").innerText(), /not WebAssembly/i);
    await openFixture(page, "truncated");
    assert.match(await page.getByRole("alert").innerText(), /offset 0x[0-9a-f]+/i);
  });

  it("keeps the page responsive during a runaway export, then restarts the reactor", async () => {
    await openFixture(page, "traps", { callTimeoutMs: 1500 });
    await page.getByRole("button", { name: "spin", exact: true }).click();
    const from = await postedCount(page);
    await page.getByRole("button", { name: "Call", exact: true }).click();
    await page.getByText("Calling spin").waitFor();
    // The UI thread answers while the worker spins.
    const started = Date.now();
    assert.equal(await page.evaluate(() => 1 + 1), 2);
    assert.ok(Date.now() - started < 500);
    await page.getByRole("button", { name: "ok", exact: true }).click();
    const reply = (await waitForPosted(page, (m) => m.type === "didCall", from)) as DidCallMessage;
    assert.equal(reply.outcome, "failed");
    assert.match(reply.message ?? "", /restarted/);
    assert.deepEqual((await callExport(page, "ok")).results, ["7"]);
  });

  it("gives a runaway export its whole time limit after quick calls, then stops it", async () => {
    // The limit is long beside the quick calls, so that a busy machine still starts the runaway call
    // within the first call's limit.
    const limitMs = 4000;
    await openFixture(page, "traps", { callTimeoutMs: limitMs });
    // Quick calls first, so that the runaway call starts well within the first call's limit: its
    // own time must count from its own start.
    const firstStarted = Date.now();
    for (let i = 0; i < 3; i++) {
      assert.deepEqual((await callExport(page, "ok")).results, ["7"]);
      await page.waitForTimeout(150);
    }
    await page.getByRole("button", { name: "spin", exact: true }).click();
    const from = await postedCount(page);
    const started = Date.now();
    assert.ok(started - firstStarted < limitMs - 1000, `the quick calls took ${started - firstStarted} ms`);
    await page.getByRole("button", { name: "Call", exact: true }).click();
    const reply = (await waitForPosted(page, (m) => m.type === "didCall", from)) as DidCallMessage;
    const elapsed = Date.now() - started;
    assert.equal(reply.outcome, "failed");
    assert.ok(elapsed >= limitMs - 100 && elapsed < 3 * limitMs, `stopped after ${elapsed} ms`);
  });

  it("paints memory from the load report without a read, and restarts from the compiled module", async () => {
    await page.evaluate(() => {
      const requests: string[] = [];
      (window as unknown as { requests: string[] }).requests = requests;
      // Kept to be called with each worker as `this`.
      // eslint-disable-next-line @typescript-eslint/unbound-method
      const post = Worker.prototype.postMessage;
      Worker.prototype.postMessage = function (
        this: Worker,
        message: { method?: string; params?: { compiled?: unknown } },
        transfer?: Transferable[],
      ) {
        requests.push(message.params?.compiled instanceof WebAssembly.Module ? `${message.method} (compiled)` : String(message.method));
        return post.call(this, message, { transfer: transfer ?? [] });
      } as typeof Worker.prototype.postMessage;
    });
    await openFixture(page, "traps", { callTimeoutMs: 1000 });
    await page.waitForFunction(() => /^[0-9a-f]{2}$/.test(document.querySelector(".mv-row:not([hidden]) .mv-b")?.textContent ?? ""));
    const requests = () => page.evaluate(() => (window as unknown as { requests: string[] }).requests.slice());
    assert.deepEqual(await requests(), ["load"]);
    await page.getByRole("button", { name: "spin", exact: true }).click();
    const from = await postedCount(page);
    await page.getByRole("button", { name: "Call", exact: true }).click();
    assert.equal(((await waitForPosted(page, (m) => m.type === "didCall", from)) as DidCallMessage).outcome, "failed");
    assert.deepEqual(await requests(), ["load", "call", "load (compiled)"]);
    assert.deepEqual((await callExport(page, "ok")).results, ["7"]);
  });

  it("lists the exports while the module still compiles, and enables calls once it runs", async () => {
    // Each task's DOM, as a MutationObserver sees it: the parsed module and the instance arrive apart.
    await page.evaluate(() => {
      const states: string[] = [];
      (window as unknown as { states: string[] }).states = states;
      new MutationObserver(() => {
        const isStarting = /Compiling and instantiating/.test(document.querySelector(".notices")?.textContent ?? "");
        const listed = document.querySelectorAll(".export-list > li").length;
        const call = document.querySelector<HTMLButtonElement>(".call-form button[type=submit]");
        states.push(
          `${isStarting ? "starting" : "not starting"}, ${listed > 0 ? "listed" : "not listed"}, call ${call && !call.disabled ? "enabled" : "disabled"}`,
        );
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await openFixture(page, "numbers");
    const states = await page.evaluate(() => (window as unknown as { states: string[] }).states);
    assert.ok(states.includes("starting, listed, call disabled"), states.join(" | "));
    assert.equal(states.at(-1), "not starting, listed, call enabled");
  });

  it("refuses a host's call to a module without an instance, saying why", async () => {
    await openFixture(page, "command");
    const from = await postedCount(page);
    await page.evaluate(() => window.postMessage({ type: "invoke", exportName: "_start", args: [] }, "*"));
    const reply = (await waitForPosted(page, (m) => m.type === "didCall", from)) as DidCallMessage;
    assert.equal(reply.outcome, "invalid");
    assert.match(reply.message ?? "", /no running instance/);
  });

  it("runs an export on the host's request, as if typed", async () => {
    await openFixture(page, "numbers");
    const from = await postedCount(page);
    await page.evaluate(() => window.postMessage({ type: "invoke", exportName: "add_i32", args: ["20", "22"] }, "*"));
    const reply = (await waitForPosted(page, (m) => m.type === "didCall", from)) as DidCallMessage;
    assert.deepEqual(reply.results, ["42"]);
    assert.equal(await page.getByLabel("a", { exact: true }).inputValue(), "20");
  });

  it("marks _initialize as the entry point that ran at load, and asks before running it again", async () => {
    await openFixture(page, "counter");
    const entry = page.locator("li[data-name='_initialize']");
    assert.equal(await page.locator("#signature-_initialize").innerText(), "() · entry point · ran at load");
    // The page opens on an ordinary export, so the entry point is never one Enter away.
    assert.equal(await page.locator(".call h2 code").innerText(), "increment");
    for (const expected of ["1", "2"]) assert.deepEqual((await callExport(page, "increment")).results, [expected]);
    await page.locator(".export-scroller").screenshot({ path: join(shots, "export-list-entry-point.png") });
    await entry.getByRole("button").click();
    const from = await postedCount(page);
    await page.getByRole("button", { name: "Call", exact: true }).click();
    const dialog = page.getByRole("alertdialog", { name: "Run _initialize again?" });
    await dialog.waitFor({ timeout: 5000 });
    assert.match(await dialog.innerText(), /already ran when the module loaded/);
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Keep the current state");
    await page.locator(".call").screenshot({ path: join(shots, "entry-point-confirmation.png") });
    assert.deepEqual(
      (await posted(page)).slice(from).filter((m) => m.type === "didCall" || m.type === "didStartCall"),
      [],
      "nothing ran while the page asked",
    );
    await dialog.getByRole("button", { name: "Keep the current state" }).click();
    assert.equal(await dialog.count(), 0);
    assert.deepEqual((await callExport(page, "increment")).results, ["3"], "declined, the count goes on");

    // Confirmed, it runs: the count starts afresh.
    await entry.getByRole("button").click();
    const confirmedFrom = await postedCount(page);
    await page.getByRole("button", { name: "Call", exact: true }).click();
    await dialog.getByRole("button", { name: "Run again" }).click();
    const reply = (await waitForPosted(page, (m) => m.type === "didCall", confirmedFrom)) as DidCallMessage;
    assert.equal(reply.exportName, "_initialize");
    assert.equal(reply.outcome, "returned");
    assert.deepEqual((await callExport(page, "increment")).results, ["1"]);
  });

  it("asks before running _initialize on the host's request, and answers the host either way", async () => {
    await openFixture(page, "counter");
    assert.deepEqual((await callExport(page, "increment")).results, ["1"]);
    const invokeInitialize = () => page.evaluate(() => window.postMessage({ type: "invoke", exportName: "_initialize", args: [] }, "*"));
    const dialog = page.getByRole("alertdialog", { name: "Run _initialize again?" });

    const from = await postedCount(page);
    await invokeInitialize();
    await dialog.waitFor({ timeout: 5000 });
    assert.match(await dialog.innerText(), /VS Code asked to call _initialize/);
    assert.deepEqual(
      (await posted(page)).slice(from).filter((m) => m.type === "didCall"),
      [],
      "the host's request waits for the user",
    );
    await page.keyboard.press("Escape");
    const declined = (await waitForPosted(page, (m) => m.type === "didCall", from)) as DidCallMessage;
    assert.equal(declined.exportName, "_initialize");
    assert.equal(declined.outcome, "invalid");
    assert.match(declined.message ?? "", /not run again: the user chose to keep the current state/);
    assert.deepEqual((await callExport(page, "increment")).results, ["2"]);

    // A request the user leaves for another export is answered too.
    const leftFrom = await postedCount(page);
    await invokeInitialize();
    await dialog.waitFor({ timeout: 5000 });
    await page.getByRole("button", { name: "get", exact: true }).click();
    const dropped = (await waitForPosted(page, (m) => m.type === "didCall", leftFrom)) as DidCallMessage;
    assert.match(dropped.message ?? "", /dropped before the user answered/);

    const confirmedFrom = await postedCount(page);
    await invokeInitialize();
    await dialog.getByRole("button", { name: "Run again" }).click();
    const ran = (await waitForPosted(page, (m) => m.type === "didCall", confirmedFrom)) as DidCallMessage;
    assert.equal(ran.outcome, "returned");
    assert.deepEqual((await callExport(page, "increment")).results, ["1"]);
  });

  it("keeps typed arguments across a reload of the page", async () => {
    await openFixture(page, "numbers");
    await page.getByRole("button", { name: "add_i64", exact: true }).click();
    await page.getByLabel("a", { exact: true }).fill("123");
    await page.reload();
    await waitForPosted(page, (m) => m.type === "ready");
    await openFixture(page, "numbers");
    assert.equal(await page.getByLabel("a", { exact: true }).inputValue(), "123");
  });

  it("makes no request besides the page's own resources", async () => {
    await openFixture(page, "hello");
    await callExport(page, "greet", { p0: "1" });
    const foreign = harness.requests.filter(
      (url) => !url.startsWith(harness.origin) && !url.startsWith("blob:") && !url.startsWith("data:"),
    );
    assert.deepEqual(foreign, []);
  });
});
