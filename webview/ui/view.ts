/**
 * Renders the state into the page and turns user input into actions. It keeps DOM nodes that
 * hold focus (the argument inputs) alive across updates and rebuilds only what changed.
 */
import { formatValue } from "../../src/core/abi/numbers";
import type { CallOutcome, GlobalValue, InstanceReport } from "../../src/core/protocol";
import type { ExportedFunction, ModuleInfo } from "../../src/core/wasm/types";
import type { FieldProblem } from "./callBuilder";
import { CallForm, type FormActions } from "./callForm";
import { ExportList } from "./exportList";
import { h, icon } from "./dom";
import { byteSizeText, plural } from "../../src/core/wording";
import { durationText, kindDescriptions, limitsText, signatureText, valueText } from "./format";
import { renderMemoryReport, type MemoryMapActions } from "./memoryMap";
import { MemoryView, type MemorySource } from "./memoryView";
import { entryPointNote, moduleOf, type CallRecord, type Event, type State } from "./state";

/** What the view asks the page to do: state changes go through `dispatch`, the rest are effects. */
export interface Actions extends FormActions, Omit<MemoryMapActions, "reveal"> {
  dispatch(event: Event): void;
}

const wasiModules = new Set(["wasi_snapshot_preview1", "wasi_unstable"]);

/** The export list of a page without a module: one array, so that the list sees no new module on each update. */
const noFunctions: readonly ExportedFunction[] = [];

function section(title: string, count: number | undefined, ...content: (Node | string)[]): HTMLElement {
  return h(
    "details",
    { className: "section", open: true },
    h("summary", {}, h("h2", {}, title, count === undefined ? "" : h("span", { className: "count" }, ` ${count}`))),
    ...content,
  );
}

function table(headers: string[], rows: (Node | string)[][]): HTMLElement {
  return h(
    "table",
    {},
    h("thead", {}, h("tr", {}, ...headers.map((header) => h("th", { scope: "col" }, header)))),
    h("tbody", {}, ...rows.map((cells) => h("tr", {}, ...cells.map((cell) => h("td", {}, cell))))),
  );
}

function code(text: string): HTMLElement {
  return h("code", {}, text);
}

function globalValueText(value: GlobalValue["value"]): string {
  return value === undefined ? "(not readable from JavaScript)" : valueText(value);
}

/** The page. */
export class View {
  private readonly header = h("header", { className: "file" });
  private readonly notices = h("div", { className: "notices" });
  private readonly exportList: ExportList;
  private readonly form: CallForm;
  private readonly memorySection = h("section", { className: "memory-section", "aria-label": "Linear memory", hidden: true });
  private readonly memoryView: MemoryView;
  private readonly outcome = h("div", { className: "outcome", role: "status", "aria-live": "polite", "aria-atomic": "true" });
  private readonly history = h("div", { className: "history" });
  private readonly details = h("div", { className: "module-details" });
  private runningTimer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly root: HTMLElement,
    private readonly actions: Actions,
    memorySource: MemorySource,
  ) {
    this.form = new CallForm(actions);
    this.exportList = new ExportList((exportName) => actions.dispatch({ type: "select", exportName }));
    const memoryContainer = h("div", { className: "memory-view-container" });
    this.memorySection.append(h("h2", {}, "Linear memory"), memoryContainer);
    this.memoryView = new MemoryView(memoryContainer, memorySource);
    root.replaceChildren(
      this.header,
      this.notices,
      h(
        "div",
        { className: "columns" },
        this.exportList.element,
        h("div", { className: "main-column" }, this.form.element, this.outcome, this.history),
      ),
      this.memorySection,
      this.details,
      // Text in the editor font, laid out off screen from the start: the first use of a font costs
      // its lookup and first shaping, which the memory view would otherwise pay when it first shows.
      h("span", { className: "font-warmup", "aria-hidden": "true" }, "0123456789abcdef ·.Offset"),
    );
    root.removeAttribute("aria-busy");
  }

  /** Brings the page from `prev` to `next`. */
  update(prev: State | undefined, next: State): void {
    const isNewLoad = prev?.load !== next.load;
    if (isNewLoad) {
      this.renderHeader(next);
      this.renderDetails(next);
    }
    this.exportList.update(moduleOf(next)?.functions ?? noFunctions, next.selected, entryPointNote(next));
    this.form.update(next, isNewLoad);
    if (isNewLoad || prev?.running !== next.running || prev?.last !== next.last) {
      this.root.classList.toggle("is-running", next.running !== undefined);
      this.renderOutcome(next);
      this.renderGlobals(next);
    }
    // Only a finished call changes memory; redrawing when one starts would drop the growth note.
    if (isNewLoad || prev?.last !== next.last) this.renderMemory(next, isNewLoad);
    if (prev?.history !== next.history) this.renderHistory(next);
  }

  /** Shows texts set by the host in the form's inputs. */
  showTexts(state: State): void {
    this.form.showTexts(state);
  }

  /** Marks fields with problems and moves focus to the first, so a keyboard user lands there. */
  showProblems(problems: FieldProblem[]): void {
    this.form.showProblems(problems);
  }

  private renderMemory(state: State, isNewLoad: boolean): void {
    const report = state.load.status === "loaded" && state.load.report.status === "loaded" ? state.load.report : undefined;
    const instance = report?.instance.status === "ready" ? report.instance : undefined;
    const hasMemory = instance !== undefined && instance.memoryBytes > 0;
    this.memorySection.hidden = !hasMemory;
    if (!hasMemory) return;
    // After a (re)load the last call's outcome belongs to the previous instance.
    const outcome = !isNewLoad && state.last?.status === "done" ? state.last.outcome : undefined;
    this.memoryView.setMemorySize(outcome?.memoryBytes ?? instance.memoryBytes);
    const memory = outcome?.memory;
    this.memoryView.setRegions(memory ? [...memory.written, ...memory.results] : [], memory?.changed ?? []);
    const first = memory?.written[0] ?? memory?.results[0];
    if (first) this.memoryView.reveal(first.offset, first.size);
    this.memoryView.invalidate();
    // A fresh instance's first bytes came with its load report.
    if (isNewLoad && instance.firstMemory) this.memoryView.accept(instance.firstMemory);
  }

  private renderHeader(state: State): void {
    const { load } = state;
    this.notices.replaceChildren();
    if (load.status === "waiting") {
      this.header.replaceChildren(h("h1", {}, "WASI Reactor Explorer"), h("p", { className: "muted" }, "Waiting for a module…"));
      return;
    }
    const title = h("h1", {}, icon("file-binary"), " ", load.fileName);
    if (load.status === "loading") {
      this.header.replaceChildren(title, h("p", { className: "muted" }, icon("loading codicon-modifier-spin"), " Loading…"));
      return;
    }
    if (load.status === "unreadable") {
      this.header.replaceChildren(title);
      this.notice("error", "Cannot open this file", load.message);
      return;
    }
    const { report } = load;
    if (report.status === "invalid") {
      const kind =
        report.error.code === "component"
          ? "WebAssembly component"
          : report.error.code === "notWasm" || report.error.code === "empty"
            ? "not WebAssembly"
            : "invalid module";
      this.header.replaceChildren(title, h("span", { className: "badge badge-error" }, kind));
      this.notice(
        "error",
        kind === "invalid module"
          ? "The module is malformed"
          : `This file is ${kind === "not WebAssembly" ? "not WebAssembly" : "a WebAssembly component"}`,
        report.error.message,
      );
      return;
    }
    const { module, instance } = report;
    this.header.replaceChildren(
      title,
      h("span", { className: `badge badge-${module.kind}` }, module.kind),
      h("span", { className: "muted" }, ` ${byteSizeText(module.byteLength)} · ${plural(module.functions.length, "exported function")}`),
      h("p", { className: "muted kind-description" }, kindDescriptions[module.kind]),
    );
    this.renderInstanceNotices(instance);
  }

  private renderInstanceNotices(instance: InstanceReport): void {
    if (instance.status === "starting") {
      this.notices.append(
        h(
          "p",
          { className: "muted" },
          icon("loading codicon-modifier-spin"),
          " Compiling and instantiating: the exports can be called once this is done.",
        ),
      );
    } else if (instance.status === "notInstantiated") this.notice("info", "Not instantiated", instance.reason);
    else if (instance.status === "failed") {
      const titles = {
        compile: "The engine rejected the module",
        link: "The module could not be linked",
        start: "The start function trapped",
        initialize: "`_initialize` failed",
      };
      this.notice("error", titles[instance.stage], instance.message, instance.trap?.engineMessage);
    } else {
      for (const note of instance.notes) this.notice("info", "Note", note);
      if (instance.stdout || instance.stderr)
        this.notice("info", "`_initialize` wrote output", [instance.stdout, instance.stderr].filter(Boolean).join("\n"));
    }
  }

  private notice(level: "error" | "info", title: string, message: string, detail?: string): void {
    this.notices.append(
      h(
        "div",
        { className: `notice notice-${level}`, role: level === "error" ? "alert" : undefined },
        icon(level === "error" ? "error" : "info"),
        h("div", {}, h("strong", {}, title), h("p", {}, message), detail ? h("p", { className: "muted" }, code(detail)) : undefined),
      ),
    );
  }

  private renderOutcome(state: State): void {
    clearTimeout(this.runningTimer);
    if (state.running) {
      // Most calls end within a frame; announcing them would only delay their result.
      const { exportName } = state.running;
      this.runningTimer = setTimeout(
        () =>
          this.outcome.replaceChildren(h("p", { className: "running" }, icon("loading codicon-modifier-spin"), ` Calling ${exportName}…`)),
        100,
      );
      return;
    }
    const reveal = (offset: number, length: number) => this.memoryView.reveal(offset, length);
    this.outcome.replaceChildren(
      state.last ? renderRecord(state.last, moduleOf(state), { reveal, copy: (text) => this.actions.copy(text) }) : "",
    );
  }

  private renderHistory(state: State): void {
    if (state.history.length === 0) {
      this.history.replaceChildren();
      return;
    }
    const details = h(
      "details",
      { className: "section" },
      h("summary", {}, h("h2", {}, "Call history ", h("span", { className: "count" }, String(state.history.length)))),
    );
    details.append(
      h(
        "ol",
        { className: "history-list", "aria-label": "Call history, newest first" },
        ...state.history.map((line) => h("li", {}, code(line))),
      ),
    );
    this.history.replaceChildren(details);
  }

  private renderDetails(state: State): void {
    const module = moduleOf(state);
    if (!module) {
      this.details.replaceChildren();
      return;
    }
    const report = state.load.status === "loaded" && state.load.report.status === "loaded" ? state.load.report : undefined;
    const provided = report?.instance.status === "ready" ? report.instance.imports : [];
    const importRows = module.imports.map((imp) => {
      const provision = provided.find((p) => p.module === imp.module && p.name === imp.name);
      const isWasi = wasiModules.has(imp.module);
      const how = provision
        ? `${provision.provision === "stub" ? "stubbed (traps when called)" : provision.provision === "wasi" ? "WASI (@runno/wasi)" : `provided: ${provision.note ?? provision.provision}`}`
        : isWasi
          ? "WASI"
          : "other";
      const description =
        imp.desc.kind === "func"
          ? signatureText({ type: imp.desc.type, paramNames: imp.desc.type.params.map((_, i) => `p${i}`) })
          : imp.desc.kind === "memory"
            ? limitsText(imp.desc.limits)
            : imp.desc.kind;
      return [
        code(`${imp.module}.${imp.name}`),
        imp.desc.kind,
        description,
        h("span", { className: provision?.provision === "stub" ? "stubbed" : "" }, how),
      ];
    });
    const memoryRows = module.memories.map((m) => [
      String(m.index),
      limitsText(m.limits),
      m.isImported ? "imported" : "defined",
      m.exportNames.length ? m.exportNames.join(", ") : "not exported",
    ]);
    this.details.replaceChildren(
      section(
        "Imports",
        module.imports.length,
        module.imports.length ? table(["import", "kind", "type", "provided as"], importRows) : h("p", { className: "muted" }, "None."),
      ),
      section(
        "Memories",
        module.memories.length,
        module.memories.length
          ? table(["index", "size", "origin", "exported as"], memoryRows)
          : h("p", { className: "muted" }, "None: conventions that pass values through memory are unavailable."),
      ),
      h("div", { className: "globals" }),
    );
    this.renderGlobals(state);
  }

  private renderGlobals(state: State): void {
    const module = moduleOf(state);
    const container = this.details.querySelector(".globals");
    if (!module || !container) return;
    const report = state.load.status === "loaded" && state.load.report.status === "loaded" ? state.load.report : undefined;
    const lastGlobals = state.last?.status === "done" ? state.last.outcome.globals : undefined;
    const values = lastGlobals ?? (report?.instance.status === "ready" ? report.instance.globals : []);
    const rows = module.globals.map((g) => [
      code(g.name),
      `${g.isMutable ? "mut " : ""}${g.valType}`,
      globalValueText(values.find((v) => v.name === g.name)?.value),
    ]);
    container.replaceChildren(
      section(
        "Exported globals",
        module.globals.length,
        rows.length ? table(["global", "type", "value"], rows) : h("p", { className: "muted" }, "None."),
      ),
    );
  }
}

function renderRecord(record: CallRecord, module: ModuleInfo | undefined, actions: MemoryMapActions): HTMLElement {
  if (record.status === "failed") {
    return h(
      "div",
      { className: "result result-error" },
      h("h3", {}, icon("error"), " ", record.exportName, " did not finish"),
      h("p", {}, record.message),
    );
  }
  const { outcome } = record;
  const fn = module?.functions.find((f) => f.name === outcome.exportName);
  const parts: (Node | undefined)[] = [];
  switch (outcome.status) {
    case "returned":
      parts.push(h("h3", {}, icon("pass"), " ", outcome.exportName, " returned"));
      parts.push(outcome.results.length ? resultsTable(outcome, fn) : h("p", { className: "muted" }, "No results."));
      break;
    case "trapped":
      parts.push(h("h3", {}, icon("error"), " ", outcome.exportName, " trapped: ", outcome.trap.kind));
      parts.push(
        h("p", {}, outcome.trap.description),
        h("p", { className: "muted" }, "Engine message: ", code(outcome.trap.engineMessage)),
      );
      parts.push(
        h(
          "p",
          { className: "muted" },
          "The reactor is still usable; its memory and globals keep whatever the export changed before the trap.",
        ),
      );
      break;
    case "exited":
      parts.push(h("h3", {}, icon("debug-disconnect"), " ", outcome.exportName, ` exited with code ${outcome.exitCode}`));
      parts.push(h("p", {}, "The export called WASI's proc_exit. The reactor is still usable."));
      break;
    case "refused":
      parts.push(h("h3", {}, icon("warning"), " Not called"), h("p", {}, outcome.message));
      break;
  }
  if (outcome.args.length)
    parts.push(h("p", { className: "muted" }, "Arguments: ", code(outcome.args.map((a) => formatValue(a).decimal).join(", "))));
  if (outcome.stdout) parts.push(h("h4", {}, "stdout"), h("pre", { className: "stdout" }, outcome.stdout));
  if (outcome.stderr) parts.push(h("h4", {}, "stderr"), h("pre", { className: "stderr" }, outcome.stderr));
  parts.push(
    h(
      "p",
      { className: "muted duration" },
      icon("watch"),
      ` ${durationText(outcome.durationMs)} · memory ${byteSizeText(outcome.memoryBytes)}`,
    ),
  );
  if (outcome.memory) parts.push(renderMemoryReport(outcome.memory, `${outcome.exportName}(${record.argTexts.join(", ")})`, actions));
  return h("div", { className: `result result-${outcome.status}` }, ...parts);
}

function resultsTable(outcome: Extract<CallOutcome, { status: "returned" }>, fn: ExportedFunction | undefined): HTMLElement {
  const rows = outcome.results.map((value, i) => {
    const f = formatValue(value);
    return [
      String(fn && fn.type.results.length > 1 ? i : "") || "result",
      value.type,
      code(f.decimal),
      f.unsigned !== undefined ? code(f.unsigned) : "—",
      code(f.hex ?? f.bits ?? "—"),
    ];
  });
  return table(["", "type", "decimal", "unsigned", "hex / bits"], rows);
}

/** Exposed for the host-bound summary: results in decimal. */
export function resultTexts(outcome: CallOutcome): string[] {
  return outcome.status === "returned" ? outcome.results.map((r) => formatValue(r).decimal) : [];
}
