/** Types for workedExample.mjs. */
import type { FrameLocator, Page } from "playwright-core";
import type { TaggedArg } from "../src/core/abi/tagged";

export declare const workedExampleArgs: TaggedArg[];
export declare const workedExampleRows: readonly (readonly [string, string])[];
export declare function enterTaggedRows(page: Page | FrameLocator, rows?: readonly (readonly [string, string])[]): Promise<void>;
