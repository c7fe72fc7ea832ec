// The alert queue: a live list fed by pages from the API and by pushes, and
// the alert open in the preview.
import type { AlertDetail, AlertItem, AlertPage } from '../../../../server/wire/alerts.ts';
import { api } from '../api.ts';
import { CursorPager } from './cursor-pager.svelte.ts';
import { LiveList } from './live-list.svelte.ts';

// The shapes are the server's own (its presenters are annotated with them): one definition, no drift.
export type { AlertDetail, AlertDetails, AlertItem, EvidenceEvent } from '../../../../server/wire/alerts.ts';

class AlertsState {
  readonly list = new LiveList<AlertItem>({ key: (a) => String(a.id) });
  readonly pager = new CursorPager<AlertItem>({
    list: this.list,
    load: ({ cursor, signal }) => api.get<AlertPage>('/alerts', { query: { ...this.query, cursor }, signal }),
  });
  /** The API query (the URL's filters). */
  query = $state<Record<string, string>>({});
  detail = $state<AlertDetail | null>(null);
  detailError = $state<unknown>(null);
  #detailRequest = 0;

  /** New filters: back to the first page (unchanged filters: nothing). */
  setQuery(query: Record<string, string>): void {
    if (JSON.stringify(query) === JSON.stringify(this.query) && !this.pager.initial) return;
    this.query = query;
    void this.pager.reload();
  }

  /** Would the server list this alert under the current filters? (pushes are not filtered server-side) */
  matches(a: AlertItem): boolean {
    const q = this.query;
    const inList = (param: string, value: string | null) => !q[param] || q[param]!.split(',').includes(value ?? '');
    if (!inList('rule', a.rule) || !inList('severity', a.severity) || !inList('status', a.status)) return false;
    if (q.user && a.userId !== q.user) return false;
    if (q['not.rule']?.split(',').includes(a.rule)) return false;
    if (q['not.user'] && a.userId === q['not.user']) return false;
    if (q.from && a.lastSeenAt < Date.parse(q.from)) return false;
    if (q.to && a.firstSeenAt > Date.parse(q.to)) return false;
    return true;
  }

  /** A pushed alert: updated in place if shown, else new (shown at once or behind the bar). */
  push(a: AlertItem): void {
    if (this.list.get(String(a.id)) || this.matches(a)) this.list.upsert(a);
    if (this.detail?.id === a.id) void this.open(a.id);
  }

  async open(id: number): Promise<void> {
    const request = ++this.#detailRequest;
    this.detailError = null;
    if (this.detail?.id !== id) this.detail = null;
    try {
      const d = await api.get<AlertDetail>(`/alerts/${id}`);
      if (request === this.#detailRequest) this.detail = d;
    } catch (error) {
      if (request === this.#detailRequest) this.detailError = error;
    }
  }

  close(): void {
    this.#detailRequest++;
    this.detail = null;
  }
}

export const alerts = new AlertsState();
