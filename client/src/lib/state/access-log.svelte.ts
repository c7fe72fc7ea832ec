// The access-log explorer's state: the rows (a LiveList fed by a CursorPager),
// the count of the current search, and the filters taken from the URL.
import { api } from '../api.ts';
import { CursorPager } from './cursor-pager.svelte.ts';
import { LiveList } from './live-list.svelte.ts';

export { ACCESS_ACTIONS, type AccessAction } from '../../../../server/ingest/ingest.tables.ts';
import type { AccessAction } from '../../../../server/ingest/ingest.tables.ts';
import type { AccessEventView } from '../../../../server/ingest/explorer.service.ts';

/** An access event as GET /access-events answers it (the patient id already masked). */
export type AccessEvent = Omit<AccessEventView, 'action' | 'outcome'> & { action: AccessAction; outcome: 'success' | 'failure' };

export interface EventCount {
  value: number;
  /** false: "more than `value`". */
  exact: boolean;
}

interface SearchAnswer {
  items: AccessEvent[];
  nextCursor: string | null;
  count?: EventCount;
}

/** The URL parameters that are the explorer's filters (sent to the API as they are). */
export const FILTER_PARAMS = ['user', 'patient', 'patientOf', 'action', 'outcome', 'application', 'department', 'from', 'to', 'not.user', 'not.action', 'not.application', 'not.department'] as const;

export function filtersOf(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of FILTER_PARAMS) {
    const v = params.get(p);
    if (v) out[p] = v;
  }
  return out;
}

class AccessLogState {
  readonly list = new LiveList<AccessEvent>({ key: (e) => String(e.id) });
  count = $state<EventCount | null>(null);
  filters = $state.raw<Record<string, string>>({});
  readonly pager = new CursorPager<AccessEvent>({
    list: this.list,
    load: async ({ cursor, signal }) => {
      const page = await api.get<SearchAnswer>('/access-events', { query: { ...this.filters, cursor, limit: 100 }, signal });
      if (page.count) this.count = page.count;
      return { items: page.items, nextCursor: page.nextCursor, ...(page.count ? { total: page.count.exact ? page.count.value : null } : {}) };
    },
  });
  #key = '';

  /** Searches again when the filters in the URL changed (not for other parameters, such as the open row). */
  load(params: URLSearchParams): void {
    const filters = filtersOf(params);
    const key = JSON.stringify(filters);
    if (key === this.#key) return;
    this.#key = key;
    this.filters = filters;
    this.count = null;
    void this.pager.reload();
  }

  /** The clear patient identifier of one event; the server records who asked and why. */
  async reveal(id: number, reason: string): Promise<string> {
    const r = await api.post<{ id: number; patient: string }>(`/access-events/${id}/reveal`, { reason });
    return r.patient;
  }

  leave(): void {
    this.pager.abort();
    this.#key = '';
  }
}

export const accessLog = new AccessLogState();
