import type { Kysely } from 'kysely';

// Detection: the admins' overrides of the YAML rules, the detector's cursor
// (with a snapshot of its in-memory state), and the English alert title.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rule_overrides')
    .addColumn('ruleId', 'text', (c) => c.primaryKey())
    .addColumn('enabled', 'integer')
    .addColumn('severity', 'text')
    .addColumn('threshold', 'double precision')
    .addColumn('windowMs', 'bigint')
    .addColumn('params', 'text')
    .addColumn('updatedAt', 'bigint', (c) => c.notNull())
    .addColumn('updatedBy', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('detector_state')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('cursor', 'bigint', (c) => c.notNull())
    .addColumn('snapshotCursor', 'bigint')
    .addColumn('snapshot', 'text')
    .addColumn('updatedAt', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('alerts').addColumn('titleEn', 'text').execute();
  // The alert page's history: how often this rule fired for this user before.
  await db.schema.createIndex('alerts_user_rule').on('alerts').columns(['userId', 'rule', 'id']).execute();
  await db.schema.createIndex('alerts_rule').on('alerts').columns(['rule', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('alerts_rule').execute();
  await db.schema.dropIndex('alerts_user_rule').execute();
  await db.schema.alterTable('alerts').dropColumn('titleEn').execute();
  await db.schema.dropTable('detector_state').execute();
  await db.schema.dropTable('rule_overrides').execute();
}
