/**
 * How counts and sizes read in the sentences the explorer shows: `1 byte`, `2 pages`, `1,234`,
 * `1.5 KiB`. One wording everywhere, so the page, the worker's warnings and the core's messages agree.
 * It formats numbers for people only; values meant to be copied are formatted where they are shown.
 */

/** The noun alone for a count of `n`: `byte` for 1, `bytes` otherwise (`many` for irregular plurals). */
export function pluralNoun(n: number, one: string, many: string = one + "s"): string {
  return n === 1 ? one : many;
}

/** `1 byte`, `2 bytes`: counts in sentences. */
export function plural(n: number, one: string, many: string = one + "s"): string {
  return `${n} ${pluralNoun(n, one, many)}`;
}

/** `1234567` → `1,234,567`, without Intl, whose first use costs milliseconds. */
export function groupThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * A byte count in binary units. `rounded` is for a glance (`512 B`, `1.5 KiB`, `12 KiB`: one
 * decimal below 10, none above); `exact` is exact when the count is a whole number of its unit
 * (`100 bytes`, `64 KiB`, `4 GiB`, otherwise `1.5 MiB`), as sizes of memory usually are.
 */
export function byteSizeText(n: number, style: "rounded" | "exact" = "rounded"): string {
  const units = [style === "rounded" ? "B" : "bytes", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (style === "exact") return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
  return unit === 0 ? `${n} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
