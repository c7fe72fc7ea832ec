// Defence in depth for the audit trail: the database itself refuses to change
// or delete an entry (the hash chain and the seals still catch whoever drops
// these triggers first). Triggers have no Kysely schema-builder form, hence
// the raw SQL, one variant per dialect.
//
// Also the indexes the audit log's queries need: the log is read newest first
// by (at, seq), so every index ends with (at, seq) and a filter on one actor,
// action or target is one ordered index range, never a sort of all matches.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from './helpers.ts';

const REFUSAL = 'audit_entries is append-only: entries are never changed or deleted';

const OLD_INDEXES = {
  audit_entries_actor: ['actor', 'seq'],
  audit_entries_action: ['action', 'seq'],
  audit_entries_target: ['targetType', 'targetId', 'seq'],
};
const NEW_INDEXES = {
  audit_entries_actor_at: ['actor', 'at', 'seq'],
  audit_entries_action_at: ['action', 'at', 'seq'],
  audit_entries_type_at: ['targetType', 'at', 'seq'],
  audit_entries_target_at: ['targetType', 'targetId', 'at', 'seq'],
};

export async function up(db: Kysely<any>): Promise<void> {
  for (const name of Object.keys(OLD_INDEXES)) await db.schema.dropIndex(name).execute();
  for (const [name, columns] of Object.entries(NEW_INDEXES))
    await db.schema.createIndex(name).on('audit_entries').columns(columns).execute();
  if (isPostgres(db)) {
    await sql`
      create function audit_entries_append_only() returns trigger language plpgsql as $$
      begin
        raise exception '${sql.raw(REFUSAL)}' using errcode = 'insufficient_privilege';
      end
      $$`.execute(db);
    await sql`create trigger audit_entries_no_change before update or delete on audit_entries for each row execute function audit_entries_append_only()`.execute(
      db,
    );
    await sql`create trigger audit_entries_no_truncate before truncate on audit_entries for each statement execute function audit_entries_append_only()`.execute(
      db,
    );
  } else {
    await sql`create trigger audit_entries_no_update before update on audit_entries begin select raise(abort, '${sql.raw(REFUSAL)}'); end`.execute(
      db,
    );
    await sql`create trigger audit_entries_no_delete before delete on audit_entries begin select raise(abort, '${sql.raw(REFUSAL)}'); end`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`drop trigger if exists audit_entries_no_truncate on audit_entries`.execute(db);
    await sql`drop trigger if exists audit_entries_no_change on audit_entries`.execute(db);
    await sql`drop function if exists audit_entries_append_only()`.execute(db);
  } else {
    await sql`drop trigger if exists audit_entries_no_delete`.execute(db);
    await sql`drop trigger if exists audit_entries_no_update`.execute(db);
  }
  for (const name of Object.keys(NEW_INDEXES)) await db.schema.dropIndex(name).execute();
  for (const [name, columns] of Object.entries(OLD_INDEXES))
    await db.schema.createIndex(name).on('audit_entries').columns(columns).execute();
}
