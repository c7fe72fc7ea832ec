import type { Kysely } from 'kysely';
import { withSerialId } from './helpers.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('tokenHash', 'text', (c) => c.notNull().unique())
    .addColumn('tokenPrefix', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('revokedAt', 'bigint')
    .addColumn('allowedAddresses', 'text', (c) => c.notNull())
    .addColumn('createdAt', 'bigint', (c) => c.notNull())
    .addColumn('updatedAt', 'bigint', (c) => c.notNull())
    .addColumn('tokenIssuedAt', 'bigint', (c) => c.notNull())
    .addColumn('lastSeenAt', 'bigint')
    .addColumn('lastError', 'text')
    .addColumn('lastErrorAt', 'bigint')
    .execute();

  await db.schema
    .createTable('source_daily_counts')
    .addColumn('sourceId', 'text', (c) => c.notNull().references('sources.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('accepted', 'bigint', (c) => c.notNull())
    .addColumn('refused', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('source_daily_counts_pk', ['sourceId', 'day'])
    .execute();

  await db.schema
    .createTable('ingest_batches')
    .addColumn('sourceId', 'text', (c) => c.notNull().references('sources.id'))
    .addColumn('idempotencyKey', 'text', (c) => c.notNull())
    .addColumn('bodyHash', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('createdAt', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('ingest_batches_pk', ['sourceId', 'idempotencyKey'])
    .execute();
  // Keys are forgotten after a while (retention job): it walks them by age.
  await db.schema.createIndex('ingest_batches_created').on('ingest_batches').column('createdAt').execute();

  await withSerialId(db, db.schema.createTable('system_events'))
    .addColumn('receivedAt', 'bigint', (c) => c.notNull())
    .addColumn('occurredAt', 'bigint')
    .addColumn('occurredAtText', 'text')
    .addColumn('sourceId', 'text', (c) => c.notNull())
    .addColumn('peer', 'text', (c) => c.notNull())
    .addColumn('facility', 'integer')
    .addColumn('severity', 'integer')
    .addColumn('hostname', 'text')
    .addColumn('appName', 'text')
    .addColumn('procId', 'text')
    .addColumn('msgId', 'text')
    .addColumn('structuredData', 'text')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('system_events_received').on('system_events').columns(['receivedAt', 'id']).execute();

  await accessEventIndexes(db);
}

/**
 * The explorer's indexes, chosen by measurement at ten million events (see
 * docs/ingest.md, "Explorer indexes"): each filter, alone or with a period,
 * reads its rows in (occurredAt, id) order from one index. The time, action
 * and department indexes also carry action, department and application, so
 * the other filters and the bounded count are checked in the index, without
 * reading the rows.
 */
async function accessEventIndexes(db: Kysely<any>): Promise<void> {
  for (const name of ['access_events_occurred', 'access_events_user', 'access_events_patient'])
    await db.schema.dropIndex(name).execute();
  const index = (name: string, columns: string[]) =>
    db.schema.createIndex(name).on('access_events').columns(columns).execute();
  await index('access_events_occurred', ['occurredAt', 'id', 'action', 'department', 'application']);
  await index('access_events_user', ['userId', 'occurredAt', 'id']);
  await index('access_events_patient', ['patientId', 'occurredAt', 'id']);
  await index('access_events_action', ['action', 'occurredAt', 'id', 'department', 'application']);
  await index('access_events_department', ['department', 'occurredAt', 'id', 'action', 'application']);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of [
    'access_events_action',
    'access_events_department',
    'access_events_occurred',
    'access_events_user',
    'access_events_patient',
  ]) {
    await db.schema.dropIndex(name).execute();
  }
  // Back to 0003's indexes.
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
  await db.schema.dropTable('system_events').execute();
  await db.schema.dropTable('ingest_batches').execute();
  await db.schema.dropTable('source_daily_counts').execute();
  await db.schema.dropTable('sources').execute();
}
