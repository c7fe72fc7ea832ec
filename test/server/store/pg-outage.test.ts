// PostgreSQL going away under Vigie: connections terminated (a restart,
// pg_terminate_backend) and a longer outage (a cut TCP proxy). Vigie keeps
// running, answers 503 database.unavailable (with Retry-After) while the
// database is gone, says not ready, recovers by itself, and every batch it
// acknowledged is stored exactly once. Only this test's own connections are
// ended (by application_name); the shared server is never stopped.
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app.ts';
import { systemClock } from '../../../server/clock.ts';
import { sessionCookieName } from '../../../server/http/cookies.ts';
import type { Db } from '../../../server/store/db.ts';
import { openStore } from '../../../server/store/db.ts';
import { migrateToLatest } from '../../../server/store/migrate.ts';
import { classifyStoreError } from '../../../server/store/store-errors.ts';
import { createTestApp } from '../../support/app.ts';
import { testConfig } from '../../support/config.ts';
import { openTestStore, PG_SKIP_REASON, PG_URL, pgSchemaUrl } from '../../support/db.ts';
import { createSession, createUser } from '../../support/factories.ts';
import { captureLogger } from '../../support/log.ts';
import { startPgProxy, terminateBackends } from '../../support/pg-faults.ts';
import { createSource, eventRecord, ndjson } from '../ingest/helpers.ts';

const suite = PG_URL ? describe : describe.skip;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

interface Batch {
  n: number;
  key: string;
  size: number;
  body: string;
  acked: boolean;
}
function batchOf(n: number): Batch {
  const size = 20 + ((n * 37) % 80);
  return {
    n,
    key: `outage-${n}`,
    size,
    body: ndjson(Array.from({ length: size }, (_, i) => eventRecord(i, { context: { batch: n, i } }))),
    acked: false,
  };
}

type Post = (b: Batch) => request.Test;
/** Sends a batch; true when acknowledged. Anything but 200 or 503 database.unavailable fails the test. */
async function send(post: Post, b: Batch, seen: { ok: number; unavailable: number }): Promise<boolean> {
  const res = await post(b);
  if (res.status === 200) {
    expect(res.body.accepted).toBe(b.size);
    seen.ok++;
    return true;
  }
  expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 503, code: 'database.unavailable' });
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  seen.unavailable++;
  return false;
}

/** Each batch's rows: every acknowledged batch exactly once and whole, nothing else. */
async function expectStoredExactlyOnce(db: Db, batches: Batch[]) {
  const { rows } = await sql<{ batch: number; n: number; distinctN: number }>`
    select (context::json->>'batch')::int as batch, count(*)::int as n, count(distinct context::json->>'i')::int as "distinctN"
    from access_events group by 1`.execute(db);
  const found = new Map(rows.map((r) => [Number(r.batch), r]));
  for (const b of batches.filter((x) => x.acked))
    expect(found.get(b.n), `batch ${b.n}`).toMatchObject({ n: b.size, distinctN: b.size });
  for (const [n, r] of found) expect(r.n, `batch ${n} whole and once`).toBe(batches[n]!.size);
  const audit = await db
    .selectFrom('audit_entries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('action', '=', 'ingest.batch')
    .executeTakeFirstOrThrow();
  expect(Number(audit.n)).toBe(found.size);
}

suite(`PostgreSQL connections dropping under Vigie${PG_URL ? '' : ` (${PG_SKIP_REASON})`}`, () => {
  it('survives its idle and checked-out connections being terminated, fails the transaction in flight with database.unavailable, and reconnects', async () => {
    const store = await openTestStore('postgres');
    cleanups.push(() => store.dispose());
    await Promise.all([store.ping(), store.ping(), store.ping()]);
    let terminated = 0;
    const inFlight = store.db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      // Its own backend and the idle ones: each client hears of it between two statements.
      terminated = await terminateBackends(store.schema!);
      await sleep(200);
      await sql`select 1`.execute(trx);
    });
    const error = await inFlight.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(terminated).toBeGreaterThanOrEqual(2);
    expect(classifyStoreError(error)).toMatchObject({ status: 503, code: 'database.unavailable' });
    await store.ping();
    expect((await store.readiness()).ready).toBe(true);
  });

  it('keeps ingesting while its connections are terminated again and again: 503 in the meantime, every acknowledged batch exactly once', async () => {
    const t = await createTestApp({ dialect: 'postgres' });
    cleanups.push(() => t.close());
    const { auth } = await createSource(t.services);
    const post: Post = (b) =>
      t.http
        .post('/api/v1/ingest/events')
        .set('Authorization', auth)
        .set('Content-Type', 'application/x-ndjson')
        .set('Idempotency-Key', b.key)
        .send(b.body);
    const batches: Batch[] = [];
    const seen = { ok: 0, unavailable: 0 };
    const retry: Batch[] = [];
    let faulting = true;
    const worker = async () => {
      while (faulting) {
        const b = retry.shift() ?? batches[batches.push(batchOf(batches.length)) - 1]!;
        if (await send(post, b, seen)) b.acked = true;
        else retry.push(b);
      }
    };
    const workers = [worker(), worker(), worker()];
    let terminations = 0;
    for (let round = 0; round < 12; round++) {
      await sleep(80 + Math.random() * 200);
      terminations += await terminateBackends(t.store.schema!);
    }
    faulting = false;
    await Promise.all(workers);
    // The database is back: what was not acknowledged is sent again (same key, same body) until it is.
    for (const b of batches) {
      for (let attempt = 0; !b.acked && attempt < 20; attempt++) {
        if (await send(post, b, seen)) b.acked = true;
        else await sleep(100);
      }
    }
    console.info(
      `pg outage: ${batches.length} batches, ${terminations} backends terminated, ${seen.ok} acknowledged, ${seen.unavailable} answered 503`,
    );
    expect(terminations).toBeGreaterThanOrEqual(12);
    expect(seen.unavailable).toBeGreaterThan(0);
    expect(batches.every((b) => b.acked)).toBe(true);
    expect(t.logs.text()).not.toMatch(/"unhandled error"/);
    await t.http.get('/readyz').expect(200);
    await expectStoredExactlyOnce(t.store.db, batches);
  }, 60_000);

  it('during a longer outage fails fast with 503, says not ready, keeps its detector alive, and recovers by itself', async () => {
    const schema = await pgSchemaUrl();
    cleanups.push(() => schema.dispose());
    const proxy = await startPgProxy();
    cleanups.push(() => proxy.close());
    const logs = captureLogger();
    const store = openStore(
      { kind: 'postgres', url: proxy.url(schema.url), poolSize: 4, connectTimeoutMs: 500 },
      { log: logs.log },
    );
    cleanups.push(() => store.close());
    await migrateToLatest(store.db);
    const config = testConfig();
    const vigie = createApp({ config, store, log: logs.log, clock: systemClock, clientDir: '/nonexistent' });
    cleanups.push(async () => {
      await vigie.services.detector.stop().catch(() => undefined);
      await vigie.close();
    });
    const { auth } = await createSource(vigie.services);
    const post: Post = (b) =>
      request(vigie.app)
        .post('/api/v1/ingest/events')
        .set('Authorization', auth)
        .set('Content-Type', 'application/x-ndjson')
        .set('Idempotency-Key', b.key)
        .send(b.body);
    const analyst = await createUser(vigie.services, { roles: ['analyst'] });
    const cookie = `${sessionCookieName(config)}=${(await createSession(vigie.services, analyst.id)).token}`;
    const me = () => request(vigie.app).get('/api/v1/auth/me').set('Origin', config.publicOrigin).set('Cookie', cookie);
    await me().expect(200);
    const seen = { ok: 0, unavailable: 0 };
    const batches = [batchOf(0), batchOf(1), batchOf(2)];
    await vigie.services.detector.start();

    batches[0]!.acked = await send(post, batches[0]!, seen);
    expect(batches[0]!.acked).toBe(true);
    const lastId = async () =>
      Number(
        (
          await store.db
            .selectFrom('access_events')
            .select((eb) => eb.fn.max('id').as('id'))
            .executeTakeFirstOrThrow()
        ).id,
      );
    const caughtUp = async () => {
      const target = await lastId();
      for (let i = 0; i < 200 && vigie.services.detector.cursor < target; i++) await sleep(50);
      return vigie.services.detector.cursor === target;
    };
    expect(await caughtUp()).toBe(true);

    for (const mode of ['refuse', 'blackhole'] as const) {
      proxy.cut(mode);
      const started = performance.now();
      expect(await send(post, batches[1]!, seen)).toBe(false);
      // A connect that is reset fails at once; one that hangs, after the connect timeout (500 ms).
      expect(performance.now() - started, mode).toBeLessThan(3000);
      // The console too: its session cannot be read, so 503, not 500 and not a hang.
      expect((await me().expect(503)).body.error.code).toBe('database.unavailable');
      const ready = await request(vigie.app).get('/readyz').expect(503);
      expect(ready.body).toMatchObject({ status: 'unavailable', reason: 'database.unavailable' });
      expect(Number(ready.headers['retry-after'])).toBeGreaterThan(0);
    }
    // The detector's runs fail meanwhile; it keeps trying.
    for (let i = 0; i < 60 && !/detector batch failed; retrying/.test(logs.text()); i++) await sleep(50);
    expect(logs.text()).toMatch(/detector batch failed; retrying/);

    proxy.restore();
    let ready = 503;
    for (let i = 0; i < 100 && ready !== 200; i++) {
      ready = (await request(vigie.app).get('/readyz')).status;
      if (ready !== 200) await sleep(100);
    }
    expect(ready).toBe(200);
    for (const b of batches.slice(1)) b.acked = await send(post, b, seen);
    expect(batches.every((b) => b.acked)).toBe(true);
    expect(await caughtUp()).toBe(true);
    await me().expect(200);
    expect(logs.text()).not.toMatch(/"unhandled error"/);
    await expectStoredExactlyOnce(store.db, batches);
  }, 60_000);
});
