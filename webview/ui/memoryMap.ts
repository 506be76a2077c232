/**
 * Renders the memory map of one call: what the explorer wrote, what the export changed, what
 * came back, and a narration teachers can copy as Markdown. It reads nothing from the worker;
 * everything comes with the call's outcome.
 */
import { formatArray, quoteString } from "../../src/core/abi/values";
import type { TaggedArg } from "../../src/core/abi/tagged";
import { formatOffset, narrate, renderMarkdown, type ByteRange, type Region } from "../../src/core/layout";
import { changeMeaning, describeChanges, groupRanges, type ChangeGroup } from "../../src/core/memoryAreas";
import type { MemoryReport } from "../../src/core/protocol";
import { plural } from "../../src/core/wording";
import { h, icon } from "./dom";

/** What the memory map asks the page to do. */
export interface MemoryMapActions {
  /** Shows `offset` in the memory view. */
  reveal(offset: number, length: number): void;
  copy(text: string): void;
}

function taggedValueText(value: TaggedArg): string {
  switch (value.type) {
    case "string":
      return quoteString(value.value, 200);
    case "Int32Array":
    case "Uint32Array":
      return formatArray(value.type === "Int32Array" ? "Int32" : "Uint32", value.value);
    default:
      return String(value.value);
  }
}

function offsetButton(offset: number, size: number, actions: MemoryMapActions): HTMLElement {
  return h(
    "button",
    {
      type: "button",
      className: "link",
      title: `Show ${offset} (${plural(size, "byte")}) in the memory view`,
      onClick: () => actions.reveal(offset, size),
    },
    formatOffset(offset),
  );
}

function regionTable(caption: string, regions: Region[], actions: MemoryMapActions): HTMLElement {
  const rows = regions.map((r) =>
    h(
      "tr",
      { className: `region-row region-${r.kind}` },
      h("td", {}, offsetButton(r.offset, r.size, actions)),
      h("td", {}, String(r.offset)),
      h("td", {}, String(r.size)),
      h("td", {}, h("span", { className: `swatch swatch-${r.kind}`, "aria-hidden": "true" }), r.kind),
      h("td", {}, r.label),
      h("td", {}, r.value ?? ""),
    ),
  );
  return h(
    "table",
    { className: "region-table" },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, ...["offset", "decimal", "bytes", "kind", "what", "value"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, ...rows),
  );
}

/** Whether the call passed or got back anything through memory, so that its changes there get their own group. */
function hasArguments(report: MemoryReport): boolean {
  return report.written.length > 0 || report.results.length > 0 || report.allocations.length > 0;
}

/** A group's title: what the place is called, as a heading reads it. */
function groupTitle(group: ChangeGroup): string {
  switch (group.kind) {
    case "arguments":
      return "Arguments/results";
    case "stack":
      return "Stack";
    case "heap":
      return "Heap";
    case "unknown":
      return "Unknown memory";
    case "data":
      return group.name.startsWith(".") ? group.name : group.name.charAt(0).toUpperCase() + group.name.slice(1);
  }
}

/** One line per group for the summary and the Markdown: `Stack: changed 40 bytes in 3 ranges`. */
function groupLine(group: ChangeGroup): string {
  return `${groupTitle(group)}: changed ${plural(group.bytes, "byte")} in ${plural(group.rangeCount, "range")}`;
}

/**
 * The changed bytes by where they lie: a sentence that puts the arguments/results first and sums
 * up the rest (the guest's stack and static data are mostly noise to a learner), then each place
 * with its ranges.
 */
function groupedSummary(groups: ChangeGroup[], report: MemoryReport, actions: MemoryMapActions): HTMLElement {
  const compared = report.isWholeMemoryWatched
    ? "Compared: all of memory."
    : "Compared: the arguments and what follows them, not all of memory.";
  const sections = groups.map((group) =>
    h(
      "div",
      { className: `change-group change-${group.kind}` },
      h(
        "p",
        { className: "change-group-title" },
        h("strong", {}, groupTitle(group)),
        `: changed ${plural(group.bytes, "byte")} in ${plural(group.rangeCount, "range")}`,
        h("span", { className: "muted" }, ` — ${changeMeaning(group.kind)}`),
      ),
      h(
        "ul",
        { className: "changed-list" },
        ...groupRanges(group).map((r) => h("li", {}, offsetButton(r.offset, r.size, actions), ` ${plural(r.size, "byte")}`)),
      ),
      group.rangeCount > group.ranges.length / 2
        ? h("p", { className: "muted" }, `…and ${group.rangeCount - group.ranges.length / 2} more (see the memory view).`)
        : undefined,
    ),
  );
  return h(
    "div",
    { className: "changed-summary" },
    h("p", {}, describeChanges(groups, hasArguments(report)), " ", h("span", { className: "muted" }, compared)),
    ...sections,
  );
}

function changedSummary(changed: ByteRange[], report: MemoryReport, actions: MemoryMapActions): HTMLElement {
  if (report.changedGroups) return groupedSummary(report.changedGroups, report, actions);
  const total = changed.reduce((n, r) => n + r.size, 0);
  const where = report.isWholeMemoryWatched ? "anywhere in memory" : "in the watched areas (the arguments and what follows them)";
  if (total === 0) return h("p", { className: "changed-summary" }, `The export changed no bytes ${where}.`);
  const shown = changed.slice(0, 24);
  return h(
    "div",
    { className: "changed-summary" },
    h("p", {}, `The export changed ${plural(total, "byte")} in ${plural(changed.length, "range")} ${where}:`),
    h(
      "ul",
      { className: "changed-list" },
      ...shown.map((r) => h("li", {}, offsetButton(r.offset, r.size, actions), ` ${plural(r.size, "byte")}`)),
    ),
    changed.length > shown.length
      ? h("p", { className: "muted" }, `…and ${changed.length - shown.length} more (see the memory view).`)
      : undefined,
  );
}

/** The Markdown a teacher copies: the narration, then a table of regions with their bytes. */
export function memoryMapMarkdown(report: MemoryReport, title: string): string {
  const regions = [...report.written, ...report.results];
  const lines = [`### ${title}`, "", ...narrate(regions).map((sentence) => `- ${sentence}`), ""];
  // Bytes as written before the call, so the table shows what the export received.
  const written = report.writtenBytes[0];
  const memory = written && report.writtenBytes.length === 1 ? { bytes: written.bytes, baseOffset: written.offset } : undefined;
  lines.push(renderMarkdown(report.written, memory));
  if (report.results.length) lines.push("", "Results:", "", renderMarkdown(report.results));
  const groups = report.changedGroups;
  if (groups) {
    lines.push("", `Changed by the call: ${describeChanges(groups, hasArguments(report))}`, "");
    for (const group of groups) {
      const shown = groupRanges(group).map((r) => `\`${formatOffset(r.offset)}\` (${plural(r.size, "byte")})`);
      if (group.rangeCount > shown.length) shown.push(`and ${group.rangeCount - shown.length} more`);
      lines.push(`- ${groupLine(group)}: ${shown.join(", ")}`);
    }
  }
  return lines.join("\n");
}

/** Renders a call's memory report. */
export function renderMemoryReport(report: MemoryReport, title: string, actions: MemoryMapActions): HTMLElement {
  const parts: (Node | undefined)[] = [h("h3", {}, icon("symbol-array"), " Memory map")];
  if (report.warnings.length) {
    parts.push(
      h(
        "ul",
        { className: "layout-warnings", "aria-label": "Layout warnings" },
        ...report.warnings.map((w) => h("li", {}, icon("warning"), " ", w)),
      ),
    );
  }
  const decoded = report.decoded;
  if (decoded?.convention === "tagged") {
    parts.push(h("p", { className: decoded.isSuccess ? "code-ok" : "code-error" }, `Error code ${decoded.meaning}`));
    if (decoded.values.length) {
      const rows = decoded.values.map((v, i) =>
        h("tr", {}, h("td", {}, String(i)), h("td", {}, v.type), h("td", {}, h("code", {}, taggedValueText(v)))),
      );
      parts.push(
        h(
          "table",
          { className: "decoded-table" },
          h("caption", {}, "Results read back"),
          h(
            "thead",
            {},
            h("tr", {}, h("th", { scope: "col" }, "#"), h("th", { scope: "col" }, "type"), h("th", { scope: "col" }, "value")),
          ),
          h("tbody", {}, ...rows),
        ),
      );
    }
    if (decoded.error)
      parts.push(
        h(
          "p",
          { className: "code-error", role: "alert" },
          icon("error"),
          ` Reading the results stopped at ${formatOffset(decoded.error.offset)}: ${decoded.error.message}`,
        ),
      );
  } else if (decoded?.convention === "allocator") {
    if (decoded.text !== undefined)
      parts.push(h("p", {}, "The result points at: ", h("code", { className: "decoded-text" }, decoded.text)));
    if (decoded.error) parts.push(h("p", { className: "code-error" }, icon("error"), ` ${decoded.error.message}`));
  }
  if (report.written.length) parts.push(regionTable("Written by the explorer before the call", report.written, actions));
  if (report.results.length) parts.push(regionTable("Read back after the call", report.results, actions));
  parts.push(changedSummary(report.changed, report, actions));
  if (report.allocations.length) {
    parts.push(
      h(
        "p",
        { className: "muted" },
        `Allocations: ${report.allocations.map((a) => `${a.label} at ${formatOffset(a.pointer)} (${a.size} B, ${a.isFreed ? "freed" : "kept"})`).join("; ")}.`,
      ),
    );
  }
  const sentences = narrate([...report.written, ...report.results]);
  if (report.changedGroups) sentences.push(describeChanges(report.changedGroups, hasArguments(report)));
  if (sentences.length) {
    parts.push(
      h(
        "details",
        { className: "section narration", open: true },
        h("summary", {}, h("h4", {}, "Narration")),
        h("ol", {}, ...sentences.map((s) => h("li", {}, s))),
        h(
          "button",
          { type: "button", className: "secondary", onClick: () => actions.copy(memoryMapMarkdown(report, title)) },
          icon("copy"),
          " Copy as Markdown",
        ),
      ),
    );
  }
  return h("div", { className: "memory-map" }, ...parts);
}
