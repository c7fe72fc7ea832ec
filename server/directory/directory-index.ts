// The directory in memory, as the detector needs it: O(1) look-ups of a
// user, a patient, their care relationships and a workstation's site, with
// no query per event. Rebuilt when an import commits.
import type { DirectoryRows } from './directory.repo.ts';
import { normalizeName } from './normalize.ts';

export interface Identity {
  /** Normalised family and birth names. */
  names: string[];
  familyNames: string[];
  /** Birth names that differ from the family name in use (a maiden-name link). */
  birthNames: string[];
  givenKey: string | null;
  birthDate: string | null;
  addressKeys: string[];
  streetKeys: string[];
}

export interface StaffFacts {
  id: string;
  displayName: string;
  department: string | null;
  departmentKey: string | null;
  profession: string | null;
  accountType: 'person' | 'service';
  status: 'active' | 'suspended' | 'terminated';
  endedAt: number | null;
  lastLoginAt: number | null;
  /** The staff member's own identity, merged with their patient records (employee link). */
  identity: Identity;
  city: string | null;
  patientIds: string[];
}

export interface PatientFacts {
  id: string;
  identity: Identity;
  familyName: string;
  birthName: string | null;
  birthYear: number | null;
  city: string | null;
  vip: boolean;
  deceasedAt: number | null;
  staffId: string | null;
}

export interface Span {
  startAt: number;
  endAt: number | null;
}
interface EncounterSpan extends Span {
  departmentKey: string;
  department: string;
}

export interface Site {
  site: string;
  latitude: number | null;
  longitude: number | null;
}

export interface CareRelationship {
  kind: 'encounter' | 'assignment' | 'break_glass';
  department?: string;
  startAt: number;
  endAt: number | null;
}

type PersonRow = DirectoryRows['staff'] | DirectoryRows['patients'];

function identityOf(rows: PersonRow[]): Identity {
  const names = new Set<string>();
  const familyNames = new Set<string>();
  const birthNames = new Set<string>();
  const addressKeys = new Set<string>();
  const streetKeys = new Set<string>();
  let givenKey: string | null = null;
  let birthDate: string | null = null;
  for (const r of rows) {
    const family = normalizeName(r.familyName);
    const birth = normalizeName(r.birthName);
    if (family) familyNames.add(family);
    if (birth && birth !== family) birthNames.add(birth);
    for (const n of [family, birth]) if (n) names.add(n);
    if (r.addressKey) addressKeys.add(r.addressKey);
    if (r.streetKey) streetKeys.add(r.streetKey);
    givenKey ??= normalizeName(r.givenName);
    birthDate ??= r.birthDate;
  }
  return {
    names: [...names],
    familyNames: [...familyNames],
    birthNames: [...birthNames],
    givenKey,
    birthDate,
    addressKeys: [...addressKeys],
    streetKeys: [...streetKeys],
  };
}

export const departmentKey = (d: string | null | undefined) => normalizeName(d);

export class DirectoryIndex {
  readonly staff = new Map<string, StaffFacts>();
  readonly patients = new Map<string, PatientFacts>();
  readonly #encounters = new Map<string, EncounterSpan[]>();
  /** patient → assignments of users to them. */
  readonly #assignments = new Map<string, (Span & { userId: string })[]>();
  readonly workstations = new Map<string, Site>();
  /** Members of each department (by key): the department baseline of bulk access. */
  readonly departments = new Map<string, string[]>();

  constructor(
    readonly version: number,
    rows: { [K in keyof DirectoryRows]: DirectoryRows[K][] },
  ) {
    const linked = new Map<string, DirectoryRows['patients'][]>();
    for (const p of rows.patients) {
      if (p.staffId) linked.set(p.staffId, [...(linked.get(p.staffId) ?? []), p]);
      this.patients.set(p.id, {
        id: p.id,
        identity: identityOf([p]),
        familyName: p.familyName,
        birthName: p.birthName,
        birthYear: p.birthDate ? Number(p.birthDate.slice(0, 4)) : null,
        city: p.city,
        vip: p.vip === 1,
        deceasedAt: p.deceasedAt,
        staffId: p.staffId,
      });
    }
    for (const s of rows.staff) {
      const own = linked.get(s.id) ?? [];
      const dk = departmentKey(s.department);
      this.staff.set(s.id, {
        id: s.id,
        displayName: [s.title, s.givenName, s.familyName].filter(Boolean).join(' '),
        department: s.department,
        departmentKey: dk,
        profession: s.profession,
        accountType: s.accountType,
        status: s.status,
        endedAt: s.endedAt,
        lastLoginAt: s.lastLoginAt,
        identity: identityOf([s, ...own]),
        city: s.city,
        patientIds: own.map((p) => p.id),
      });
      if (dk) this.departments.set(dk, [...(this.departments.get(dk) ?? []), s.id]);
    }
    for (const e of rows.encounters) {
      const list = this.#encounters.get(e.patientId) ?? [];
      list.push({
        startAt: e.startAt,
        endAt: e.endAt,
        department: e.department,
        departmentKey: departmentKey(e.department) ?? '',
      });
      this.#encounters.set(e.patientId, list);
    }
    for (const a of rows.assignments) {
      const list = this.#assignments.get(a.patientId) ?? [];
      list.push({ userId: a.userId, startAt: a.startAt, endAt: a.endAt });
      this.#assignments.set(a.patientId, list);
    }
    for (const w of rows.workstations)
      this.workstations.set(w.id, { site: w.site, latitude: w.latitude, longitude: w.longitude });
  }

  /**
   * The care relationship that explains an access at `at`: an encounter of the
   * patient in the user's department, or an assignment of the user, that is
   * open within `windowMs` of the access (before its start or after its end).
   */
  careRelationship(
    user: StaffFacts | undefined,
    userId: string,
    patientId: string,
    at: number,
    windowMs: number,
  ): CareRelationship | null {
    const dk = user?.departmentKey;
    if (dk) {
      for (const e of this.#encounters.get(patientId) ?? []) {
        if (e.departmentKey === dk && e.startAt - windowMs <= at && (e.endAt === null || at <= e.endAt + windowMs)) {
          return { kind: 'encounter', department: e.department, startAt: e.startAt, endAt: e.endAt };
        }
      }
    }
    for (const a of this.#assignments.get(patientId) ?? []) {
      if (a.userId === userId && a.startAt - windowMs <= at && (a.endAt === null || at <= a.endAt + windowMs))
        return { kind: 'assignment', startAt: a.startAt, endAt: a.endAt };
    }
    return null;
  }

  /** Any encounter of the patient, in any department, open within `windowMs` of `at`. */
  anyStay(patientId: string, at: number, windowMs: number): boolean {
    for (const e of this.#encounters.get(patientId) ?? [])
      if (e.startAt - windowMs <= at && (e.endAt === null || at <= e.endAt + windowMs)) return true;
    return false;
  }

  /** The patient's encounters (for an alert's facts). */
  encountersOf(patientId: string): readonly EncounterSpan[] {
    return this.#encounters.get(patientId) ?? [];
  }
}
