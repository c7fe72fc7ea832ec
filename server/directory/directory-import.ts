// Validation of import rows: each row against its kind's schema, then the
// file as a whole (duplicate ids) and the references (a patient's staff id,
// an encounter's patient, an assignment's user and patient).
import type { z } from 'zod';
import type { DirectoryRows } from './directory.repo.ts';
import { addressKeys } from './normalize.ts';
import type { RawRow } from './raw-row.ts';
import { RECORD_SCHEMAS, type DirectoryKind, type RecordOf } from './records.ts';

export interface RejectedRow {
  at: string;
  id: string | null;
  problems: string[];
}

export interface ValidRow<K extends DirectoryKind> {
  at: string;
  row: DirectoryRows[K];
}

function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
}

function toRow<K extends DirectoryKind>(kind: K, r: RecordOf<K>, now: number): DirectoryRows[K] {
  switch (kind) {
    case 'staff': {
      const s = r as RecordOf<'staff'>;
      return {
        id: s.id,
        title: s.title ?? null,
        givenName: s.givenName ?? null,
        familyName: s.familyName,
        birthName: s.birthName ?? null,
        birthDate: s.birthDate ?? null,
        addressLine: s.addressLine ?? null,
        postcode: s.postcode ?? null,
        city: s.city ?? null,
        ...addressKeys(s.addressLine, s.postcode, s.city),
        department: s.department ?? null,
        profession: s.profession ?? null,
        accountType: s.accountType ?? 'person',
        status: s.status ?? (s.endDate !== undefined && s.endDate <= now ? 'terminated' : 'active'),
        endedAt: s.endDate ?? null,
        lastLoginAt: s.lastLoginAt ?? null,
        updatedAt: now,
      } as DirectoryRows[K];
    }
    case 'patients': {
      const p = r as RecordOf<'patients'>;
      return {
        id: p.id,
        givenName: p.givenName ?? null,
        familyName: p.familyName,
        birthName: p.birthName ?? null,
        birthDate: p.birthDate ?? null,
        addressLine: p.addressLine ?? null,
        postcode: p.postcode ?? null,
        city: p.city ?? null,
        ...addressKeys(p.addressLine, p.postcode, p.city),
        vip: p.vip ? 1 : 0,
        deceasedAt: p.deceasedDate ?? null,
        staffId: p.staffId ?? null,
        updatedAt: now,
      } as DirectoryRows[K];
    }
    case 'encounters': {
      const e = r as RecordOf<'encounters'>;
      return {
        id: e.id,
        patientId: e.patientId,
        department: e.department,
        kind: e.kind ?? null,
        startAt: e.start,
        endAt: e.end ?? null,
        updatedAt: now,
      } as DirectoryRows[K];
    }
    case 'assignments': {
      const a = r as RecordOf<'assignments'>;
      return {
        id: a.id,
        userId: a.userId,
        patientId: a.patientId,
        startAt: a.start,
        endAt: a.end ?? null,
        reason: a.reason ?? null,
        updatedAt: now,
      } as DirectoryRows[K];
    }
    default: {
      const w = r as RecordOf<'workstations'>;
      return {
        id: w.id,
        site: w.site,
        department: w.department ?? null,
        latitude: w.latitude ?? null,
        longitude: w.longitude ?? null,
        updatedAt: now,
      } as DirectoryRows[K];
    }
  }
}

/** Each row on its own, then duplicate ids inside the file. */
export function validateRows<K extends DirectoryKind>(
  kind: K,
  rows: readonly RawRow[],
  now: number,
): { valid: ValidRow<K>[]; rejected: RejectedRow[] } {
  const schema = RECORD_SCHEMAS[kind] as unknown as z.ZodType<RecordOf<K>>;
  const valid: ValidRow<K>[] = [];
  const rejected: RejectedRow[] = [];
  const firstSeen = new Map<string, string>();
  for (const raw of rows) {
    const idValue =
      typeof raw.data.id === 'string' || typeof raw.data.id === 'number' ? String(raw.data.id).trim() || null : null;
    const extra: string[] = [];
    if (raw.data.__notObject) extra.push('each item must be an object');
    if (typeof raw.data.__columns === 'string') extra.push(raw.data.__columns);
    if (typeof raw.data.__deceased === 'string') extra.push(raw.data.__deceased);
    const data = Object.fromEntries(Object.entries(raw.data).filter(([k]) => !k.startsWith('__')));
    const parsed = schema.safeParse(data);
    const problems = [...extra, ...(parsed.success ? [] : problemsOf(parsed.error))];
    if (idValue) {
      const before = firstSeen.get(idValue);
      if (before) problems.push(`id "${idValue}" is already used at ${before}`);
      else firstSeen.set(idValue, raw.at);
    }
    if (problems.length || !parsed.success) rejected.push({ at: raw.at, id: idValue, problems });
    else valid.push({ at: raw.at, row: toRow(kind, parsed.data, now) });
  }
  return { valid, rejected };
}

/** What a kind's rows point at, to check against the directory. */
export function referencesOf(
  kind: DirectoryKind,
  row: DirectoryRows[DirectoryKind],
): { staff: string[]; patients: string[] } {
  switch (kind) {
    case 'patients':
      return {
        staff: (row as DirectoryRows['patients']).staffId ? [(row as DirectoryRows['patients']).staffId!] : [],
        patients: [],
      };
    case 'encounters':
      return { staff: [], patients: [(row as DirectoryRows['encounters']).patientId] };
    case 'assignments':
      return {
        staff: [(row as DirectoryRows['assignments']).userId],
        patients: [(row as DirectoryRows['assignments']).patientId],
      };
    default:
      return { staff: [], patients: [] };
  }
}
