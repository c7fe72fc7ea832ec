// A table's column layout as runes: widths, order and visibility, restored from
// and saved to localStorage under the table id once the user changes something.
import { functionalUpdate, type Updater } from '@tanstack/svelte-table';
import { clearColumnPrefs, loadColumnPrefs, saveColumnPrefs } from './column-prefs.ts';

interface ColumnInfo {
  id: string;
  hidden?: boolean;
}

export class ColumnLayout {
  sizing = $state<Record<string, number>>({});
  #order = $state<string[]>([]);
  #visibility = $state<Record<string, boolean>>({});
  #touched = false;
  readonly #id: string;
  // Set by the constructor; the derived values below only read it lazily.
  #columns: () => readonly ColumnInfo[] = () => [];

  constructor(tableId: string, columns: () => readonly ColumnInfo[]) {
    this.#id = tableId;
    this.#columns = columns;
    const saved = loadColumnPrefs(tableId);
    this.sizing = saved.sizing;
    this.#order = saved.order;
    this.#visibility = saved.visibility;
    $effect(() => {
      const layout = {
        sizing: $state.snapshot(this.sizing),
        order: $state.snapshot(this.#order),
        visibility: $state.snapshot(this.#visibility),
      };
      if (this.#touched) saveColumnPrefs(this.#id, layout);
    });
  }

  /** Every column id in display order; columns added since the layout was saved go where the screen put them. */
  readonly order = $derived.by(() => {
    const defaults = this.#columns().map((c) => c.id);
    const known = this.#order.filter((c) => defaults.includes(c));
    for (const [i, c] of defaults.entries()) if (!known.includes(c)) known.splice(Math.min(i, known.length), 0, c);
    return known;
  });

  readonly visibility = $derived({
    ...Object.fromEntries(
      this.#columns()
        .filter((c) => c.hidden)
        .map((c) => [c.id, false]),
    ),
    ...this.#visibility,
  });

  setSizing = (u: Updater<Record<string, number>>) => {
    this.#touched = true;
    this.sizing = functionalUpdate(u, this.sizing);
  };
  setOrder = (u: Updater<string[]>) => {
    this.#touched = true;
    this.#order = functionalUpdate(u, this.order);
  };
  setVisibility = (u: Updater<Record<string, boolean>>) => {
    this.#touched = true;
    this.#visibility = functionalUpdate(u, this.visibility);
  };

  /** Back to the screen's defaults, forgotten from storage. */
  reset(): void {
    this.#touched = false;
    this.sizing = {};
    this.#order = [];
    this.#visibility = {};
    clearColumnPrefs(this.#id);
  }
}
