// A full disk under SQLite: a write that does not fit is answered 507
// storage.full (not 500, and the log names the disk error, not "cannot
// rollback"), /readyz says not ready until there is room again, and Vigie
// recovers by itself; every acknowledged batch is kept, exactly once. Two
// ways to fill it: a real, tiny tmpfs data directory where the machine lets
// the test mount one, and everywhere SQLite's own page limit (max_page_count),
// which makes SQLite fail with the same SQLITE_FULL.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app.ts';
import { systemClock } from '../../../server/clock.ts';
import { openStore, type Db } from '../../../server/store/db.ts';
import { migrateToLatest } from '../../../server/store/migrate.ts';
import { createTestApp } from '../../support/app.ts';
import { testConfig } from '../../support/config.ts';
import { captureLogger } from '../../support/log.ts';
import { createSource, eventRecord, ndjson } from '../ingest/helpers.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Batch {
  n: number;
  key: string;
  size: number;
  body: string;
  acked: boolean;
}
const batchOf = (n: number, size: number): Batch => ({
  n,
  key: `full-${n}`,
  size,
  body: ndjson(
    Array.from({ length: size }, (_, i) => eventRecord(i, { context: { batch: n, i, pad: 'x'.repeat(200) } })),
  ),
  acked: false,
});

async function expectKeptExactlyOnce(db: Db, batches: Batch[]) {
  const { rows } = await sql<{
    batch: number;
    n: number;
  }>`select json_extract(context, '$.batch') as batch, count(*) as n from access_events group by batch`.execute(db);
  const found = new Map(rows.map((r) => [Number(r.batch), Number(r.n)]));
  for (const b of batches) expect(found.get(b.n), `batch ${b.n}`).toBe(b.acked ? b.size : undefined);
}

function expectDiskErrorLogged(text: string) {
  expect(text).toMatch(/"answer":"storage\.full"/);
  expect(text).toMatch(/database or disk is full/);
  expect(text).toMatch(/"errorCode":"SQLITE_FULL"/);
  expect(text).not.toMatch(/cannot rollback/);
}

describe('a full disk under SQLite', () => {
  it('answers 507 storage.full, is not ready until there is room, then recovers and keeps what it acknowledged (SQLite page limit)', async () => {
    const t = await createTestApp();
    cleanups.push(() => t.close());
    const { auth } = await createSource(t.services);
    const post = (b: Batch) =>
      t.http
        .post('/api/v1/ingest/events')
        .set('Authorization', auth)
        .set('Content-Type', 'application/x-ndjson')
        .set('Idempotency-Key', b.key)
        .send(b.body);
    const batches = [batchOf(0, 200), batchOf(1, 2000), batchOf(2, 300)];
    batches[0]!.acked = (await post(batches[0]!).expect(200)).body.accepted === 200;

    const raw = t.store.sqlite!;
    const defaultMax = raw.pragma('max_page_count', { simple: true }) as number;
    raw.pragma(`max_page_count = ${(raw.pragma('page_count', { simple: true }) as number) + 2}`);
    const full = await post(batches[1]!).expect(507);
    expect(full.body.error).toMatchObject({ code: 'storage.full' });
    expectDiskErrorLogged(t.logs.text());
    const notReady = await t.http.get('/readyz').expect(503);
    expect(notReady.body).toMatchObject({ status: 'unavailable', reason: 'storage.full' });
    await t.http.get('/readyz').expect(503); // still: no room yet
    await t.http.get('/healthz').expect(200);

    // Room again: the probe finds it, the batch is taken on its retry (same key), and the next.
    raw.pragma(`max_page_count = ${defaultMax}`);
    await t.http.get('/readyz').expect(200);
    batches[1]!.acked = (await post(batches[1]!).expect(200)).body.accepted === 2000;
    batches[2]!.acked = (await post(batches[2]!).expect(200)).body.accepted === 300;
    await expectKeptExactlyOnce(t.store.db, batches);
  });

  it('is ready again as soon as a write commits', async () => {
    const t = await createTestApp();
    cleanups.push(() => t.close());
    const { auth } = await createSource(t.services);
    const raw = t.store.sqlite!;
    const defaultMax = raw.pragma('max_page_count', { simple: true }) as number;
    raw.pragma(`max_page_count = ${(raw.pragma('page_count', { simple: true }) as number) + 1}`);
    const b = batchOf(0, 1000);
    const post = () =>
      t.http
        .post('/api/v1/ingest/events')
        .set('Authorization', auth)
        .set('Content-Type', 'application/x-ndjson')
        .set('Idempotency-Key', b.key)
        .send(b.body);
    await post().expect(507);
    expect(t.store.health.full?.message).toMatch(/database or disk is full/);
    raw.pragma(`max_page_count = ${defaultMax}`);
    await post().expect(200);
    expect(t.store.health.full).toBeUndefined();
  });

  it('answers 507 on a real full data directory (a tiny tmpfs), recovers when it grows, and loses nothing it acknowledged', async (ctx) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-full-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m,mode=0700', 'tmpfs', dir], { stdio: 'ignore' });
    } catch {
      ctx.skip('mounting a tmpfs is not allowed here (needs root); the page-limit test above covers SQLITE_FULL');
    }
    const logs = captureLogger();
    const store = openStore({ kind: 'sqlite', file: path.join(dir, 'vigie.db') }, { log: logs.log });
    // Cleanups run in reverse: the store closes before the tmpfs is unmounted.
    cleanups.push(() => execFileSync('umount', [dir], { stdio: 'ignore' }));
    cleanups.push(() => store.close());
    await migrateToLatest(store.db);
    const vigie = createApp({
      config: testConfig(),
      store,
      log: logs.log,
      clock: systemClock,
      clientDir: '/nonexistent',
    });
    cleanups.push(() => vigie.close());
    // The writer thread holds its own connection to the file: stopped before the store closes and the tmpfs goes.
    cleanups.push(() => vigie.services.ingestWriter.stop());
    const { auth } = await createSource(vigie.services);
    const post = (b: Batch) =>
      request(vigie.app)
        .post('/api/v1/ingest/events')
        .set('Authorization', auth)
        .set('Content-Type', 'application/x-ndjson')
        .set('Idempotency-Key', b.key)
        .send(b.body);

    const batches: Batch[] = [];
    let refused: Batch | undefined;
    while (!refused && batches.length < 200) {
      const b = batchOf(batches.length, 400);
      batches.push(b);
      const res = await post(b);
      if (res.status === 200) b.acked = true;
      else {
        expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 507, code: 'storage.full' });
        refused = b;
      }
    }
    expect(refused, 'the 3 MB data directory never filled').toBeDefined();
    expect(batches.filter((b) => b.acked).length).toBeGreaterThan(0);
    expectDiskErrorLogged(logs.text());
    expect((await request(vigie.app).get('/readyz').expect(503)).body).toMatchObject({ reason: 'storage.full' });

    execFileSync('mount', ['-o', 'remount,size=64m', dir], { stdio: 'ignore' });
    await request(vigie.app).get('/readyz').expect(200);
    refused!.acked = (await post(refused!).expect(200)).body.accepted === refused!.size;
    const next = batchOf(batches.length, 400);
    batches.push(next);
    next.acked = (await post(next).expect(200)).body.accepted === next.size;
    await expectKeptExactlyOnce(store.db, batches);
    expect((await sql<{ ok: string }>`pragma integrity_check`.execute(store.db)).rows[0]).toEqual({
      integrity_check: 'ok',
    });
  }, 60_000);
});
