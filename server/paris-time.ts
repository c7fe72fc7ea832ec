// Europe/Paris wall-clock arithmetic for the server (detection works on
// local hours and days; the directory reads dates as Paris days). The EU
// summer-time rule (since 1996): UTC+2 from the last Sunday of March 01:00 UTC
// to the last Sunday of October 01:00 UTC, UTC+1 otherwise. Pure arithmetic:
// the detector calls it for every event.
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function lastSundayUtc(year: number, month: number): number {
  const lastDay = Date.UTC(year, month + 1, 0);
  const dow = new Date(lastDay).getUTCDay();
  return lastDay - dow * DAY;
}

const transitions = new Map<number, [number, number]>();
function summerSpan(year: number): [number, number] {
  let span = transitions.get(year);
  if (!span) {
    span = [lastSundayUtc(year, 2) + HOUR, lastSundayUtc(year, 9) + HOUR];
    transitions.set(year, span);
  }
  return span;
}

// The year last asked about, to answer without a Date object (called for every event).
let cachedYear = { from: 0, to: -1, start: 0, end: 0 };

/** The offset of Paris from UTC at this instant, in ms. */
export function parisOffsetMs(ms: number): number {
  if (ms < cachedYear.from || ms >= cachedYear.to) {
    const year = new Date(ms).getUTCFullYear();
    const [start, end] = summerSpan(year);
    cachedYear = { from: Date.UTC(year, 0, 1), to: Date.UTC(year + 1, 0, 1), start, end };
  }
  return ms >= cachedYear.start && ms < cachedYear.end ? 2 * HOUR : HOUR;
}

/** Paris local hour (0–23). */
export function parisHour(ms: number): number {
  const local = ms + parisOffsetMs(ms);
  return Math.floor((((local % DAY) + DAY) % DAY) / HOUR);
}

/** Paris local day number (days since 1970-01-01 in Paris). */
export function parisDayNumber(ms: number): number {
  return Math.floor((ms + parisOffsetMs(ms)) / DAY);
}

/** "2026-03-02" for a Paris local day number. */
export function dayNumberToDate(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

/** Epoch ms of 00:00 in Paris on this date ("YYYY-MM-DD"). */
export function parisMidnight(date: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  // The offset at local midnight is the one an hour before UTC midnight-minus-offset; try both.
  for (const offset of [HOUR, 2 * HOUR]) {
    const candidate = utcMidnight - offset;
    if (parisOffsetMs(candidate) === offset) return candidate;
  }
  return utcMidnight - HOUR;
}

/** Epoch ms of a Paris wall-clock time. */
export function parisTime(date: string, hour: number, minute = 0, second = 0): number {
  const guess = Date.parse(`${date}T00:00:00Z`) + hour * HOUR + minute * 60_000 + second * 1000;
  const first = guess - parisOffsetMs(guess - HOUR);
  return guess - parisOffsetMs(first);
}

/** ISO 8601 with the Paris offset: "2026-03-02T14:26:16+01:00". */
export function toParisIso(ms: number): string {
  const offset = parisOffsetMs(ms);
  const local = new Date(ms + offset).toISOString().slice(0, 19);
  return `${local}+0${offset / HOUR}:00`;
}

/** "02/03/2026 14:26 (UTC+1)": how explanations write a time. */
export function formatParis(ms: number, withDate = true): string {
  const offset = parisOffsetMs(ms);
  const d = new Date(ms + offset);
  const p = (n: number) => String(n).padStart(2, '0');
  const time = `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
  const date = `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
  return `${withDate ? `${date} ` : ''}${time} (UTC+${offset / HOUR})`;
}
