// A source's daily counts gain `skipped`: records a format ignores by design
// (Suricata's flow, dns, stats… events beside its alerts) were counted as
// refused, so a clean eve.json post showed refusals and an error.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('source_daily_counts')
    .addColumn('skipped', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('source_daily_counts').dropColumn('skipped').execute();
}
