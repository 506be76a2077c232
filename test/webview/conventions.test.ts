/** Tagged and allocator calls through the real page in Chromium, in dark and light themes. */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { enterTaggedRows } from "../workedExample.mjs";
import { openFixture, posted, pressCall, startHarness, type Harness } from "./harness";

const shots = join(__dirname, "..", "..", "test-results");

function tableRows(page: Page, caption: string): Promise<string[][]> {
  return page
    .locator("table.region-table", { has: page.locator("caption", { hasText: caption }) })
    .locator("tbody tr")
    .evaluateAll((rows) => rows.map((row) => Array.from(row.querySelectorAll("td"), (td) => td.textContent ?? "")));
}

describe("webview: memory conventions through the UI", function () {
  let harness: Harness;
  let page: Page;

  before(async () => {
    harness = await startHarness();
    mkdirSync(shots, { recursive: true });
  });
  after(async () => harness?.close());
  afterEach(async () => page?.close());

  for (const theme of ["dark", "light"] as const) {
    it(`calls a tagged export: write map at known offsets, changed bytes, decoded results (${theme} theme)`, async () => {
      page = await harness.newPage({ theme });
      await openFixture(page, "tagged");
      await page.getByRole("button", { name: "test_memory", exact: true }).click();
      assert.match(await page.locator(".suggestion").innerText(), /Suggested: tagged/);
      await page.getByLabel("Convention").selectOption("tagged");
      await enterTaggedRows(page);
      const preview = await page.locator(".preview-table tbody tr").first().innerText();
      assert.match(preview, /0x0008\s+1\s+/);
      const reply = await pressCall(page);
      assert.equal(reply.outcome, "returned");
      const written = await tableRows(page, "Written by the explorer");
      assert.deepEqual(written[0]?.slice(0, 3), ["0x0008", "8", "1"]);
      assert.equal(written.at(-1)?.[0], "0x0040");
      assert.equal(written.at(-1)?.[3], "terminator");
      const decoded = await page.locator("table.decoded-table tbody").innerText();
      assert.match(decoded, /string\s+"gnissap"/);
      assert.match(decoded, /Uint32Array\s+\[2, 2, 2\]/);
      assert.match(await page.locator(".changed-summary").innerText(), /changed \d+ bytes?/);
      assert.match(await page.locator(".memory-map").innerText(), /Error code 0: success/);
      // The memory view shows the argument region with the bytes now in memory: 03 07 00 00 00 'g'.
      await page.locator(".memory-section").scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(shots, `memory-map-${theme}.png`), fullPage: true });
      await page.getByRole("button", { name: "Copy as Markdown" }).click();
      const copy = (await posted(page)).find((m) => m.type === "copy");
      assert.match(copy?.type === "copy" ? copy.text : "", /0x0008: tag 0x01/);
    });
  }

  it("shows a tagged error code and a malformed result's offset", async () => {
    page = await harness.newPage();
    await openFixture(page, "tagged");
    await page.getByRole("button", { name: "bad_result", exact: true }).click();
    await page.getByLabel("Convention").selectOption("tagged");
    await page.getByRole("button", { name: "Remove argument 1" }).click();
    await pressCall(page);
    assert.match(await page.locator(".memory-map").innerText(), /stopped at 0x000d/);
    await page.getByRole("button", { name: "sum", exact: true }).click();
    await page.getByLabel("Convention").selectOption("tagged");
    await page.getByLabel("Argument 1 type").selectOption("string");
    await page.getByLabel("Argument 1", { exact: true }).fill("oops");
    await pressCall(page);
    assert.match(await page.locator(".memory-map").innerText(), /Error code 2/);
  });

  it("calls through the module's allocator: proposed automatically, changed bytes shown in place", async () => {
    page = await harness.newPage();
    await openFixture(page, "strings");
    await page.getByRole("button", { name: "to_upper", exact: true }).click();
    assert.equal(await page.getByLabel("Convention").inputValue(), "allocator");
    await page.getByLabel("p0", { exact: true }).fill("abC d");
    assert.match(await page.locator(".preview").innerText(), /block 1/);
    const reply = await pressCall(page);
    assert.equal(reply.outcome, "returned");
    const summary = await page.locator(".changed-summary").innerText();
    assert.match(summary, /changed 3 bytes in 2 ranges/);
    assert.match(await page.locator(".memory-map").innerText(), /freed/);
    const written = await tableRows(page, "Written by the explorer");
    assert.ok(
      written.some((row) => row[3] === "payload" && /abC d/.test(row[5] ?? "")),
      JSON.stringify(written),
    );
  });

  it("reads a returned C string and refuses bad input at the field, writing nothing", async () => {
    page = await harness.newPage();
    await openFixture(page, "strings");
    await page.getByRole("button", { name: "sum_u32", exact: true }).click();
    await page.getByLabel("p0: passed as").selectOption("pointerLength:Uint32");
    await page.getByLabel("p0", { exact: true }).fill("[1, 2, 4294967296]");
    const refused = await pressCall(page);
    assert.equal(refused.outcome, "invalid");
    assert.match(await page.locator("#arg-0-hint").innerText(), /element 2|index 2|out of range/i);
    await page.getByLabel("p0", { exact: true }).fill("[1, 2, 4294967295]");
    assert.deepEqual((await pressCall(page)).results, ["2"]);
    await page.getByRole("button", { name: "greeting", exact: true }).click();
    await page.getByLabel("Read the result").selectOption("cstring");
    await pressCall(page);
    assert.match(await page.locator(".decoded-text").innerText(), /\w+/);
  });
});
