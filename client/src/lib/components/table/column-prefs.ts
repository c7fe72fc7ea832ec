// A table's column layout (widths, order, hidden columns), remembered per table
// id in this browser's localStorage, across pages and sessions.
export interface ColumnPrefs {
  sizing: Record<string, number>;
  order: string[];
  visibility: Record<string, boolean>;
}

const PREFIX = 'vigie.table.';

export function columnPrefsKey(tableId: string): string {
  return `${PREFIX}${tableId}.columns`;
}

export function loadColumnPrefs(tableId: string): ColumnPrefs {
  const empty: ColumnPrefs = { sizing: {}, order: [], visibility: {} };
  try {
    const raw = localStorage.getItem(columnPrefsKey(tableId));
    if (!raw) return empty;
    const data = JSON.parse(raw) as Partial<ColumnPrefs>;
    return {
      sizing: isRecord(data.sizing)
        ? filterValues(data.sizing, (v): v is number => typeof v === 'number' && v > 0)
        : {},
      order: Array.isArray(data.order) ? data.order.filter((v): v is string => typeof v === 'string') : [],
      visibility: isRecord(data.visibility)
        ? filterValues(data.visibility, (v): v is boolean => typeof v === 'boolean')
        : {},
    };
  } catch {
    return empty; // storage unavailable or a hand-edited value: start from the defaults
  }
}

export function saveColumnPrefs(tableId: string, prefs: ColumnPrefs): void {
  try {
    localStorage.setItem(columnPrefsKey(tableId), JSON.stringify(prefs));
  } catch {
    /* storage unavailable or full: the layout just is not remembered */
  }
}

export function clearColumnPrefs(tableId: string): void {
  try {
    localStorage.removeItem(columnPrefsKey(tableId));
  } catch {
    /* storage unavailable */
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function filterValues<V>(record: Record<string, unknown>, keep: (v: unknown) => v is V): Record<string, V> {
  const out: Record<string, V> = {};
  for (const [k, v] of Object.entries(record)) if (keep(v)) out[k] = v;
  return out;
}

/** Moves `id` one step earlier (-1) or later (+1) in the full column order. */
export function moveColumn(order: readonly string[], id: string, delta: -1 | 1): string[] {
  const next = order.slice();
  const at = next.indexOf(id);
  const to = at + delta;
  if (at < 0 || to < 0 || to >= next.length) return next;
  [next[at], next[to]] = [next[to]!, next[at]!];
  return next;
}
