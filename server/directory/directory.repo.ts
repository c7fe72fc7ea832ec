import type { Executor } from '../store/db.ts';
import type {
  AssignmentsTable,
  DirectoryImportsTable,
  EncountersTable,
  PatientsTable,
  StaffTable,
  WorkstationsTable,
} from './directory.tables.ts';

export type StaffRow = StaffTable;
export type PatientRow = PatientsTable;
export type EncounterRow = EncountersTable;
export type AssignmentRow = AssignmentsTable;
export type WorkstationRow = WorkstationsTable;
export type DirectoryImportRow = Omit<DirectoryImportsTable, 'id'> & { id: number };

export interface DirectoryRows {
  staff: StaffRow;
  patients: PatientRow;
  encounters: EncounterRow;
  assignments: AssignmentRow;
  workstations: WorkstationRow;
}
export type DirectoryTable = keyof DirectoryRows;

export const COLUMNS = {
  staff: [
    'id',
    'title',
    'givenName',
    'familyName',
    'birthName',
    'birthDate',
    'addressLine',
    'postcode',
    'city',
    'addressKey',
    'streetKey',
    'department',
    'profession',
    'accountType',
    'status',
    'endedAt',
    'lastLoginAt',
    'updatedAt',
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
    'addressKey',
    'streetKey',
    'vip',
    'deceasedAt',
    'staffId',
    'updatedAt',
  ],
  encounters: ['id', 'patientId', 'department', 'kind', 'startAt', 'endAt', 'updatedAt'],
  assignments: ['id', 'userId', 'patientId', 'startAt', 'endAt', 'reason', 'updatedAt'],
  workstations: ['id', 'site', 'department', 'latitude', 'longitude', 'updatedAt'],
} as const satisfies { [K in DirectoryTable]: readonly (keyof DirectoryRows[K])[] };

const IMPORT_COLUMNS = [
  'id',
  'kind',
  'format',
  'filename',
  'at',
  'actor',
  'total',
  'created',
  'updated',
  'rejected',
] as const;
// Rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits.
const CHUNK = 400;

export function createDirectoryRepo() {
  return {
    async existingIds(db: Executor, table: DirectoryTable, ids: readonly string[]): Promise<Set<string>> {
      const found = new Set<string>();
      for (let i = 0; i < ids.length; i += 2000) {
        const rows = await db
          .selectFrom(table)
          .select('id')
          .where('id', 'in', ids.slice(i, i + 2000) as string[])
          .execute();
        for (const r of rows) found.add(r.id);
      }
      return found;
    },

    /** Inserts or updates in place, by id. */
    async upsert<K extends DirectoryTable>(db: Executor, table: K, rows: readonly DirectoryRows[K][]): Promise<void> {
      const columns = COLUMNS[table].filter((c) => c !== 'id');
      for (let i = 0; i < rows.length; i += CHUNK) {
        await db
          .insertInto(table)
          .values(rows.slice(i, i + CHUNK) as never)
          .onConflict((oc) =>
            oc
              .column('id')
              .doUpdateSet(
                (eb) => Object.fromEntries(columns.map((c) => [c, eb.ref(`excluded.${c}` as never)])) as never,
              ),
          )
          .execute();
      }
    },

    async all<K extends DirectoryTable>(db: Executor, table: K): Promise<DirectoryRows[K][]> {
      return (
        db.selectFrom(table as DirectoryTable) as unknown as {
          select(c: readonly string[]): { orderBy(c: string): { execute(): Promise<unknown[]> } };
        }
      )
        .select(COLUMNS[table])
        .orderBy('id')
        .execute() as Promise<DirectoryRows[K][]>;
    },

    async staffById(db: Executor, id: string): Promise<StaffRow | undefined> {
      return db.selectFrom('staff').select(COLUMNS.staff).where('id', '=', id).executeTakeFirst();
    },
    async patientById(db: Executor, id: string): Promise<PatientRow | undefined> {
      return db.selectFrom('patients').select(COLUMNS.patients).where('id', '=', id).executeTakeFirst();
    },
    async staffIdsInDepartment(db: Executor, department: string): Promise<string[]> {
      return (await db.selectFrom('staff').select('id').where('department', '=', department).execute()).map(
        (r) => r.id,
      );
    },

    async counts(db: Executor): Promise<Record<DirectoryTable, number>> {
      const out = {} as Record<DirectoryTable, number>;
      for (const t of Object.keys(COLUMNS) as DirectoryTable[]) {
        const { n } = await db
          .selectFrom(t)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        out[t] = Number(n);
      }
      return out;
    },

    async recordImport(db: Executor, row: Omit<DirectoryImportRow, 'id'>): Promise<DirectoryImportRow> {
      return db
        .insertInto('directory_imports')
        .values(row)
        .returning(IMPORT_COLUMNS)
        .executeTakeFirstOrThrow() as Promise<DirectoryImportRow>;
    },
    async recentImports(db: Executor, limit: number): Promise<DirectoryImportRow[]> {
      return db
        .selectFrom('directory_imports')
        .select(IMPORT_COLUMNS)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute() as Promise<DirectoryImportRow[]>;
    },
    /** Changes whenever an import commits: other instances reload their indexes on it. */
    async version(db: Executor): Promise<number> {
      const r = await db
        .selectFrom('directory_imports')
        .select((eb) => eb.fn.max('id').as('v'))
        .executeTakeFirst();
      return Number(r?.v ?? 0);
    },
  };
}

export type DirectoryRepo = ReturnType<typeof createDirectoryRepo>;
