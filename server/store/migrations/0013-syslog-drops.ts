// Syslog datagrams that UDP lost (the listener's backlog was full, or the
// kernel's receive buffer overflowed) are counted per source and day beside
// what was accepted and refused: UDP cannot be slowed down, so the loss is at
// least shown.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('source_daily_counts')
    .addColumn('dropped', 'bigint', (c) => c.notNull().defaultTo(sql`0`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('source_daily_counts').dropColumn('dropped').execute();
}
