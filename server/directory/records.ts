// The import format of each directory kind: one schema per kind, the same for
// CSV (every value a string) and JSON (typed values also accepted). Field
// names and meanings are documented in docs/directory.md.
import { z } from 'zod';
import { parisMidnight } from '../paris-time.ts';
import { ACCOUNT_TYPES, STAFF_STATUSES } from './directory.tables.ts';

export const DIRECTORY_KINDS = ['staff', 'patients', 'encounters', 'assignments', 'workstations'] as const;
export type DirectoryKind = (typeof DIRECTORY_KINDS)[number];

const blankToUndefined = (v: unknown) =>
  v === '' || v === null ? undefined : typeof v === 'string' ? v.trim() || undefined : v;
const opt = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const req = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema);
const text = (max = 200) => z.string({ error: 'required' }).max(max, `at most ${max} characters`);
const id = req(
  z.string({ error: 'required' }).max(128, 'at most 128 characters').regex(/^\S+$/, 'no spaces in an identifier'),
);

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** YYYY-MM-DD, a real day. */
const date = z
  .string()
  .refine(
    (s) =>
      DATE.test(s) &&
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
      new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    'a date written YYYY-MM-DD',
  );

/**
 * A time with its offset, or a bare date meaning that day in Europe/Paris
 * (from its start, or to its end for the end of a period). A time without an
 * offset is refused: it is never guessed.
 */
const instant = (edge: 'start' | 'end') =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    if (typeof v === 'number') {
      if (Number.isSafeInteger(v) && v > 0) return v;
    } else if (DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`))) {
      const start = parisMidnight(v);
      return edge === 'start'
        ? start
        : parisMidnight(new Date(Date.parse(`${v}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10));
    } else if (DATETIME.test(v)) {
      const ms = Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
      if (!Number.isNaN(ms)) return ms;
    } else if (/^\d{4}-\d{2}-\d{2}T/.test(v)) {
      ctx.addIssue({
        code: 'custom',
        message: 'a time needs its offset (Z or +01:00): a time without one is never guessed',
      });
      return z.NEVER;
    }
    ctx.addIssue({
      code: 'custom',
      message: 'a date YYYY-MM-DD or a time with its offset, e.g. 2026-03-02T08:30:00+01:00',
    });
    return z.NEVER;
  });

const flag = z.union([z.boolean(), z.number(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'boolean') return v;
  const s = String(v).trim().toLowerCase();
  if (['1', 'true', 'yes', 'oui', 'y', 'o', 'x'].includes(s)) return true;
  if (['0', 'false', 'no', 'non', 'n'].includes(s)) return false;
  ctx.addIssue({ code: 'custom', message: 'true or false (also 1/0, oui/non)' });
  return z.NEVER;
});

const coordinate = (max: number) =>
  z.union([z.number(), z.string()]).transform((v, ctx) => {
    const n = typeof v === 'number' ? v : Number(v.replace(',', '.'));
    if (Number.isFinite(n) && Math.abs(n) <= max) return n;
    ctx.addIssue({ code: 'custom', message: `a decimal number between -${max} and ${max}` });
    return z.NEVER;
  });

const person = {
  givenName: opt(text()),
  familyName: req(text()),
  birthName: opt(text()),
  birthDate: opt(date),
  addressLine: opt(text(300)),
  postcode: opt(z.string().max(16, 'at most 16 characters')),
  city: opt(text(120)),
};

export const StaffRecord = z.object({
  id,
  title: opt(text(20)),
  ...person,
  department: opt(text(128)),
  profession: opt(text(128)),
  accountType: opt(z.enum(ACCOUNT_TYPES, { error: `one of ${ACCOUNT_TYPES.join(', ')}` })),
  status: opt(z.enum(STAFF_STATUSES, { error: `one of ${STAFF_STATUSES.join(', ')}` })),
  endDate: opt(instant('end')),
  lastLoginAt: opt(instant('start')),
});

export const PatientRecord = z.object({
  id,
  ...person,
  vip: opt(flag),
  deceasedDate: opt(instant('start')),
  staffId: opt(z.string().max(128)),
});

const period = <T extends z.ZodRawShape>(shape: T) =>
  z.object({ ...shape, start: req(instant('start')), end: opt(instant('end')) }).refine(
    (r) => {
      const { start, end } = r as { start: number; end?: number };
      return end === undefined || end >= start;
    },
    { message: 'ends before it starts', path: ['end'] },
  );

export const EncounterRecord = period({ id, patientId: id, department: req(text(128)), kind: opt(text(40)) });
export const AssignmentRecord = period({ id, userId: id, patientId: id, reason: opt(text(300)) });
export const WorkstationRecord = z
  .object({
    id,
    site: req(text(128)),
    department: opt(text(128)),
    latitude: opt(coordinate(90)),
    longitude: opt(coordinate(180)),
  })
  .refine((r) => (r.latitude === undefined) === (r.longitude === undefined), {
    message: 'latitude and longitude go together',
    path: ['longitude'],
  });

export const RECORD_SCHEMAS = {
  staff: StaffRecord,
  patients: PatientRecord,
  encounters: EncounterRecord,
  assignments: AssignmentRecord,
  workstations: WorkstationRecord,
} as const;

export type RecordOf<K extends DirectoryKind> = z.output<(typeof RECORD_SCHEMAS)[K]>;
/** The columns each kind's CSV may carry (the header names). */
export const CSV_COLUMNS: Record<DirectoryKind, readonly string[]> = {
  staff: [
    'id',
    'title',
    'givenName',
    'familyName',
    'birthName',
    'birthDate',
    'department',
    'profession',
    'accountType',
    'status',
    'endDate',
    'lastLoginAt',
    'addressLine',
    'postcode',
    'city',
  ],
  patients: [
    'id',
    'givenName',
    'familyName',
    'birthName',
    'birthDate',
    'addressLine',
    'postcode',
    'city',
    'vip',
    'deceasedDate',
    'staffId',
  ],
  encounters: ['id', 'patientId', 'department', 'kind', 'start', 'end'],
  assignments: ['id', 'userId', 'patientId', 'start', 'end', 'reason'],
  workstations: ['id', 'site', 'department', 'latitude', 'longitude'],
};
