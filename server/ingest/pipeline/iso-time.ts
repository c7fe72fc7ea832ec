// ISO 8601 times with an explicit offset, parsed strictly and fast: the hot
// path of ingest parses one per record. A time without an offset is refused,
// never guessed; `+hhmm` (Wazuh, Suricata) is accepted as `+hh:mm`.

export const ISO_FORMAT_MESSAGE = 'an ISO 8601 time with its offset, e.g. 2026-11-28T14:26:16+01:00';
export const ISO_REAL_MESSAGE = 'a real date and time';

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))$/;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True when the text has the shape of an ISO time with an offset (the calendar is checked by parseIsoTime). */
export function isIsoWithOffset(text: string): boolean {
  return ISO.test(text);
}

/** The value of the `n` ASCII digits at `at`, or -1 when one of them is not a digit (or is past the end). */
function digits(text: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = text.charCodeAt(i) - 48; // NaN past the end
    if (!(d >= 0 && d <= 9)) return -1;
    v = v * 10 + d;
  }
  return v;
}

const PLUS = 43;
const MINUS = 45;
const COLON = 58;
const DOT = 46;

/**
 * Epoch milliseconds of an ISO 8601 time with its offset; `'format'` when the
 * shape is wrong, `'calendar'` when the shape is right but the date is not real
 * (February 30th, 25:00, an offset beyond ±18:00). Fractions beyond ms are truncated.
 *
 * Accepts exactly what the `ISO` expression above accepts (a test holds the
 * two together), read character by character: one is parsed per ingested
 * record, and the expression's match array cost a third of the validation.
 */
export function parseIsoTime(text: string): number | 'format' | 'calendar' {
  const len = text.length;
  if (
    len < 17 ||
    text.charCodeAt(4) !== MINUS ||
    text.charCodeAt(7) !== MINUS ||
    text.charCodeAt(10) !== 84 /* T */ ||
    text.charCodeAt(13) !== COLON
  )
    return 'format';
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0) return 'format';
  let at = 16;
  let second = 0;
  let ms = 0;
  if (text.charCodeAt(at) === COLON) {
    second = digits(text, at + 1, 2);
    if (second < 0 || at + 3 > len) return 'format';
    at += 3;
    if (text.charCodeAt(at) === DOT) {
      const from = ++at;
      while (at < len && at - from < 9 && digits(text, at, 1) >= 0) at++;
      const n = at - from;
      if (n === 0) return 'format';
      ms = digits(text, from, Math.min(n, 3)) * (n === 1 ? 100 : n === 2 ? 10 : 1);
    }
  }
  let offsetMinutes = 0;
  const sign = text.charCodeAt(at);
  if (sign === 90 /* Z */) {
    if (at + 1 !== len) return 'format';
  } else if (sign === PLUS || sign === MINUS) {
    const colon = text.charCodeAt(at + 3) === COLON ? 1 : 0;
    if (at + 5 + colon !== len) return 'format';
    const oh = digits(text, at + 1, 2);
    const om = digits(text, at + 3 + colon, 2);
    if (oh < 0 || om < 0) return 'format';
    if (oh > 18 || om > 59) return 'calendar';
    offsetMinutes = (sign === MINUS ? -1 : 1) * (oh * 60 + om);
  } else return 'format';
  if (year < 1900 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return 'calendar';
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS[month - 1]! + (leap ? 1 : 0)) return 'calendar';
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
}

/** `+hhmm` → `+hh:mm` at the end of a time, for parsers that want the colon. */
export function normaliseOffset(text: string): string {
  return text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
}

/** The latest event time accepted: Vigie's clock plus VIGIE_INGEST_FUTURE_TOLERANCE_MINUTES, fixed once per batch. */
export interface FutureLimit {
  latest: number;
  minutes: number;
}

export function futureLimit(now: number, minutes: number): FutureLimit {
  return { latest: now + minutes * 60_000, minutes };
}

/**
 * Why a time is refused for lying too far ahead (a year-9999 time would sort
 * first in the explorer forever and never be purged), or undefined.
 */
export function futureProblem(at: number, limit: FutureLimit | undefined): string | undefined {
  if (!limit || at <= limit.latest) return undefined;
  const now = new Date(limit.latest - limit.minutes * 60_000).toISOString();
  return `more than ${limit.minutes} minutes in the future (Vigie's clock says ${now}); check the sender's clock and time zone`;
}
