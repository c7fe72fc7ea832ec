import type { Kysely } from 'kysely';
import { withSerialId } from './helpers.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await withSerialId(db, db.schema.createTable('alerts'))
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('explanationFr', 'text', (c) => c.notNull())
    .addColumn('explanationEn', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('firstSeenAt', 'bigint', (c) => c.notNull())
    .addColumn('lastSeenAt', 'bigint', (c) => c.notNull())
    .addColumn('createdAt', 'bigint', (c) => c.notNull())
    .addColumn('updatedAt', 'bigint', (c) => c.notNull())
    .addColumn('userId', 'text')
    .addColumn('patientId', 'text')
    .addColumn('host', 'text')
    .addColumn('sourceId', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alerts_fingerprint').on('alerts').columns(['fingerprint', 'lastSeenAt']).execute();
  await db.schema.createIndex('alerts_created').on('alerts').columns(['createdAt', 'id']).execute();
  await db.schema.createIndex('alerts_status').on('alerts').columns(['status', 'createdAt', 'id']).execute();
  await db.schema
    .createTable('alert_evidence')
    .addColumn('alertId', 'bigint', (c) => c.notNull().references('alerts.id'))
    .addColumn('eventId', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_evidence_pk', ['alertId', 'eventId'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('alert_evidence').execute();
  await db.schema.dropTable('alerts').execute();
}
