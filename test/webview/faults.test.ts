/** The real page in Chromium under faults: rejected modules, junk messages, cancelled and concurrent calls. */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { DidCallMessage } from "../../src/core/protocol";
import { callExport, openBytes, openFixture, postedCount, startHarness, waitForPosted, type Harness } from "./harness";

/** A valid module whose only function body holds an opcode that does not exist: the engine rejects it. */
const invalidOpcode = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x07, 0x05, 0x01, 0x01, 0x66,
  0x00, 0x00, 0x0a, 0x05, 0x01, 0x03, 0x00, 0xff, 0x0b,
]);

describe("webview: bad modules, bad messages, stopped calls", function () {
  let harness: Harness;
  let page: Page;

  before(async () => {
    harness = await startHarness();
  });
  after(async () => harness?.close());
  beforeEach(async () => {
    page = await harness.newPage();
  });
  afterEach(async () => page?.close());

  it("shows the engine's own message for a module it rejects", async () => {
    await openBytes(page, "invalid_opcode", invalidOpcode);
    const alert = await page.getByRole("alert").innerText();
    assert.match(alert, /engine rejected/i);
    assert.match(alert, /opcode|invalid/i);
  });

  it("names a trap in _initialize and in the start function", async () => {
    await openFixture(page, "init_trap");
    assert.match(await page.getByRole("alert").innerText(), /_initialize[\s\S]*unreachable/i);
    await openFixture(page, "start_trap");
    assert.match(await page.getByRole("alert").innerText(), /start function trapped/i);
  });

  it("drops malformed host messages and keeps working", async () => {
    await openFixture(page, "numbers");
    const warnings: string[] = [];
    page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
    await page.evaluate(() => {
      for (const junk of [
        null,
        42,
        "open",
        { type: "open", bytes: [1, 2] },
        { type: "invoke", exportName: 1 },
        { type: "evil", html: "<img src=x onerror=alert(1)>" },
      ]) {
        window.postMessage(junk, "*");
      }
    });
    await page.waitForTimeout(100);
    assert.ok(warnings.filter((w) => /dropped a malformed message/.test(w)).length >= 6, warnings.join("\n"));
    await page.getByLabel("a", { exact: true }).fill("1");
    await page.getByLabel("b", { exact: true }).fill("2");
    assert.deepEqual((await callExport(page, "add_i32")).results, ["3"]);
  });

  it("stops a running call when the host cancels it, restarting the reactor with its state reset", async () => {
    await openFixture(page, "counter");
    assert.deepEqual((await callExport(page, "increment")).results, ["1"]);
    await openFixture(page, "traps");
    await page.getByRole("button", { name: "spin", exact: true }).click();
    const from = await postedCount(page);
    await page.getByRole("button", { name: "Call", exact: true }).click();
    await waitForPosted(page, (m) => m.type === "didStartCall", from);
    await page.evaluate(() => window.postMessage({ type: "cancel" }, "*"));
    const reply = (await waitForPosted(page, (m) => m.type === "didCall", from)) as DidCallMessage;
    assert.equal(reply.outcome, "failed");
    assert.match(reply.message ?? "", /cancelled[\s\S]*restarted/);
    assert.match(await page.getByRole("status").innerText(), /did not finish[\s\S]*reset/);
  });

  it("refuses a second call while one runs, never interleaving", async () => {
    await openFixture(page, "traps", { callTimeoutMs: 2000 });
    await page.getByRole("button", { name: "spin", exact: true }).click();
    const from = await postedCount(page);
    await page.getByRole("button", { name: "Call", exact: true }).click();
    await waitForPosted(page, (m) => m.type === "didStartCall", from);
    assert.equal(await page.getByRole("button", { name: "Call", exact: true }).isDisabled(), true);
    await page.evaluate(() => window.postMessage({ type: "invoke", exportName: "ok", args: [] }, "*"));
    const refused = (await waitForPosted(page, (m) => m.type === "didCall" && m.exportName === "ok", from)) as DidCallMessage;
    assert.equal(refused.outcome, "invalid");
    assert.match(refused.message ?? "", /still running/);
  });

  it("offers memory conventions only where the module has memory", async () => {
    await openFixture(page, "no_memory");
    const disabled = await page.locator("#convention option[disabled]").allInnerTexts();
    assert.equal(disabled.length, 2);
    assert.match(disabled[0] ?? "", /no memory/);
  });
});
