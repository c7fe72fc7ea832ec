// Reading the audit log: filtered pages newest first, and exports streamed in
// batches. Nothing here changes or deletes an entry.
import type { Actor } from '../actor.ts';
import { NotFound } from '../errors.ts';
import type { Db } from '../store/db.ts';
import { inTransaction } from '../store/transaction.ts';
import { inScope, type AuditScope } from './audit-scope.ts';
import { presentEntry, userIdsOf, type AuditEntryView } from './audit.present.ts';
import type { AuditCursor, AuditFilter, AuditRepo } from './audit.repo.ts';
import type { AuditExportQuery, AuditListQuery } from './audit.schemas.ts';
import type { AuditService } from './audit.service.ts';

export const DEFAULT_PAGE = 50;

export function encodeCursor(c: AuditCursor): string {
  return `${c.at}-${c.seq}`;
}
export function decodeCursor(text: string): AuditCursor {
  const [at, seq] = text.split('-').map(Number);
  return { at: at!, seq: seq! };
}

type Filters = Omit<AuditListQuery, 'cursor' | 'limit'> | Omit<AuditExportQuery, 'format'>;
function toFilter(scope: AuditScope, q: Filters): AuditFilter {
  return {
    actor: q.actor,
    action: q.action,
    targetType: q.targetType,
    targetId: q.targetId,
    from: q.from,
    to: q.to,
    targetTypes: scope,
    not: { actor: q['not.actor'], action: q['not.action'], targetType: q['not.targetType'] },
  };
}

export interface AuditLogDeps {
  db: Db;
  repo: AuditRepo;
  audit: AuditService;
  /** Display names of these user ids (unknown ids are left out). */
  userNames(ids: readonly string[]): Promise<Map<string, string>>;
  exportBatch?: number;
}

export function createAuditLogService({ db, repo, audit, userNames, exportBatch = 1000 }: AuditLogDeps) {
  async function present(rows: Awaited<ReturnType<AuditRepo['page']>>): Promise<AuditEntryView[]> {
    const names = await userNames(userIdsOf(rows));
    return rows.map((r) => presentEntry(r, names));
  }

  return {
    /** A page of the entries in the reader's `scope` (decided by the caller from the reader's permissions). */
    async list(
      scope: AuditScope,
      query: AuditListQuery,
    ): Promise<{ items: AuditEntryView[]; nextCursor: string | null }> {
      const limit = query.limit ?? DEFAULT_PAGE;
      // One more than asked says whether another page exists.
      const rows = await repo.page(db, toFilter(scope, query), {
        after: query.cursor ? decodeCursor(query.cursor) : undefined,
        limit: limit + 1,
        order: 'desc',
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { items: await present(page), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
    },

    /** One entry, if it is in the reader's scope. */
    async get(scope: AuditScope, seq: number): Promise<AuditEntryView> {
      const row = await repo.bySeq(db, seq);
      if (!row || !inScope(scope, row.targetType))
        throw new NotFound('audit.not_found', `No audit entry #${seq} that you may see`);
      return (await present([row]))[0]!;
    },

    /** The distinct action names, for the filter's suggestions. */
    actions(): Promise<string[]> {
      return repo.distinctActions(db);
    },

    /**
     * Records the export (an extraction of the log is itself an action to trace),
     * then yields the matching entries oldest first, one batch at a time.
     */
    async startExport(
      actor: Actor,
      scope: AuditScope,
      query: AuditExportQuery,
    ): Promise<AsyncGenerator<AuditEntryView[]>> {
      const { format, ...filters } = query;
      await inTransaction(db, (trx) =>
        audit.record(trx, { actor, action: 'audit.export', details: { format, filters } }),
      );
      const filter = toFilter(scope, filters);
      return (async function* batches() {
        let after: AuditCursor | undefined;
        for (;;) {
          const rows = await repo.page(db, filter, { after, limit: exportBatch, order: 'asc' });
          if (rows.length === 0) return;
          yield await present(rows);
          if (rows.length < exportBatch) return;
          after = rows.at(-1)!;
        }
      })();
    },
  };
}

export type AuditLogService = ReturnType<typeof createAuditLogService>;
