/**
 * Theme variables the memory view uses that test/webview/theme.ts does not declare, with the values
 * of VS Code's Dark Modern and Light Modern themes, so that screenshots show the colours users see.
 */
const dark: Record<string, string> = {
  "charts-foreground": "#cccccc",
  "charts-lines": "rgba(204, 204, 204, 0.5)",
  "charts-red": "#f14c4c",
  "charts-blue": "#3794ff",
  "charts-yellow": "#cca700",
  "charts-orange": "#d18616",
  "charts-green": "#89d185",
  "charts-purple": "#b180d7",
  "terminal-ansiCyan": "#11a8cd",
  "editor-selectionBackground": "#264f78",
  "editor-findMatchHighlightBackground": "rgba(234, 92, 0, 0.33)",
  "diffEditor-insertedTextBackground": "rgba(156, 204, 44, 0.2)",
  "editorLineNumber-foreground": "#6e7681",
  "editorCursor-foreground": "#aeafad",
  "scrollbarSlider-background": "rgba(121, 121, 121, 0.4)",
  "scrollbarSlider-hoverBackground": "rgba(100, 100, 100, 0.7)",
  "scrollbarSlider-activeBackground": "rgba(191, 191, 191, 0.4)",
  "disabledForeground": "rgba(204, 204, 204, 0.5)",
};

const light: Record<string, string> = {
  ...dark,
  "charts-foreground": "#616161",
  "charts-lines": "rgba(97, 97, 97, 0.5)",
  "charts-red": "#e51400",
  "charts-blue": "#1a85ff",
  "charts-yellow": "#bf8803",
  "charts-green": "#388a34",
  "charts-purple": "#652d90",
  "terminal-ansiCyan": "#0598bc",
  "editor-selectionBackground": "#add6ff",
  "diffEditor-insertedTextBackground": "rgba(156, 204, 44, 0.25)",
  "editorLineNumber-foreground": "#6e7681",
  "editorCursor-foreground": "#000000",
  "scrollbarSlider-background": "rgba(100, 100, 100, 0.4)",
  "scrollbarSlider-hoverBackground": "rgba(100, 100, 100, 0.7)",
  "scrollbarSlider-activeBackground": "rgba(0, 0, 0, 0.6)",
  "disabledForeground": "rgba(97, 97, 97, 0.5)",
};

/** A stylesheet declaring the extra variables on `:root`. */
export function themeExtrasCss(theme: "light" | "dark"): string {
  const vars = theme === "dark" ? dark : light;
  return `:root {\n${Object.entries(vars).map(([k, v]) => `  --vscode-${k}: ${v};`).join("\n")}\n}\n`;
}
