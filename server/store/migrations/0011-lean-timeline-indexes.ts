// On SQLite, the user and patient timeline indexes lose their explicit `id`:
// every SQLite index already ends with the rowid, which `id` is, so the
// planner still reads them in (occurredAt, id) order and pages by keyset
// without a sort — and each entry is a few bytes shorter. These two indexes
// take their rows at random places (a batch dirties a page of theirs for
// nearly every row), so the shorter entries are measurably faster to ingest
// (docs/ingest.md, "Performance"). PostgreSQL keeps `id`: its indexes do not
// end with a row identifier that sorts.
import type { Kysely } from 'kysely';
import { isPostgres } from './helpers.ts';

const TIMELINES = { access_events_user: 'userId', access_events_patient: 'patientId' } as const;

async function recreate(db: Kysely<any>, withId: boolean): Promise<void> {
  if (isPostgres(db)) return;
  for (const [name, column] of Object.entries(TIMELINES)) {
    await db.schema.dropIndex(name).execute();
    await db.schema.createIndex(name).on('access_events').columns(withId ? [column, 'occurredAt', 'id'] : [column, 'occurredAt']).execute();
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  await recreate(db, false);
}

export async function down(db: Kysely<any>): Promise<void> {
  await recreate(db, true);
}
