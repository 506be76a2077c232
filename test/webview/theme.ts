/**
 * A subset of the `--vscode-*` variables VS Code's Dark Modern and Light Modern themes define,
 * so that pages in the harness look as they do in the editor (and screenshots show real contrast).
 */
const dark: Record<string, string> = {
  "font-family": "system-ui, sans-serif",
  "font-size": "13px",
  "editor-font-family": "monospace",
  "editor-font-size": "13px",
  foreground: "#cccccc",
  descriptionForeground: "#9d9d9d",
  errorForeground: "#f85149",
  "editor-background": "#1f1f1f",
  "panel-border": "#2b2b2b",
  "badge-background": "#616161",
  "badge-foreground": "#f8f8f8",
  "button-background": "#0078d4",
  "button-foreground": "#ffffff",
  "button-hoverBackground": "#026ec1",
  "button-secondaryBackground": "#313131",
  "button-secondaryForeground": "#cccccc",
  "input-background": "#313131",
  "input-foreground": "#cccccc",
  "input-border": "#3c3c3c",
  "input-placeholderForeground": "#989898",
  focusBorder: "#0078d4",
  "list-hoverBackground": "#2a2d2e",
  "list-activeSelectionBackground": "#04395e",
  "list-activeSelectionForeground": "#ffffff",
  "inputValidation-errorBorder": "#be1100",
  "inputValidation-errorBackground": "#5a1d1d",
  "inputValidation-infoBorder": "#007acc",
  "inputValidation-infoBackground": "#063b49",
  "textCodeBlock-background": "#2b2b2b",
  "testing-iconPassed": "#73c991",
  "testing-iconFailed": "#f14c4c",
  "editorWarning-foreground": "#cca700",
};

const light: Record<string, string> = {
  ...dark,
  foreground: "#3b3b3b",
  descriptionForeground: "#3b3b3b",
  errorForeground: "#f85149",
  "editor-background": "#ffffff",
  "panel-border": "#e5e5e5",
  "badge-background": "#cccccc",
  "badge-foreground": "#3b3b3b",
  "button-secondaryBackground": "#e5e5e5",
  "button-secondaryForeground": "#3b3b3b",
  "input-background": "#ffffff",
  "input-foreground": "#3b3b3b",
  "input-border": "#cecece",
  "input-placeholderForeground": "#767676",
  "list-hoverBackground": "#f2f2f2",
  "list-activeSelectionBackground": "#e8e8e8",
  "list-activeSelectionForeground": "#000000",
  "inputValidation-errorBackground": "#f2dede",
  "inputValidation-infoBackground": "#d6ecf2",
  "textCodeBlock-background": "#f2f2f2",
  "testing-iconPassed": "#388a34",
  "editorWarning-foreground": "#bf8803",
};

/** A stylesheet declaring the theme's variables on `:root`, as VS Code does on the webview's html element. */
export function themeCss(theme: "light" | "dark"): string {
  const vars = theme === "dark" ? dark : light;
  return `:root {\n${Object.entries(vars).map(([k, v]) => `  --vscode-${k}: ${v};`).join("\n")}\n}\n`;
}
