// Times are stored in UTC (epoch ms) and shown in Europe/Paris with the offset
// written out, "28/11/2026 14:26:16 (UTC+1)"; or in UTC when the user asks.
import type { Locale } from './i18n/catalog.ts';

export const PARIS = 'Europe/Paris';

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: Locale, timeZone: string, withDate: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${withDate}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
      timeZone,
      ...(withDate ? { year: 'numeric', month: '2-digit', day: '2-digit' } : {}),
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'shortOffset',
    });
    formatters.set(key, f);
  }
  return f;
}

/** "UTC+1", "UTC+2", "UTC" from the zone name Intl gives ("GMT+1"). */
function offsetLabel(zoneName: string): string {
  const m = /^(?:GMT|UTC)([+-]\d{1,2}(?::\d{2})?)?$/.exec(zoneName);
  if (!m) return zoneName;
  return !m[1] || /^[+-]0(?::00)?$/.test(m[1]) ? 'UTC' : `UTC${m[1]}`;
}

export function formatDateTime(ms: number, options: { locale: Locale; utc?: boolean; withDate?: boolean }): string {
  const parts = formatter(options.locale, options.utc ? 'UTC' : PARIS, options.withDate ?? true).formatToParts(new Date(ms));
  let date = '';
  let time = '';
  let zone = '';
  for (const p of parts) {
    if (p.type === 'timeZoneName') zone = offsetLabel(p.value);
    else if (p.type === 'year' || p.type === 'month' || p.type === 'day') date += p.value + (p.type === 'year' ? '' : '/');
    else if (p.type === 'hour' || p.type === 'minute') time += p.value + ':';
    else if (p.type === 'second') time += p.value;
  }
  // Day/month/year order is the same in fr-FR and en-GB.
  return `${date ? date + ' ' : ''}${time} (${zone})`;
}

const relative = new Map<Locale, Intl.RelativeTimeFormat>();
/** "il y a 5 min" — secondary text only, next to the absolute time. */
export function formatRelative(ms: number, now: number, locale: Locale): string {
  let f = relative.get(locale);
  if (!f) {
    f = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
    relative.set(locale, f);
  }
  const s = Math.round((ms - now) / 1000);
  const abs = Math.abs(s);
  if (abs < 60) return f.format(s, 'second');
  if (abs < 3600) return f.format(Math.round(s / 60), 'minute');
  if (abs < 86400) return f.format(Math.round(s / 3600), 'hour');
  return f.format(Math.round(s / 86400), 'day');
}
