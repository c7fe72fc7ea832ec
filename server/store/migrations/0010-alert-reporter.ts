// Staff reports enter the alert store: who filed one (a Vigie user id; null for
// every other origin), and an index so "my reports" is one ordered range.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('alerts').addColumn('reportedBy', 'text').execute();
  await db.schema.createIndex('alerts_reported_by').on('alerts').columns(['reportedBy', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('alerts_reported_by').execute();
  await db.schema.alterTable('alerts').dropColumn('reportedBy').execute();
}
