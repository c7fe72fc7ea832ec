// CursorPager: server-side paging with an opaque cursor, feeding a LiveList.
//
//   const list = new LiveList<Alert>({ key: (a) => String(a.id) });
//   const pager = new CursorPager<Alert>({
//     list,
//     load: ({ cursor, signal }) => api.get('/alerts', { query: { ...filters, cursor }, signal }),
//   });
//   $effect(() => { void router.search; void pager.reload(); });   // filters/sort changed → first page
//   <DataTable rows={list.items} paging={pager} … />          // footer: load more / end / error
//
// `load` answers `{ items, nextCursor, total? }`; `nextCursor: null` means the end.
// A new `reload()` aborts the request in flight (its AbortSignal fires) and its
// late answer is ignored; `more()` does nothing while a request is running or at the end.
import type { LiveList } from './live-list.svelte.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  /** Total matching results, when the server knows it (for "sélectionner les N résultats"). */
  total?: number | null;
}

export interface PageRequest {
  cursor: string | null;
  signal: AbortSignal;
}

export type PagerStatus = 'idle' | 'loading' | 'error' | 'end';

export interface CursorPagerOptions<T> {
  list: LiveList<T>;
  load: (request: PageRequest) => Promise<Page<T>>;
}

export class CursorPager<T> {
  status = $state<PagerStatus>('idle');
  error = $state<unknown>(null);
  total = $state<number | null>(null);
  /** True until the first page of the current query has arrived. */
  initial = $state(true);

  readonly list: LiveList<T>;
  readonly #load: CursorPagerOptions<T>['load'];
  #cursor: string | null = null;
  #controller: AbortController | null = null;
  #generation = 0;

  constructor(options: CursorPagerOptions<T>) {
    this.list = options.list;
    this.#load = options.load;
  }

  /** Starts over from the first page (filters or sort changed), cancelling any request in flight. */
  reload(): Promise<void> {
    this.#cursor = null;
    this.initial = true;
    this.total = null;
    return this.#fetch(true);
  }

  /** Loads the next page; ignored while loading or at the end. After an error, retries. */
  more(): Promise<void> {
    if (this.status === 'loading' || this.status === 'end') return Promise.resolve();
    return this.#fetch(this.initial);
  }

  /** Retries whatever failed last (the first page or the next one). */
  retry(): Promise<void> {
    return this.#fetch(this.initial);
  }

  /** Cancels the request in flight (the screen is leaving). */
  abort(): void {
    this.#generation++;
    this.#controller?.abort();
    this.#controller = null;
    if (this.status === 'loading') this.status = 'idle';
  }

  async #fetch(first: boolean): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    const generation = ++this.#generation;
    this.status = 'loading';
    this.error = null;
    try {
      const page = await this.#load({ cursor: first ? null : this.#cursor, signal: controller.signal });
      if (generation !== this.#generation) return; // superseded
      if (first) this.list.reset(page.items);
      else this.list.append(page.items);
      this.#cursor = page.nextCursor;
      if (page.total !== undefined) this.total = page.total;
      this.initial = false;
      this.status = page.nextCursor === null ? 'end' : 'idle';
    } catch (error) {
      if (generation !== this.#generation) return;
      if ((error as Error)?.name === 'AbortError') return;
      this.error = error;
      this.status = 'error';
    } finally {
      if (this.#controller === controller) this.#controller = null;
    }
  }
}
