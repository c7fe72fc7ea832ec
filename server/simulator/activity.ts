// A month of ordinary work: shifts (12-hour day and night rotas, office
// hours, physicians' days and on-call nights, two-site consultations),
// logins with the odd typo, record accesses to the patients each job cares
// for, cross-department consultations (with an assignment), and the night
// batches of technical accounts.
import { DAY, HOUR, INPATIENT, type Clinic, type Encounter, type StaffMember } from './clinic.ts';
import type { Rng } from './prng.ts';

export interface SimEvent {
  t: number;
  user: string;
  action:
    'login' | 'logout' | 'login_failed' | 'read' | 'create' | 'update' | 'delete' | 'print' | 'export' | 'break_glass';
  outcome: 'success' | 'failure';
  patient: string | null;
  workstation: string;
  address: string;
  department: string;
  context?: Record<string, string>;
  /** The injected incident this event belongs to. */
  incident?: number;
}

export interface Shift {
  staff: StaffMember;
  day: number;
  start: number;
  end: number;
  workstation: string;
}

export interface Assignment {
  id: string;
  userId: string;
  patientId: string;
  startAt: number;
  endAt: number;
  reason: string;
}

const MIN = 60_000;

export class Activity {
  readonly events: SimEvent[] = [];
  readonly shifts: Shift[] = [];
  readonly assignments: Assignment[] = [];
  readonly #ip: Map<string, string>;
  readonly #byDept = new Map<string, Encounter[]>();

  constructor(
    readonly clinic: Clinic,
    readonly rng: Rng,
  ) {
    this.#ip = new Map(clinic.workstations.map((w) => [w.id, w.ip]));
    for (const e of clinic.encounters) this.#byDept.set(e.department, [...(this.#byDept.get(e.department) ?? []), e]);
  }

  event(e: Omit<SimEvent, 'address'>): SimEvent {
    const full = { ...e, address: this.#ip.get(e.workstation) ?? '10.0.0.1' };
    this.events.push(full);
    return full;
  }

  encountersOf(department: string): Encounter[] {
    return this.#byDept.get(department) ?? [];
  }

  /** Patients a member of staff looks after during [s, e]. */
  pool(s: StaffMember, from: number, to: number, site?: string): string[] {
    const out = new Set<string>();
    const add = (list: Encounter[], test: (e: Encounter) => boolean) =>
      list.forEach((e) => test(e) && out.add(e.patientId));
    const dept = s.department.name;
    switch (s.role) {
      case 'secretary':
        add(this.encountersOf(dept), (e) => e.startAt <= to && e.endAt >= from - 5 * DAY);
        break;
      case 'dim':
        for (const d of INPATIENT)
          add(
            this.encountersOf(d.name),
            (e) => e.kind === 'IMP' && e.endAt >= from - 25 * DAY && e.endAt <= from - DAY,
          );
        break;
      case 'pharmacist':
        for (const d of INPATIENT)
          add(this.encountersOf(d.name), (e) => e.kind === 'IMP' && e.startAt <= to && e.endAt >= from);
        break;
      case 'physician':
        if (site === 'consult')
          add(this.encountersOf(dept), (e) => e.kind === 'AMB' && e.startAt <= to && e.endAt >= from);
        else
          add(
            this.encountersOf(dept),
            (e) => e.startAt <= to && e.endAt >= from && (e.kind !== 'AMB' || e.startAt >= from - 2 * HOUR),
          );
        break;
      default:
        add(this.encountersOf(dept), (e) => e.kind !== 'AMB' && e.startAt <= to && e.endAt >= from);
    }
    if (s.patientId) out.delete(s.patientId);
    return [...out];
  }

  /** A working session: login (sometimes after a typo), accesses, logout. */
  session(
    s: StaffMember,
    from: number,
    to: number,
    workstation: string,
    pool: string[],
    mean: number,
    focusSize: number,
  ) {
    const rng = this.rng;
    const dept = s.department.name;
    const login = from + rng.int(0, 10) * MIN + rng.int(0, 59) * 1000;
    if (rng.chance(0.04)) {
      for (let k = rng.chance(0.2) ? 2 : 1; k > 0; k--)
        this.event({
          t: login - k * rng.int(5, 25) * 1000,
          user: s.id,
          action: 'login_failed',
          outcome: 'failure',
          patient: null,
          workstation,
          department: dept,
        });
    }
    this.event({
      t: login,
      user: s.id,
      action: 'login',
      outcome: 'success',
      patient: null,
      workstation,
      department: dept,
    });
    const focus = rng.sample(pool, focusSize);
    const n = focus.length ? rng.poisson(mean) : 0;
    const span = Math.max(MIN, to - login - 5 * MIN);
    const times = Array.from({ length: n }, () => login + MIN + Math.floor(rng.next() * span)).sort((a, b) => a - b);
    for (const t of times) {
      const action = rng.weighted(['read', 'update', 'print', 'create'] as const, [84, 12, 3, 1]);
      this.event({
        t,
        user: s.id,
        action,
        outcome: 'success',
        patient: rng.pick(focus),
        workstation,
        department: dept,
      });
    }
    this.event({
      t: Math.max(to, (times[times.length - 1] ?? login) + MIN) + rng.int(0, 10) * MIN,
      user: s.id,
      action: 'logout',
      outcome: 'success',
      patient: null,
      workstation,
      department: dept,
    });
  }

  /** Shifts of every member of staff, and their sessions. */
  work() {
    const { clinic, rng } = this;
    for (const s of clinic.staff) {
      if (s.accountType === 'service' || s.longLeave || (s.endAt !== null && s.endAt < clinic.start)) continue;
      let run = 0;
      for (let day = s.firstDay; day <= s.lastDay; day++) {
        const dayStart = clinic.start + day * DAY;
        const weekday = new Date(dayStart + 12 * HOUR).getUTCDay();
        const weekend = weekday === 0 || weekday === 6;
        if (s.holidays.has(day)) continue;
        const ws = rng.pick(s.workstations);
        if (s.rota === 'day' || s.rota === 'night') {
          if (run >= 3 || !rng.chance(0.45)) {
            run = 0;
            continue;
          }
          run += 1;
          const from = dayStart + (s.rota === 'day' ? 7 : 19) * HOUR + rng.int(-10, 5) * MIN;
          this.#shift(s, day, from, from + 12 * HOUR, ws);
        } else if (!weekend && rng.chance(s.rota === 'physician' ? 0.92 : 0.93)) {
          if (s.rota === 'physician' && s.twoSite && (weekday === 2 || weekday === 4)) {
            this.#shift(s, day, dayStart + 8 * HOUR + 30 * MIN, dayStart + 12 * HOUR, ws);
            this.#shift(
              s,
              day,
              dayStart + 14 * HOUR + rng.int(0, 20) * MIN,
              dayStart + 17 * HOUR + 30 * MIN,
              rng.pick(['BJ-CONS-01', 'BJ-CONS-02', 'BJ-CONS-03', 'BJ-CONS-04']),
              'consult',
            );
          } else {
            const from = dayStart + (s.rota === 'physician' ? 8 * HOUR : 8 * HOUR + 15 * MIN) + rng.int(0, 45) * MIN;
            const to =
              dayStart +
              (s.rota === 'physician'
                ? 17 * HOUR + 30 * MIN + rng.int(0, 120) * MIN
                : 16 * HOUR + 30 * MIN + rng.int(0, 60) * MIN);
            this.#shift(s, day, from, to, ws);
          }
        }
      }
    }
    this.#onCall();
    this.#consults();
    this.#batches();
  }

  #shift(s: StaffMember, day: number, from: number, to: number, workstation: string, site?: 'consult') {
    const hours = (to - from) / HOUR;
    const [mean, focus] = {
      physician: [3, 12],
      nurse: [3, s.department.kind === 'emergency' ? 14 : 8],
      aide: [1.5, 8],
      secretary: [5, 30],
      dim: [5, 45],
      pharmacist: [4, 40],
      service: [0, 0],
    }[s.role] as [number, number];
    this.shifts.push({ staff: s, day, start: from, end: to, workstation });
    this.session(s, from, to, workstation, this.pool(s, from, to, site), mean * hours, focus);
  }

  /** One physician per inpatient department on call each night; called in once or more. */
  #onCall() {
    const { clinic, rng } = this;
    for (const d of INPATIENT) {
      const physicians = clinic.staff.filter(
        (s) =>
          s.department === d && s.rota === 'physician' && !s.longLeave && (s.endAt === null || s.endAt > clinic.start),
      );
      if (!physicians.length) continue;
      const offset = rng.int(0, physicians.length - 1);
      for (let day = 0; day < clinic.days; day++) {
        const available = physicians.filter((p) => day >= p.firstDay && day <= p.lastDay && !p.holidays.has(day));
        if (!available.length) continue;
        const doc = available[(day + offset) % available.length]!;
        const night = clinic.start + day * DAY + 20 * HOUR;
        for (let calls = 1 + rng.poisson(1.2); calls > 0; calls--) {
          const at = night + rng.int(0, 11 * 60) * MIN;
          this.session(
            doc,
            at,
            at + rng.int(15, 40) * MIN,
            rng.pick(doc.workstations),
            this.pool(doc, at, at + HOUR),
            3,
            3,
          );
        }
      }
    }
  }

  /** Cross-department consultations: the request creates an assignment, then the consultant reads the record. */
  #consults() {
    const { rng } = this;
    const byDay = new Map<number, Shift[]>();
    for (const sh of this.shifts)
      if (sh.staff.role === 'physician' && sh.staff.department.kind === 'inpatient')
        byDay.set(sh.day, [...(byDay.get(sh.day) ?? []), sh]);
    let seq = 0;
    for (const [, shifts] of [...byDay].sort((a, b) => a[0] - b[0])) {
      for (const d of INPATIENT) {
        if (!rng.chance(0.5)) continue;
        const candidates = shifts.filter((sh) => sh.staff.department !== d && sh.end - sh.start > 3 * HOUR);
        if (!candidates.length) continue;
        const sh = rng.pick(candidates);
        const at = sh.start + rng.int(30, Math.max(31, Math.floor((sh.end - sh.start) / MIN) - 120)) * MIN;
        const open = this.encountersOf(d.name)
          .filter((e) => e.kind === 'IMP' && e.startAt <= at && e.endAt >= at)
          .map((e) => e.patientId);
        if (!open.length) continue;
        const patient = rng.pick(open);
        this.assignments.push({
          id: `A${String(++seq).padStart(6, '0')}`,
          userId: sh.staff.id,
          patientId: patient,
          startAt: at - 10 * MIN,
          endAt: at + 2 * DAY,
          reason: `Avis ${sh.staff.department.name}`,
        });
        for (let k = rng.int(1, 3); k > 0; k--)
          this.event({
            t: at + rng.int(0, 90) * MIN,
            user: sh.staff.id,
            action: 'read',
            outcome: 'success',
            patient,
            workstation: sh.workstation,
            department: sh.staff.department.name,
          });
      }
    }
  }

  /** Night batches of the technical accounts: lab results, billing, archiving. */
  #batches() {
    const { clinic } = this;
    const svc = (id: string) => clinic.staff.find((s) => s.id === id)!;
    const all = clinic.encounters.filter((e) => e.kind === 'IMP');
    for (let day = 0; day < clinic.days; day++) {
      const night = clinic.start + day * DAY;
      const run = (user: string, at: number, action: SimEvent['action'], patients: string[]) => {
        patients.forEach((p, i) =>
          this.event({
            t: at + i * 2000,
            user,
            action,
            outcome: 'success',
            patient: p,
            workstation: 'SL-SRV-BATCH',
            department: 'Informatique',
          }),
        );
      };
      const unique = (list: Encounter[]) => [...new Set(list.map((e) => e.patientId))];
      run(
        svc('svc-labo').id,
        night + HOUR,
        'update',
        unique(all.filter((e) => e.startAt <= night + HOUR && e.endAt >= night + HOUR)),
      );
      run(
        svc('svc-factu').id,
        night + 2 * HOUR,
        'read',
        unique(all.filter((e) => e.endAt >= night - DAY && e.endAt < night)),
      );
      run(
        svc('svc-archiv').id,
        night + 3 * HOUR,
        'export',
        unique(all.filter((e) => e.endAt >= night - 8 * DAY && e.endAt < night - 7 * DAY)),
      );
    }
  }
}
