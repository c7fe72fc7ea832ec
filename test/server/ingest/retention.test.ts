import { afterEach, beforeEach, expect, it } from 'vitest';
import { createAccessEventsRepo } from '../../../server/ingest/access-events.repo.ts';
import { createRetention } from '../../../server/ingest/retention/retention.job.ts';
import { createSourcesRepo } from '../../../server/ingest/sources/sources.repo.ts';
import { createSystemEventsRepo } from '../../../server/ingest/system-events.repo.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { describeEachDialect } from '../../support/db.ts';
import { createSource, eventRecord, ndjson } from './helpers.ts';

const DAY = 86_400_000;

describeEachDialect('retention', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ dialect, env: { VIGIE_RETENTION_DAYS: '183' } });
  });
  afterEach(() => t.close());

  it('purges events older than the retention in bounded batches, keeps the rest, and audits the run once', async () => {
    const { auth } = await createSource(t.services);
    const now = t.clock.now();
    const at = (daysAgo: number, i: number) => new Date(now - daysAgo * DAY - i * 1000).toISOString();
    // 23 events older than 183 days, 5 younger.
    const records = [
      ...Array.from({ length: 23 }, (_, i) => eventRecord(i, { time: at(184 + (i % 3), i) })),
      ...Array.from({ length: 5 }, (_, i) => eventRecord(100 + i, { time: at(182, i) })),
    ];
    await t.http.raw
      .post('/api/v1/ingest/events')
      .set('Authorization', auth)
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson(records))
      .expect(200);
    const seqBefore = (await t.services.db.selectFrom('audit_entries').select('seq').execute()).length;

    const deletes: number[] = [];
    const repo = createAccessEventsRepo();
    const counting = {
      ...repo,
      purgeBatch: async (...args: Parameters<typeof repo.purgeBatch>) => {
        const n = await repo.purgeBatch(...args);
        deletes.push(n);
        return n;
      },
    };
    const retention = createRetention({
      db: t.services.db,
      accessEvents: counting,
      systemEvents: createSystemEventsRepo(),
      sources: createSourcesRepo(),
      audit: t.services.audit,
      clock: t.clock,
      log: t.logs.log,
      retentionDays: 183,
      batchSize: 10,
    });
    const result = await retention.run({ kind: 'system' });
    expect(result).toEqual({
      cutoff: now - 183 * DAY,
      retentionDays: 183,
      events: 23,
      systemEvents: 0,
      idempotencyKeys: 0,
    });
    expect(deletes).toEqual([10, 10, 3]);
    const left = await t.services.db.selectFrom('access_events').select('occurredAt').execute();
    expect(left).toHaveLength(5);
    expect(left.every((r) => r.occurredAt >= now - 183 * DAY)).toBe(true);
    const entries = await t.services.db
      .selectFrom('audit_entries')
      .select(['action', 'details', 'actor'])
      .orderBy('seq')
      .execute();
    expect(entries).toHaveLength(seqBefore + 1);
    expect(entries.at(-1)).toMatchObject({ action: 'access_events.purged', actor: 'system' });
    // The batch's own audit entry outlives the events it describes.
    expect(entries.filter((e) => e.action === 'ingest.batch')).toHaveLength(1);
  });

  it('forgets Idempotency-Keys after 7 days, and the services run the same purge', async () => {
    const { auth } = await createSource(t.services);
    await t.http.raw
      .post('/api/v1/ingest/events')
      .set('Authorization', auth)
      .set('Content-Type', 'application/x-ndjson')
      .set('Idempotency-Key', 'k1')
      .send(ndjson([eventRecord(1, { time: new Date(t.clock.now()).toISOString() })]))
      .expect(200);
    t.clock.advance(8 * DAY);
    const r = await t.services.retention.run({ kind: 'cli' });
    expect(r).toMatchObject({ events: 0, idempotencyKeys: 1, retentionDays: 183 });
  });
});
