// Type-aware lint for the TypeScript of every runtime (each file is checked with the tsconfig of its
// folder), with the folder rules of the house style: src/core imports nothing outside itself,
// only src/extension imports `vscode`, and the page (webview/ui) and its worker (webview/worker)
// import each other never.
import tseslint from "typescript-eslint";

const outsideCore = ["vscode", "node:*", "**/webview/**", "**/extension/**", "**/test/**"];
const inWebview = {
  group: ["vscode", "node:*", "**/src/extension/**"],
  message: "The page and its worker run in a webview: no VS Code, no Node.",
};

export default tseslint.config(
  { ignores: ["dist/**", "out/**", "bench/.tmp/**", "node_modules/**", "test/fixtures/**", "**/*.mjs", "**/*.cjs", "**/*.js"] },
  {
    files: ["**/*.ts"],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      // A switch without a default names every case; one with a default has said what the rest do.
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
      // `const { a: _a, ...rest } = value` leaves `a` out on purpose.
      "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true }],
      // A rejection passes on what it was given, an Error or whatever the other side threw.
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingUnknown: true }],
    },
  },
  // The bench page and its workers share a folder, so their two tsconfigs are named here.
  {
    files: ["bench/browser/*.ts"],
    languageOptions: {
      parserOptions: { projectService: false, project: ["bench/browser/tsconfig.json", "bench/browser/tsconfig.worker.json"] },
    },
  },
  {
    files: ["src/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: outsideCore, message: "src/core is pure: it imports nothing outside itself." }] },
      ],
    },
  },
  { files: ["webview/**/*.ts"], rules: { "no-restricted-imports": ["error", { patterns: [inWebview] }] } },
  // The page and its worker share only src/core: each side's code runs in the other's bundle
  // never. The page starts the worker from the worker bundle's text, which scripts/build.mjs
  // defines as `__WORKER_SOURCE__`, not by importing it, and they speak through protocol.ts.
  {
    files: ["webview/ui/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            inWebview,
            {
              group: ["**/worker", "**/worker/**"],
              message: "The page may not import worker code: it talks to the worker by messages (src/core/protocol.ts).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["webview/worker/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            inWebview,
            {
              group: ["**/ui", "**/ui/**"],
              message: "The worker may not import page code: it answers the page by messages (src/core/protocol.ts).",
            },
          ],
        },
      ],
    },
  },
);
