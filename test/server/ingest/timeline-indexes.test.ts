// The SQLite layout the ingest figures rest on: the user and patient timeline
// indexes without an explicit id (the rowid ends every SQLite index) — still
// read in (occurredAt, id) order, without a sort, and paged by keyset without
// losing or repeating an event on equal times.
import { CompiledQuery, Kysely, SqliteDialect, type LogEvent } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createAccessEventsRepo, type AccessEventFilter, type EventCursor } from '../../../server/ingest/access-events.repo.ts';
import type { Database } from '../../../server/store/schema.ts';
import { openTestStore, type TestStore } from '../../support/db.ts';

describe('timeline indexes (SQLite)', () => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.dispose();
    store = undefined;
  });

  it('reads a user or patient timeline from its index in (occurredAt, id) order: no sort, every event once', async () => {
    const s = (store = await openTestStore('sqlite'));
    const columns = (index: string) => s.sqlite!.prepare(`select name from pragma_index_info(?) order by seqno`).all(index).map((r) => (r as { name: string }).name);
    expect(columns('access_events_user')).toEqual(['userId', 'occurredAt']);
    expect(columns('access_events_patient')).toEqual(['patientId', 'occurredAt']);

    // 300 events in 30 distinct milliseconds: ten share each time.
    const insert = s.sqlite!.prepare(
      `insert into access_events (occurredAt, occurredAtText, receivedAt, sourceId, userId, action, outcome, patientId) values (?, '', 0, 's', ?, 'read', 'success', ?)`,
    );
    for (let i = 0; i < 300; i++) insert.run(1_000 + Math.floor(i / 10), i % 2 ? 'u1' : 'u2', i % 3 ? 'P1' : 'P2');

    // The repo's own queries, captured as they run, then planned.
    const seen: CompiledQuery[] = [];
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: s.sqlite! }), log: (e: LogEvent) => void (e.level === 'query' && seen.push(e.query)) });
    const repo = createAccessEventsRepo();
    for (const filter of [{ user: 'u1' }, { patient: 'P2' }, { user: 'u2', from: 1_005, to: 1_025 }] satisfies AccessEventFilter[]) {
      const expected = (s.sqlite!.prepare(`select id from access_events where ${filter.user ? 'userId' : 'patientId'} = ? and occurredAt >= ? and occurredAt < ? order by occurredAt desc, id desc`)
        .all(filter.user ?? filter.patient, filter.from ?? 0, filter.to ?? 1e9) as { id: number }[]).map((r) => r.id);
      const paged: number[] = [];
      let after: EventCursor | undefined;
      for (;;) {
        const page = await repo.search(db, filter, after, 7);
        if (!page.length) break;
        paged.push(...page.map((r) => r.id));
        after = { occurredAt: page.at(-1)!.occurredAt, id: page.at(-1)!.id };
      }
      expect(paged).toEqual(expected);
      const q = seen.at(-1)!;
      const plan = s.sqlite!.prepare(`explain query plan ${q.sql}`).all(...q.parameters).map((r) => (r as { detail: string }).detail).join('\n');
      expect(plan).toContain(filter.user ? 'access_events_user' : 'access_events_patient');
      expect(plan).not.toContain('TEMP B-TREE');
    }
  });
});
