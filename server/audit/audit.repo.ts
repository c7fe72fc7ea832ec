import type { Executor } from '../store/db.ts';
import type { AuditEntriesTable } from './audit.tables.ts';

export type AuditEntryRow = AuditEntriesTable;

const COLUMNS = ['seq', 'at', 'actor', 'requestId', 'address', 'action', 'targetType', 'targetId', 'details', 'prevHash', 'hash'] as const;

export function createAuditRepo() {
  return {
    async head(db: Executor): Promise<{ seq: number; hash: string } | undefined> {
      return db.selectFrom('audit_entries').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    },
    async insert(db: Executor, row: AuditEntryRow): Promise<void> {
      await db.insertInto('audit_entries').values(row).execute();
    },
    /** Entries in chain order from `afterSeq` (exclusive), for verification and export. */
    async range(db: Executor, afterSeq: number, limit: number): Promise<AuditEntryRow[]> {
      return db.selectFrom('audit_entries').select(COLUMNS).where('seq', '>', afterSeq).orderBy('seq', 'asc').limit(limit).execute();
    },
  };
}

export type AuditRepo = ReturnType<typeof createAuditRepo>;
