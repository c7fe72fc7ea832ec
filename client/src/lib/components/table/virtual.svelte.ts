// Row virtualisation for DataTable: TanStack Virtual's Virtualizer (re-exported by
// @tanstack/svelte-virtual) driven by runes instead of the adapter's svelte/store.
// Rendered with spacer rows above and below, so the <table> keeps its native
// layout, its sticky header and its semantics. Below the threshold every row is
// rendered (and jsdom, which has no layout, always takes that path in tests).
// The current row is always rendered, even scrolled out of view, so it keeps the
// keyboard focus (a spacer fills the gap between it and the visible slice).
import {
  defaultRangeExtractor,
  elementScroll,
  observeElementOffset,
  observeElementRect,
  Virtualizer,
  type Range,
  type VirtualItem,
} from '@tanstack/svelte-virtual';

/** What to render, in order: rows (by index) and spacers (by height). */
export type Slot = { key: string; index: number; pad?: undefined } | { key: string; pad: number; index?: undefined };

interface Options {
  enabled: () => boolean;
  count: () => number;
  key: (index: number) => string | number;
  scrollElement: () => HTMLElement | undefined;
  scrollMargin: () => number;
  estimate: () => number;
  /** Index always rendered (the current row), or -1. */
  pinned: () => number;
}

function pinning(pinned: number) {
  return (range: Range) => {
    const base = defaultRangeExtractor(range);
    if (pinned < 0 || pinned >= range.count || base.includes(pinned)) return base;
    return [...base, pinned].sort((a, b) => a - b);
  };
}

export function createRowVirtualizer(options: Options) {
  let instance = $state.raw<Virtualizer<HTMLElement, HTMLElement> | null>(null);
  let items = $state.raw<VirtualItem[]>([]);
  let total = $state(0);

  const sync = (v: Virtualizer<HTMLElement, HTMLElement>) => {
    items = v.getVirtualItems();
    total = v.getTotalSize();
  };

  $effect(() => {
    const el = options.scrollElement();
    if (!options.enabled() || !el) return;
    const v = new Virtualizer<HTMLElement, HTMLElement>({
      count: options.count(),
      getScrollElement: () => options.scrollElement() ?? null,
      estimateSize: () => options.estimate(),
      getItemKey: (i) => options.key(i),
      overscan: 12,
      scrollMargin: options.scrollMargin(),
      rangeExtractor: pinning(options.pinned()),
      observeElementRect,
      observeElementOffset,
      scrollToFn: elementScroll,
      onChange: (inst) => sync(inst),
    });
    instance = v;
    const unmount = v._didMount();
    v._willUpdate();
    sync(v);
    return () => {
      unmount();
      instance = null;
      items = [];
    };
  });

  // Row count, header height or density changed: tell the virtualizer.
  $effect(() => {
    const v = instance;
    const count = options.count();
    const scrollMargin = options.scrollMargin();
    const size = options.estimate();
    const pinned = options.pinned();
    if (!v) return;
    v.setOptions({ ...v.options, count, scrollMargin, estimateSize: () => size, rangeExtractor: pinning(pinned) });
    v._willUpdate();
    sync(v);
  });

  return {
    /** The rows to render and the spacers between them; every row below the threshold. */
    slots(count: number, keyOf: (index: number) => string): Slot[] {
      if (!instance) return Array.from({ length: count }, (_, index) => ({ key: keyOf(index), index }));
      if (!items.length)
        return Array.from({ length: Math.min(count, 50) }, (_, index) => ({ key: keyOf(index), index }));
      const margin = instance.options.scrollMargin;
      const out: Slot[] = [];
      let edge = margin;
      for (const item of items) {
        if (item.index >= count) break;
        if (item.start > edge) out.push({ key: `\u0000pad${item.index}`, pad: item.start - edge });
        out.push({ key: keyOf(item.index), index: item.index });
        edge = item.end;
      }
      const bottom = total + margin - edge;
      if (bottom > 0) out.push({ key: '\u0000pad-end', pad: bottom });
      return out;
    },
    scrollTo(index: number) {
      instance?.scrollToIndex(index, { align: 'auto' });
    },
    measure(node: HTMLElement) {
      instance?.measureElement(node);
    },
  };
}
