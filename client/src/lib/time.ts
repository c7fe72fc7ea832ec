// Times are stored in UTC (epoch ms) and shown in Europe/Paris with the offset
// written out, "28/11/2026 14:26:16 (UTC+1)"; or in UTC when the user asks.
import { fromAbsolute, parseDateTime, toCalendarDateTime, toZoned } from '@internationalized/date';
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
  const parts = formatter(options.locale, options.utc ? 'UTC' : PARIS, options.withDate ?? true).formatToParts(
    new Date(ms),
  );
  let date = '';
  let time = '';
  let zone = '';
  for (const p of parts) {
    if (p.type === 'timeZoneName') zone = offsetLabel(p.value);
    else if (p.type === 'year' || p.type === 'month' || p.type === 'day')
      date += p.value + (p.type === 'year' ? '' : '/');
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

// Date inputs. A user types a wall-clock time in Europe/Paris (a datetime-local
// field, "2026-03-12T08:00"); the API receives ISO 8601 with the offset written out
// ("2026-03-12T08:00:00+01:00"), so nothing is guessed on the server. DST: a time in
// the spring-forward gap moves forward (02:30 → 03:30+02:00); an ambiguous autumn time
// takes its first occurrence (+02:00), as Temporal's "compatible" disambiguation does.

/** "2026-03-12T08:00" (Paris wall time) → "2026-03-12T08:00:00+01:00"; null when not a valid date-time. */
export function parisLocalToIso(local: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(local)) return null;
  try {
    const zoned = toZoned(parseDateTime(local), PARIS, 'compatible');
    return isoWithOffset(zoned.toAbsoluteString(), zoned.offset);
  } catch {
    return null; // 30 February and the like
  }
}

/** Any ISO instant ("…Z" or "…+02:00") → "2026-03-12T08:00" in Paris wall time, for a datetime-local field. */
export function isoToParisLocal(iso: string): string | null {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms) || !/(Z|[+-]\d{2}:?\d{2})$/i.test(iso)) return null;
  const zoned = fromAbsolute(ms, PARIS);
  return toCalendarDateTime(zoned).toString().slice(0, 16);
}

/** An instant as ISO 8601 in Paris time with its offset: "2026-07-14T15:00:00+02:00". */
export function toParisIso(ms: number): string {
  const zoned = fromAbsolute(ms, PARIS);
  return isoWithOffset(new Date(ms).toISOString(), zoned.offset);
}

function isoWithOffset(utcIso: string, offsetMs: number): string {
  const local = new Date(Date.parse(utcIso) + offsetMs).toISOString().slice(0, 19);
  const sign = offsetMs < 0 ? '-' : '+';
  const abs = Math.abs(offsetMs) / 60_000;
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}
