/** Nx hands a repeated flag over as an array and a single one as a string; accept both, and comma lists. */
export function asList(value: string | string[] | undefined, splitCommas = false): string[] {
  const items = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return splitCommas ? items.flatMap((item) => item.split(',')).map((item) => item.trim()).filter(Boolean) : items;
}
