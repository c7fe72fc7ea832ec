import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { createRawSnippet, flushSync, tick } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DataColumn, SortState } from '../../client/src/lib/components/table/types.ts';
import { CursorPager, type Page, type PageRequest } from '../../client/src/lib/state/cursor-pager.svelte.ts';
import { LiveList } from '../../client/src/lib/state/live-list.svelte.ts';
import TableHarness from './harness/TableHarness.svelte';

interface Alert {
  id: number;
  title: string;
  user: string;
  score: number;
}

const alerts = (n: number, from = 1): Alert[] =>
  Array.from({ length: n }, (_, i) => ({
    id: from + i,
    title: `Alerte ${from + i}`,
    user: `user${(from + i) % 3}`,
    score: (from + i) * 10,
  }));

function columns(filter?: DataColumn<Alert>['filter']): DataColumn<Alert>[] {
  return [
    {
      id: 'title',
      header: 'nav.alerts',
      sortable: true,
      cell: createRawSnippet((row: () => Alert) => ({
        render: () => `<strong data-testid="title-${row().id}"></strong>`,
        setup: (el) => {
          $effect(() => {
            el.textContent = row().title;
          });
        },
      })),
      hideable: false,
    },
    { id: 'user', header: 'nav.account', value: (a) => a.user, filter },
    { id: 'score', header: 'severity.high', value: (a) => a.score, align: 'end' },
  ];
}

function newState(rows: Alert[]) {
  const state = $state({
    rows,
    current: null as string | null,
    selected: [] as string[],
    allResults: false,
    atTop: true,
    sort: null as SortState | null,
  });
  return state;
}

const key = (a: Alert) => String(a.id);
const rowOf = (id: number) => document.querySelector<HTMLElement>(`tr[data-key="${id}"]`)!;

beforeEach(() => localStorage.clear());
afterEach(() => cleanup());

describe('DataTable', () => {
  it('renders translated headers, snippet and text cells, one row per item', () => {
    const state = newState(alerts(3));
    render(TableHarness, { state, columns: columns(), rowKey: key });
    const grid = screen.getByRole('grid', { name: 'Test' });
    const headers = within(grid)
      .getAllByRole('columnheader')
      .map((h) => h.textContent?.trim());
    expect(headers).toEqual(['Alertes', 'Mon compte', 'Élevée']);
    expect(within(grid).getAllByRole('row')).toHaveLength(4);
    expect(screen.getByTestId('title-2').textContent).toBe('Alerte 2');
    expect(rowOf(3).textContent).toContain('user0');
    expect(rowOf(3).querySelector('td.end')?.textContent?.trim()).toBe('30');
  });

  it('moves with j/k and the arrows, opens with Enter, and mirrors the current row', async () => {
    const state = newState(alerts(5));
    const onOpen = vi.fn();
    render(TableHarness, { state, columns: columns(), rowKey: key, onOpen });
    expect(rowOf(1).tabIndex).toBe(0); // one tab stop: the first row until one is current
    expect(rowOf(2).tabIndex).toBe(-1);
    rowOf(1).focus();
    expect(state.current).toBe('1');
    await fireEvent.keyDown(rowOf(1), { key: 'j' });
    await tick();
    expect(state.current).toBe('2');
    expect(document.activeElement).toBe(rowOf(2));
    expect(rowOf(2).getAttribute('aria-current')).toBe('true');
    await fireEvent.keyDown(rowOf(2), { key: 'ArrowDown' });
    await tick();
    expect(document.activeElement).toBe(rowOf(3));
    await fireEvent.keyDown(rowOf(3), { key: 'k' });
    await tick();
    expect(document.activeElement).toBe(rowOf(2));
    await fireEvent.keyDown(rowOf(2), { key: 'End' });
    await tick();
    expect(state.current).toBe('5');
    await fireEvent.keyDown(rowOf(5), { key: 'ArrowDown' }); // stays on the last row
    await tick();
    expect(state.current).toBe('5');
    await fireEvent.keyDown(rowOf(5), { key: 'Enter' });
    expect(onOpen).toHaveBeenCalledWith(expect.objectContaining({ id: 5 }));
  });

  it('keeps selection, focus and the current row when rows update in place by key', async () => {
    const state = newState(alerts(4));
    render(TableHarness, { state, columns: columns(), rowKey: key, selectable: true });
    rowOf(2).focus();
    await fireEvent.keyDown(rowOf(2), { key: ' ' });
    await fireEvent.keyDown(rowOf(2), { key: 'ArrowDown', shiftKey: true });
    await tick();
    expect(state.selected.sort()).toEqual(['2', '3']);
    expect(screen.getByTestId('selection-bar').textContent).toContain('2 sélectionné(s)');
    const focused = document.activeElement;
    expect(focused).toBe(rowOf(3));

    // A live update: new objects, same keys, one title changed, one row added at the end.
    state.rows = [
      ...alerts(4).map((a) => (a.id === 3 ? { ...a, title: 'Alerte 3 (mise à jour)' } : { ...a })),
      ...alerts(1, 5),
    ];
    flushSync();
    expect(screen.getByTestId('title-3').textContent).toBe('Alerte 3 (mise à jour)');
    expect(document.activeElement).toBe(focused); // same DOM node, still focused
    expect(state.current).toBe('3');
    expect(state.selected.sort()).toEqual(['2', '3']);
    expect(rowOf(2).getAttribute('aria-selected')).toBe('true');
    expect(rowOf(3).getAttribute('aria-selected')).toBe('true');
    expect(rowOf(5).getAttribute('aria-selected')).toBe('false');
  });

  it('offers "select all N results" when the server has more than the loaded rows', async () => {
    const state = newState([]);
    const list = new LiveList<Alert>({ key });
    const pager = new CursorPager<Alert>({
      list,
      load: async () => ({ items: alerts(3), nextCursor: 'c2', total: 120 }),
    });
    const { rerender } = render(TableHarness, {
      state,
      columns: columns(),
      rowKey: key,
      selectable: true,
      paging: pager,
    });
    await pager.reload();
    state.rows = list.items;
    await rerender({ state });
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Sélectionner toutes les lignes affichées' }));
    expect(state.selected).toEqual(['1', '2', '3']);
    await fireEvent.click(screen.getByRole('button', { name: 'Sélectionner les 120 résultats' }));
    expect(state.allResults).toBe(true);
    expect(screen.getByTestId('selection-bar').textContent).toContain('Les 120 résultats sont sélectionnés');
    await fireEvent.click(screen.getByRole('button', { name: 'Tout désélectionner' }));
    expect(state.selected).toEqual([]);
    expect(state.allResults).toBe(false);

    // New filters: the pager restarts and "all 120 results" must not carry over to another query.
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Sélectionner toutes les lignes affichées' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Sélectionner les 120 résultats' }));
    const reloading = pager.reload();
    await tick();
    expect(state.selected).toEqual([]);
    expect(state.allResults).toBe(false);
    await reloading;
  });

  it('drops rows that leave the list from the selection', async () => {
    const state = newState(alerts(3));
    render(TableHarness, { state, columns: columns(), rowKey: key, selectable: true });
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Sélectionner toutes les lignes affichées' }));
    state.rows = alerts(3).filter((a) => a.id !== 2);
    await tick();
    expect(state.selected.sort()).toEqual(['1', '3']);
    expect(screen.getByTestId('selection-bar').textContent).toContain('2 sélectionné(s)');
  });

  it('reports server-side sort and shows it with aria-sort', async () => {
    const state = newState(alerts(2));
    const onSort = vi.fn((s: SortState | null) => (state.sort = s));
    render(TableHarness, { state, columns: columns(), rowKey: key, onSort });
    const header = screen.getAllByRole('columnheader')[0]!;
    expect(header.getAttribute('aria-sort')).toBe('none');
    await fireEvent.click(within(header).getByRole('button'));
    expect(onSort).toHaveBeenLastCalledWith({ id: 'title', desc: false });
    await tick();
    expect(header.getAttribute('aria-sort')).toBe('ascending');
    await fireEvent.click(within(header).getByRole('button'));
    expect(onSort).toHaveBeenLastCalledWith({ id: 'title', desc: true });
    // Non-sortable columns have no sort button.
    expect(within(screen.getAllByRole('columnheader')[1]!).queryByRole('button')).toBeNull();
  });

  it('load more calls the loader with the cursor; a superseded request is aborted and ignored', async () => {
    const calls: PageRequest[] = [];
    const resolvers: ((page: Page<Alert>) => void)[] = [];
    const load = vi.fn((req: PageRequest) => {
      calls.push(req);
      return new Promise<Page<Alert>>((resolve) => resolvers.push(resolve));
    });
    const list = new LiveList<Alert>({ key });
    const pager = new CursorPager<Alert>({ list, load });
    const state = newState([]);
    render(TableHarness, { state, columns: columns(), rowKey: key, paging: pager });
    const first = pager.reload();
    await tick();
    expect(screen.getByRole('status').textContent).toBe('Chargement…');
    resolvers[0]!({ items: alerts(3), nextCursor: 'after-3' });
    await first;
    state.rows = list.items;
    await tick();
    expect(screen.getAllByRole('row')).toHaveLength(4);

    await fireEvent.click(screen.getByRole('button', { name: 'Charger plus' }));
    expect(load).toHaveBeenCalledTimes(2);
    expect(calls[1]!.cursor).toBe('after-3');
    await tick();
    expect(screen.getByTestId('table-footer').textContent).toContain('Chargement…');
    void pager.more(); // ignored while loading
    expect(load).toHaveBeenCalledTimes(2);

    // Filters change while "load more" is in flight: it is cancelled.
    const again = pager.reload();
    expect(calls[1]!.signal.aborted).toBe(true);
    expect(calls[2]!.cursor).toBeNull();
    resolvers[1]!({ items: alerts(3, 4), nextCursor: 'stale' }); // the late answer is ignored
    resolvers[2]!({ items: alerts(2, 100), nextCursor: null });
    await again;
    state.rows = list.items;
    await tick();
    expect(list.items.map((a) => a.id)).toEqual([100, 101]);
    expect(screen.getByTestId('table-footer').textContent).toContain('Fin de la liste');
  });

  it('shows the error with the request id and retries', async () => {
    const { ApiError } = await import('../../client/src/lib/api.ts');
    let fail = true;
    const list = new LiveList<Alert>({ key });
    const pager = new CursorPager<Alert>({
      list,
      load: async () => {
        if (fail) throw new ApiError(500, 'internal', 'boom', 'req-42');
        return { items: alerts(1), nextCursor: null };
      },
    });
    const state = newState([]);
    render(TableHarness, { state, columns: columns(), rowKey: key, paging: pager });
    await pager.reload();
    await tick();
    const box = screen.getByTestId('table-error');
    expect(box.textContent).toContain('Le chargement a échoué.');
    expect(box.textContent).toContain('Référence : req-42');
    fail = false;
    await fireEvent.click(within(box).getByRole('button', { name: 'Réessayer' }));
    await vi.waitFor(() => expect(pager.status).toBe('end'));
    expect(list.items).toHaveLength(1);
  });

  it('shows the empty state once the first page is in', async () => {
    const list = new LiveList<Alert>({ key });
    const pager = new CursorPager<Alert>({ list, load: async () => ({ items: [], nextCursor: null }) });
    render(TableHarness, { state: newState([]), columns: columns(), rowKey: key, paging: pager });
    expect(screen.queryByTestId('table-empty')).toBeNull(); // not "empty" before the answer
    await pager.reload();
    await tick();
    expect(screen.getByTestId('table-empty').textContent).toBe('Aucun élément.');
  });

  it('remembers hidden columns per table id across mounts', async () => {
    const state = newState(alerts(2));
    const first = render(TableHarness, { state, columns: columns(), rowKey: key, id: 'alerts' });
    await fireEvent.click(screen.getByTestId('columns-alerts'));
    const toggle = await screen.findByRole('checkbox', { name: 'Mon compte' });
    await fireEvent.click(toggle);
    await tick();
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent?.trim())).toEqual(['Alertes', 'Élevée']);
    expect(JSON.parse(localStorage.getItem('vigie.table.alerts.columns')!).visibility).toEqual({ user: false });
    first.unmount();

    render(TableHarness, { state, columns: columns(), rowKey: key, id: 'alerts' });
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent?.trim())).toEqual(['Alertes', 'Élevée']);
    cleanup();
    render(TableHarness, { state, columns: columns(), rowKey: key, id: 'other' }); // another table: its own layout
    expect(screen.getAllByRole('columnheader')).toHaveLength(3);
  });

  it('offers "filtrer sur / exclure" from a cell', async () => {
    const filter = vi.fn();
    render(TableHarness, { state: newState(alerts(3)), columns: columns(filter), rowKey: key });
    const button = within(rowOf(2)).getByRole('button', { name: 'Filtrer sur cette valeur' });
    await fireEvent.click(button);
    const menu = await screen.findByTestId('row-filter-menu');
    const items = within(menu)
      .getAllByRole('menuitem')
      .map((i) => i.textContent?.trim());
    expect(items).toEqual(['Filtrer sur « user2 »', 'Exclure « user2 »']);
    await fireEvent.click(within(menu).getByRole('menuitem', { name: 'Exclure « user2 »' }));
    expect(filter).toHaveBeenCalledWith(expect.objectContaining({ id: 2 }), 'exclude');
  });
});
