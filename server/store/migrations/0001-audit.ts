import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_entries')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('requestId', 'text')
    .addColumn('address', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('targetType', 'text')
    .addColumn('targetId', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('prevHash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_entries_at').on('audit_entries').columns(['at', 'seq']).execute();
  await db.schema.createIndex('audit_entries_actor').on('audit_entries').columns(['actor', 'seq']).execute();
  await db.schema.createIndex('audit_entries_action').on('audit_entries').columns(['action', 'seq']).execute();
  await db.schema
    .createIndex('audit_entries_target')
    .on('audit_entries')
    .columns(['targetType', 'targetId', 'seq'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_entries').execute();
}
