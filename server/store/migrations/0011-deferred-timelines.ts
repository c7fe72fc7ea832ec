// On SQLite, a user's and a patient's timelines leave the access log's insert
// path. The two indexes that served them took each new row at a random place:
// once they outgrow a batch, every row dirtied an index page of its own, written
// to the WAL at commit and again at the checkpoint (docs/ingest.md,
// "Performance"). They become two tables keyed (subject, time, event id),
// filled behind the append in sorted chunks of thousands of events — many
// entries per dirtied page — by the ingest writer itself, inside a batch's
// transaction, up to `indexedThrough`. Events after it are found by a scan of
// that short tail (server/ingest/pipeline/timelines.ts). PostgreSQL keeps its ordinary
// indexes: nothing changes there.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from './helpers.ts';

const TIMELINES = {
  access_event_user_timeline: ['access_events_user', 'userId'],
  access_event_patient_timeline: ['access_events_patient', 'patientId'],
} as const;

export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) return;
  await db.schema
    .createTable('access_event_timeline_state')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('indexedThrough', 'integer', (c) => c.notNull())
    .execute();
  for (const [table, [index, column]] of Object.entries(TIMELINES)) {
    await db.schema
      .createTable(table)
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('at', 'integer', (c) => c.notNull())
      .addColumn('eventId', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['subject', 'at', 'eventId'])
      .modifyEnd(sql`without rowid`)
      .execute();
    // The events already there, in key order (one sorted pass).
    await sql`insert into ${sql.table(table)} (subject, at, eventId) select ${sql.ref(column)}, occurredAt, id from access_events where ${sql.ref(column)} is not null order by 1, 2, 3`.execute(
      db,
    );
    await db.schema.dropIndex(index).execute();
  }
  await sql`insert into access_event_timeline_state (id, indexedThrough) select 1, coalesce(max(id), 0) from access_events`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) return;
  for (const [table, [index, column]] of Object.entries(TIMELINES)) {
    await db.schema.createIndex(index).on('access_events').columns([column, 'occurredAt', 'id']).execute();
    await db.schema.dropTable(table).execute();
  }
  await db.schema.dropTable('access_event_timeline_state').execute();
}
