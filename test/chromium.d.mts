/** Types for chromium.mjs. */
import type { Browser } from "playwright-core";

export declare function chromiumExecutable(): string;
export declare function launchChromium(options?: { executablePath?: string }): Promise<Browser>;
