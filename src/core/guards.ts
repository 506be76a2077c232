/**
 * The small type guards every boundary check is built from: plain data as it arrives from another
 * side (a message, a saved state). They check shape only; what a value means is checked where it is used.
 */

/** Whether `value` is a plain object (not null, not an array) whose fields can be read. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether `value` is an array of strings. */
export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}
