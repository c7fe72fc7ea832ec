import { describe, expect, it, vi } from 'vitest';
import {
  columnPrefsKey,
  loadColumnPrefs,
  moveColumn,
  saveColumnPrefs,
} from '../../client/src/lib/components/table/column-prefs.ts';
import { keyRange, tableKeyAction } from '../../client/src/lib/components/table/keys.ts';
import { CursorPager } from '../../client/src/lib/state/cursor-pager.svelte.ts';
import { LiveList } from '../../client/src/lib/state/live-list.svelte.ts';

const ev = (key: string, mods: Partial<Record<'shiftKey' | 'ctrlKey' | 'metaKey' | 'altKey', boolean>> = {}) => ({
  key,
  shiftKey: false,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('table keys', () => {
  it('maps j/k and arrows to moves, Shift to a range, and obeys the single-key switch for letters only', () => {
    expect(tableKeyAction(ev('j'), true)).toEqual({ type: 'move', delta: 1, extend: false });
    expect(tableKeyAction(ev('K', { shiftKey: true }), true)).toEqual({ type: 'move', delta: -1, extend: true });
    expect(tableKeyAction(ev('j'), false)).toBeNull();
    expect(tableKeyAction(ev('ArrowDown'), false)).toEqual({ type: 'move', delta: 1, extend: false });
    expect(tableKeyAction(ev('ArrowUp', { shiftKey: true }), false)).toEqual({ type: 'move', delta: -1, extend: true });
    expect(tableKeyAction(ev('PageDown'), true)).toEqual({ type: 'move', delta: 10, extend: false });
    expect(tableKeyAction(ev('End'), true)).toEqual({ type: 'edge', to: 'last', extend: false });
    expect(tableKeyAction(ev('Home', { ctrlKey: true }), true)).toEqual({ type: 'edge', to: 'first', extend: false });
    expect(tableKeyAction(ev('Enter'), true)).toEqual({ type: 'open' });
    expect(tableKeyAction(ev(' '), true)).toEqual({ type: 'toggle' });
    expect(tableKeyAction(ev('F10', { shiftKey: true }), true)).toEqual({ type: 'menu' });
    expect(tableKeyAction(ev('F10'), true)).toBeNull();
    expect(tableKeyAction(ev('j', { ctrlKey: true }), true)).toBeNull(); // browser/OS shortcuts pass through
    expect(tableKeyAction(ev('a'), true)).toBeNull(); // screen shortcuts pass through
  });

  it('computes selection ranges in display order, either direction', () => {
    const order = ['a', 'b', 'c', 'd'];
    expect(keyRange(order, 'b', 'd')).toEqual(['b', 'c', 'd']);
    expect(keyRange(order, 'd', 'b')).toEqual(['b', 'c', 'd']);
    expect(keyRange(order, null, 'c')).toEqual(['c']);
    expect(keyRange(order, 'gone', 'c')).toEqual(['c']);
    expect(keyRange(order, 'a', 'gone')).toEqual([]);
  });
});

describe('column layout storage', () => {
  it('round-trips and ignores hand-edited or broken values', () => {
    saveColumnPrefs('t1', { sizing: { a: 120 }, order: ['b', 'a'], visibility: { c: false } });
    expect(loadColumnPrefs('t1')).toEqual({ sizing: { a: 120 }, order: ['b', 'a'], visibility: { c: false } });
    localStorage.setItem(
      columnPrefsKey('t2'),
      JSON.stringify({ sizing: { a: -3, b: 'x', c: 90 }, order: 'nope', visibility: { d: 'no', e: true } }),
    );
    expect(loadColumnPrefs('t2')).toEqual({ sizing: { c: 90 }, order: [], visibility: { e: true } });
    localStorage.setItem(columnPrefsKey('t3'), '{not json');
    expect(loadColumnPrefs('t3')).toEqual({ sizing: {}, order: [], visibility: {} });
  });

  it('moves a column one step, not past the ends', () => {
    expect(moveColumn(['a', 'b', 'c'], 'b', -1)).toEqual(['b', 'a', 'c']);
    expect(moveColumn(['a', 'b', 'c'], 'c', 1)).toEqual(['a', 'b', 'c']);
    expect(moveColumn(['a', 'b', 'c'], 'x', 1)).toEqual(['a', 'b', 'c']);
  });
});

describe('CursorPager', () => {
  const key = (n: { id: number }) => String(n.id);
  it('walks the cursor to the end, then stops asking', async () => {
    const load = vi.fn(async ({ cursor }: { cursor: string | null }) => {
      const from = cursor ? Number(cursor) : 0;
      return { items: [{ id: from }, { id: from + 1 }], nextCursor: from < 2 ? String(from + 2) : null, total: 4 };
    });
    const pager = new CursorPager({ list: new LiveList({ key }), load });
    await pager.reload();
    expect(pager.status).toBe('idle');
    expect(pager.total).toBe(4);
    await pager.more();
    expect(pager.status).toBe('end');
    await pager.more();
    expect(load).toHaveBeenCalledTimes(2);
    expect(pager.list.items.map((i) => i.id)).toEqual([0, 1, 2, 3]);
  });

  it('keeps the loaded rows when the next page fails, and retries that page', async () => {
    let fail = false;
    const pages: (string | null)[] = [];
    const pager = new CursorPager({
      list: new LiveList({ key }),
      load: async ({ cursor }) => {
        pages.push(cursor);
        if (fail) throw new Error('down');
        return { items: [{ id: cursor ? 1 : 0 }], nextCursor: cursor ? null : 'c1' };
      },
    });
    await pager.reload();
    fail = true;
    await pager.more();
    expect(pager.status).toBe('error');
    expect(pager.initial).toBe(false);
    expect(pager.list.items).toHaveLength(1);
    fail = false;
    await pager.retry();
    expect(pages).toEqual([null, 'c1', 'c1']);
    expect(pager.status).toBe('end');
  });

  it('abort() cancels the request in flight and drops its answer', async () => {
    let signal: AbortSignal | undefined;
    let resolve!: (v: { items: { id: number }[]; nextCursor: null }) => void;
    const pager = new CursorPager({
      list: new LiveList({ key }),
      load: (req) => {
        signal = req.signal;
        return new Promise((r) => (resolve = r));
      },
    });
    const p = pager.reload();
    pager.abort();
    expect(signal?.aborted).toBe(true);
    resolve({ items: [{ id: 9 }], nextCursor: null });
    await p;
    expect(pager.list.items).toEqual([]);
    expect(pager.status).toBe('idle');
  });
});
