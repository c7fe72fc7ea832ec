import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { LiveList } from '../../client/src/lib/state/live-list.svelte.ts';

interface Item {
  id: string;
  v: number;
}
const item = (id: string, v = 0): Item => ({ id, v });
const ids = (list: LiveList<Item>) => list.items.map((i) => i.id);
const pendingIds = (list: LiveList<Item>) => list.pending.map((i) => i.id);

function listOf(...keys: string[]) {
  const list = new LiveList<Item>({ key: (i) => i.id });
  list.reset(keys.map((k) => item(k)));
  return list;
}

describe('LiveList', () => {
  it('updates a visible row in place, keeping its position', () => {
    const list = listOf('c', 'b', 'a');
    const before = list.items;
    expect(list.upsert(item('b', 7))).toBe('updated');
    expect(ids(list)).toEqual(['c', 'b', 'a']);
    expect(list.get('b')?.v).toBe(7);
    expect(list.items).not.toBe(before); // a new array: the table sees the change
    expect(list.pending).toEqual([]);
  });

  it('shows a new item at once when the user is at the top, with nothing selected and no preview', () => {
    const list = listOf('b', 'a');
    expect(list.idle).toBe(true);
    expect(list.upsert(item('c'))).toBe('inserted');
    expect(ids(list)).toEqual(['c', 'b', 'a']);
    expect(list.pending).toEqual([]);
  });

  it.each([
    ['scrolled down', { atTop: false }],
    ['with a selection', { hasSelection: true }],
    ['with the preview open', { previewOpen: true }],
  ])('buffers new items %s, and reveal() applies them newest first', (_label, view) => {
    const list = listOf('b', 'a');
    list.setView(view);
    expect(list.idle).toBe(false);
    expect(list.upsert(item('c'))).toBe('buffered');
    expect(list.upsert(item('d'))).toBe('buffered');
    expect(ids(list)).toEqual(['b', 'a']); // the list did not move
    expect(pendingIds(list)).toEqual(['c', 'd']);
    expect(list.reveal()).toBe(2);
    expect(ids(list)).toEqual(['d', 'c', 'b', 'a']);
    expect(list.pending).toEqual([]);
  });

  it('refreshes a buffered item instead of counting it twice', () => {
    const list = listOf('a');
    list.setView({ atTop: false });
    list.upsert(item('n', 1));
    expect(list.upsert(item('n', 2))).toBe('buffered');
    expect(list.pending).toEqual([item('n', 2)]);
    list.reveal();
    expect(list.items).toEqual([item('n', 2), item('a')]);
  });

  it('does not flush the buffer just because the user scrolled back up', () => {
    const list = listOf('a');
    list.setView({ atTop: false });
    list.upsert(item('b'));
    list.setView({ atTop: true });
    flushSync();
    expect(ids(list)).toEqual(['a']);
    expect(pendingIds(list)).toEqual(['b']);
    // …but the next new item while idle brings the buffered ones with it, in order.
    expect(list.upsert(item('c'))).toBe('inserted');
    expect(ids(list)).toEqual(['c', 'b', 'a']);
    expect(list.pending).toEqual([]);
  });

  it('still updates visible rows in place while new ones are buffered', () => {
    const list = listOf('b', 'a');
    list.setView({ hasSelection: true });
    list.upsert(item('c'));
    list.upsert(item('a', 5));
    expect(list.items).toEqual([item('b'), item('a', 5)]);
    expect(pendingIds(list)).toEqual(['c']);
  });

  it('appends pages at the end, skipping rows already shown and un-buffering what a page brings', () => {
    const list = listOf('e', 'd');
    list.setView({ atTop: false });
    list.upsert(item('x'));
    list.append([item('d', 9), item('c'), item('x'), item('b')]);
    expect(ids(list)).toEqual(['e', 'd', 'c', 'x', 'b']);
    expect(list.get('d')?.v).toBe(0); // the visible copy is kept: a page does not overwrite a live update
    expect(list.pending).toEqual([]);
  });

  it('reset() replaces everything and drops the buffer; duplicate keys collapse', () => {
    const list = listOf('a');
    list.setView({ atTop: false });
    list.upsert(item('z'));
    list.reset([item('p'), item('q'), item('p', 3)]);
    expect(list.items).toEqual([item('p', 3), item('q')]);
    expect(list.pending).toEqual([]);
  });

  it('removes an item wherever it is', () => {
    const list = listOf('b', 'a');
    list.setView({ atTop: false });
    list.upsert(item('c'));
    expect(list.remove('a')).toBe(true);
    expect(list.remove('c')).toBe(true);
    expect(list.remove('nope')).toBe(false);
    expect(ids(list)).toEqual(['b']);
    expect(list.pending).toEqual([]);
  });

  it('can insert at the end (oldest-first lists such as timelines)', () => {
    const list = new LiveList<Item>({ key: (i) => i.id, insert: 'end' });
    list.reset([item('a'), item('b')]);
    list.setView({ atTop: false });
    list.upsert(item('c'));
    list.upsert(item('d'));
    list.reveal();
    expect(ids(list)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('caps the buffer, keeping the newest', () => {
    const list = new LiveList<Item>({ key: (i) => i.id, maxPending: 2 });
    list.setView({ previewOpen: true });
    for (const k of ['a', 'b', 'c']) list.upsert(item(k));
    expect(pendingIds(list)).toEqual(['b', 'c']);
  });

  it('is reactive: derived values follow pending and view changes', () => {
    const list = listOf('a');
    const seen: string[] = [];
    const cleanup = $effect.root(() => {
      $effect(() => {
        seen.push(`${list.pending.length}:${list.idle}`);
      });
    });
    flushSync();
    list.setView({ atTop: false });
    flushSync();
    list.upsert(item('b'));
    flushSync();
    list.reveal();
    flushSync();
    cleanup();
    expect(seen).toEqual(['0:true', '0:false', '1:false', '0:false']);
  });
});
