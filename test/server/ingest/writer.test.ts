import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditRepo } from '../../../server/audit/audit.repo.ts';
import { createAuditService } from '../../../server/audit/audit.service.ts';
import { systemClock } from '../../../server/clock.ts';
import { createAccessEventsRepo } from '../../../server/ingest/access-events.repo.ts';
import { validateAccessEvent, type ValidAccessEvent } from '../../../server/ingest/pipeline/access-event-validation.ts';
import { createEventAppender, type AppendResult } from '../../../server/ingest/pipeline/event-appender.ts';
import { createIngestWriter, inlineExecutor } from '../../../server/ingest/pipeline/writer.ts';
import { openStore, type Store, type Trx } from '../../../server/store/db.ts';
import { migrateToLatest } from '../../../server/store/migrate.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { PG_SKIP_REASON, PG_URL, pgSchemaUrl } from '../../support/db.ts';
import { createSource, eventRecord, ndjson } from './helpers.ts';

const rows = (n: number, from = 0): ValidAccessEvent[] =>
  Array.from({ length: n }, (_, i) => validateAccessEvent(eventRecord(from + i)) as ValidAccessEvent);
const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

// Two "instances" on one PostgreSQL schema: what several Vigie servers sharing a database look like.
describe.skipIf(!PG_URL)(`event ids follow commit order on PostgreSQL${PG_URL ? '' : ` (${PG_SKIP_REASON})`}`, () => {
  let schema: Awaited<ReturnType<typeof pgSchemaUrl>>;
  let a: Store;
  let b: Store;
  beforeEach(async () => {
    schema = await pgSchemaUrl();
    a = openStore({ kind: 'postgres', url: schema.url, poolSize: 4 });
    b = openStore({ kind: 'postgres', url: schema.url, poolSize: 4 });
    await migrateToLatest(a.db);
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await schema.dispose();
  });

  it('without the lock a reader of id > cursor can skip an event; with audit.lock first it cannot', async () => {
    const audit = createAuditService({ repo: createAuditRepo(), clock: systemClock, dialect: 'postgres' });
    const appendA = createEventAppender(a);
    const appendB = createEventAppender(b);
    const repo = createAccessEventsRepo();

    // Control, no lock: T1 takes id n and stays open, T2 takes n+1 and commits: the reader sees n+1 first.
    const hold = deferred();
    const inserted = deferred();
    const t1 = a.db.transaction().execute(async (trx) => {
      const r = await appendA(trx, 's', 1, rows(1));
      inserted.resolve();
      await hold.promise;
      return r.firstId!;
    });
    await inserted.promise;
    const id2 = await b.db.transaction().execute(async (trx) => (await appendB(trx, 's', 1, rows(1))).firstId!);
    const cursor = Math.max(...(await repo.readAfter(a.db, 0, 100)).map((r) => r.id));
    hold.resolve();
    const id1 = await t1;
    expect(id1).toBeLessThan(id2);
    expect(cursor).toBe(id2);
    expect((await repo.readAfter(a.db, cursor, 100)).map((r) => r.id)).not.toContain(id1); // skipped

    // With the lock taken before the insert (as the writer does): T2 waits for T1's commit.
    const hold2 = deferred();
    const locked = deferred();
    const t3 = a.db.transaction().execute(async (trx) => {
      await audit.lock(trx);
      const r = await appendA(trx, 's', 1, rows(1));
      locked.resolve();
      await hold2.promise;
      return r.firstId!;
    });
    await locked.promise;
    let t4Done = false;
    const t4 = b.db
      .transaction()
      .execute(async (trx) => {
        await audit.lock(trx);
        return (await appendB(trx, 's', 1, rows(1))).firstId!;
      })
      .finally(() => (t4Done = true));
    await new Promise((r) => setTimeout(r, 150));
    expect(t4Done).toBe(false); // blocked on the lock
    expect((await repo.readAfter(a.db, cursor, 100)).map((r) => r.id)).toEqual([]);
    hold2.resolve();
    const [id3, id4] = await Promise.all([t3, t4]);
    expect(id3).toBeLessThan(id4);
  });

  it('a reader polling id > cursor while two instances write concurrently sees every event', async () => {
    const writers = [a, b].map((store) => {
      const audit = createAuditService({ repo: createAuditRepo(), clock: systemClock, dialect: 'postgres' });
      // The writer's own executor, with the batch as a function: its lock comes first whatever the batch does.
      type Batch = (trx: Trx) => Promise<AppendResult>;
      const execute = inlineExecutor(store.db, audit, (trx: Trx, batch: Batch) => batch(trx));
      return {
        writer: createIngestWriter<Batch, AppendResult>({ execute, capacity: 100 }),
        append: createEventAppender(store),
      };
    });
    const repo = createAccessEventsRepo();
    const seen: number[] = [];
    let cursor = 0;
    let done = false;
    const reader = (async () => {
      while (!done) {
        const batch = await repo.readAfter(a.db, cursor, 10_000);
        for (const r of batch) seen.push(r.id);
        if (batch.length) cursor = batch.at(-1)!.id;
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    await Promise.all(
      writers.flatMap(({ writer, append }, w) =>
        Array.from({ length: 25 }, (_, i) => {
          const ticket = writer.reserve();
          return ticket.commit(async (trx) => {
            const r = await append(trx, `w${w}`, 1, rows(1 + (i % 7), i * 10));
            await new Promise((res) => setTimeout(res, Math.random() * 5)); // commits land late
            return r;
          });
        }),
      ),
    );
    done = true;
    await reader;
    for (const r of await repo.readAfter(a.db, cursor, 10_000)) seen.push(r.id);
    const all = (await a.db.selectFrom('access_events').select('id').orderBy('id').execute()).map((r) => r.id);
    expect(seen).toEqual(all);
  });
});

describe('back-pressure', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ env: { VIGIE_INGEST_QUEUE_BATCHES: '1' } });
  });
  afterEach(() => t.close());

  it('answers 503 with Retry-After while the writer queue is full, and takes the batch once it is not', async () => {
    const { auth } = await createSource(t.services);
    const base = new URL(await t.listen());
    // A first batch whose body is still arriving holds the only place in the queue.
    const slow = http.request({
      host: base.hostname,
      port: base.port,
      path: '/api/v1/ingest/events',
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/x-ndjson' },
    });
    const slowAnswer = new Promise<{ status: number; body: string }>((resolve) => {
      slow.on('response', (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
    });
    slow.write(JSON.stringify(eventRecord(1)) + '\n');
    await new Promise((r) => setTimeout(r, 100));
    expect(t.services.ingestWriter.stats().pending).toBe(1);

    const refused = await t.http.raw
      .post('/api/v1/ingest/events')
      .set('Authorization', auth)
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson([eventRecord(2)]))
      .expect(503);
    expect(refused.body.error.code).toBe('ingest.saturated');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    slow.end(JSON.stringify(eventRecord(3)) + '\n');
    expect(await slowAnswer).toEqual({ status: 200, body: JSON.stringify({ accepted: 2, rejected: [] }) });
    await t.http.raw
      .post('/api/v1/ingest/events')
      .set('Authorization', auth)
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson([eventRecord(2)]))
      .expect(200);
    expect(t.services.ingestWriter.stats().pending).toBe(0);
  });

  it('refuses new batches once stopping, after committing the queued ones', async () => {
    const { auth } = await createSource(t.services);
    await t.services.ingestWriter.stop();
    const res = await t.http.raw
      .post('/api/v1/ingest/events')
      .set('Authorization', auth)
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson([eventRecord(2)]))
      .expect(503);
    expect(res.body.error.code).toBe('ingest.stopping');
    expect(res.headers['retry-after']).toBe('5');
  });
});
