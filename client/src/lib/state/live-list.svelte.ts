// LiveList: a keyed list that never moves under the analyst (UX.md §1).
//
//   const alerts = new LiveList<Alert>({ key: (a) => String(a.id) });
//   alerts.reset(firstPage)          // a fresh load (filters changed): replaces everything
//   alerts.append(nextPage)          // "load more": adds at the end, skipping keys already shown
//   alerts.upsert(alert)             // a live push: updates a visible row in place, or buffers a new one
//   alerts.remove(key)               // a live removal (e.g. no longer matches the filters)
//   alerts.setView({ atTop, hasSelection, previewOpen })   // the screen says where the user is
//   alerts.pending.length / alerts.reveal()                // the "N nouvelles — afficher" bar
//
// New items are applied by themselves only when the user is at the top of the
// list with nothing selected and no preview open; otherwise they wait in
// `pending` until `reveal()`. Becoming idle does not flush the buffer on its own
// (the bar stays until the user asks, so nothing jumps), but the next new item
// that arrives while idle flushes the buffer with it, keeping the order.
export interface LiveListOptions<T> {
  key: (item: T) => string;
  /** Where new items go: 'start' (newest first, default) or 'end'. */
  insert?: 'start' | 'end';
  /** Upper bound of the buffer; the oldest pending items are dropped beyond it (they remain on the server). */
  maxPending?: number;
}

export interface LiveView {
  atTop: boolean;
  hasSelection: boolean;
  previewOpen: boolean;
}

export class LiveList<T> {
  items = $state.raw<T[]>([]);
  pending = $state.raw<T[]>([]);
  atTop = $state(true);
  hasSelection = $state(false);
  previewOpen = $state(false);
  /** True when a new item would be shown at once rather than buffered. */
  readonly idle = $derived(this.atTop && !this.hasSelection && !this.previewOpen);

  readonly #key: (item: T) => string;
  readonly #insert: 'start' | 'end';
  readonly #maxPending: number;

  constructor(options: LiveListOptions<T>) {
    this.#key = options.key;
    this.#insert = options.insert ?? 'start';
    this.#maxPending = options.maxPending ?? 1000;
  }

  keyOf(item: T): string {
    return this.#key(item);
  }

  setView(view: Partial<LiveView>): void {
    if (view.atTop !== undefined) this.atTop = view.atTop;
    if (view.hasSelection !== undefined) this.hasSelection = view.hasSelection;
    if (view.previewOpen !== undefined) this.previewOpen = view.previewOpen;
  }

  /** Replaces the visible items (a fresh first page); drops the buffer. */
  reset(items: readonly T[]): void {
    this.items = dedupe(items, this.#key);
    this.pending = [];
  }

  /** Adds a page at the end, skipping items already visible (a row may have moved between pages). */
  append(items: readonly T[]): void {
    const seen = new Set(this.items.map(this.#key));
    const fresh = items.filter((item) => {
      const k = this.#key(item);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    if (fresh.length) this.items = [...this.items, ...fresh];
    // A buffered item that a page now shows is no longer "new".
    if (this.pending.length) this.pending = this.pending.filter((p) => !seen.has(this.#key(p)));
  }

  /**
   * A live item. Visible → replaced in place (same position). Already buffered →
   * the buffered copy is refreshed. New → shown at once when idle, else buffered.
   * Returns what happened, for the caller's announcements or tests.
   */
  upsert(item: T): 'updated' | 'inserted' | 'buffered' {
    const k = this.#key(item);
    const at = this.items.findIndex((i) => this.#key(i) === k);
    if (at >= 0) {
      const next = this.items.slice();
      next[at] = item;
      this.items = next;
      return 'updated';
    }
    const pendingAt = this.pending.findIndex((i) => this.#key(i) === k);
    if (pendingAt >= 0) {
      const next = this.pending.slice();
      next[pendingAt] = item;
      this.pending = next;
      return 'buffered';
    }
    if (this.idle) {
      this.#apply([...this.pending, item]);
      return 'inserted';
    }
    const next = [...this.pending, item];
    this.pending = next.length > this.#maxPending ? next.slice(next.length - this.#maxPending) : next;
    return 'buffered';
  }

  /** Removes an item wherever it is (visible or buffered). */
  remove(key: string): boolean {
    const before = this.items.length + this.pending.length;
    this.items = this.items.filter((i) => this.#key(i) !== key);
    this.pending = this.pending.filter((i) => this.#key(i) !== key);
    return this.items.length + this.pending.length !== before;
  }

  /** Shows the buffered items (the bar's "afficher"). */
  reveal(): number {
    const count = this.pending.length;
    if (count) this.#apply(this.pending);
    return count;
  }

  get(key: string): T | undefined {
    return this.items.find((i) => this.#key(i) === key);
  }

  /** Buffered items arrive oldest first; at the start, the newest ends up on top. */
  #apply(arrived: readonly T[]): void {
    this.pending = [];
    if (!arrived.length) return;
    const incoming = dedupe(arrived, this.#key);
    const keys = new Set(incoming.map(this.#key));
    const rest = this.items.filter((i) => !keys.has(this.#key(i)));
    this.items = this.#insert === 'start' ? [...incoming.reverse(), ...rest] : [...rest, ...incoming];
  }
}

/** Keeps the last copy of each key, at the position of its first occurrence. */
function dedupe<T>(items: readonly T[], key: (item: T) => string): T[] {
  const index = new Map<string, number>();
  const out: T[] = [];
  for (const item of items) {
    const k = key(item);
    const at = index.get(k);
    if (at === undefined) {
      index.set(k, out.length);
      out.push(item);
    } else out[at] = item;
  }
  return out;
}
