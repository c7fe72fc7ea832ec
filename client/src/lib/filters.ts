// List filters live in the URL (UX.md §2). Conventions shared by the filter
// components and "filtrer sur / exclure":
//   ?user=42        only rows whose user is 42
//   ?not.user=42    rows whose user is not 42 (an exclusion)
//   ?from=…&to=…    a period, ISO 8601 with the offset (PeriodFilter)
// A screen maps these to its API's query (often one to one: `apiQuery(router.query)`).
import type { FilterMode } from './components/table/types.ts';
import { router } from './router.svelte.ts';

export const EXCLUDE_PREFIX = 'not.';

export function excludeParam(param: string): string {
  return EXCLUDE_PREFIX + param;
}

/** Sets "only this value" or "not this value" for `param`; the opposite one is removed. */
export function applyFilter(param: string, value: string, mode: FilterMode): void {
  router.setQuery(
    mode === 'include'
      ? { [param]: value, [excludeParam(param)]: null }
      : { [excludeParam(param)]: value, [param]: null },
  );
}

/**
 * A DataColumn `filter` callback writing the URL:
 *   { id: 'user', …, filter: cellFilter('user', (a) => a.userId), filterLabel: (a) => a.userName }
 */
export function cellFilter<T>(
  param: string,
  valueOf: (row: T) => string | number | null | undefined,
): (row: T, mode: FilterMode) => void {
  return (row, mode) => {
    const v = valueOf(row);
    if (v !== null && v !== undefined && v !== '') applyFilter(param, String(v), mode);
  };
}

/** The query without UI-only parameters, as a plain object (for api.get's `query` or downloadUrl). */
export function queryObject(query: URLSearchParams, omit: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of query) if (!omit.includes(k) && v !== '') out[k] = v;
  return out;
}
