// The simulated clinic: two sites near Lyon, their departments and
// workstations, the staff roster, the patients (in households, some of them
// staff or staff's relatives), and two and a half months of stays, emergency
// visits and consultations.
import { parisMidnight } from '../paris-time.ts';
import { address, givenName, sameStreet, surname } from './names.ts';
import type { Rng } from './prng.ts';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** Encounters start this many days before the month (care windows, recent discharges). */
export const LOOKBACK_DAYS = 45;
/** Staff who have left, for the terminated-account scenario (scaled to the days simulated). */
const LEAVERS_PER_MONTH = 6;

export const SITES = {
  SL: { name: 'Site Saint-Luc (Lyon)', latitude: 45.7578, longitude: 4.852, net: '10.1' },
  BJ: { name: 'Site Beaujolais (Villefranche)', latitude: 45.9899, longitude: 4.7186, net: '10.2' },
} as const;
export type SiteCode = keyof typeof SITES;

export interface Department {
  name: string;
  code: string;
  site: SiteCode;
  kind: 'emergency' | 'inpatient' | 'support';
  beds: number;
  los: number;
  ages: [number, number];
  sex?: 'F';
  weight: number;
}

export const DEPARTMENTS: Department[] = [
  { name: 'Urgences', code: 'URG', site: 'SL', kind: 'emergency', beds: 0, los: 0, ages: [0, 99], weight: 1.6 },
  { name: 'Cardiologie', code: 'CARD', site: 'SL', kind: 'inpatient', beds: 24, los: 5, ages: [40, 95], weight: 1 },
  { name: 'Pneumologie', code: 'PNEU', site: 'SL', kind: 'inpatient', beds: 20, los: 6, ages: [30, 95], weight: 1 },
  {
    name: 'Chirurgie orthopédique',
    code: 'ORTH',
    site: 'SL',
    kind: 'inpatient',
    beds: 22,
    los: 4,
    ages: [16, 95],
    weight: 1,
  },
  {
    name: 'Médecine interne',
    code: 'MINT',
    site: 'SL',
    kind: 'inpatient',
    beds: 26,
    los: 7,
    ages: [18, 99],
    weight: 1,
  },
  { name: 'Réanimation', code: 'REA', site: 'SL', kind: 'inpatient', beds: 12, los: 6, ages: [18, 95], weight: 1.2 },
  { name: 'Oncologie', code: 'ONCO', site: 'SL', kind: 'inpatient', beds: 20, los: 5, ages: [30, 95], weight: 1 },
  { name: 'Gériatrie', code: 'GER', site: 'BJ', kind: 'inpatient', beds: 28, los: 9, ages: [75, 102], weight: 1 },
  { name: 'Pédiatrie', code: 'PED', site: 'BJ', kind: 'inpatient', beds: 16, los: 3, ages: [0, 15], weight: 0.9 },
  {
    name: 'Maternité',
    code: 'MAT',
    site: 'BJ',
    kind: 'inpatient',
    beds: 18,
    los: 4,
    ages: [18, 43],
    sex: 'F',
    weight: 0.9,
  },
  {
    name: 'Chirurgie digestive',
    code: 'DIG',
    site: 'BJ',
    kind: 'inpatient',
    beds: 18,
    los: 6,
    ages: [18, 95],
    weight: 1,
  },
  { name: 'Information médicale', code: 'DIM', site: 'SL', kind: 'support', beds: 0, los: 0, ages: [0, 0], weight: 0 },
  { name: 'Pharmacie', code: 'PHAR', site: 'SL', kind: 'support', beds: 0, los: 0, ages: [0, 0], weight: 0 },
];
export const CLINICAL = DEPARTMENTS.filter((d) => d.kind !== 'support');
export const INPATIENT = DEPARTMENTS.filter((d) => d.kind === 'inpatient');

export const PROFESSIONS = {
  physician: 'Médecin',
  nurse: 'Infirmier',
  aide: 'Aide-soignant',
  secretary: 'Secrétaire médicale',
  dim: 'Technicien d’information médicale',
  pharmacist: 'Pharmacien',
  service: 'Compte technique',
} as const;
export type Role = keyof typeof PROFESSIONS;

export interface Workstation {
  id: string;
  site: SiteCode;
  department: string;
  ip: string;
}

export interface Person {
  givenName: string;
  familyName: string;
  birthName: string | null;
  birthDate: string;
  sex: 'F' | 'M';
  addressLine: string;
  postcode: string;
  city: string;
}

export interface StaffMember extends Person {
  id: string;
  title: string | null;
  role: Role;
  department: Department;
  rota: 'day' | 'night' | 'office' | 'physician' | 'service';
  accountType: 'person' | 'service';
  /** Long leave: no activity, last login 100–200 days ago (dormant). */
  longLeave: boolean;
  /** Left before the month (terminated) or during it. */
  endAt: number | null;
  lastLoginAt: number | null;
  /** First working day (new hires), last working day (leavers). */
  firstDay: number;
  lastDay: number;
  /** Holidays inside the month (day numbers). */
  holidays: Set<number>;
  /** Physicians who hold Tuesday and Thursday afternoon consultations at the other site. */
  twoSite: boolean;
  workstations: string[];
  patientId: string | null;
  household: number;
}

export interface Patient extends Person {
  id: string;
  vip: boolean;
  deceasedAt: number | null;
  staffId: string | null;
  household: number;
  age: number;
}

export interface Encounter {
  id: string;
  patientId: string;
  department: string;
  kind: 'IMP' | 'EMER' | 'AMB';
  startAt: number;
  endAt: number;
}

export interface Clinic {
  start: number;
  days: number;
  startDate: string;
  workstations: Workstation[];
  staff: StaffMember[];
  patients: Patient[];
  encounters: Encounter[];
  households: Map<number, Patient[]>;
}

const birthDateFor = (rng: Rng, start: number, age: number) =>
  new Date(start - age * 365.25 * DAY - rng.int(0, 364) * DAY).toISOString().slice(0, 10);

function makeWorkstations(): Workstation[] {
  const out: Workstation[] = [];
  DEPARTMENTS.forEach((d, i) => {
    const n = d.kind === 'emergency' ? 8 : d.kind === 'support' ? 4 : 5;
    for (let k = 1; k <= n; k++)
      out.push({
        id: `${d.site}-${d.code}-${String(k).padStart(2, '0')}`,
        site: d.site,
        department: d.name,
        ip: `${SITES[d.site].net}.${i + 1}.${10 + k}`,
      });
  });
  for (let k = 1; k <= 4; k++)
    out.push({
      id: `BJ-CONS-${String(k).padStart(2, '0')}`,
      site: 'BJ',
      department: 'Consultations externes',
      ip: `${SITES.BJ.net}.60.${10 + k}`,
    });
  out.push({ id: 'SL-SRV-BATCH', site: 'SL', department: 'Informatique', ip: `${SITES.SL.net}.250.10` });
  return out;
}

export function buildClinic(
  rng: Rng,
  options: { staff: number; patients: number; days: number; startDate: string },
): Clinic {
  const start = parisMidnight(options.startDate);
  const workstations = makeWorkstations();
  const households = new Map<number, Patient[]>();
  const patients: Patient[] = [];
  const usedIds = new Set<string>();
  const prng = rng.fork('patients');
  const patientId = () => {
    let id: string;
    do id = `P${String(prng.int(100000, 9999999)).padStart(7, '0')}`;
    while (usedIds.has(id));
    usedIds.add(id);
    return id;
  };

  // Households: a family name and an address; married women often keep a birth name.
  let household = 0;
  const addMember = (
    h: number,
    base: { familyName: string; addr: ReturnType<typeof address> },
    age: number,
    sex: 'F' | 'M',
    ownName: boolean,
  ) => {
    const birthName = sex === 'F' && ownName && age >= 22 && prng.chance(0.7) ? surname(prng) : null;
    const p: Patient = {
      id: patientId(),
      givenName: givenName(prng, sex),
      familyName: base.familyName,
      birthName,
      birthDate: birthDateFor(prng, start, age),
      sex,
      ...base.addr,
      vip: false,
      deceasedAt: null,
      staffId: null,
      household: h,
      age,
    };
    patients.push(p);
    households.set(h, [...(households.get(h) ?? []), p]);
    return p;
  };
  while (patients.length < options.patients) {
    household += 1;
    const base = { familyName: surname(prng), addr: address(prng) };
    const size = prng.weighted([1, 2, 3, 4, 5], [30, 33, 16, 15, 6]);
    const adultAge = prng.weighted(
      [prng.int(18, 39), prng.int(40, 64), prng.int(65, 80), prng.int(81, 100)],
      [30, 35, 22, 13],
    );
    addMember(household, base, adultAge, prng.chance(0.5) ? 'F' : 'M', false);
    if (size >= 2 && patients.length < options.patients)
      addMember(household, base, Math.max(18, adultAge + prng.int(-5, 5)), prng.chance(0.8) ? 'F' : 'M', true);
    for (let k = 2; k < size && patients.length < options.patients; k++)
      addMember(
        household,
        base,
        adultAge > 60 ? prng.int(25, 45) : prng.int(0, Math.max(1, adultAge - 20)),
        prng.chance(0.5) ? 'F' : 'M',
        false,
      );
  }
  // Deaths before the month (1.5 %), and the VIP list.
  for (const p of patients)
    if (p.age > 60 && prng.chance(0.025)) p.deceasedAt = start - prng.int(30, 1500) * DAY - prng.int(0, 23) * HOUR;
  for (const p of prng.sample(
    patients.filter((x) => x.age >= 20 && x.deceasedAt === null),
    25,
  ))
    p.vip = true;

  const staff = makeStaff(rng.fork('staff'), options, start, workstations, patients, households);
  const encounters = makeEncounters(rng.fork('encounters'), start, options.days, patients, staff);
  return {
    start,
    days: options.days,
    startDate: options.startDate,
    workstations,
    staff,
    patients,
    encounters,
    households,
  };
}

function makeStaff(
  rng: Rng,
  options: { staff: number; days: number },
  start: number,
  workstations: Workstation[],
  patients: Patient[],
  households: Map<number, Patient[]>,
): StaffMember[] {
  const staff: StaffMember[] = [];
  const ids = new Set<string>();
  const loginOf = (given: string, family: string) => {
    const base = (given[0]! + family)
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z]/g, '')
      .slice(0, 12);
    let id = base;
    for (let n = 2; ids.has(id); n++) id = `${base}${n}`;
    ids.add(id);
    return id;
  };
  const dim = DEPARTMENTS.find((d) => d.code === 'DIM')!;
  const phar = DEPARTMENTS.find((d) => d.code === 'PHAR')!;
  const people = options.staff - 3;
  const support = Math.max(2, Math.round(people * 0.014));
  const clinical = people - 2 * support;
  const totalWeight = CLINICAL.reduce((a, d) => a + d.weight, 0);
  const plan: { dept: Department; role: Role }[] = [];
  for (let i = 0; i < support; i++) plan.push({ dept: dim, role: 'dim' }, { dept: phar, role: 'pharmacist' });
  CLINICAL.forEach((d, i) => {
    const n =
      i === CLINICAL.length - 1
        ? clinical - plan.filter((p) => p.dept.kind !== 'support').length
        : Math.round((clinical * d.weight) / totalWeight);
    for (let k = 0; k < n; k++)
      plan.push({ dept: d, role: rng.weighted<Role>(['physician', 'nurse', 'aide', 'secretary'], [18, 42, 28, 12]) });
  });
  // Make sure each department has at least two physicians and one secretary.
  for (const d of CLINICAL) {
    const mine = plan.filter((p) => p.dept === d);
    for (const role of ['physician', 'physician', 'secretary'] as Role[]) {
      if (mine.filter((p) => p.role === role).length < (role === 'physician' ? 2 : 1)) {
        const swap = mine.find((p) => p.role === 'aide' || p.role === 'nurse');
        if (swap) swap.role = role;
      }
    }
  }
  // Staff live in households: 45 % of them are also patients of the clinic.
  const householdIds = [...households.keys()];
  for (const { dept, role } of plan) {
    const sex: 'F' | 'M' = rng.chance(role === 'physician' ? 0.5 : 0.8) ? 'F' : 'M';
    const h = rng.pick(householdIds);
    const home = households.get(h)![0]!;
    const isPatient = rng.chance(0.45);
    const age = rng.int(23, 62);
    const familyName = rng.chance(0.6) ? home.familyName : surname(rng);
    const person: Person = {
      givenName: givenName(rng, sex),
      familyName,
      birthName: sex === 'F' && familyName !== home.familyName && rng.chance(0.3) ? home.familyName : null,
      birthDate: birthDateFor(rng, start, age),
      sex,
      addressLine: rng.chance(0.85) ? home.addressLine : sameStreet(rng, home).addressLine,
      postcode: home.postcode,
      city: home.city,
    };
    const id = loginOf(person.givenName, person.familyName);
    const deptWs = workstations.filter((w) => w.department === dept.name).map((w) => w.id);
    const fate = rng.next();
    const rota =
      role === 'physician'
        ? dept.kind === 'emergency'
          ? rng.chance(0.35)
            ? 'night'
            : 'day'
          : 'physician'
        : role === 'nurse' || role === 'aide'
          ? rng.chance(0.35)
            ? 'night'
            : 'day'
          : 'office';
    const member: StaffMember = {
      ...person,
      id,
      title: role === 'physician' ? 'Dr' : null,
      role,
      department: dept,
      rota,
      accountType: 'person',
      longLeave: fate < 0.025,
      endAt: null,
      lastLoginAt: start - rng.int(1, 3) * DAY + rng.int(8, 18) * HOUR,
      firstDay: 0,
      lastDay: options.days - 1,
      holidays: new Set(),
      twoSite: role === 'physician' && dept.site === 'SL' && dept.kind === 'inpatient' && rng.chance(0.15),
      workstations: rng.sample(deptWs, 2),
      patientId: null,
      household: h,
    };
    if (member.longLeave) member.lastLoginAt = start - rng.int(100, 200) * DAY + rng.int(8, 18) * HOUR;
    else if (fate < 0.05) {
      member.endAt = start - rng.int(10, 60) * DAY; // left before the month
      member.lastLoginAt = member.endAt - rng.int(1, 5) * DAY;
    } else if (fate < 0.065) {
      member.lastDay = rng.int(8, options.days - 6); // leaves during the month
      member.endAt = start + (member.lastDay + 1) * DAY + 2 * HOUR;
    } else if (fate < 0.085) {
      member.firstDay = rng.int(5, 14); // new hire
      member.lastLoginAt = null;
    } else if (fate < 0.2) {
      const from = rng.int(0, options.days - 10);
      for (let d = from; d < from + rng.int(7, 14); d++) member.holidays.add(d);
    }
    if (isPatient && !member.longLeave) {
      const p: Patient = { ...person, id: '', vip: false, deceasedAt: null, staffId: id, household: h, age };
      p.id = `P${String(rng.int(100000, 9999999)).padStart(7, '0')}`;
      while (patients.some((x) => x.id === p.id)) p.id = `P${String(rng.int(100000, 9999999)).padStart(7, '0')}`;
      patients.push(p);
      households.get(h)!.push(p);
      member.patientId = p.id;
    }
    staff.push(member);
  }
  // Enough leavers for the terminated-account scenario (six in a month): the draws
  // above give about 4 % of the staff, which a small clinic or an unlucky seed
  // leaves short. A leaver counts when there are days left to use the account
  // after the end date (see incidents.ts); the extra ones left before the month.
  const wanted = Math.max(1, Math.round((LEAVERS_PER_MONTH * options.days) / 30));
  const stayers = staff.filter((m) => m.endAt === null && !m.longLeave && m.firstDay === 0 && m.holidays.size === 0);
  const usable = (m: StaffMember) => m.endAt !== null && m.endAt + DAY < start + (options.days - 4) * DAY;
  for (let leavers = staff.filter(usable).length; leavers < wanted && stayers.length; leavers++) {
    const m = stayers.splice(rng.int(0, stayers.length - 1), 1)[0]!;
    m.endAt = start - rng.int(10, 60) * DAY;
    m.lastLoginAt = m.endAt - rng.int(1, 5) * DAY;
  }
  const service = (id: string, familyName: string): StaffMember => ({
    id,
    givenName: '',
    familyName,
    birthName: null,
    birthDate: '',
    sex: 'M',
    addressLine: '',
    postcode: '',
    city: '',
    title: null,
    role: 'service',
    department: {
      name: 'Informatique',
      code: 'IT',
      site: 'SL',
      kind: 'support',
      beds: 0,
      los: 0,
      ages: [0, 0],
      weight: 0,
    },
    rota: 'service',
    accountType: 'service',
    longLeave: false,
    endAt: null,
    lastLoginAt: start - DAY + 2 * HOUR,
    firstDay: 0,
    lastDay: options.days - 1,
    holidays: new Set(),
    twoSite: false,
    workstations: ['SL-SRV-BATCH'],
    patientId: null,
    household: -1,
  });
  staff.push(
    service('svc-labo', 'Interface laboratoire'),
    service('svc-factu', 'Facturation'),
    service('svc-archiv', 'Archivage'),
  );
  return staff;
}

function makeEncounters(rng: Rng, start: number, days: number, patients: Patient[], staff: StaffMember[]): Encounter[] {
  const out: Encounter[] = [];
  let seq = 0;
  const id = () => `E${String(++seq).padStart(7, '0')}`;
  const alive = (p: Patient, at: number) => p.deceasedAt === null || p.deceasedAt > at;
  const byDept = new Map<string, Patient[]>();
  for (const d of CLINICAL)
    byDept.set(
      d.name,
      patients.filter(
        (p) => p.age >= d.ages[0] && p.age <= d.ages[1] && (!d.sex || p.sex === d.sex) && p.deceasedAt === null,
      ),
    );
  const scale = patients.length / 20000;
  const from = -LOOKBACK_DAYS;
  for (let day = from; day < days; day++) {
    const dayStart = start + day * DAY;
    const weekday = new Date(dayStart + 12 * HOUR).getUTCDay();
    // Emergency visits; a quarter are admitted.
    const visits = rng.poisson(55 * scale);
    for (let k = 0; k < visits; k++) {
      const p = rng.pick(byDept.get('Urgences')!);
      const at = dayStart + rng.int(0, 23 * 60) * 60_000;
      if (!alive(p, at)) continue;
      const end = at + rng.int(3 * 60, 10 * 60) * 60_000;
      out.push({ id: id(), patientId: p.id, department: 'Urgences', kind: 'EMER', startAt: at, endAt: end });
      if (rng.chance(0.25)) {
        const dept = rng.weighted(
          INPATIENT,
          INPATIENT.map((d) =>
            p.age >= d.ages[0] && p.age <= d.ages[1] && (!d.sex || p.sex === d.sex) ? d.beds / d.los : 0,
          ),
        );
        out.push({
          id: id(),
          patientId: p.id,
          department: dept.name,
          kind: 'IMP',
          startAt: end,
          endAt: end + Math.max(1, Math.round(rng.normal(dept.los, dept.los / 3))) * DAY + rng.int(-4, 4) * HOUR,
        });
      }
    }
    for (const d of INPATIENT) {
      // Scheduled admissions (about two thirds of the beds' turnover), and weekday consultations.
      const admissions = rng.poisson(((d.beds / d.los) * 0.7 * scale) / (weekday === 0 || weekday === 6 ? 2 : 1));
      for (let k = 0; k < admissions; k++) {
        const p = rng.pick(byDept.get(d.name)!);
        const at = dayStart + rng.int(8 * 60, 18 * 60) * 60_000;
        out.push({
          id: id(),
          patientId: p.id,
          department: d.name,
          kind: 'IMP',
          startAt: at,
          endAt: at + Math.max(1, Math.round(rng.normal(d.los, d.los / 3))) * DAY + rng.int(-4, 4) * HOUR,
        });
      }
      if (weekday !== 0 && weekday !== 6) {
        for (let k = rng.poisson(8 * scale); k > 0; k--) {
          const p = rng.pick(byDept.get(d.name)!);
          const at = dayStart + rng.int(8 * 60 + 30, 17 * 60) * 60_000;
          out.push({
            id: id(),
            patientId: p.id,
            department: d.name,
            kind: 'AMB',
            startAt: at,
            endAt: at + rng.int(30, 60) * 60_000,
          });
        }
      }
    }
  }
  // Staff's relatives and staff themselves, treated in the staff member's own department (explained accesses).
  const inMonth = () => start + rng.int(1, days - 8) * DAY + rng.int(9, 17) * HOUR;
  const byId = new Map(patients.map((p) => [p.id, p]));
  for (const s of rng.sample(
    staff.filter((x) => x.department.kind === 'inpatient' && x.patientId),
    12,
  )) {
    const at = inMonth();
    out.push({
      id: id(),
      patientId: s.patientId!,
      department: s.department.name,
      kind: 'IMP',
      startAt: at,
      endAt: at + rng.int(2, 5) * DAY,
    });
  }
  for (const s of rng.sample(
    staff.filter((x) => x.department.kind === 'inpatient' && x.accountType === 'person'),
    20,
  )) {
    const relative = patients.find((p) => p.household === s.household && p.staffId === null && p.deceasedAt === null);
    if (!relative) continue;
    const at = inMonth();
    out.push({
      id: id(),
      patientId: relative.id,
      department: s.department.name,
      kind: 'IMP',
      startAt: at,
      endAt: at + rng.int(2, 5) * DAY,
    });
  }
  // A celebrity's stay in cardiology, mid-month (the VIP scenario's target).
  const vip = patients.find((p) => p.vip && p.deceasedAt === null && p.age >= 40);
  if (vip) {
    const at = start + Math.min(days - 4, 10) * DAY + 15 * HOUR;
    out.push({ id: id(), patientId: vip.id, department: 'Cardiologie', kind: 'IMP', startAt: at, endAt: at + 4 * DAY });
  }
  // Some stays in intensive care, oncology and geriatrics end in death.
  out.sort((a, b) => a.startAt - b.startAt || a.id.localeCompare(b.id));
  for (const e of out) {
    const p = byId.get(e.patientId)!;
    if (
      e.kind === 'IMP' &&
      ['Réanimation', 'Oncologie', 'Gériatrie'].includes(e.department) &&
      p.deceasedAt === null &&
      !p.staffId &&
      rng.chance(0.04)
    )
      p.deceasedAt = e.endAt;
  }
  // Nobody comes back after death.
  return out.filter((e) => {
    const d = byId.get(e.patientId)!.deceasedAt;
    return d === null || e.startAt < d;
  });
}
