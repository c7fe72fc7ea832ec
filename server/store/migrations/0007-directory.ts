import type { CreateTableBuilder, Kysely } from 'kysely';
import { withSerialId } from './helpers.ts';

// The directory: who works here, who the patients are, and the care
// relationships that explain an access (encounters, explicit assignments).
export async function up(db: Kysely<any>): Promise<void> {
  const person = <T extends string>(t: CreateTableBuilder<T, any>): CreateTableBuilder<T, any> =>
    t
      .addColumn('givenName', 'text')
      .addColumn('familyName', 'text', (c) => c.notNull())
      .addColumn('birthName', 'text')
      .addColumn('birthDate', 'text')
      .addColumn('addressLine', 'text')
      .addColumn('postcode', 'text')
      .addColumn('city', 'text')
      // Normalised for comparison: "12 Rue des Lilas, 69003" → "12 rue des lilas|69003"; the street without the number.
      .addColumn('addressKey', 'text')
      .addColumn('streetKey', 'text');

  await person(
    db.schema
      .createTable('staff')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('title', 'text'),
  )
    .addColumn('department', 'text')
    .addColumn('profession', 'text')
    .addColumn('accountType', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('endedAt', 'bigint')
    .addColumn('lastLoginAt', 'bigint')
    .addColumn('updatedAt', 'bigint', (c) => c.notNull())
    .execute();

  await person(db.schema.createTable('patients').addColumn('id', 'text', (c) => c.primaryKey()))
    .addColumn('vip', 'integer', (c) => c.notNull())
    .addColumn('deceasedAt', 'bigint')
    .addColumn('staffId', 'text')
    .addColumn('updatedAt', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('encounters')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('patientId', 'text', (c) => c.notNull())
    .addColumn('department', 'text', (c) => c.notNull())
    .addColumn('kind', 'text')
    .addColumn('startAt', 'bigint', (c) => c.notNull())
    .addColumn('endAt', 'bigint')
    .addColumn('updatedAt', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('encounters_patient').on('encounters').columns(['patientId', 'startAt']).execute();

  await db.schema
    .createTable('assignments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('userId', 'text', (c) => c.notNull())
    .addColumn('patientId', 'text', (c) => c.notNull())
    .addColumn('startAt', 'bigint', (c) => c.notNull())
    .addColumn('endAt', 'bigint')
    .addColumn('reason', 'text')
    .addColumn('updatedAt', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('assignments_user_patient').on('assignments').columns(['userId', 'patientId']).execute();

  await db.schema
    .createTable('workstations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site', 'text', (c) => c.notNull())
    .addColumn('department', 'text')
    .addColumn('latitude', 'double precision')
    .addColumn('longitude', 'double precision')
    .addColumn('updatedAt', 'bigint', (c) => c.notNull())
    .execute();

  await withSerialId(db, db.schema.createTable('directory_imports'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('filename', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('created', 'integer', (c) => c.notNull())
    .addColumn('updated', 'integer', (c) => c.notNull())
    .addColumn('rejected', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['directory_imports', 'workstations', 'assignments', 'encounters', 'patients', 'staff'])
    await db.schema.dropTable(t).execute();
}
