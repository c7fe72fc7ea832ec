import type { Executor } from '../store/db.ts';
import type { SystemEventsTable } from './ingest.tables.ts';

export type NewSystemEventRow = Omit<SystemEventsTable, 'id'>;
export type SystemEventRow = NewSystemEventRow & { id: number };

const COLUMNS = [
  'id',
  'receivedAt',
  'occurredAt',
  'occurredAtText',
  'sourceId',
  'peer',
  'facility',
  'severity',
  'hostname',
  'appName',
  'procId',
  'msgId',
  'structuredData',
  'message',
  'raw',
  'format',
] as const;

export function createSystemEventsRepo() {
  return {
    async insertMany(
      db: Executor,
      rows: readonly NewSystemEventRow[],
    ): Promise<{ firstId: number | null; lastId: number | null }> {
      let firstId: number | null = null;
      let lastId: number | null = null;
      // Chunks keep each statement under SQLite's bound-parameter limit.
      for (let i = 0; i < rows.length; i += 500) {
        const ids = await db
          .insertInto('system_events')
          .values(rows.slice(i, i + 500))
          .returning('id')
          .execute();
        for (const { id } of ids) {
          firstId = firstId === null ? id : Math.min(firstId, id);
          lastId = lastId === null ? id : Math.max(lastId, id);
        }
      }
      return { firstId, lastId };
    },
    async latest(db: Executor, limit: number, sourceId?: string): Promise<SystemEventRow[]> {
      let q = db
        .selectFrom('system_events')
        .select(COLUMNS)
        .orderBy('receivedAt', 'desc')
        .orderBy('id', 'desc')
        .limit(limit);
      if (sourceId) q = q.where('sourceId', '=', sourceId);
      return q.execute();
    },
    /** Deletes up to `limit` rows received before `before`; returns how many. */
    async purgeBatch(db: Executor, before: number, limit: number): Promise<number> {
      const ids = db
        .selectFrom('system_events')
        .select('id')
        .where('receivedAt', '<', before)
        .orderBy('receivedAt')
        .limit(limit);
      const r = await db.deleteFrom('system_events').where('id', 'in', ids).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}

export type SystemEventsRepo = ReturnType<typeof createSystemEventsRepo>;
