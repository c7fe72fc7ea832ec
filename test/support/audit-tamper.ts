// What an attacker with write access to the database does to the audit trail.
// First of all they drop the append-only triggers (migration 0009), as the
// triggers refuse every UPDATE and DELETE: the chain and the seals must then
// still catch what follows.
import { sql } from 'kysely';
import type { Store } from '../../server/store/db.ts';

export async function dropAppendOnlyTriggers(store: Store): Promise<void> {
  if (store.dialect === 'postgres') {
    await sql`drop trigger audit_entries_no_change on audit_entries`.execute(store.db);
    await sql`drop trigger audit_entries_no_truncate on audit_entries`.execute(store.db);
  } else {
    await sql`drop trigger audit_entries_no_update`.execute(store.db);
    await sql`drop trigger audit_entries_no_delete`.execute(store.db);
  }
}

type Db = Store['db'];

/** Adds `delta` to the sequence number of every entry after `afterSeq`, without clashing on the primary key. */
export async function renumberAfter(db: Db, afterSeq: number, delta: number): Promise<void> {
  await db
    .updateTable('audit_entries')
    .set((eb) => ({ seq: eb(eb.neg(eb.ref('seq')), '-', delta) }))
    .where('seq', '>', afterSeq)
    .execute();
  await db
    .updateTable('audit_entries')
    .set((eb) => ({ seq: eb.neg(eb.ref('seq')) }))
    .where('seq', '<', 0)
    .execute();
}

/** Exchanges the places of two entries. */
export async function swapEntries(db: Db, a: number, b: number): Promise<void> {
  await db.updateTable('audit_entries').set({ seq: -1 }).where('seq', '=', a).execute();
  await db.updateTable('audit_entries').set({ seq: a }).where('seq', '=', b).execute();
  await db.updateTable('audit_entries').set({ seq: b }).where('seq', '=', -1).execute();
}
