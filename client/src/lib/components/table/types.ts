// Types shared by DataTable and the screens that use it.
import type { Snippet } from 'svelte';
import type { MessageKey } from '../../i18n/catalog.ts';

export type FilterMode = 'include' | 'exclude';

export interface DataColumn<T> {
  /** Stable id: the key of the saved width/order/visibility and of the sort state. */
  id: string;
  /** Message key of the header text. */
  header: MessageKey;
  /** Renders the cell; without it the cell shows `value(row)` as text. */
  cell?: Snippet<[T]>;
  /** The cell's plain value: default text, and the value offered by "filtrer sur / exclure". */
  value?: (row: T) => string | number | null | undefined;
  /** Width in px (default 160), and its bounds when resizing. */
  size?: number;
  minSize?: number;
  maxSize?: number;
  /** The server can sort on this column. */
  sortable?: boolean;
  /** The user may hide it (default true). */
  hideable?: boolean;
  /** Hidden until the user shows it. */
  hidden?: boolean;
  align?: 'start' | 'end';
  /**
   * Offers "filtrer sur / exclure" for this column's values: called with the row and the mode.
   * `filterLabel` is the text shown in the menu (default: `value(row)`).
   */
  filter?: (row: T, mode: FilterMode) => void;
  filterLabel?: (row: T) => string;
}

export interface SortState {
  id: string;
  desc: boolean;
}

/** What the table's footer needs from a pager (CursorPager implements it). */
export interface TablePaging {
  readonly status: 'idle' | 'loading' | 'error' | 'end';
  readonly error: unknown;
  readonly total: number | null;
  /** True until the first page of the current query has arrived. */
  readonly initial: boolean;
  more(): unknown;
  retry(): unknown;
}

export interface BulkContext {
  /** Keys of the selected rows (loaded ones). */
  keys: string[];
  /** The user chose "sélectionner les N résultats": act on the whole query, not just `keys`. */
  allResults: boolean;
  /** Clears the selection (call after the action succeeded). */
  clear: () => void;
}
