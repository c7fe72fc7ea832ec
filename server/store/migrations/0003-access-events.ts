import type { Kysely } from 'kysely';
import { withSerialId } from './helpers.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await withSerialId(db, db.schema.createTable('access_events'))
    .addColumn('occurredAt', 'bigint', (c) => c.notNull())
    .addColumn('occurredAtText', 'text', (c) => c.notNull())
    .addColumn('receivedAt', 'bigint', (c) => c.notNull())
    .addColumn('sourceId', 'text', (c) => c.notNull())
    .addColumn('userId', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('patientId', 'text')
    .addColumn('application', 'text')
    .addColumn('workstation', 'text')
    .addColumn('address', 'text')
    .addColumn('department', 'text')
    .addColumn('context', 'text')
    .execute();
  // The explorer's searches: newest first overall, by user, by patient.
  await db.schema.createIndex('access_events_occurred').on('access_events').columns(['occurredAt', 'id']).execute();
  await db.schema
    .createIndex('access_events_user')
    .on('access_events')
    .columns(['userId', 'occurredAt', 'id'])
    .execute();
  await db.schema
    .createIndex('access_events_patient')
    .on('access_events')
    .columns(['patientId', 'occurredAt', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('access_events').execute();
}
