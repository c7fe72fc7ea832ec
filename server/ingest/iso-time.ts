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

/**
 * Epoch milliseconds of an ISO 8601 time with its offset; `'format'` when the
 * shape is wrong, `'calendar'` when the shape is right but the date is not real
 * (February 30th, 25:00, an offset beyond ±18:00). Fractions beyond ms are truncated.
 */
export function parseIsoTime(text: string): number | 'format' | 'calendar' {
  const m = ISO.exec(text);
  if (!m) return 'format';
  const year = +m[1]!;
  const month = +m[2]!;
  const day = +m[3]!;
  const hour = +m[4]!;
  const minute = +m[5]!;
  const second = m[6] === undefined ? 0 : +m[6];
  const ms = m[7] === undefined ? 0 : +(m[7] + '00').slice(0, 3);
  if (year < 1900 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return 'calendar';
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS[month - 1]! + (leap ? 1 : 0)) return 'calendar';
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const oh = +m[10]!;
    const om = +m[11]!;
    if (oh > 18 || om > 59) return 'calendar';
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
}

/** `+hhmm` → `+hh:mm` at the end of a time, for parsers that want the colon. */
export function normaliseOffset(text: string): string {
  return text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
}
