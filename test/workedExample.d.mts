/** Types for workedExample.mjs. */
import type { FrameLocator, Page } from "playwright-core";

export declare const workedExampleRows: readonly (readonly [string, string])[];
export declare function enterTaggedRows(page: Page | FrameLocator, rows?: readonly (readonly [string, string])[]): Promise<void>;
