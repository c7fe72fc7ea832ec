// What the detector remembers between events: each user's activity (last
// seen, the hours they usually work, where they last were), break-the-glass
// declarations, and the sliding windows of counting rules with their daily
// peaks (the bulk-access baselines). Everything here is a function of the
// events read so far, in id order: a snapshot plus a replay rebuilds it
// exactly after a restart.
import { parisDayNumber, parisHour } from '../paris-time.ts';

const DAY = 86_400_000;
/** How many days of daily peaks feed a baseline. */
export const BASELINE_DAYS = 28;

export interface Place {
  t: number;
  eventId: number;
  workstation: string;
  site: string;
  latitude: number;
  longitude: number;
}

export const isNightHour = (hour: number) => hour >= 22 || hour < 6;
/** The Paris day a night belongs to: the one it starts on. */
export const nightOf = (t: number) => parisDayNumber(t - 12 * 3_600_000);

export class UserActivity {
  last: number | null = null;
  /** Distinct days with activity at each Paris hour, and the last such day. */
  hourDays: number[] = new Array(24).fill(0);
  hourLastDay: number[] = new Array(24).fill(-1);
  activeDays = 0;
  lastDay = -1;
  /** Distinct nights (22:00–06:00, keyed by the day they start) with activity. */
  nightDays = 0;
  nightLastDay = -1;
  place: Place | null = null;

  observe(t: number, day: number, hour: number) {
    if (this.lastDay === day && this.hourLastDay[hour] === day && (this.last ?? 0) >= t) return;
    if (isNightHour(hour)) {
      const night = nightOf(t);
      if (this.nightLastDay !== night) {
        this.nightLastDay = night;
        this.nightDays += 1;
      }
    }
    if (this.last === null || t > this.last) this.last = t;
    if (this.hourLastDay[hour] !== day) {
      this.hourLastDay[hour] = day;
      this.hourDays[hour]! += 1;
    }
    if (this.lastDay !== day) {
      this.lastDay = day;
      this.activeDays += 1;
    }
  }

  /** Days with activity at this hour before `day`. */
  daysAtHourBefore(hour: number, day: number): number {
    return this.hourDays[hour]! - (this.hourLastDay[hour] === day ? 1 : 0);
  }
  activeDaysBefore(day: number): number {
    return this.activeDays - (this.lastDay === day ? 1 : 0);
  }
  nightsBefore(night: number): number {
    return this.nightDays - (this.nightLastDay === night ? 1 : 0);
  }
}

export class CountWindow {
  // The window's events as parallel arrays from `head` (no object per event: the bulk rule sees every read).
  #times: number[] = [];
  #ids: number[] = [];
  #keys: string[] = [];
  #head = 0;
  counts = new Map<string, number>();
  lastFired: number | null = null;
  /** [Paris day, the day's peak of the count], oldest first. */
  peaks: [number, number][] = [];

  add(t: number, eventId: number, item: string, windowMs: number): number {
    while (this.#head < this.#times.length && this.#times[this.#head]! <= t - windowMs) {
      const old = this.#keys[this.#head]!;
      this.#head += 1;
      const n = (this.counts.get(old) ?? 1) - 1;
      if (n <= 0) this.counts.delete(old);
      else this.counts.set(old, n);
    }
    if (this.#head > 256 && this.#head * 2 > this.#times.length) {
      this.#times = this.#times.slice(this.#head);
      this.#ids = this.#ids.slice(this.#head);
      this.#keys = this.#keys.slice(this.#head);
      this.#head = 0;
    }
    this.#times.push(t);
    this.#ids.push(eventId);
    this.#keys.push(item);
    this.counts.set(item, (this.counts.get(item) ?? 0) + 1);
    return this.size;
  }

  get size(): number {
    return this.#times.length - this.#head;
  }
  /** The time of the newest event, or null. */
  get newest(): number | null {
    return this.size ? this.#times[this.#times.length - 1]! : null;
  }
  /** The ids of the events in the window, oldest first. */
  eventIds(): number[] {
    return this.#ids.slice(this.#head);
  }

  distinct(): number {
    return this.counts.size;
  }

  toJSON(): [number[], number[], string[], number | null, [number, number][]] {
    return [
      this.#times.slice(this.#head),
      this.#ids.slice(this.#head),
      this.#keys.slice(this.#head),
      this.lastFired,
      this.peaks,
    ];
  }
  static fromJSON([times, ids, keys, lastFired, peaks]: ReturnType<CountWindow['toJSON']>): CountWindow {
    const w = new CountWindow();
    w.#times = times;
    w.#ids = ids;
    w.#keys = keys;
    for (const k of keys) w.counts.set(k, (w.counts.get(k) ?? 0) + 1);
    w.lastFired = lastFired;
    w.peaks = peaks;
    return w;
  }

  recordPeak(day: number, value: number) {
    const last = this.peaks[this.peaks.length - 1];
    if (last && last[0] === day) last[1] = Math.max(last[1], value);
    else {
      this.peaks.push([day, value]);
      while (this.peaks.length && this.peaks[0]![0] < day - BASELINE_DAYS - 2) this.peaks.shift();
    }
  }

  /** Daily peaks of the last BASELINE_DAYS days before `day`. */
  peaksBefore(day: number): number[] {
    return this.peaks.filter(([d]) => d < day && d >= day - BASELINE_DAYS).map(([, v]) => v);
  }
}

/** The nearest-rank percentile of a list (p in 0–100); null when empty. */
export function percentileOf(values: number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export class DetectorState {
  users = new Map<string, UserActivity>();
  /** user \0 patient → time of the last break-the-glass declaration. */
  breakGlass = new Map<string, number>();
  /** rule id → key → window. */
  windows = new Map<string, Map<string, CountWindow>>();
  maxTime = 0;
  #pruneDay = -1;

  user(id: string): UserActivity {
    let u = this.users.get(id);
    if (!u) {
      u = new UserActivity();
      this.users.set(id, u);
    }
    return u;
  }

  window(ruleId: string, key: string): CountWindow {
    let byKey = this.windows.get(ruleId);
    if (!byKey) {
      byKey = new Map();
      this.windows.set(ruleId, byKey);
    }
    let w = byKey.get(key);
    if (!w) {
      w = new CountWindow();
      byKey.set(key, w);
    }
    return w;
  }

  /** Learns from one event, after the rules looked at it. */
  observe(
    ev: {
      id: number;
      occurredAt: number;
      userId: string | null;
      action: string;
      outcome: string;
      patientId: string | null;
      workstation: string | null;
    },
    site: { site: string; latitude: number | null; longitude: number | null } | null,
    windowsMs: Map<string, number>,
    breakGlassKeepMs: number,
  ) {
    const t = ev.occurredAt;
    if (t > this.maxTime) {
      this.maxTime = t;
      const day = parisDayNumber(t);
      // Once a day (a fixed point in the event order): forget what no rule can use any more.
      if (day !== this.#pruneDay) {
        this.#pruneDay = day;
        this.prune(windowsMs, breakGlassKeepMs);
      }
    }
    if (!ev.userId || ev.outcome !== 'success') return;
    const u = this.user(ev.userId);
    u.observe(t, parisDayNumber(t), parisHour(t));
    if (site && ev.workstation) {
      const p = (u.place ??= {
        t,
        eventId: ev.id,
        workstation: ev.workstation,
        site: site.site,
        latitude: 0,
        longitude: 0,
      });
      p.t = t;
      p.eventId = ev.id;
      p.workstation = ev.workstation;
      p.site = site.site;
      p.latitude = site.latitude!;
      p.longitude = site.longitude!;
    }
    if (ev.action === 'break_glass' && ev.patientId) this.breakGlass.set(`${ev.userId}\u0000${ev.patientId}`, t);
  }

  prune(windowsMs: Map<string, number>, breakGlassKeepMs: number) {
    for (const [k, t] of this.breakGlass) if (t < this.maxTime - breakGlassKeepMs) this.breakGlass.delete(k);
    const day = parisDayNumber(this.maxTime);
    for (const [ruleId, byKey] of this.windows) {
      const windowMs = windowsMs.get(ruleId) ?? DAY;
      for (const [key, w] of byKey) {
        const newest = w.newest;
        const lastPeak = w.peaks[w.peaks.length - 1];
        if (
          (newest === null || newest <= this.maxTime - windowMs) &&
          (!lastPeak || lastPeak[0] < day - BASELINE_DAYS - 2)
        )
          byKey.delete(key);
      }
    }
  }

  toJSON() {
    return {
      v: 1,
      maxTime: this.maxTime,
      pruneDay: this.#pruneDay,
      users: [...this.users].map(([id, u]) => [
        id,
        u.last,
        u.hourDays,
        u.hourLastDay,
        u.activeDays,
        u.lastDay,
        u.nightDays,
        u.nightLastDay,
        u.place,
      ]),
      breakGlass: [...this.breakGlass],
      windows: [...this.windows].map(([rule, byKey]) => [rule, [...byKey].map(([key, w]) => [key, w.toJSON()])]),
    };
  }

  static fromJSON(data: ReturnType<DetectorState['toJSON']>): DetectorState {
    const s = new DetectorState();
    s.maxTime = data.maxTime;
    s.#pruneDay = data.pruneDay;
    for (const [id, last, hourDays, hourLastDay, activeDays, lastDay, nightDays, nightLastDay, place] of data.users as [
      string,
      number | null,
      number[],
      number[],
      number,
      number,
      number,
      number,
      Place | null,
    ][]) {
      const u = s.user(id);
      Object.assign(u, { last, hourDays, hourLastDay, activeDays, lastDay, nightDays, nightLastDay, place });
    }
    s.breakGlass = new Map(data.breakGlass as [string, number][]);
    for (const [rule, keys] of data.windows as [string, [string, ReturnType<CountWindow['toJSON']>][]][]) {
      const byKey = new Map<string, CountWindow>();
      for (const [key, w] of keys) byKey.set(key, CountWindow.fromJSON(w));
      s.windows.set(rule, byKey);
    }
    return s;
  }
}
