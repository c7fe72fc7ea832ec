// The user and patient timelines on SQLite (migration 0011): filled behind
// the append in sorted chunks, read as "indexed part + short tail" in one
// statement. Whatever the line between the two, a search answers exactly what
// a plain scan of the table answers, in (occurredAt, id) order, and pages by
// keyset without losing or repeating an event on equal times.
import { CompiledQuery, Kysely, NO_MIGRATIONS, SqliteDialect, type LogEvent } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createAccessEventsRepo,
  type AccessEventFilter,
  type EventCursor,
} from '../../../server/ingest/access-events.repo.ts';
import { createEventAppender } from '../../../server/ingest/pipeline/event-appender.ts';
import { catchUpTimelines } from '../../../server/ingest/pipeline/timelines.ts';
import { migrator } from '../../../server/store/migrate.ts';
import type { Database } from '../../../server/store/schema.ts';
import { openTestStore, type TestStore } from '../../support/db.ts';

const ACTIONS = ['read', 'update', 'print'] as const;

describe('timelines (SQLite)', () => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.dispose();
    store = undefined;
  });

  /** `n` events in n/10 distinct milliseconds (ten share each time), over 3 users and 4 patients (some none). */
  function insertEvents(s: TestStore, n: number, from = 0) {
    const insert = s.sqlite!.prepare(
      `insert into access_events (occurredAt, occurredAtText, receivedAt, sourceId, userId, action, outcome, patientId) values (?, '', 0, 's', ?, ?, 'success', ?)`,
    );
    for (let i = from; i < from + n; i++)
      insert.run(
        1_000 + Math.floor(i / 10),
        i % 7 === 0 ? null : `u${i % 3}`,
        ACTIONS[i % 3],
        i % 5 === 0 ? null : `P${i % 4}`,
      );
  }

  const repo = createAccessEventsRepo();

  /** What a plain scan of the table says, newest first. */
  function expected(s: TestStore, f: AccessEventFilter): number[] {
    const where = ['1 = 1'];
    const params: unknown[] = [];
    if (f.user) (where.push('userId = ?'), params.push(f.user));
    if (f.patient) (where.push('patientId = ?'), params.push(f.patient));
    if (f.actions) (where.push(`action in (${f.actions.map(() => '?').join(', ')})`), params.push(...f.actions));
    if (f.from !== undefined) (where.push('occurredAt >= ?'), params.push(f.from));
    if (f.to !== undefined) (where.push('occurredAt < ?'), params.push(f.to));
    return (
      s
        .sqlite!.prepare(`select id from access_events where ${where.join(' and ')} order by occurredAt desc, id desc`)
        .all(...params) as { id: number }[]
    ).map((r) => r.id);
  }

  async function paged(db: Kysely<Database>, f: AccessEventFilter, size: number): Promise<number[]> {
    const out: number[] = [];
    let after: EventCursor | undefined;
    for (;;) {
      const page = await repo.search(db, f, after, size);
      out.push(...page.map((r) => r.id));
      if (page.length < size) return out;
      after = { occurredAt: page.at(-1)!.occurredAt, id: page.at(-1)!.id };
    }
  }

  const FILTERS: AccessEventFilter[] = [
    { user: 'u1' },
    { patient: 'P2' },
    { user: 'u0', patient: 'P3' },
    { user: 'u2', actions: ['print', 'update'] },
    { patient: 'P1', from: 1_005, to: 1_025 },
    { user: 'u1', from: 1_012 },
    { user: 'nobody' },
  ];

  it('answers what a scan answers, page by page and counted, wherever the indexed part ends', async () => {
    const s = (store = await openTestStore('sqlite'));
    insertEvents(s, 300);
    const state = () => s.sqlite!.prepare('select indexedThrough from access_event_timeline_state').pluck().get();
    for (const through of [0, 1, 137, 150, 299, 300]) {
      if (through > (state() as number)) s.sqlite!.transaction(() => catchUpTimelines(s.sqlite!, through, 0))();
      expect(state()).toBe(Math.max(through, state() as number));
      for (const f of FILTERS) {
        const want = expected(s, f);
        for (const size of [7, 1000])
          expect(await paged(s.db, f, size), JSON.stringify({ through, f, size })).toEqual(want);
        expect(await repo.countUpTo(s.db, f, 10_000)).toBe(want.length);
        if (want.length > 3) expect(await repo.countUpTo(s.db, f, 3)).toBe(4);
      }
    }
    const rows = (table: string) => s.sqlite!.prepare(`select count(*) from ${table}`).pluck().get();
    expect(rows('access_event_user_timeline')).toBe(expected(s, {}).length - Math.ceil(300 / 7));
    expect(rows('access_event_patient_timeline')).toBe(300 - 60);
  });

  it('reads the indexed part along the timeline key, and only the tail from the table', async () => {
    const s = (store = await openTestStore('sqlite'));
    insertEvents(s, 200);
    s.sqlite!.transaction(() => catchUpTimelines(s.sqlite!, 150, 0))();
    const seen: CompiledQuery[] = [];
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: s.sqlite! }),
      log: (e: LogEvent) => void (e.level === 'query' && seen.push(e.query)),
    });
    for (const [f, timeline] of [
      [{ user: 'u1' }, 'access_event_user_timeline'],
      [{ patient: 'P2', from: 1_003, actions: ['print'] }, 'access_event_patient_timeline'],
    ] as const) {
      await repo.search(db, f, { occurredAt: 1_010, id: 105 }, 20);
      await repo.countUpTo(db, f, 10_000);
      const [search, count] = seen.slice(-2).map((q) => {
        expect(q.sql).toContain(timeline);
        return (s.sqlite!.prepare(`explain query plan ${q.sql}`).all(...q.parameters) as { detail: string }[]).map(
          (r) => r.detail,
        );
      });
      // The indexed arm walks the timeline's key and fetches each row by id; the tail is an id range.
      for (const plan of 'actions' in f ? [search!, count!] : [search!]) {
        expect(plan.some((d) => d.startsWith('SEARCH t USING PRIMARY KEY (subject=?'))).toBe(true);
        expect(plan.some((d) => d.startsWith('SEARCH access_events USING INTEGER PRIMARY KEY (rowid=?)'))).toBe(true);
        expect(plan.some((d) => d.startsWith('SEARCH access_events USING INTEGER PRIMARY KEY (rowid>?)'))).toBe(true);
        expect(plan.filter((d) => /^(SCAN|SEARCH) (t|access_events)\b/.test(d))).toHaveLength(3);
      }
      // A bare subject is counted from its timeline alone, without reading the rows.
      if (!('actions' in f)) {
        expect(count!.some((d) => d.startsWith('SEARCH t USING PRIMARY KEY (subject=?'))).toBe(true);
        expect(count!.filter((d) => /^(SCAN|SEARCH) access_events\b/.test(d))).toEqual([
          'SEARCH access_events USING INTEGER PRIMARY KEY (rowid>?)',
        ]);
      }
    }
  });

  it('is caught up by the appender in chunks, inside the batch transaction', async () => {
    const s = (store = await openTestStore('sqlite'));
    const append = createEventAppender(s, { timelineChunk: 100 });
    const through: number[] = [];
    for (let b = 0; b < 5; b++) {
      const rows = Array.from({ length: Math.min(60, 250 - b * 60) }, (_, i) => ({
        occurredAt: 1_000 + b * 60 + i,
        occurredAtText: '',
        userId: `u${i % 3}`,
        action: 'read' as const,
        outcome: 'success' as const,
        patientId: `P${i % 4}`,
        application: null,
        workstation: null,
        address: null,
        department: null,
        context: null,
      }));
      await s.db.transaction().execute((trx) => append(trx, 's', 0, rows));
      through.push(s.sqlite!.prepare('select indexedThrough from access_event_timeline_state').pluck().get() as number);
    }
    expect(through).toEqual([0, 120, 120, 240, 240]);
    expect(s.sqlite!.prepare('select count(*) from access_event_user_timeline').pluck().get()).toBe(240);
    // A failed batch leaves neither its events nor their timeline entries.
    await expect(
      s.db.transaction().execute(async (trx) => {
        await append(
          trx,
          's',
          0,
          Array.from({ length: 100 }, (_, i) => ({
            occurredAt: 2_000 + i,
            occurredAtText: '',
            userId: 'u9',
            action: 'read' as const,
            outcome: 'success' as const,
            patientId: null,
            application: null,
            workstation: null,
            address: null,
            department: null,
            context: null,
          })),
        );
        throw new Error('the commit did not happen');
      }),
    ).rejects.toThrow('the commit did not happen');
    expect(
      s.sqlite!.prepare("select count(*) from access_event_user_timeline where subject = 'u9'").pluck().get(),
    ).toBe(0);
    expect(s.sqlite!.prepare('select indexedThrough from access_event_timeline_state').pluck().get()).toBe(240);
  });

  it('are purged with their events by retention', async () => {
    const s = (store = await openTestStore('sqlite'));
    insertEvents(s, 300);
    s.sqlite!.transaction(() => catchUpTimelines(s.sqlite!, 300, 0))();
    let purged = 0;
    for (let n = -1; n !== 0; purged += n)
      n = await s.db.transaction().execute((trx) => repo.purgeBatch(trx, 1_020, 50));
    expect(purged).toBe(200);
    for (const [table, column] of [
      ['access_event_user_timeline', 'userId'],
      ['access_event_patient_timeline', 'patientId'],
    ]) {
      const left = s.sqlite!.prepare(`select subject, at, eventId from ${table} order by eventId`).all();
      const want = s
        .sqlite!.prepare(
          `select ${column} as subject, occurredAt as at, id as eventId from access_events where ${column} is not null order by id`,
        )
        .all();
      expect(left).toEqual(want);
    }
  });

  it('are built by the migration from the events already stored, which keep answering the same', async () => {
    const s = (store = await openTestStore('sqlite', { migrate: false }));
    const m = await migrator(s.db);
    expect((await m.migrateTo('0010-alert-reporter')).error).toBeUndefined();
    insertEvents(s, 120);
    expect((await m.migrateToLatest()).error).toBeUndefined();
    expect(s.sqlite!.prepare('select indexedThrough from access_event_timeline_state').pluck().get()).toBe(120);
    const indexes = s
      .sqlite!.prepare("select name from sqlite_master where type = 'index' and tbl_name = 'access_events'")
      .pluck()
      .all();
    expect(indexes).not.toContain('access_events_user');
    expect(indexes).not.toContain('access_events_patient');
    for (const f of FILTERS) expect(await paged(s.db, f, 9)).toEqual(expected(s, f));
    // And back: the down migration restores the indexes.
    expect((await m.migrateTo('0010-alert-reporter')).error).toBeUndefined();
    expect(
      s
        .sqlite!.prepare("select name from sqlite_master where type = 'index' and tbl_name = 'access_events'")
        .pluck()
        .all(),
    ).toContain('access_events_user');
    expect((await m.migrateTo(NO_MIGRATIONS)).error).toBeUndefined();
  });
});
