// The access-log explorer's state: the rows (a LiveList fed by a CursorPager),
// the count of the current search, and the filters taken from the URL.
import type {
  AccessEventView as AccessEvent,
  AccessEventPage,
  EventCount,
  RevealedEventPatient,
} from '../../../../server/wire/access-log.ts';
import { api } from '../api.ts';
import { CursorPager } from './cursor-pager.svelte.ts';
import { LiveList } from './live-list.svelte.ts';

// The shapes and the actions are the server's own: one definition, no drift.
export { ACCESS_ACTIONS, type AccessAction } from '../../../../server/wire/enums.ts';
/** An access event as GET /access-events answers it (the patient id already masked). */
export type { AccessEventView as AccessEvent, EventCount } from '../../../../server/wire/access-log.ts';

/** The URL parameters that are the explorer's filters (sent to the API as they are). */
export const FILTER_PARAMS = [
  'user',
  'patient',
  'patientOf',
  'action',
  'outcome',
  'application',
  'department',
  'from',
  'to',
  'not.user',
  'not.action',
  'not.application',
  'not.department',
] as const;

export function filtersOf(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of FILTER_PARAMS) {
    const v = params.get(p);
    if (v) out[p] = v;
  }
  return out;
}

/** The server's shortest reason for a search by patient identifier (explorer.schemas.ts). */
export const REASON_MIN = 10;

/**
 * The query of one page. A clear patient identifier ties itself to the masked
 * rows it finds — a reveal: the first page carries the reason (the server
 * audits and counts it); the next pages pivot on a row found (`patientOf`),
 * which names no clear identifier, so paging costs no search.
 */
export function pageQuery(
  filters: Record<string, string>,
  reason: string | null,
  pivot: number | null,
): Record<string, string> {
  if (!filters.patient) return filters;
  const { patient, ...rest } = filters;
  if (pivot !== null) return { ...rest, patientOf: String(pivot) };
  return { ...rest, patient, ...(reason ? { reason } : {}) };
}

class AccessLogState {
  readonly list = new LiveList<AccessEvent>({ key: (e) => String(e.id) });
  count = $state<EventCount | null>(null);
  filters = $state.raw<Record<string, string>>({});
  /** The reason given for the current search by patient identifier (kept in memory only, never in the URL). */
  reason = $state<string | null>(null);
  /** A search by patient identifier waits for its reason. */
  readonly needsReason = $derived(Boolean(this.filters.patient) && !this.reason);
  #pivot: number | null = null;
  readonly pager = new CursorPager<AccessEvent>({
    list: this.list,
    load: async ({ cursor, signal }) => {
      const first = cursor === null;
      if (first) this.#pivot = null;
      const query = pageQuery(this.filters, this.reason, this.#pivot);
      const page = await api.get<AccessEventPage>('/access-events', {
        query: { ...query, cursor, limit: 100 },
        signal,
      });
      if (first && this.filters.patient && page.items[0]) this.#pivot = page.items[0].id;
      if (page.count) this.count = page.count;
      return {
        items: page.items,
        nextCursor: page.nextCursor,
        ...(page.count ? { total: page.count.exact ? page.count.value : null } : {}),
      };
    },
  });
  #key = '';

  /** Searches again when the filters in the URL changed (not for other parameters, such as the open row). */
  load(params: URLSearchParams): void {
    const filters = filtersOf(params);
    const key = JSON.stringify(filters);
    if (key === this.#key) return;
    this.#key = key;
    // A reason is given for one search: a new patient, or other filters, ask again.
    this.reason = null;
    this.filters = filters;
    this.count = null;
    if (this.needsReason) {
      this.pager.abort();
      this.list.reset([]);
      return;
    }
    void this.pager.reload();
  }

  /** Runs the pending search by patient identifier with its reason (the server audits it). */
  searchWithReason(reason: string): Promise<void> {
    this.reason = reason.trim();
    return this.pager.reload();
  }

  /** The CSV export's query: the search as the first page asks it (with its reason, for a patient). */
  exportQuery(): Record<string, string> {
    return pageQuery(this.filters, this.reason, null);
  }

  /** The clear patient identifier of one event; the server records who asked and why. */
  async reveal(id: number, reason: string): Promise<string> {
    const r = await api.post<RevealedEventPatient>(`/access-events/${id}/reveal`, { reason });
    return r.patient;
  }

  leave(): void {
    this.pager.abort();
    this.#key = '';
  }
}

export const accessLog = new AccessLogState();
