// A staff member's own reports: filing one, and the list with each one's status.
import type { ReportCategory } from '../../../../server/wire/enums.ts';
import type { MyReport, MyReportsPage } from '../../../../server/wire/reports.ts';
import { api } from '../api.ts';

export type { MyReport, ReportCategory };
/** The categories in the order the form offers them: the server's own list. */
export { REPORT_CATEGORIES } from '../../../../server/wire/enums.ts';

export interface NewReport {
  summary: string;
  description: string;
  occurredAt?: string;
  category?: ReportCategory;
  patientsConcerned?: string;
  urgent: boolean;
}

class ReportsState {
  items = $state.raw<MyReport[]>([]);
  nextCursor = $state<string | null>(null);
  loading = $state(false);
  loaded = $state(false);
  error = $state<unknown>(null);
  #request = 0;

  /** The first page again (after filing, or when the user comes back to the page). */
  async load(): Promise<void> {
    const request = ++this.#request;
    this.loading = true;
    try {
      const page = await api.get<MyReportsPage>('/reports/mine');
      if (request !== this.#request) return;
      this.items = page.items;
      this.nextCursor = page.nextCursor;
      this.error = null;
      this.loaded = true;
    } catch (error) {
      if (request === this.#request) this.error = error;
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }

  async more(): Promise<void> {
    if (!this.nextCursor || this.loading) return;
    const request = ++this.#request;
    this.loading = true;
    try {
      const page = await api.get<MyReportsPage>('/reports/mine', { query: { cursor: this.nextCursor } });
      if (request !== this.#request) return;
      const seen = new Set(this.items.map((r) => r.id));
      this.items = [...this.items, ...page.items.filter((r) => !seen.has(r.id))];
      this.nextCursor = page.nextCursor;
      this.error = null;
    } catch (error) {
      if (request === this.#request) this.error = error;
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }

  /** Files a report; it heads the list at once. */
  async file(input: NewReport): Promise<MyReport> {
    const filed = await api.post<MyReport>('/reports', input);
    this.items = [filed, ...this.items.filter((r) => r.id !== filed.id)];
    return filed;
  }
}

export const reports = new ReportsState();
