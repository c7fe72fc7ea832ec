// The vocabulary of `when:` — a fixed set of named conditions, each built
// into a plain function once when the rule loads. No code is ever evaluated
// from a rule file: an unknown name or a bad argument is an error at load.
import { normalizeName } from '../directory/normalize.ts';
import { ACCESS_ACTIONS } from '../ingest/ingest.tables.ts';
import { formatParis, parisDayNumber, parisHour } from '../paris-time.ts';
import type { EvalContext, Relations } from './context.ts';
import { parseDuration } from './rule-file.schemas.ts';
import { isNightHour, nightOf, type UserActivity } from './state.ts';

export type Predicate = (c: EvalContext) => boolean;
export type Path = (string | number)[];
export interface Issue {
  path: Path;
  message: string;
}
export interface BuildEnv {
  /** Param values: durations in ms, numbers as they are. */
  params: Record<string, number>;
  paramKinds: Record<string, 'duration' | 'number'>;
  issues: Issue[];
  /** The care windows the rule uses (the detector keeps break-the-glass declarations that long). */
  careWindows: number[];
}

export const RELATIONS: Record<string, keyof Relations> = {
  same_person: 'samePerson',
  relative: 'relative',
  neighbour: 'neighbour',
  colleague: 'colleague',
  same_department: 'sameDepartment',
  shared_name: 'sharedName',
  birth_name_link: 'birthNameLink',
  same_address: 'sameAddress',
  same_street: 'sameStreet',
};
const USER_FIELDS = ['accountType', 'profession', 'department', 'status'] as const;
const DAY = 86_400_000;

function resolve(value: unknown, kind: 'duration' | 'number', path: Path, env: BuildEnv): number | null {
  if (typeof value === 'string' && value.startsWith('$')) {
    const name = value.slice(1);
    if (!(name in env.params)) {
      env.issues.push({ path, message: `unknown param ${value} (declare it under params:)` });
      return null;
    }
    if (env.paramKinds[name] !== kind) {
      env.issues.push({ path, message: `${value} is a ${env.paramKinds[name]}, here a ${kind} is needed` });
      return null;
    }
    return env.params[name]!;
  }
  if (kind === 'duration') {
    const ms = parseDuration(value);
    if (ms === undefined) env.issues.push({ path, message: 'a duration such as 10m, 24h or 7d, or $name of a param' });
    return ms ?? null;
  }
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  env.issues.push({ path, message: 'a number, or $name of a param' });
  return null;
}

function list(value: unknown, path: Path, env: BuildEnv, allowed?: readonly string[]): string[] | null {
  const items = Array.isArray(value) ? value : [value];
  if (!items.length || items.some((v) => typeof v !== 'string')) {
    env.issues.push({ path, message: 'a name or a list of names' });
    return null;
  }
  if (allowed) {
    const bad = (items as string[]).filter((v) => !allowed.includes(v));
    if (bad.length) {
      env.issues.push({
        path,
        message: `unknown value${bad.length > 1 ? 's' : ''} ${bad.join(', ')} (known: ${allowed.join(', ')})`,
      });
      return null;
    }
  }
  return items as string[];
}

function object(value: unknown, keys: readonly string[], path: Path, env: BuildEnv): Record<string, unknown> | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    env.issues.push({ path, message: `an object with ${keys.join(', ')}` });
    return null;
  }
  const unknown = Object.keys(value).filter((k) => !keys.includes(k));
  if (unknown.length) {
    env.issues.push({ path: [...path, unknown[0]!], message: `unknown key ${unknown[0]} (known: ${keys.join(', ')})` });
    return null;
  }
  return value as Record<string, unknown>;
}

function flag(value: unknown, path: Path, env: BuildEnv): boolean | null {
  if (typeof value === 'boolean') return value;
  env.issues.push({ path, message: 'true or false' });
  return null;
}

const km = (a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }) => {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 6371 * 2 * Math.asin(Math.sqrt(h));
};

/** "7h–19h, 22h–6h" from the hours a user was seen at. */
function hourRanges(hours: boolean[]): string {
  if (hours.every(Boolean)) return '0h–24h';
  const ranges: string[] = [];
  const start = hours.findIndex((h, i) => !h && hours[(i + 1) % 24]);
  if (start === -1) return '—';
  let from: number | null = null;
  for (let k = 1; k <= 24; k++) {
    const h = (start + k) % 24;
    if (hours[h] && from === null) from = h;
    if (!hours[h] && from !== null) {
      ranges.push(`${from}h–${h}h`);
      from = null;
    }
  }
  return ranges.join(', ');
}

type Builder = (arg: unknown, path: Path, env: BuildEnv) => Predicate | null;

const CONDITIONS: Record<string, Builder> = {
  action(arg, path, env) {
    const actions = list(arg, path, env, ACCESS_ACTIONS);
    return actions && ((c) => actions.includes(c.ev.action));
  },
  outcome(arg, path, env) {
    const o = list(arg, path, env, ['success', 'failure']);
    return o && ((c) => o.includes(c.ev.outcome));
  },
  patient_known(arg, path, env) {
    const f = flag(arg, path, env);
    return f === null ? null : (c) => (c.patient !== undefined) === f;
  },
  user_known(arg, path, env) {
    const f = flag(arg, path, env);
    return f === null ? null : (c) => (c.user !== undefined) === f;
  },
  user(arg, path, env) {
    const o = object(arg, USER_FIELDS, path, env);
    if (!o) return null;
    const tests: Predicate[] = [];
    for (const field of USER_FIELDS) {
      if (o[field] === undefined) continue;
      const values = list(o[field], [...path, field], env);
      if (!values) return null;
      const wanted = values.map((v) => normalizeName(v));
      // Directory values repeat (a few departments and jobs): normalise each once.
      const seen = new Map<string | null, boolean>();
      tests.push((c) => {
        if (c.user === undefined) return false;
        const value = c.user[field];
        let ok = seen.get(value);
        if (ok === undefined) {
          ok = wanted.includes(normalizeName(value));
          seen.set(value, ok);
        }
        return ok;
      });
    }
    return (c) => tests.every((t) => t(c));
  },
  relation(arg, path, env) {
    const names = list(arg, path, env, Object.keys(RELATIONS));
    if (!names) return null;
    const keys = names.map((n) => RELATIONS[n]!);
    return (c) => keys.some((k) => c.relations()[k]);
  },
  patient(arg, path, env) {
    const flags = list(arg, path, env, ['vip', 'staff', 'deceased']);
    if (!flags) return null;
    return (c) =>
      c.patient !== undefined &&
      flags.every((f) =>
        f === 'vip' ? c.patient!.vip : f === 'staff' ? c.patient!.staffId !== null : c.patient!.deceasedAt !== null,
      );
  },
  care_relationship(arg, path, env) {
    const windowMs = resolve(arg, 'duration', path, env);
    if (windowMs === null) return null;
    env.careWindows.push(windowMs);
    return (c) => c.care(windowMs) !== null;
  },
  /** A stay of the patient in any department within the window (what explains the jobs that serve every department). */
  patient_stay(arg, path, env) {
    const windowMs = resolve(arg, 'duration', path, env);
    if (windowMs === null) return null;
    return (c) => c.patient !== undefined && c.dir.anyStay(c.patient.id, c.ev.occurredAt, windowMs);
  },
  patient_deceased(arg, path, env) {
    const after = resolve(arg, 'duration', path, env);
    if (after === null) return null;
    return (c) => {
      const d = c.patient?.deceasedAt;
      if (d === null || d === undefined || c.ev.occurredAt <= d + after) return false;
      c.values.deathDate = formatParis(d, true).slice(0, 10);
      c.values.daysSinceDeath = Math.floor((c.ev.occurredAt - d) / DAY);
      return true;
    };
  },
  account_terminated(arg, path, env) {
    const f = flag(arg, path, env);
    if (f === null) return null;
    return (c) => {
      const u = c.user;
      const terminated =
        u !== undefined &&
        ((u.endedAt !== null && c.ev.occurredAt > u.endedAt) || (u.status === 'terminated' && u.endedAt === null));
      if (terminated && u.endedAt !== null) c.values.endDate = formatParis(u.endedAt, true).slice(0, 10);
      return terminated === f;
    };
  },
  idle_for(arg, path, env) {
    const idle = resolve(arg, 'duration', path, env);
    if (idle === null) return null;
    return (c) => {
      if (!c.ev.userId) return false;
      const seen = c.state.users.get(c.ev.userId)?.last ?? null;
      const known = c.user?.lastLoginAt ?? null;
      const previous = seen === null ? known : known === null ? seen : Math.max(seen, known);
      if (previous === null || c.ev.occurredAt - previous <= idle) return false;
      c.values.idleDays = Math.floor((c.ev.occurredAt - previous) / DAY);
      c.values.lastActivity = formatParis(previous, true).slice(0, 10);
      return true;
    };
  },
  outside_usual_hours(arg, path, env) {
    const o = object(arg, ['tolerance', 'min_days', 'night_days', 'peer_share', 'peer_night_days'], path, env);
    if (!o) return null;
    const tolerance = resolve(o.tolerance, 'duration', [...path, 'tolerance'], env);
    const minDays = resolve(o.min_days, 'number', [...path, 'min_days'], env);
    // A user seen working on this many nights (night shifts, on-call) has nights among their usual hours.
    const nightDays =
      o.night_days === undefined ? Infinity : resolve(o.night_days, 'number', [...path, 'night_days'], env);
    // …and so has a user most of whose peers (same department and profession) work nights: on-call rotas.
    const peerShare =
      o.peer_share === undefined ? Infinity : resolve(o.peer_share, 'number', [...path, 'peer_share'], env);
    // A peer works nights after this many of them: a rota, not one night that was itself out of hours.
    const peerNightDays =
      o.peer_night_days === undefined
        ? nightDays
        : resolve(o.peer_night_days, 'number', [...path, 'peer_night_days'], env);
    if (tolerance === null || minDays === null || nightDays === null || peerShare === null || peerNightDays === null)
      return null;
    const nightsUsual = (c: EvalContext, u: UserActivity, night: number) => {
      if (u.nightsBefore(night) >= nightDays) return true;
      if (peerShare === Infinity || !c.user?.departmentKey) return false;
      const peers = (c.dir.departments.get(c.user.departmentKey) ?? []).filter(
        (id) => id !== c.user!.id && c.dir.staff.get(id)?.profession === c.user!.profession,
      );
      if (peers.length < 2) return false;
      const working = peers.filter((id) => (c.state.users.get(id)?.nightsBefore(night) ?? 0) >= peerNightDays).length;
      return working / peers.length >= peerShare;
    };
    const spread = Math.round(tolerance / 3_600_000);
    // The night and the hours within the tolerance of it (a night shift starts and ends around it).
    const nearNight = (hour: number) => {
      for (let d = -spread; d <= spread; d++) if (isNightHour((hour + d + 24) % 24)) return true;
      return false;
    };
    return (c) => {
      if (!c.ev.userId) return false;
      const u = c.state.users.get(c.ev.userId);
      const day = parisDayNumber(c.ev.occurredAt);
      if (!u || u.activeDaysBefore(day) < minDays) return false;
      const hour = parisHour(c.ev.occurredAt);
      for (let d = -spread; d <= spread; d++) if (u.daysAtHourBefore((hour + d + 24) % 24, day) > 0) return false;
      if (nearNight(hour) && nightsUsual(c, u, nightOf(c.ev.occurredAt))) return false;
      c.values.usualHours = hourRanges(u.hourDays.map((_, h) => u.daysAtHourBefore(h, day) > 0));
      return true;
    };
  },
  impossible_travel(arg, path, env) {
    const o = object(arg, ['speed_kmh', 'min_km', 'within'], path, env);
    if (!o) return null;
    const speed = resolve(o.speed_kmh, 'number', [...path, 'speed_kmh'], env);
    const minKm = resolve(o.min_km, 'number', [...path, 'min_km'], env);
    const within = resolve(o.within, 'duration', [...path, 'within'], env);
    if (speed === null || minKm === null || within === null) return null;
    return (c) => {
      const ws = c.ev.workstation ? c.dir.workstations.get(c.ev.workstation) : undefined;
      const prev = c.ev.userId ? c.state.users.get(c.ev.userId)?.place : null;
      if (!ws || ws.latitude === null || ws.longitude === null || !prev || prev.site === ws.site) return false;
      const dt = c.ev.occurredAt - prev.t;
      if (dt < 0 || dt > within) return false;
      const distance = km(prev, { latitude: ws.latitude, longitude: ws.longitude });
      if (distance < minKm || distance / Math.max(dt / 3_600_000, 1e-9) <= speed) return false;
      Object.assign(c.values, {
        previousWorkstation: prev.workstation,
        previousSite: prev.site,
        site: ws.site,
        distanceKm: Math.round(distance),
        minutes: Math.round(dt / 60_000),
        previousEventId: prev.eventId,
      });
      return true;
    };
  },
};

export const CONDITION_NAMES = [...Object.keys(CONDITIONS), 'not', 'any', 'all'];

/** Builds one condition (or a combinator) at `path`; records issues in env and returns null when wrong. */
export function buildCondition(node: unknown, path: Path, env: BuildEnv): Predicate | null {
  if (!node || typeof node !== 'object' || Array.isArray(node)) {
    env.issues.push({ path, message: `a condition: an object with one of ${CONDITION_NAMES.join(', ')}` });
    return null;
  }
  const keys = Object.keys(node);
  if (keys.length !== 1) {
    env.issues.push({ path, message: `one condition per item (found ${keys.length ? keys.join(', ') : 'none'})` });
    return null;
  }
  const name = keys[0]!;
  const arg = (node as Record<string, unknown>)[name];
  const at = [...path, name];
  if (name === 'not') {
    const inner = buildCondition(arg, at, env);
    return inner && ((c) => !inner(c));
  }
  if (name === 'any' || name === 'all') {
    if (!Array.isArray(arg) || !arg.length) {
      env.issues.push({ path: at, message: 'a list of conditions' });
      return null;
    }
    const parts = arg.map((a, i) => buildCondition(a, [...at, i], env));
    if (parts.some((p) => p === null)) return null;
    const ps = parts as Predicate[];
    return name === 'any' ? (c) => ps.some((p) => p(c)) : (c) => ps.every((p) => p(c));
  }
  const builder = CONDITIONS[name];
  if (!builder) {
    env.issues.push({ path: at, message: `unknown condition "${name}" (known: ${CONDITION_NAMES.join(', ')})` });
    return null;
  }
  return builder(arg, at, env);
}
