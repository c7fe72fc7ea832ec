// Injected incidents, one scenario per detection rule, placed inside the
// culprits' real shifts so that only the scenario makes them stand out. The
// targets are chosen with the server's own directory logic (relations, care
// relationships) so that what the truth says matches what the directory says.
import { relationsOf } from '../detection/context.ts';
import type { DirectoryIndex } from '../directory/directory-index.ts';
import type { Activity, Shift, SimEvent } from './activity.ts';
import { DAY, HOUR, type StaffMember } from './clinic.ts';
import type { Rng } from './prng.ts';

export interface Incident {
  id: number;
  rule: string;
  user: string;
  patient: string | null;
  workstation: string;
  events: SimEvent[];
}

const MIN = 60_000;
const CARE_WINDOW = 7 * DAY;
/** Incidents per scenario for a 30-day month (scaled to the days simulated). */
export const SCENARIOS: Record<string, number> = {
  'self-access': 10,
  'relative-record': 10,
  'colleague-record': 10,
  'neighbour-record': 10,
  'vip-record': 12,
  'deceased-record': 8,
  'no-care-relationship': 15,
  'off-hours': 10,
  'bulk-access': 6,
  'break-glass': 15,
  'terminated-account': 6,
  'dormant-account': 5,
  'failed-logins-user': 8,
  'failed-logins-workstation': 6,
  'impossible-travel': 8,
};
const REASONS = [
  'Urgence vitale, patient inconscient',
  'Transfert depuis un autre établissement, antécédents nécessaires',
  'Demande du SAMU',
  'Patient arrivé hors heures ouvrables',
];
const FAKE_USERS = ['admin', 'test', 'root', 'dpi', 'medecin', 'infirmier', 'guest', 'support'];

export function injectIncidents(activity: Activity, index: DirectoryIndex, rng: Rng): Incident[] {
  const clinic = activity.clinic;
  const incidents: Incident[] = [];
  const used = new Set<string>();
  const scale = clinic.days / 30;
  const count = (rule: string) => Math.max(1, Math.round(SCENARIOS[rule]! * scale));
  const patients = clinic.patients.filter((p) => index.patients.has(p.id));
  const people = clinic.staff.filter((s) => s.accountType === 'person');
  const clinical = people.filter((s) => ['physician', 'nurse', 'aide', 'secretary'].includes(s.role));
  const shiftsOf = new Map<string, Shift[]>();
  for (const sh of activity.shifts) shiftsOf.set(sh.staff.id, [...(shiftsOf.get(sh.staff.id) ?? []), sh]);
  const dayShifts = (s: StaffMember) => (shiftsOf.get(s.id) ?? []).filter((sh) => sh.end - sh.start >= 3 * HOUR);

  const care = (s: StaffMember, patient: string, t: number) =>
    index.careRelationship(index.staff.get(s.id), s.id, patient, t, CARE_WINDOW) !== null;
  const related = (s: StaffMember, patient: string) => {
    const r = relationsOf(index.staff.get(s.id), s.id, index.patients.get(patient), index);
    return r.samePerson || r.relative || r.neighbour || r.colleague || r.sameStreet || r.sharedName;
  };
  const alive = (patient: string, t: number) => {
    const p = index.patients.get(patient)!;
    return p.deceasedAt === null || p.deceasedAt > t;
  };
  /** A patient with no link at all to the user: not cared for, not related, not VIP, not staff, alive. */
  const stranger = (s: StaffMember, t: number): string | null => {
    for (let k = 0; k < 500; k++) {
      const p = rng.pick(patients);
      if (p.vip || p.staffId || !alive(p.id, t) || related(s, p.id) || care(s, p.id, t)) continue;
      return p.id;
    }
    return null;
  };
  const inShift = (sh: Shift) => sh.start + rng.int(20, Math.max(21, Math.floor((sh.end - sh.start) / MIN) - 40)) * MIN;
  const pickShift = (s: StaffMember, minDay = 0) => {
    const list = dayShifts(s).filter((sh) => sh.day >= minDay);
    return list.length ? rng.pick(list) : null;
  };
  const add = (
    rule: string,
    s: StaffMember,
    patient: string | null,
    workstation: string,
    events: Omit<SimEvent, 'address' | 'incident'>[],
  ) => {
    const id = incidents.length + 1;
    const made = events.map((e) => activity.event({ ...e, incident: id }));
    incidents.push({ id, rule, user: s.id, patient, workstation, events: made });
    used.add(`${rule}:${s.id}`);
  };
  const reads = (s: StaffMember, patient: string, t: number, ws: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      t: t + i * rng.int(1, 6) * MIN,
      user: s.id,
      action: 'read' as const,
      outcome: 'success' as const,
      patient,
      workstation: ws,
      department: s.department.name,
    }));
  const candidates = (rule: string, list: StaffMember[]) =>
    rng.shuffle(list.filter((s) => !used.has(`${rule}:${s.id}`) && dayShifts(s).length > 0));

  /** Record-access scenarios: a culprit, a target chosen by `target`, read once or more during a shift. */
  const snoop = (
    rule: string,
    pool: StaffMember[],
    target: (s: StaffMember, t: number) => string | null,
    minDay = 0,
  ) => {
    let made = 0;
    for (const s of candidates(rule, pool)) {
      if (made >= count(rule)) break;
      const sh = pickShift(s, minDay);
      if (!sh) continue;
      const t = inShift(sh);
      const patient = target(s, t);
      if (!patient) continue;
      add(rule, s, patient, sh.workstation, reads(s, patient, t, sh.workstation, rng.int(1, 3)));
      made++;
    }
  };

  snoop(
    'self-access',
    clinical.filter((s) => s.patientId),
    (s) => s.patientId,
  );
  snoop('relative-record', clinical, (s, t) => {
    const home = clinic.households.get(s.household) ?? [];
    const p = home.find(
      (x) =>
        x.id !== s.patientId &&
        alive(x.id, t) &&
        !care(s, x.id, t) &&
        relationsOf(index.staff.get(s.id), s.id, index.patients.get(x.id), index).relative,
    );
    return p?.id ?? null;
  });
  const staffPatients = patients.filter((p) => p.staffId);
  snoop('colleague-record', clinical, (s, t) => {
    for (const p of rng.shuffle([...staffPatients])) {
      const r = relationsOf(index.staff.get(s.id), s.id, index.patients.get(p.id), index);
      if (
        r.colleague &&
        !r.relative &&
        !r.samePerson &&
        !r.sameStreet &&
        !index.patients.get(p.id)!.vip &&
        alive(p.id, t) &&
        !care(s, p.id, t)
      )
        return p.id;
    }
    return null;
  });
  const byStreet = new Map<string, string[]>();
  for (const p of patients)
    for (const k of index.patients.get(p.id)!.identity.streetKeys) byStreet.set(k, [...(byStreet.get(k) ?? []), p.id]);
  snoop('neighbour-record', clinical, (s, t) => {
    const keys = index.staff.get(s.id)?.identity.streetKeys ?? [];
    for (const id of rng.shuffle(keys.flatMap((k) => byStreet.get(k) ?? []))) {
      const p = index.patients.get(id)!;
      const r = relationsOf(index.staff.get(s.id), s.id, p, index);
      if (r.neighbour && !r.colleague && !p.vip && alive(id, t) && !care(s, id, t)) return id;
    }
    return null;
  });
  const vipStay = clinic.encounters.find(
    (e) => index.patients.get(e.patientId)?.vip && e.department === 'Cardiologie' && e.startAt >= clinic.start,
  );
  if (vipStay) {
    const day0 = Math.floor((vipStay.startAt - clinic.start) / DAY);
    let made = 0;
    for (const s of candidates(
      'vip-record',
      clinical.filter((x) => x.department.name !== 'Cardiologie'),
    )) {
      if (made >= count('vip-record')) break;
      const sh = dayShifts(s).find((x) => x.day >= day0 && x.day <= day0 + 2 && x.end > vipStay.startAt + HOUR);
      if (!sh || related(s, vipStay.patientId) || care(s, vipStay.patientId, sh.end)) continue;
      const t = Math.max(sh.start + 20 * MIN, vipStay.startAt + HOUR) + rng.int(0, 120) * MIN;
      if (t > sh.end - 10 * MIN) continue;
      add(
        'vip-record',
        s,
        vipStay.patientId,
        sh.workstation,
        reads(s, vipStay.patientId, t, sh.workstation, rng.int(1, 2)),
      );
      made++;
    }
  }
  const longDead = patients.filter(
    (p) => p.deceasedAt !== null && p.deceasedAt < clinic.start - 20 * DAY && !p.vip && !p.staffId,
  );
  snoop('deceased-record', clinical, (s, t) => {
    for (let k = 0; k < 200; k++) {
      const p = rng.pick(longDead);
      if (
        !related(s, p.id) &&
        !care(s, p.id, t) &&
        !clinic.encounters.some((e) => e.patientId === p.id && e.endAt > t - 40 * DAY)
      )
        return p.id;
    }
    return null;
  });
  snoop('no-care-relationship', clinical, (s, t) => stranger(s, t));

  // Off-hours: office workers with a learnt routine, at night, on their usual workstation, on patients they do care for.
  {
    let made = 0;
    for (const s of candidates(
      'off-hours',
      people.filter((x) => x.rota === 'office' && x.role === 'secretary'),
    )) {
      if (made >= count('off-hours')) break;
      const days = dayShifts(s).map((sh) => sh.day);
      const day = days.find((d) => d >= 11 && days.filter((x) => x < d).length >= 8);
      if (day === undefined) continue;
      const t = clinic.start + day * DAY + rng.int(40, 200) * MIN;
      const pool = activity.pool(s, t, t + HOUR);
      if (pool.length < 2) continue;
      const ws = s.workstations[0]!;
      const base = { user: s.id, outcome: 'success' as const, workstation: ws, department: s.department.name };
      add('off-hours', s, null, ws, [
        { ...base, t, action: 'login', patient: null },
        ...rng
          .sample(pool, rng.int(2, 4))
          .map((p, i) => ({ ...base, t: t + (i + 1) * rng.int(2, 5) * MIN, action: 'read' as const, patient: p })),
        { ...base, t: t + 30 * MIN, action: 'logout', patient: null },
      ]);
      made++;
    }
  }
  // Bulk: one session opening a large part of the department's recent patients (all of them cared for).
  {
    let made = 0;
    for (const s of candidates(
      'bulk-access',
      clinical.filter((x) => x.department.kind !== 'support'),
    )) {
      if (made >= count('bulk-access')) break;
      const sh = dayShifts(s).find(
        (x) => x.day >= 10 && dayShifts(s).filter((y) => y.day < x.day).length >= 7 && x.end - x.start >= 6 * HOUR,
      );
      if (!sh) continue;
      const t = inShift(sh);
      const pool = [
        ...new Set(
          activity
            .encountersOf(s.department.name)
            .filter((e) => e.startAt <= t + 5 * DAY && e.endAt >= t - 5 * DAY)
            .map((e) => e.patientId),
        ),
      ].filter(
        (p) => p !== s.patientId && !related(s, p) && !index.patients.get(p)!.vip && alive(p, t) && care(s, p, t),
      );
      if (pool.length < 55) continue;
      const chosen = rng.sample(pool, rng.int(55, Math.min(85, pool.length)));
      add(
        'bulk-access',
        s,
        null,
        sh.workstation,
        chosen.map((p, i) => ({
          t: t + i * rng.int(25, 40) * 1000,
          user: s.id,
          action: rng.chance(0.2) ? ('print' as const) : ('read' as const),
          outcome: 'success' as const,
          patient: p,
          workstation: sh.workstation,
          department: s.department.name,
        })),
      );
      made++;
    }
  }
  // Break-the-glass: an emergency override on a patient outside the user's care, then a few reads it covers.
  {
    let made = 0;
    for (const s of candidates(
      'break-glass',
      clinical.filter((x) => x.role === 'physician' || x.role === 'nurse'),
    )) {
      if (made >= count('break-glass')) break;
      const sh = pickShift(s);
      if (!sh) continue;
      const t = inShift(sh);
      const patient = stranger(s, t);
      if (!patient) continue;
      const reason = rng.chance(0.7) ? { reason: rng.pick(REASONS) } : undefined;
      add('break-glass', s, patient, sh.workstation, [
        {
          t,
          user: s.id,
          action: 'break_glass',
          outcome: 'success',
          patient,
          workstation: sh.workstation,
          department: s.department.name,
          ...(reason ? { context: reason } : {}),
        },
        ...reads(s, patient, t + 2 * MIN, sh.workstation, rng.int(1, 3)),
      ]);
      made++;
    }
  }
  // Terminated accounts used after the end of contract.
  {
    let made = 0;
    for (const s of rng.shuffle(people.filter((x) => x.endAt !== null))) {
      if (made >= count('terminated-account')) break;
      const after = Math.max(s.endAt! + DAY, clinic.start);
      const day = Math.floor((after - clinic.start) / DAY) + rng.int(0, 4);
      if (day >= clinic.days) continue;
      const t = clinic.start + day * DAY + rng.int(9 * 60, 16 * 60) * MIN;
      const ws = s.workstations[0]!;
      const base = { user: s.id, outcome: 'success' as const, workstation: ws, department: s.department.name };
      const targets = [0, 1, 2].map(() => stranger(s, t)).filter((p): p is string => p !== null);
      add('terminated-account', s, targets[0] ?? null, ws, [
        { ...base, t, action: 'login', patient: null },
        ...targets.map((p, i) => ({
          ...base,
          t: t + (i + 1) * rng.int(1, 4) * MIN,
          action: 'read' as const,
          patient: p,
        })),
      ]);
      made++;
    }
  }
  // Dormant accounts coming back, on their department's patients.
  {
    let made = 0;
    for (const s of rng.shuffle(people.filter((x) => x.longLeave && x.department.kind !== 'support'))) {
      if (made >= count('dormant-account')) break;
      const t = clinic.start + rng.int(2, clinic.days - 2) * DAY + rng.int(9 * 60, 16 * 60) * MIN;
      const pool = activity.pool(s, t, t + HOUR).filter((p) => !related(s, p));
      if (!pool.length) continue;
      const ws = s.workstations[0]!;
      const base = { user: s.id, outcome: 'success' as const, workstation: ws, department: s.department.name };
      add('dormant-account', s, null, ws, [
        { ...base, t, action: 'login', patient: null },
        ...rng
          .sample(pool, rng.int(1, 3))
          .map((p, i) => ({ ...base, t: t + (i + 1) * 3 * MIN, action: 'read' as const, patient: p })),
      ]);
      made++;
    }
  }
  // Password guessing on one account, then spraying many accounts from one workstation.
  {
    let made = 0;
    for (const s of candidates('failed-logins-user', clinical)) {
      if (made >= count('failed-logins-user')) break;
      const sh = pickShift(s);
      if (!sh) continue;
      const t = inShift(sh);
      add(
        'failed-logins-user',
        s,
        null,
        sh.workstation,
        Array.from({ length: rng.int(6, 10) }, (_, i) => ({
          t: t + i * rng.int(10, 35) * 1000,
          user: s.id,
          action: 'login_failed' as const,
          outcome: 'failure' as const,
          patient: null,
          workstation: sh.workstation,
          department: s.department.name,
        })),
      );
      made++;
    }
    const stations = clinic.workstations.filter((w) => w.department !== 'Informatique');
    for (let k = 0; k < count('failed-logins-workstation'); k++) {
      const w = rng.pick(stations);
      const t = clinic.start + rng.int(1, clinic.days - 1) * DAY + rng.int(0, 23 * 60) * MIN;
      const names = [...rng.sample(FAKE_USERS, rng.int(3, 5)), ...rng.sample(people, rng.int(3, 4)).map((s) => s.id)];
      const culprit = { id: `ws:${w.id}`, department: { name: w.department } } as unknown as StaffMember;
      add(
        'failed-logins-workstation',
        culprit,
        null,
        w.id,
        names.map((u, i) => ({
          t: t + i * rng.int(20, 60) * 1000,
          user: u,
          action: 'login_failed' as const,
          outcome: 'failure' as const,
          patient: null,
          workstation: w.id,
          department: w.department,
        })),
      );
      incidents[incidents.length - 1]!.user = names[0]!;
    }
  }
  // The same account on the other site a few minutes after working here.
  {
    let made = 0;
    const other = (site: string) =>
      clinic.workstations.filter((w) => w.site !== site && w.department !== 'Informatique');
    for (const s of candidates('impossible-travel', clinical)) {
      if (made >= count('impossible-travel')) break;
      const sh = pickShift(s);
      if (!sh) continue;
      const home = clinic.workstations.find((w) => w.id === sh.workstation)!;
      const t = inShift(sh);
      const pool = activity.pool(s, t, t + HOUR).filter((p) => !related(s, p));
      if (!pool.length) continue;
      const away = rng.pick(other(home.site));
      const base = { user: s.id, outcome: 'success' as const, department: s.department.name };
      activity.event({ ...base, t, action: 'read', patient: rng.pick(pool), workstation: home.id });
      const t2 = t + rng.int(4, 12) * MIN;
      add('impossible-travel', s, null, away.id, [
        { ...base, t: t2, action: 'login', patient: null, workstation: away.id },
        { ...base, t: t2 + MIN, action: 'read', patient: rng.pick(pool), workstation: away.id },
      ]);
      made++;
    }
  }
  return incidents;
}
