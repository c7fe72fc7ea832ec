// A small history router. The URL holds the screen and its state (filters,
// sort, selection): `router.query` reads it, `router.setQuery` writes it.
class Router {
  path = $state(typeof location === 'undefined' ? '/' : location.pathname);
  search = $state(typeof location === 'undefined' ? '' : location.search);
  query = $derived(new URLSearchParams(this.search));

  constructor() {
    if (typeof window === 'undefined') return;
    window.addEventListener('popstate', () => this.#sync());
    // Internal links navigate without a reload.
    document.addEventListener('click', (event) => {
      if (
        event.defaultPrevented ||
        event.button !== 0 ||
        event.metaKey ||
        event.ctrlKey ||
        event.shiftKey ||
        event.altKey
      )
        return;
      const a = (event.target as Element | null)?.closest?.('a');
      if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin) return;
      if (a.pathname.startsWith('/api/')) return;
      event.preventDefault();
      this.navigate(a.pathname + a.search + a.hash);
    });
  }

  #sync() {
    this.path = location.pathname;
    this.search = location.search;
  }

  navigate(to: string, options: { replace?: boolean } = {}) {
    if (to === location.pathname + location.search) return;
    history[options.replace ? 'replaceState' : 'pushState'](null, '', to);
    this.#sync();
  }

  /** Merges params into the query string; empty values are removed. Replaces the history entry by default. */
  setQuery(params: Record<string, string | number | null | undefined>, options: { push?: boolean } = {}) {
    const q = new URLSearchParams(location.search);
    for (const [k, v] of Object.entries(params)) {
      if (v === null || v === undefined || v === '') q.delete(k);
      else q.set(k, String(v));
    }
    const qs = q.toString();
    this.navigate(location.pathname + (qs ? `?${qs}` : ''), { replace: !options.push });
  }
}

export const router = new Router();

/** Matches "/alerts/:id" against a path; returns the params or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const names: string[] = [];
  const re = new RegExp(
    '^' +
      pattern.replace(/\/:(\w+)/g, (_m, name: string) => {
        names.push(name);
        return '/([^/]+)';
      }) +
      '/?$',
  );
  const m = re.exec(path);
  if (!m) return null;
  return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')]));
}
