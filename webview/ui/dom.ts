/**
 * A tiny element builder: every text goes in through `textContent`, never as HTML, so names
 * from a module (which anyone can write) cannot inject markup.
 */

type Child = Node | string | number | false | null | undefined;
type Attributes = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/** Creates an element; `on…` attributes become listeners, `false`/`undefined` attributes are left out. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (name === "className") element.className = String(value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

/** Appends children, skipping empty ones. */
export function append(parent: Element, children: Child[]): void {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    parent.append(typeof child === "number" ? String(child) : child);
  }
}

/** A codicon (the font ships with the extension). */
export function icon(name: string): HTMLElement {
  return h("span", { className: `codicon codicon-${name}`, "aria-hidden": "true" });
}
