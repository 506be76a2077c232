/** Types for tools.mjs, for the TypeScript that imports it (its tests, the desktop test runner). */
import type { Env } from "./cleanEnv.mjs";

export declare const codeServerVersion: string;
export declare const node24Spec: string;
export declare const aptPackages: string[];
export declare function toolsDir(): string;
export declare function chromiumPath(): string;
export declare function node24Home(): string;
export declare function node24BinDir(): string;
export declare function codeServerBin(): string;
export declare function codeServerEnv(extra?: Env): Record<string, string>;
export declare function ensureAptPackages(): Promise<string>;
export declare function npmInstall(
  dir: string,
  spec: string,
  logFile: string,
  options?: { env?: Env; allowScripts?: Record<string, boolean> },
): Promise<void>;
export declare function ensureNode24(): Promise<string>;
export declare function ensureCodeServer(): Promise<string>;
export declare function ensureNodeModules(projectDir: string): void;
export declare function ensureTools(): Promise<{ toolsDir: string; chromium: string; node24Bin: string; codeServer: string }>;
