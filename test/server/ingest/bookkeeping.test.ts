// A batch's bookkeeping costs fewer statements: the source's counters and last
// seen in one statement on PostgreSQL, the audit chain's lock taken once per
// transaction, several audit entries appended with one read of the head —
// and the counters, last seen, last error and chain stay what they were.
import type { KyselyPlugin } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { entryHash, GENESIS_HASH } from '../../../server/audit/hash-chain.ts';
import { createSourcesRepo } from '../../../server/ingest/sources/sources.repo.ts';
import { parisDay } from '../../../server/ingest/sources/sources.service.ts';
import type { Db } from '../../../server/store/db.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { describeEachDialect } from '../../support/db.ts';
import { createSource } from './helpers.ts';

/** The database seen through a plugin that lists the statements run. */
function counted(db: Db): { db: Db; statements: string[] } {
  const statements: string[] = [];
  const plugin: KyselyPlugin = {
    transformQuery: ({ node }) => {
      statements.push(node.kind);
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  return { db: db.withPlugin(plugin), statements };
}

describeEachDialect('ingest bookkeeping', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ dialect });
  });
  afterEach(() => t.close());

  it('recordActivity adds to the day counters and sets last seen (and the error only when given), in one statement on PostgreSQL', async () => {
    const { source } = await createSource(t.services);
    const repo = createSourcesRepo();
    const day = parisDay(t.clock.now());
    const { db, statements } = counted(t.services.db);
    await db.transaction().execute((trx) =>
      repo.recordActivity(trx, {
        sourceId: source.id,
        at: 1_000,
        day,
        accepted: 5,
        refused: 1,
        error: '1 record refused',
      }),
    );
    expect(statements).toHaveLength(dialect === 'postgres' ? 1 : 2);
    await db
      .transaction()
      .execute((trx) => repo.recordActivity(trx, { sourceId: source.id, at: 2_000, day, accepted: 7, refused: 0 }));
    // Nothing counted: last seen only.
    await db
      .transaction()
      .execute((trx) => repo.recordActivity(trx, { sourceId: source.id, at: 3_000, day, accepted: 0, refused: 0 }));
    expect(await repo.countsOn(t.services.db, day)).toEqual([
      { sourceId: source.id, day, accepted: 12, refused: 1, skipped: 0, dropped: 0 },
    ]);
    expect(await repo.findById(t.services.db, source.id)).toMatchObject({
      lastSeenAt: 3_000,
      lastError: '1 record refused',
      lastErrorAt: 1_000,
    });
    await repo.recordActivity(t.services.db, {
      sourceId: source.id,
      at: 4_000,
      day: '2026-12-01',
      accepted: 0,
      refused: 2,
      error: 'later',
    });
    expect(await repo.countsOn(t.services.db, '2026-12-01')).toEqual([
      { sourceId: source.id, day: '2026-12-01', accepted: 0, refused: 2, skipped: 0, dropped: 0 },
    ]);
    expect(await repo.findById(t.services.db, source.id)).toMatchObject({
      lastSeenAt: 4_000,
      lastError: 'later',
      lastErrorAt: 4_000,
    });
  });

  it('an HTTP batch still counts and touches its source', async () => {
    const { source, auth } = await createSource(t.services);
    const body =
      '{"time":"2026-11-28T14:00:16Z","user":"u1","action":"read","outcome":"success","patient":"P0001","application":"DxCare"}\n{"action":"peek"}\n';
    const res = await t.http
      .post('/api/v1/ingest/events')
      .set('Authorization', auth)
      .set('Content-Type', 'application/x-ndjson')
      .send(body);
    expect(res.status).toBe(200);
    const day = parisDay(t.clock.now());
    expect(await createSourcesRepo().countsOn(t.services.db, day)).toEqual([
      { sourceId: source.id, day, accepted: 1, refused: 1, skipped: 0, dropped: 0 },
    ]);
    expect(await createSourcesRepo().findById(t.services.db, source.id)).toMatchObject({
      lastSeenAt: t.clock.now(),
      lastErrorAt: t.clock.now(),
      lastError: expect.stringMatching(/^1 record refused; first: #1: /),
    });
  });

  it('takes the chain lock once per transaction and appends many entries with one read of the head, chained as one by one', async () => {
    const { audit } = t.services;
    const { db, statements } = counted(t.services.db);
    await db.transaction().execute(async (trx) => {
      await audit.lock(trx);
      await audit.record(trx, { actor: { kind: 'system' }, action: 'test.one' });
      await audit.recordMany(
        trx,
        [1, 2, 3].map((i) => ({
          actor: { kind: 'cli' as const },
          action: 'test.many',
          target: { type: 'n', id: i },
          details: { i },
        })),
      );
      await audit.record(trx, { actor: { kind: 'system' }, action: 'test.last' });
    });
    // lock (PostgreSQL only), then head + insert, head + one insert for three, head + insert.
    expect(statements).toHaveLength((dialect === 'postgres' ? 1 : 0) + 6);
    expect(await audit.recordMany(t.services.db as never, [])).toEqual([]);
    const rows = await t.services.db.selectFrom('audit_entries').selectAll().orderBy('seq').execute();
    expect(rows.map((r) => [r.seq, r.action, r.targetId])).toEqual([
      [1, 'test.one', null],
      [2, 'test.many', '1'],
      [3, 'test.many', '2'],
      [4, 'test.many', '3'],
      [5, 'test.last', null],
    ]);
    let prev = GENESIS_HASH;
    for (const row of rows) {
      expect(row.prevHash).toBe(prev);
      expect(row.hash).toBe(entryHash(row));
      prev = row.hash;
    }
  });
});
