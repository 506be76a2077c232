/** Types for cleanEnv.mjs, for the TypeScript that imports it (its tests, the desktop test runner). */

/** An environment: what `process.env` holds and `child_process.spawn` takes. */
export type Env = Record<string, string | undefined>;

export declare function isNpmInjected(name: string): boolean;
export declare function isNpmPathEntry(entry: string): boolean;
export declare function cleanEnv(env?: Env, extra?: Env): Record<string, string>;
