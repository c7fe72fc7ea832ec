import { SqliteAdapter, type QueryCreator, type Selectable } from 'kysely';
import type { Executor } from '../../store/db.ts';
import type { Database } from '../../store/schema.ts';
import type { IngestBatchesTable, SourceDailyCountsTable, SourcesTable } from '../ingest.tables.ts';

export type SourceRow = SourcesTable;
export type IngestBatchRow = IngestBatchesTable;

const SOURCE_COLUMNS = [
  'id',
  'name',
  'kind',
  'tokenHash',
  'tokenPrefix',
  'enabled',
  'revokedAt',
  'allowedAddresses',
  'createdAt',
  'updatedAt',
  'tokenIssuedAt',
  'lastSeenAt',
  'lastError',
  'lastErrorAt',
] as const;

/** The upsert adding to a source's counters of the day (accepted, refused, skipped). */
function addingCounts(
  db: QueryCreator<Database>,
  c: { sourceId: string; day: string; accepted: number; refused: number; skipped: number },
) {
  return db
    .insertInto('source_daily_counts')
    .values(c)
    .onConflict((oc) =>
      oc.columns(['sourceId', 'day']).doUpdateSet((eb) => ({
        accepted: eb('source_daily_counts.accepted', '+', eb.ref('excluded.accepted')),
        refused: eb('source_daily_counts.refused', '+', eb.ref('excluded.refused')),
        skipped: eb('source_daily_counts.skipped', '+', eb.ref('excluded.skipped')),
      })),
    );
}

export function createSourcesRepo() {
  const repo = {
    async insert(db: Executor, row: SourceRow): Promise<void> {
      await db.insertInto('sources').values(row).execute();
    },
    async findById(db: Executor, id: string): Promise<SourceRow | undefined> {
      return db.selectFrom('sources').select(SOURCE_COLUMNS).where('id', '=', id).executeTakeFirst();
    },
    async findByName(db: Executor, name: string): Promise<SourceRow | undefined> {
      return db.selectFrom('sources').select(SOURCE_COLUMNS).where('name', '=', name).executeTakeFirst();
    },
    async findByTokenHash(db: Executor, tokenHash: string): Promise<SourceRow | undefined> {
      return db.selectFrom('sources').select(SOURCE_COLUMNS).where('tokenHash', '=', tokenHash).executeTakeFirst();
    },
    async list(db: Executor): Promise<SourceRow[]> {
      return db.selectFrom('sources').select(SOURCE_COLUMNS).orderBy('name').execute();
    },
    async listByKind(db: Executor, kind: SourceRow['kind']): Promise<SourceRow[]> {
      return db.selectFrom('sources').select(SOURCE_COLUMNS).where('kind', '=', kind).orderBy('createdAt').execute();
    },
    async update(
      db: Executor,
      id: string,
      patch: Partial<Omit<SourceRow, 'id' | 'createdAt'>>,
    ): Promise<SourceRow | undefined> {
      return db.updateTable('sources').set(patch).where('id', '=', id).returning(SOURCE_COLUMNS).executeTakeFirst();
    },
    /** Last seen and, when given, the last error of a source. */
    async touch(db: Executor, id: string, at: number, error?: string): Promise<void> {
      await db
        .updateTable('sources')
        .set(error === undefined ? { lastSeenAt: at } : { lastSeenAt: at, lastError: error, lastErrorAt: at })
        .where('id', '=', id)
        .execute();
    },
    async addCounts(
      db: Executor,
      sourceId: string,
      day: string,
      accepted: number,
      refused: number,
      skipped = 0,
    ): Promise<void> {
      if (!accepted && !refused && !skipped) return;
      await addingCounts(db, { sourceId, day, accepted, refused, skipped }).execute();
    },
    /** UDP syslog datagrams lost (listener backlog full, kernel buffer overflowed): counted, since they cannot be kept. */
    async addDropped(db: Executor, sourceId: string, day: string, dropped: number): Promise<void> {
      if (!dropped) return;
      await db
        .insertInto('source_daily_counts')
        .values({ sourceId, day, accepted: 0, refused: 0, skipped: 0, dropped })
        .onConflict((oc) =>
          oc
            .columns(['sourceId', 'day'])
            .doUpdateSet((eb) => ({ dropped: eb('source_daily_counts.dropped', '+', eb.ref('excluded.dropped')) })),
        )
        .execute();
    },
    /**
     * A batch's bookkeeping: the day's counters (when something was counted)
     * and the source's last seen (and last error, when given). One statement on
     * PostgreSQL (the update rides in a CTE of the upsert: one round trip, not
     * two); on SQLite, where a statement costs no round trip, the same two.
     */
    async recordActivity(
      db: Executor,
      a: {
        sourceId: string;
        at: number;
        day: string;
        accepted: number;
        refused: number;
        skipped?: number;
        error?: string;
      },
    ): Promise<void> {
      const seen =
        a.error === undefined ? { lastSeenAt: a.at } : { lastSeenAt: a.at, lastError: a.error, lastErrorAt: a.at };
      const skipped = a.skipped ?? 0;
      const counted = a.accepted !== 0 || a.refused !== 0 || skipped !== 0;
      if (!counted || db.getExecutor().adapter instanceof SqliteAdapter) {
        await repo.addCounts(db, a.sourceId, a.day, a.accepted, a.refused, skipped);
        await repo.touch(db, a.sourceId, a.at, a.error);
        return;
      }
      const touching = db.with('touched', (qb) => qb.updateTable('sources').set(seen).where('id', '=', a.sourceId));
      // The CTE only adds a name the insert never reads: the builder is the same.
      await addingCounts(touching as unknown as QueryCreator<Database>, {
        sourceId: a.sourceId,
        day: a.day,
        accepted: a.accepted,
        refused: a.refused,
        skipped,
      }).execute();
    },
    async countsOn(db: Executor, day: string): Promise<Selectable<SourceDailyCountsTable>[]> {
      return db
        .selectFrom('source_daily_counts')
        .select(['sourceId', 'day', 'accepted', 'refused', 'skipped', 'dropped'])
        .where('day', '=', day)
        .execute();
    },
    async findBatch(db: Executor, sourceId: string, idempotencyKey: string): Promise<IngestBatchRow | undefined> {
      return db
        .selectFrom('ingest_batches')
        .select(['sourceId', 'idempotencyKey', 'bodyHash', 'status', 'response', 'createdAt'])
        .where('sourceId', '=', sourceId)
        .where('idempotencyKey', '=', idempotencyKey)
        .executeTakeFirst();
    },
    async insertBatch(db: Executor, row: IngestBatchRow): Promise<void> {
      await db.insertInto('ingest_batches').values(row).execute();
    },
    /** Forgets Idempotency-Keys older than `before`; returns how many. */
    async purgeBatches(db: Executor, before: number): Promise<number> {
      const r = await db.deleteFrom('ingest_batches').where('createdAt', '<', before).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
  return repo;
}

export type SourcesRepo = ReturnType<typeof createSourcesRepo>;
