// Access events straight into the log, for detector tests and the bench
// (the ingest endpoint is the real way in; these skip HTTP, not the format).
import type { NewAccessEventRow } from '../../server/ingest/access-events.repo.ts';
import { AccessEventRecord } from '../../server/ingest/pipeline/access-event.schemas.ts';
import { catchUpTimelines } from '../../server/ingest/pipeline/timelines.ts';
import type { Store } from '../../server/store/db.ts';

export type EventInput = Omit<AccessEventRecord, 'time'> & { time: string | number };

export function eventRow(input: EventInput, receivedAt = Date.now(), sourceId = 'test'): NewAccessEventRow {
  const time = typeof input.time === 'number' ? new Date(input.time).toISOString() : input.time;
  const r = AccessEventRecord.parse({ ...input, time });
  return {
    occurredAt: Date.parse(r.time.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')),
    occurredAtText: r.time,
    receivedAt,
    sourceId,
    userId: r.user ?? null,
    action: r.action,
    outcome: r.outcome,
    patientId: r.patient ?? null,
    application: r.application ?? null,
    workstation: r.workstation ?? null,
    address: r.address ?? null,
    department: r.department ?? null,
    context: r.context ? JSON.stringify(r.context) : null,
  };
}

/** Appends rows in order; returns their ids. */
export async function insertEvents(store: Store, rows: readonly NewAccessEventRow[]): Promise<number[]> {
  const ids: number[] = [];
  if (store.sqlite) {
    const stmt = store.sqlite.prepare(
      'insert into access_events (occurredAt, occurredAtText, receivedAt, sourceId, userId, action, outcome, patientId, application, workstation, address, department, context) values (@occurredAt, @occurredAtText, @receivedAt, @sourceId, @userId, @action, @outcome, @patientId, @application, @workstation, @address, @department, @context)',
    );
    store.sqlite.transaction(() => {
      for (const r of rows) ids.push(Number(stmt.run(r).lastInsertRowid));
      // As the server's appender does: the timelines follow in chunks.
      if (ids.length) catchUpTimelines(store.sqlite!, ids.at(-1)!);
    })();
    return ids;
  }
  for (let i = 0; i < rows.length; i += 500) {
    const out = await store.db
      .insertInto('access_events')
      .values(rows.slice(i, i + 500))
      .returning('id')
      .execute();
    ids.push(...out.map((o) => o.id));
  }
  return ids;
}
