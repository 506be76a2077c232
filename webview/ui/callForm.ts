/**
 * The form that calls the selected export: its convention, one field per argument with a
 * reason or a note beneath it, and a preview of where each argument will be written. It keeps
 * its inputs alive while the user types and rebuilds only when the form's shape changes.
 */
import { ELEMENT_KINDS } from "../../src/core/abi/values";
import type { PlanSlot } from "../../src/core/abi/allocator";
import { TAGS, type TaggedType } from "../../src/core/abi/tagged";
import type { ExportedFunction } from "../../src/core/wasm/types";
import {
  conventionLabels,
  fieldCount,
  parseFields,
  previewLayout,
  resultReadings,
  type ExportChoice,
  type FieldProblem,
} from "./callBuilder";
import { h, icon } from "./dom";
import { signatureText } from "./format";
import {
  choiceOf,
  hasReachableMemory,
  inputsFor,
  isCallable,
  isEntryPoint,
  moduleOf,
  proposalFor,
  selectedFunction,
  type FormEvent,
  type State,
} from "./state";

/** What the form asks the page to do. */
export interface FormActions {
  /** Applies one edit of the form; the reducer (state.ts) decides what it changes. */
  dispatch(event: FormEvent): void;
  call(): void;
  cancel(): void;
  /** Runs the call that waits for confirmation, which must be of `exportName`. */
  confirmCall(exportName: string): void;
  /** Drops the call that waits for confirmation. */
  declineCall(): void;
}

const placeholders: Record<string, string> = {
  i32: "e.g. 42, -1, 0xff",
  i64: "e.g. 9007199254740993",
  f32: "e.g. 0.1, NaN, -0",
  f64: "e.g. 3.14, Infinity, -0",
};
const taggedTypes = Object.keys(TAGS) as TaggedType[];

function option(value: string, label: string, isSelected: boolean): HTMLOptionElement {
  const element = h("option", { value }, label);
  element.selected = isSelected;
  return element;
}

/** The kinds a slot can be switched to, as `select` options: `scalar`, `cstring`, `pointerLength:<holds>`. */
function slotKinds(slot: PlanSlot, fn: ExportedFunction): [string, string][] {
  const kinds: [string, string][] = [["scalar", "number"]];
  const isI32 = slot.kind !== "scalar" || slot.type === "i32";
  if (!isI32) return kinds;
  kinds.push(["cstring", "C string (NUL-terminated)"]);
  const next = slot.kind === "scalar" ? fn.type.params[slot.param + 1] : undefined;
  if (slot.kind === "pointerLength" || next === "i32") {
    kinds.push(["pointerLength:string", "pointer + length: UTF-8 string"], ["pointerLength:bytes", "pointer + length: bytes (hex)"]);
    for (const kind of ELEMENT_KINDS) kinds.push([`pointerLength:${kind}`, `pointer + length: ${kind}Array`]);
  }
  return kinds;
}

function slotKindValue(slot: PlanSlot): string {
  return slot.kind === "pointerLength" ? `pointerLength:${slot.holds}` : slot.kind;
}

function slotPlaceholder(slot: PlanSlot): string {
  if (slot.kind === "scalar") return placeholders[slot.type] ?? "";
  if (slot.kind === "cstring") return "text";
  return slot.holds === "string" ? "text" : slot.holds === "bytes" ? "hex, e.g. de ad be ef" : "e.g. [1, -2, 0x10]";
}

/** The form for one export. */
export class CallForm {
  readonly element = h("section", { className: "call", "aria-label": "Call an export" });
  private fields: { input: HTMLInputElement; hint: HTMLElement }[] = [];
  private preview = h("div", { className: "preview" });
  private callButton?: HTMLButtonElement;
  private cancelButton?: HTMLButtonElement;
  private shape = "";
  /** The confirmation of a call of the entry point; empty and hidden when none waits. */
  private readonly confirmation = h("div", {
    className: "notice confirm-call",
    role: "alertdialog",
    "aria-labelledby": "confirm-call-title",
    "aria-describedby": "confirm-call-text",
    hidden: true,
    onKeydown: (event: Event) => {
      if ((event as KeyboardEvent).key === "Escape") this.actions.declineCall();
    },
  });
  /** Which confirmation is shown, so that an update that leaves it alone keeps its focus. */
  private confirmingKey = "";

  constructor(private readonly actions: FormActions) {}

  /** Rebuilds the form when its shape changed; otherwise refreshes hints and the preview. */
  update(state: State, isNewLoad: boolean): void {
    const fn = selectedFunction(state);
    const choice = fn ? choiceOf(state, fn) : undefined;
    // The shape is everything but the typed texts: rebuilding on a keystroke would lose focus.
    const shape = JSON.stringify([
      fn?.name,
      choice?.convention === "tagged" ? { ...choice, rows: choice.rows.map((r) => r.type) } : choice,
      state.isWatchingAllMemory,
    ]);
    if (isNewLoad || shape !== this.shape) {
      this.shape = shape;
      this.render(state);
    } else {
      this.refresh(state);
    }
    this.setRunning(state);
    this.showConfirmation(state);
  }

  private render(state: State): void {
    this.fields = [];
    this.callButton = this.cancelButton = undefined;
    const fn = selectedFunction(state);
    const module = moduleOf(state);
    if (!fn || !module) {
      this.element.replaceChildren();
      return;
    }
    const choice = choiceOf(state, fn);
    const proposal = proposalFor(state, fn);
    const conventionSelect = h("select", {
      id: "convention",
      onChange: (event: Event) =>
        this.actions.dispatch({
          type: "setConvention",
          exportName: fn.name,
          convention: (event.target as HTMLSelectElement).value as ExportChoice["convention"],
        }),
    });
    // Conventions that pass values through memory need one the explorer can reach.
    const hasMemory = hasReachableMemory(state);
    for (const [value, label] of Object.entries(conventionLabels)) {
      const item = option(
        value,
        value === "plain" || hasMemory ? label : `${label} — unavailable: the module has no memory the explorer can reach`,
        value === choice.convention,
      );
      item.disabled = value !== "plain" && !hasMemory;
      conventionSelect.append(item);
    }
    const suggested = proposal?.convention === "cstring" ? "allocator" : proposal?.convention;
    const suggestion = proposal ? `Suggested: ${suggested === "allocator" ? "module allocator" : suggested}. ${proposal.reason}` : "";
    const useSuggestion =
      suggested && suggested !== choice.convention && suggested !== "plain" && hasMemory
        ? h(
            "button",
            {
              type: "button",
              className: "secondary",
              onClick: () => this.actions.dispatch({ type: "setConvention", exportName: fn.name, convention: suggested }),
            },
            "Use the suggestion",
          )
        : undefined;

    const texts = inputsFor(state, fn);
    const fieldNodes = this.fieldNodes(fn, choice, texts);
    this.callButton = h(
      "button",
      { type: "submit", className: "primary", "aria-label": "Call", disabled: !isCallable(state) },
      icon("play"),
      " Call",
    );
    this.cancelButton = h(
      "button",
      { type: "button", className: "secondary", "aria-label": "Cancel", hidden: true, onClick: () => this.actions.cancel() },
      icon("debug-stop"),
      " Cancel",
    );
    const watchAll = h("input", {
      type: "checkbox",
      id: "watch-all",
      onChange: (e: Event) => this.actions.dispatch({ type: "watchAllMemory", isOn: (e.target as HTMLInputElement).checked }),
    });
    watchAll.checked = state.isWatchingAllMemory;

    const form = h(
      "form",
      {
        className: "call-form",
        novalidate: true,
        onSubmit: (event: Event) => {
          event.preventDefault();
          this.actions.call();
        },
      },
      h("div", { className: "convention-row" }, h("label", { for: "convention" }, "Convention"), conventionSelect),
      suggestion ? h("p", { className: "muted suggestion" }, icon("lightbulb"), " ", suggestion, " ", useSuggestion) : undefined,
      ...fieldNodes,
      this.conventionOptions(fn, choice),
      h(
        "div",
        { className: "checkbox-row" },
        watchAll,
        h("label", { for: "watch-all" }, "Compare all of memory (finds changes anywhere, costs a copy of memory per call)"),
      ),
      choice.convention === "plain"
        ? undefined
        : h("details", { className: "section preview-section", open: true }, h("summary", {}, h("h3", {}, "Layout preview")), this.preview),
      h("div", { className: "actions" }, this.callButton, this.cancelButton),
    );
    const entryNote = isEntryPoint(state, fn.name)
      ? h(
          "p",
          { className: "muted entry-note" },
          icon("info"),
          " The reactor's entry point: it already ran when the module loaded. Calling it again re-runs the module's initialization, so the page asks first.",
        )
      : undefined;
    this.element.replaceChildren(
      h("h2", {}, h("code", {}, fn.name), " ", h("span", { className: "signature" }, signatureText(fn))),
      entryNote ?? "",
      form,
      this.confirmation,
    );
    this.refresh(state);
  }

  private fieldNodes(fn: ExportedFunction, choice: ExportChoice, texts: string[]): HTMLElement[] {
    const field = (i: number, label: string, typeNode: Node, placeholder: string, extra?: Node) => {
      const id = `arg-${i}`;
      const input = h("input", {
        id,
        type: "text",
        className: "arg",
        spellcheck: "false",
        autocomplete: "off",
        placeholder,
        "aria-describedby": `${id}-hint`,
        onInput: (event: Event) =>
          this.actions.dispatch({ type: "edit", exportName: fn.name, index: i, text: (event.target as HTMLInputElement).value }),
      });
      input.value = texts[i] ?? "";
      const hint = h("div", { className: "hint", id: `${id}-hint` });
      this.fields.push({ input, hint });
      return h("div", { className: "field" }, h("label", { for: id }, label), typeNode, input, hint, extra);
    };
    switch (choice.convention) {
      case "plain":
        if (fn.type.params.length === 0) return [h("p", { className: "muted" }, "This export takes no parameters.")];
        return fn.type.params.map((type, i) =>
          field(i, fn.paramNames[i] ?? `p${i}`, h("span", { className: "type" }, type), placeholders[type] ?? ""),
        );
      case "allocator":
        if (choice.plan.slots.length === 0) return [h("p", { className: "muted" }, "This export takes no parameters.")];
        return choice.plan.slots.map((slot, i) => {
          const select = h("select", {
            className: "slot-kind",
            "aria-label": `${slot.name}: passed as`,
            onChange: (event: Event) =>
              this.actions.dispatch({ type: "setSlotKind", exportName: fn.name, slot: i, kind: (event.target as HTMLSelectElement).value }),
          });
          for (const [value, label] of slotKinds(slot, fn)) select.append(option(value, label, value === slotKindValue(slot)));
          const params =
            slot.kind === "pointerLength"
              ? `params ${slot.ptrParam}, ${slot.lenParam} (${slot.name}, ${slot.lenName})`
              : `param ${slot.param}`;
          return field(i, slot.name, select, slotPlaceholder(slot), h("span", { className: "muted slot-params" }, params));
        });
      case "tagged":
        return [
          ...choice.rows.map((row, i) => {
            const select = h("select", {
              className: "slot-kind",
              "aria-label": `Argument ${i + 1} type`,
              onChange: (event: Event) =>
                this.actions.dispatch({
                  type: "setTaggedType",
                  exportName: fn.name,
                  row: i,
                  taggedType: (event.target as HTMLSelectElement).value as TaggedType,
                }),
            });
            for (const type of taggedTypes)
              select.append(option(type, `${type} (tag 0x${TAGS[type].toString(16).padStart(2, "0")})`, type === row.type));
            const remove = h(
              "button",
              {
                type: "button",
                className: "icon-button",
                "aria-label": `Remove argument ${i + 1}`,
                onClick: () => this.actions.dispatch({ type: "removeTaggedRow", exportName: fn.name, row: i }),
              },
              icon("close"),
            );
            return field(
              i,
              `Argument ${i + 1}`,
              select,
              row.type.endsWith("Array") ? "e.g. [1, -2, 0x10]" : row.type === "string" ? "text" : "e.g. 42",
              remove,
            );
          }),
          h(
            "button",
            { type: "button", className: "secondary", onClick: () => this.actions.dispatch({ type: "addTaggedRow", exportName: fn.name }) },
            icon("add"),
            " Add argument",
          ),
        ];
    }
  }

  private conventionOptions(fn: ExportedFunction, choice: ExportChoice): HTMLElement | undefined {
    if (choice.convention === "tagged") {
      const start = h("input", { id: "tagged-start", type: "number", min: "0", className: "small" });
      start.value = String(choice.options.startOffset);
      start.addEventListener("change", () =>
        this.actions.dispatch({ type: "setTaggedOption", exportName: fn.name, option: "startOffset", value: Number(start.value) }),
      );
      const width = h("select", {
        id: "tagged-width",
        onChange: (e: Event) =>
          this.actions.dispatch({
            type: "setTaggedOption",
            exportName: fn.name,
            option: "tagWidth",
            value: Number((e.target as HTMLSelectElement).value) === 4 ? 4 : 1,
          }),
      });
      width.append(option("1", "1 byte (PR #335)", choice.options.tagWidth === 1), option("4", "4 bytes", choice.options.tagWidth === 4));
      const pad = h("input", {
        type: "checkbox",
        id: "tagged-pad",
        onChange: (e: Event) =>
          this.actions.dispatch({
            type: "setTaggedOption",
            exportName: fn.name,
            option: "padStringsTo4",
            value: (e.target as HTMLInputElement).checked,
          }),
      });
      pad.checked = choice.options.padStringsTo4;
      return h(
        "fieldset",
        { className: "options" },
        h("legend", {}, "Tagged layout"),
        h("label", { for: "tagged-start" }, "Start offset"),
        start,
        h("label", { for: "tagged-width" }, "Tag width"),
        width,
        h("span", { className: "checkbox-row" }, pad, h("label", { for: "tagged-pad" }, "Pad strings to 4 bytes")),
      );
    }
    if (choice.convention === "allocator") {
      const reading = h("select", {
        id: "result-reading",
        onChange: (e: Event) =>
          this.actions.dispatch({ type: "setResultReading", exportName: fn.name, reading: (e.target as HTMLSelectElement).value }),
      });
      for (const [value, label] of resultReadings(fn)) reading.append(option(value, label, value === choice.plan.result.kind));
      const keep = h("input", {
        type: "checkbox",
        id: "keep-allocations",
        onChange: (e: Event) =>
          this.actions.dispatch({ type: "keepAllocations", exportName: fn.name, isOn: (e.target as HTMLInputElement).checked }),
      });
      keep.checked = choice.keepAllocations;
      return h(
        "fieldset",
        { className: "options" },
        h("legend", {}, "Memory"),
        h("label", { for: "result-reading" }, "Read the result"),
        reading,
        h(
          "span",
          { className: "checkbox-row" },
          keep,
          h("label", { for: "keep-allocations" }, "Keep the arguments' memory after the call (do not free)"),
        ),
      );
    }
    return undefined;
  }

  /** Updates each field's note or reason, and the layout preview. */
  private refresh(state: State): void {
    const fn = selectedFunction(state);
    if (!fn) return;
    const choice = choiceOf(state, fn);
    const texts = inputsFor(state, fn);
    parseFields(fn, choice, texts).forEach((parsed, i) => {
      const field = this.fields[i];
      if (!field) return;
      // An empty field is not yet an error: it becomes one when the user presses Call.
      const isEmpty = (texts[i] ?? "").trim() === "" && !(choice.convention !== "plain" && parsed.ok);
      const isInvalid = !parsed.ok && !isEmpty;
      field.input.setAttribute("aria-invalid", String(isInvalid));
      field.hint.className = `hint${isInvalid ? " hint-error" : ""}`;
      field.hint.textContent = parsed.ok ? parsed.note : isEmpty ? "" : parsed.reason;
    });
    if (choice.convention !== "plain") this.renderPreview(fn, choice, texts);
  }

  private renderPreview(fn: ExportedFunction, choice: ExportChoice, texts: string[]): void {
    const preview = previewLayout(fn, choice, texts);
    if (!preview.ok) {
      this.preview.replaceChildren(h("p", { className: "muted" }, preview.reason));
      return;
    }
    if (preview.rows.length === 0) {
      this.preview.replaceChildren(
        h(
          "p",
          { className: "muted" },
          fieldCount(fn, choice) === 0 ? "Nothing is written to memory." : "Only numbers: nothing is written to memory.",
        ),
      );
      return;
    }
    const rows = preview.rows.map((r) =>
      h("tr", {}, h("td", {}, h("code", {}, r.where)), h("td", {}, String(r.size)), h("td", {}, r.label), h("td", {}, r.value ?? "")),
    );
    this.preview.replaceChildren(
      h(
        "table",
        { className: "preview-table" },
        h("thead", {}, h("tr", {}, ...["where", "bytes", "what", "value"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, ...rows),
      ),
    );
  }

  /** Rebuilds the form so that its inputs show texts that did not come from typing (a host's invoke). */
  showTexts(state: State): void {
    this.render(state);
    this.setRunning(state);
    this.showConfirmation(state);
  }

  /** Marks the fields with problems (after Call was pressed) and moves focus to the first. */
  showProblems(problems: FieldProblem[]): void {
    for (const { index, reason } of problems) {
      const field = this.fields[index];
      if (!field) continue;
      field.input.setAttribute("aria-invalid", "true");
      field.hint.className = "hint hint-error";
      field.hint.textContent = reason;
    }
    this.fields[problems[0]?.index ?? -1]?.input.focus();
  }

  /**
   * Shows the inline confirmation while a call of the entry point waits for the user's word
   * (a webview has no `window.confirm`). Focus goes to the choice that keeps the state, so a
   * second Enter does not re-run the entry point.
   */
  private showConfirmation(state: State): void {
    const pending = state.confirming?.exportName === state.selected ? state.confirming : undefined;
    const key = pending ? `${pending.exportName}:${String(pending.isFromHost)}` : "";
    if (key === this.confirmingKey) return;
    this.confirmingKey = key;
    this.confirmation.hidden = pending === undefined;
    if (!pending) {
      const hadFocus = this.confirmation.contains(document.activeElement);
      this.confirmation.replaceChildren();
      if (hadFocus) this.callButton?.focus();
      return;
    }
    const { exportName } = pending;
    const keep = h(
      "button",
      { type: "button", className: "secondary", onClick: () => this.actions.declineCall() },
      "Keep the current state",
    );
    this.confirmation.replaceChildren(
      icon("warning"),
      h(
        "div",
        {},
        h("strong", { id: "confirm-call-title" }, "Run ", h("code", {}, exportName), " again?"),
        h(
          "p",
          { id: "confirm-call-text" },
          pending.isFromHost ? "VS Code asked to call " : "You asked to call ",
          h("code", {}, exportName),
          ", which already ran when the module loaded. Running it again re-runs the module's initialization on the live instance: whatever it sets up (globals, memory) starts over, and what earlier calls built up may be lost.",
        ),
        h(
          "div",
          { className: "actions" },
          h(
            "button",
            { type: "button", className: "primary", onClick: () => this.actions.confirmCall(exportName) },
            icon("debug-restart"),
            " Run again",
          ),
          keep,
        ),
      ),
    );
    keep.focus();
  }

  private setRunning(state: State): void {
    const isRunning = state.running !== undefined;
    if (this.callButton) this.callButton.disabled = isRunning || !isCallable(state) || state.confirming !== undefined;
    if (this.cancelButton) this.cancelButton.hidden = !isRunning;
  }
}
