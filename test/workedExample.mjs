// The tagged convention's worked example (docs/tagged-convention.md) as rows of the
// explorer's form, and how to type them into it: shared by the browser tests, the VS Code UI
// cases and the benchmarks, so that all three drive the very same input.

/** Type and text of each argument of the worked example. */
export const workedExampleRows = [
  ["Int32", "-1"],
  ["Uint32", "1"],
  ["string", "passing"],
  ["Int32Array", "[-1, -1, -1]"],
  ["Uint32Array", "[1, 1, 1]"],
];

/** The same arguments as tagged values, as the worker's `call` request takes them. */
export const workedExampleArgs = [
  { type: "Int32", value: -1 },
  { type: "Uint32", value: 1 },
  { type: "string", value: "passing" },
  { type: "Int32Array", value: [-1, -1, -1] },
  { type: "Uint32Array", value: [1, 1, 1] },
];

/** Types `rows` into the tagged form of a page or webview frame, adding a row per argument. */
export async function enterTaggedRows(page, rows = workedExampleRows) {
  for (const [i, [type, text]] of rows.entries()) {
    if (i > 0) await page.getByRole("button", { name: "Add argument" }).click();
    await page.getByLabel(`Argument ${i + 1} type`).selectOption(type);
    await page.getByLabel(`Argument ${i + 1}`, { exact: true }).fill(text);
  }
}
