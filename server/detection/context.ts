// One event as the rules see it: the user and the patient from the directory,
// the relations between them and the care relationship, each computed at most
// once per event and only when a rule asks.
import type {
  CareRelationship,
  DirectoryIndex,
  Identity,
  PatientFacts,
  StaffFacts,
} from '../directory/directory-index.ts';
import type { DetectionEventRow } from '../ingest/access-events.repo.ts';
import type { DetectorState } from './state.ts';

export interface Relations {
  samePerson: boolean;
  sharedName: boolean;
  birthNameLink: boolean;
  sameAddress: boolean;
  sameStreet: boolean;
  relative: boolean;
  neighbour: boolean;
  colleague: boolean;
  sameDepartment: boolean;
}

function intersects(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < a.length; i++) if (b.includes(a[i]!)) return true;
  return false;
}

export function relationsOf(
  user: StaffFacts | undefined,
  userId: string | null,
  patient: PatientFacts | undefined,
  dir: DirectoryIndex,
): Relations {
  const none: Relations = {
    samePerson: false,
    sharedName: false,
    birthNameLink: false,
    sameAddress: false,
    sameStreet: false,
    relative: false,
    neighbour: false,
    colleague: false,
    sameDepartment: false,
  };
  if (!patient || !userId) return none;
  const byLink = patient.staffId === userId || (user?.patientIds.includes(patient.id) ?? false);
  if (!user) return { ...none, samePerson: byLink };
  const u: Identity = user.identity;
  const p: Identity = patient.identity;
  const sharedName = intersects(u.names, p.names);
  const birthNameLink = intersects(p.birthNames, u.names) || intersects(u.birthNames, p.names);
  const samePerson =
    byLink ||
    (sharedName &&
      u.givenKey !== null &&
      u.givenKey === p.givenKey &&
      u.birthDate !== null &&
      u.birthDate === p.birthDate);
  const sameAddress = intersects(u.addressKeys, p.addressKeys);
  const sameStreet = sameAddress || intersects(u.streetKeys, p.streetKeys);
  const relative = !samePerson && sharedName && (sameAddress || birthNameLink);
  const neighbour = !samePerson && !relative && sameStreet;
  const colleague = !samePerson && patient.staffId !== null && patient.staffId !== userId;
  const sameDepartment =
    colleague && user.departmentKey !== null && dir.staff.get(patient.staffId!)?.departmentKey === user.departmentKey;
  return {
    samePerson,
    sharedName,
    birthNameLink,
    sameAddress,
    sameStreet,
    relative,
    neighbour,
    colleague,
    sameDepartment,
  };
}

/** Reused from one event to the next (one allocation per batch, not per event): `reset` before each. */
export class EvalContext {
  #relations: Relations | undefined;
  #careWindow = -1;
  #care: CareRelationship | null = null;
  #values: Record<string, string | number> | undefined;
  /** Values conditions found on the way, for the explanation (idle days, distance…). */
  get values(): Record<string, string | number> {
    return (this.#values ??= {});
  }
  ev!: DetectionEventRow;
  user: StaffFacts | undefined;
  patient: PatientFacts | undefined;

  constructor(
    readonly dir: DirectoryIndex,
    readonly state: DetectorState,
  ) {}

  reset(ev: DetectionEventRow): this {
    this.ev = ev;
    this.user = ev.userId ? this.dir.staff.get(ev.userId) : undefined;
    this.patient = ev.patientId ? this.dir.patients.get(ev.patientId) : undefined;
    this.#relations = undefined;
    this.#careWindow = -1;
    this.#care = null;
    this.#values = undefined;
    return this;
  }

  relations(): Relations {
    return (this.#relations ??= relationsOf(this.user, this.ev.userId, this.patient, this.dir));
  }

  /** An encounter in the user's department, an assignment, or the user's own break-the-glass, within the window. */
  care(windowMs: number): CareRelationship | null {
    if (this.#careWindow === windowMs) return this.#care;
    const { userId, patientId, occurredAt } = this.ev;
    let found: CareRelationship | null = null;
    if (userId && patientId) {
      found = this.dir.careRelationship(this.user, userId, patientId, occurredAt, windowMs);
      if (!found) {
        const declared = this.state.breakGlass.get(`${userId}\u0000${patientId}`);
        if (declared !== undefined && declared <= occurredAt && occurredAt - declared <= windowMs)
          found = { kind: 'break_glass', startAt: declared, endAt: null };
      }
    }
    this.#careWindow = windowMs;
    this.#care = found;
    return found;
  }
}
