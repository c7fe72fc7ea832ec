// The hot path of ingest: appending validated access events inside the
// batch's transaction. On SQLite a prepared statement on the raw handle (the
// same single connection Kysely's transaction runs on), one row per call, then
// the user and patient timelines' catch-up when a chunk has gathered; on
// PostgreSQL one INSERT … SELECT FROM unnest(arrays) per batch: a handful of
// parameters whatever the batch size, no per-row round trip.
import { sql } from 'kysely';
import type { Store, Trx } from '../../store/db.ts';
import type { ValidAccessEvent } from './access-event-validation.ts';
import { TIMELINE_CHUNK, catchUpTimelines } from './timelines.ts';

export interface AppendResult {
  count: number;
  /** null when nothing was appended. */
  firstId: number | null;
  lastId: number | null;
}

export type EventAppender = (
  trx: Trx,
  sourceId: string,
  receivedAt: number,
  rows: readonly ValidAccessEvent[],
) => Promise<AppendResult>;

const INSERT_SQLITE =
  'insert into access_events (occurredAt, occurredAtText, receivedAt, sourceId, userId, action, outcome, patientId, application, workstation, address, department, context) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

export function createEventAppender(store: Store, options: { timelineChunk?: number } = {}): EventAppender {
  if (store.dialect === 'sqlite') {
    const raw = store.sqlite!;
    let stmt: ReturnType<typeof raw.prepare<unknown[]>> | undefined;
    const chunk = options.timelineChunk ?? TIMELINE_CHUNK;
    return async (_trx, sourceId, receivedAt, rows) => {
      // Prepared lazily: the table exists only once migrations ran.
      stmt ??= raw.prepare<unknown[]>(INSERT_SQLITE);
      let firstId: number | null = null;
      let lastId: number | null = null;
      for (const r of rows) {
        const info = stmt.run(
          r.occurredAt,
          r.occurredAtText,
          receivedAt,
          sourceId,
          r.userId,
          r.action,
          r.outcome,
          r.patientId,
          r.application,
          r.workstation,
          r.address,
          r.department,
          r.context,
        );
        lastId = Number(info.lastInsertRowid);
        firstId ??= lastId;
      }
      // The user and patient timelines follow in sorted chunks, in this same transaction.
      if (lastId !== null) catchUpTimelines(raw, lastId, chunk);
      return { count: rows.length, firstId, lastId };
    };
  }
  return async (trx, sourceId, receivedAt, rows) => {
    if (!rows.length) return { count: 0, firstId: null, lastId: null };
    const col = <K extends keyof ValidAccessEvent>(k: K) => rows.map((r) => r[k]);
    const result = await sql<{ first: number; last: number; n: number }>`
      with ins as (
        insert into access_events ("occurredAt", "occurredAtText", "receivedAt", "sourceId", "userId", "action", "outcome", "patientId", "application", "workstation", "address", "department", "context")
        select t.o, t.ot, ${receivedAt}::bigint, ${sourceId}::text, t.u, t.a, t.oc, t.p, t.ap, t.w, t.ad, t.d, t.c
        from unnest(${col('occurredAt')}::bigint[], ${col('occurredAtText')}::text[], ${col('userId')}::text[], ${col('action')}::text[], ${col('outcome')}::text[],
                    ${col('patientId')}::text[], ${col('application')}::text[], ${col('workstation')}::text[], ${col('address')}::text[], ${col('department')}::text[], ${col('context')}::text[])
          as t(o, ot, u, a, oc, p, ap, w, ad, d, c)
        returning id
      )
      select min(id) as first, max(id) as last, count(*) as n from ins`.execute(trx);
    const r = result.rows[0]!;
    return { count: Number(r.n), firstId: Number(r.first), lastId: Number(r.last) };
  };
}
