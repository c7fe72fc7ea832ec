// Chips for PeriodFilter's parameters: "Du : 12/03/2026 08:00:00 (UTC+1)".
import { i18n } from '../../i18n/i18n.svelte.ts';
import { prefs } from '../../state/prefs.svelte.ts';
import { formatDateTime } from '../../time.ts';
import type { FilterDef } from './types.ts';

export function periodDefs(from = 'from', to = 'to'): FilterDef[] {
  const format = (v: string) => {
    const ms = Date.parse(v);
    return Number.isFinite(ms) ? formatDateTime(ms, { locale: i18n.locale, utc: prefs.utc }) : v;
  };
  return [
    { param: from, label: 'period.from', format },
    { param: to, label: 'period.to', format },
  ];
}
