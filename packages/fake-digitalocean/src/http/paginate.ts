/**
 * DigitalOcean's list envelope: the page of items under `key`, `links.pages` (first/prev/next/last,
 * only those that exist) and `meta.total`. `per_page` defaults to 20 (at most 200), `page` to 1.
 */
export function paginate<T>(
  key: string,
  items: T[],
  query: URLSearchParams,
  pageUrl: (page: number, perPage: number) => string,
): Record<string, unknown> {
  const perPage = clamp(Number(query.get('per_page') ?? 20), 1, 200, 20);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const page = clamp(Number(query.get('page') ?? 1), 1, Number.MAX_SAFE_INTEGER, 1);
  const pages: Record<string, string> = {};
  if (page > 1) {
    pages.first = pageUrl(1, perPage);
    pages.prev = pageUrl(Math.min(page - 1, lastPage), perPage);
  }
  if (page < lastPage) {
    pages.next = pageUrl(page + 1, perPage);
    pages.last = pageUrl(lastPage, perPage);
  }
  return {
    [key]: items.slice((page - 1) * perPage, page * perPage),
    links: Object.keys(pages).length > 0 ? { pages } : {},
    meta: { total: items.length },
  };
}

/** The URL of another page of the same list: same query, other `page` and `per_page`. */
export function pageUrlFor(baseUrl: string, pathname: string, query: URLSearchParams) {
  return (page: number, perPage: number): string => {
    const q = new URLSearchParams(query);
    q.set('page', String(page));
    q.set('per_page', String(perPage));
    return `${baseUrl}${pathname}?${q.toString()}`;
  };
}

function clamp(value: number, min: number, max: number, fallback: number): number {
  if (!Number.isInteger(value)) return fallback;
  return Math.min(max, Math.max(min, value));
}
