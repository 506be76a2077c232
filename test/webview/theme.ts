/**
 * A subset of the `--vscode-*` variables VS Code's Dark Modern, Light Modern and Dark High Contrast
 * themes define, so that pages in the harness look as they do in the editor (and screenshots show
 * real contrast). The body class a page needs for each theme is `themeClass(theme)`.
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
  "charts-foreground": "#cccccc",
  "charts-lines": "rgba(204, 204, 204, 0.5)",
  "charts-red": "#f14c4c",
  "charts-blue": "#3794ff",
  "charts-yellow": "#cca700",
  "charts-orange": "#d18616",
  "charts-green": "#89d185",
  "charts-purple": "#b180d7",
  "terminal-ansiCyan": "#11a8cd",
  "terminal-ansiMagenta": "#bc3fbc",
  "editor-selectionBackground": "#264f78",
  "editor-findMatchHighlightBackground": "rgba(234, 92, 0, 0.33)",
  "diffEditor-insertedTextBackground": "rgba(156, 204, 44, 0.2)",
  "editorLineNumber-foreground": "#6e7681",
  "editorCursor-foreground": "#aeafad",
  "scrollbarSlider-background": "rgba(121, 121, 121, 0.4)",
  "scrollbarSlider-hoverBackground": "rgba(100, 100, 100, 0.7)",
  "scrollbarSlider-activeBackground": "rgba(191, 191, 191, 0.4)",
  disabledForeground: "rgba(204, 204, 204, 0.5)",
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
  "charts-foreground": "#616161",
  "charts-lines": "rgba(97, 97, 97, 0.5)",
  "charts-red": "#e51400",
  "charts-blue": "#1a85ff",
  "charts-yellow": "#bf8803",
  "charts-green": "#388a34",
  "charts-purple": "#652d90",
  "terminal-ansiCyan": "#0598bc",
  "terminal-ansiMagenta": "#bc05bc",
  "editor-selectionBackground": "#add6ff",
  "diffEditor-insertedTextBackground": "rgba(156, 204, 44, 0.25)",
  "editorLineNumber-foreground": "#6e7681",
  "editorCursor-foreground": "#000000",
  "scrollbarSlider-background": "rgba(100, 100, 100, 0.4)",
  "scrollbarSlider-hoverBackground": "rgba(100, 100, 100, 0.7)",
  "scrollbarSlider-activeBackground": "rgba(0, 0, 0, 0.6)",
  disabledForeground: "rgba(97, 97, 97, 0.5)",
};

/**
 * Dark High Contrast: black background, white text, borders in the contrast colours, and the
 * charts palette as VS Code derives it there (`charts.red` is `editorError.foreground`,
 * `charts.yellow` is `editorWarning.foreground`, `charts.orange` is `minimap.findMatchHighlight`).
 */
const highContrast: Record<string, string> = {
  ...dark,
  foreground: "#ffffff",
  descriptionForeground: "rgba(255, 255, 255, 0.7)",
  errorForeground: "#f48771",
  "editor-background": "#000000",
  "panel-border": "#6fc3df",
  contrastBorder: "#6fc3df",
  contrastActiveBorder: "#f38518",
  focusBorder: "#f38518",
  "badge-background": "#000000",
  "badge-foreground": "#ffffff",
  "button-background": "#000000",
  "button-secondaryBackground": "#000000",
  "button-secondaryForeground": "#ffffff",
  "input-background": "#000000",
  "input-foreground": "#ffffff",
  "input-border": "#6fc3df",
  "list-hoverBackground": "#000000",
  "list-activeSelectionBackground": "#000000",
  "editorWarning-foreground": "#ffd370",
  "charts-foreground": "#ffffff",
  "charts-lines": "rgba(255, 255, 255, 0.5)",
  "charts-red": "#f48771",
  "charts-blue": "#3794ff",
  "charts-yellow": "#ffd370",
  "charts-orange": "#ab5a00",
  "charts-green": "#89d185",
  "charts-purple": "#b180d7",
  "terminal-ansiCyan": "#00cdcd",
  "terminal-ansiMagenta": "#cd00cd",
  "editor-selectionBackground": "#ffffff",
  "editor-selectionForeground": "#000000",
  "editorLineNumber-foreground": "#ffffff",
  "editorCursor-foreground": "#ffffff",
  disabledForeground: "#a5a5a5",
};

/** The themes the harness can show. */
export type Theme = "light" | "dark" | "high-contrast";

/** The class VS Code puts on the webview's body for `theme`. */
export function themeClass(theme: Theme): string {
  return `vscode-${theme}`;
}

/** A stylesheet declaring the theme's variables on `:root`, as VS Code does on the webview's html element. */
export function themeCss(theme: Theme): string {
  const vars = theme === "dark" ? dark : theme === "light" ? light : highContrast;
  return `:root {\n${Object.entries(vars)
    .map(([k, v]) => `  --vscode-${k}: ${v};`)
    .join("\n")}\n}\n`;
}
