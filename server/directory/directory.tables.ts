import type { Generated } from 'kysely';

export const ACCOUNT_TYPES = ['person', 'service'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];
export const STAFF_STATUSES = ['active', 'suspended', 'terminated'] as const;
export type StaffStatus = (typeof STAFF_STATUSES)[number];

/** Name, birth and home address: what self/relative/neighbour detection compares. */
interface PersonColumns {
  givenName: string | null;
  familyName: string;
  /** Nom de naissance, when it differs from the family name in use. */
  birthName: string | null;
  /** YYYY-MM-DD. */
  birthDate: string | null;
  addressLine: string | null;
  postcode: string | null;
  city: string | null;
  /** Normalised full address (number, street, postcode) for comparison. */
  addressKey: string | null;
  /** Normalised street and postcode, without the number. */
  streetKey: string | null;
}

/** A member of staff, keyed by the id the EHR logs (the access events' `user`). */
export interface StaffTable extends PersonColumns {
  id: string;
  title: string | null;
  department: string | null;
  profession: string | null;
  /** `service` for technical accounts (interfaces, night batches). */
  accountType: AccountType;
  status: StaffStatus;
  /** End of contract: any activity after it is an alert. */
  endedAt: number | null;
  /** Last login known to the identity system before Vigie saw the log (seeds dormancy). */
  lastLoginAt: number | null;
  updatedAt: number;
}

export interface PatientsTable extends PersonColumns {
  id: string;
  vip: number;
  deceasedAt: number | null;
  /** The staff id when the patient is an employee. */
  staffId: string | null;
  updatedAt: number;
}

export interface EncountersTable {
  id: string;
  patientId: string;
  department: string;
  kind: string | null;
  startAt: number;
  /** null while the stay is open. */
  endAt: number | null;
  updatedAt: number;
}

/** An explicit care relationship of a user with a patient (consultation request, referent…). */
export interface AssignmentsTable {
  id: string;
  userId: string;
  patientId: string;
  startAt: number;
  endAt: number | null;
  reason: string | null;
  updatedAt: number;
}

/** Where a workstation stands: the two-places-at-once rule measures distances between sites. */
export interface WorkstationsTable {
  id: string;
  site: string;
  department: string | null;
  latitude: number | null;
  longitude: number | null;
  updatedAt: number;
}

export interface DirectoryImportsTable {
  id: Generated<number>;
  kind: string;
  format: string;
  filename: string | null;
  at: number;
  actor: string;
  total: number;
  created: number;
  updated: number;
  rejected: number;
}

export interface DirectoryTables {
  staff: StaffTable;
  patients: PatientsTable;
  encounters: EncountersTable;
  assignments: AssignmentsTable;
  workstations: WorkstationsTable;
  directory_imports: DirectoryImportsTable;
}
