// Row virtualisation for DataTable: TanStack Virtual's Virtualizer (re-exported by
// @tanstack/svelte-virtual) driven by runes instead of the adapter's svelte/store.
// Rendered with spacer rows above and below, so the <table> keeps its native
// layout, its sticky header and its semantics. Below the threshold every row is
// rendered (and jsdom, which has no layout, always takes that path in tests).
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer, type VirtualItem } from '@tanstack/svelte-virtual';

export interface RowWindow {
  start: number;
  end: number;
  padTop: number;
  padBottom: number;
}

interface Options {
  enabled: () => boolean;
  count: () => number;
  key: (index: number) => string | number;
  scrollElement: () => HTMLElement | undefined;
  scrollMargin: () => number;
  estimate: () => number;
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
    if (!v) return;
    v.setOptions({ ...v.options, count, scrollMargin, estimateSize: () => size });
    v._willUpdate();
    sync(v);
  });

  return {
    /** The slice of rows to render and the spacer heights around it. */
    window(count: number): RowWindow {
      const first = items[0];
      const last = items[items.length - 1];
      if (!instance || !first || !last) return { start: 0, end: instance ? Math.min(count, 50) : count, padTop: 0, padBottom: 0 };
      const margin = instance.options.scrollMargin;
      return {
        start: first.index,
        end: last.index + 1,
        padTop: Math.max(0, first.start - margin),
        padBottom: Math.max(0, total + margin - last.end),
      };
    },
    scrollTo(index: number) {
      instance?.scrollToIndex(index, { align: 'auto' });
    },
    measure(node: HTMLElement) {
      instance?.measureElement(node);
    },
  };
}
