// The SQLite writer thread (writer-thread.ts): batches on a database file
// commit in a worker thread with its own connection. Same answers and audit
// chain as the in-process writer, the same guarantees (ack after commit,
// exactly-once, chain order, commit-ordered ids), errors rebuilt as the same
// classes, a dead thread never acknowledges, and the event loop stays free.
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createAccessEventsRepo } from '../../../server/ingest/access-events.repo.ts';
import { validateAccessEvent, type ValidAccessEvent } from '../../../server/ingest/pipeline/access-event-validation.ts';
import { mapGenericAlert } from '../../../server/ingest/tools/generic.ts';
import type { ToolAlert } from '../../../server/ingest/tools/tool-alert.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { FakeClock } from '../../support/clock.ts';
import { tempDir } from '../../support/config.ts';
import { login } from './fhir-examples.ts';
import { createSource, eventRecord, mixedBatch, ndjson } from './helpers.ts';
import { genericAlert } from './tool-examples.ts';

const apps: TestApp[] = [];
afterEach(async () => {
  for (const t of apps.splice(0)) await t.close();
});

async function fileApp(thread = true, clock?: FakeClock): Promise<TestApp> {
  const file = path.join(tempDir(), 'vigie.db');
  const t = await createTestApp({
    file,
    clock,
    env: {
      VIGIE_INGEST_WRITER_THREAD: String(thread),
      VIGIE_INGEST_QUEUE_BATCHES: '64',
      VIGIE_INGEST_MAX_BYTES: String(64 * 1024 * 1024),
    },
  });
  apps.push(t);
  return t;
}

const events = (t: TestApp, auth: string, body: string, key?: string) => {
  const r = t.http.raw
    .post('/api/v1/ingest/events')
    .set('Authorization', auth)
    .set('Content-Type', 'application/x-ndjson');
  if (key) r.set('Idempotency-Key', key);
  return r.send(body);
};
const records = (n: number, from = 0) => ndjson(Array.from({ length: n }, (_, i) => eventRecord(from + i)));
const count = async (t: TestApp) =>
  Number(
    (
      await t.store.db
        .selectFrom('access_events')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const auditRows = (t: TestApp) => t.store.db.selectFrom('audit_entries').selectAll().orderBy('seq').execute();

/** Waits until another connection cannot take the write lock: the thread is inside its batch transaction. */
async function untilWriteLocked(file: string): Promise<void> {
  const probe = new SqliteDatabase(file, { timeout: 0 });
  try {
    for (;;) {
      try {
        probe.exec('begin immediate');
        probe.exec('rollback');
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_BUSY') return;
        throw error;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    probe.close();
  }
}

describe('the SQLite writer thread', () => {
  it('commits and answers exactly as the in-process writer: same answers, rows and audit chain', async () => {
    const run = async (thread: boolean) => {
      const t = await fileApp(thread, new FakeClock());
      expect(Boolean(t.services.ingestThread)).toBe(thread);
      const pushed: unknown[] = [];
      t.services.realtime.subscribe((m) => pushed.push(m));
      const ehr = await createSource(t.services, 'ehr', 'dxcare');
      const fhir = await createSource(t.services, 'fhir', 'fhir-feed');
      const tools = await createSource(t.services, 'alerts', 'clamav');
      const answers: unknown[] = [];
      const keep = (r: { status: number; body: { error?: object }; headers: Record<string, string> }) =>
        answers.push({
          status: r.status,
          body: r.body.error ? { error: { ...r.body.error, requestId: undefined } } : r.body,
          replayed: r.headers['idempotent-replayed'] ?? null,
        });
      keep(await events(t, ehr.auth, ndjson(mixedBatch(1000)), 'k-1'));
      keep(
        await t.http.raw
          .post('/api/v1/ingest/fhir')
          .set('Authorization', fhir.auth)
          .set('Content-Type', 'application/fhir+json')
          .send(JSON.stringify(login)),
      );
      const alerts = [0, 1, 0].map((i) => ({ ...genericAlert, rule: `R-${i}` }));
      keep(
        await t.http.raw
          .post('/api/v1/ingest/alerts/generic')
          .set('Authorization', tools.auth)
          .set('Content-Type', 'application/json')
          .send(JSON.stringify(alerts)),
      );
      keep(await events(t, ehr.auth, ndjson(mixedBatch(1000)), 'k-1')); // replayed
      keep(await events(t, ehr.auth, records(3), 'k-1')); // same key, other body: 409
      // A syslog batch (events, an alert and raw system events), as the listener commits it.
      const ticket = t.services.ingest.reserve();
      const actor = { kind: 'source' as const, id: ehr.source.id, address: '10.0.0.9' };
      const syslog = await t.services.ingest.commitSyslog(
        ticket,
        actor,
        ehr.source,
        {
          rows: [validateAccessEvent(eventRecord(5000)) as ValidAccessEvent],
          alerts: [mapGenericAlert({ ...genericAlert, rule: 'R-syslog' }, 'syslog') as ToolAlert],
          systemEvents: [
            {
              receivedAt: 0,
              occurredAt: 1,
              occurredAtText: 'x',
              sourceId: ehr.source.id,
              peer: '10.0.0.9',
              facility: 1,
              severity: 5,
              hostname: 'h',
              appName: 'a',
              procId: null,
              msgId: null,
              structuredData: null,
              message: 'm',
              raw: 'r',
              format: 'rfc5424',
            },
          ],
        },
        { format: 'syslog', digest: { bytes: 10, sha256: 'ab'.repeat(32) }, rejected: [{ index: 3, reason: 'bad' }] },
      );
      answers.push(syslog);
      const ids = new Map([ehr, fhir, tools].map((s) => [s.source.id, s.source.name]));
      const chain = (await auditRows(t)).map((r) => ({
        ...r,
        targetId: ids.get(r.targetId ?? '') ?? r.targetId,
        actor: ids.get(r.actor.replace(/^source:/, '')) ?? r.actor,
        hash: undefined,
        prevHash: undefined,
        requestId: undefined,
        details: ids.has(r.targetId ?? '') || r.action !== 'source.created' ? r.details : undefined,
      }));
      const rows = await t.store.db
        .selectFrom('access_events')
        .select(['id', 'occurredAt', 'receivedAt', 'userId', 'action', 'patientId', 'context'])
        .orderBy('id')
        .execute();
      const verified = await t.services.auditVerifier.verify();
      const systemEvents = await t.store.db.selectFrom('system_events').select(['receivedAt', 'message']).execute();
      return {
        answers,
        pushed,
        systemEvents,
        chain: chain.filter((r) => r.action.startsWith('ingest.') || r.action.startsWith('alert.')),
        rows,
        verified: verified.status,
      };
    };
    const inline = await run(false);
    const thread = await run(true);
    expect(thread.verified).toBe('intact');
    expect(inline.verified).toBe('intact');
    expect(thread.answers).toEqual(inline.answers);
    expect(thread.answers.map((a) => (a as { status: number }).status)).toEqual([200, 201, 200, 200, 409, 200]);
    expect((thread.answers[4] as { body: { error: { code: string } } }).body.error.code).toBe(
      'ingest.idempotency_key_reused',
    );
    expect((thread.answers[3] as { replayed: string }).replayed).toBe('true');
    expect(thread.rows).toEqual(inline.rows);
    expect(thread.rows).toHaveLength(995);
    expect(thread.pushed).toEqual(inline.pushed); // the live queues get the same alerts, pushed after the commit
    expect(thread.pushed.length).toBeGreaterThanOrEqual(3);
    expect(thread.systemEvents).toEqual(inline.systemEvents);
    expect(thread.systemEvents).toHaveLength(1);
    expect(thread.chain).toEqual(inline.chain);
    expect(thread.chain.map((r) => r.action)).toEqual([
      'ingest.batch',
      'ingest.batch',
      'alert.raised',
      'alert.raised',
      'alert.updated',
      'ingest.batch',
      'alert.raised',
      'ingest.batch',
    ]);
  });

  it('replays an Idempotency-Key across a restart of the thread, and answers a reused key 409 with its code', async () => {
    const t = await fileApp();
    const { auth } = await createSource(t.services);
    const first = await events(t, auth, records(20), 'batch-7').expect(200);
    await t.services.ingestThread!.thread()!.terminate();
    const again = await events(t, auth, records(20), 'batch-7').expect(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await count(t)).toBe(20);
    const reused = await events(t, auth, records(21), 'batch-7').expect(409);
    expect(reused.body.error.code).toBe('ingest.idempotency_key_reused');
    expect(await count(t)).toBe(20);
  });

  it('never acknowledges a batch whose thread died mid-transaction; the next batch succeeds and the chain verifies', async () => {
    const t = await fileApp();
    const { auth } = await createSource(t.services);
    await events(t, auth, records(10)).expect(200);
    // A batch large enough to be caught inside its transaction.
    const big = events(t, auth, records(30_000, 10)).then((r) => r);
    await untilWriteLocked(t.store.file!);
    await t.services.ingestThread!.thread()!.terminate();
    const answer = await big;
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('ingest.writer_restarted');
    expect(await count(t)).toBe(10); // rolled back with the thread
    expect(t.logs.text()).toMatch(/ingest writer thread stopped/);
    await events(t, auth, records(5, 100)).expect(200);
    expect(await count(t)).toBe(15);
    expect((await t.services.auditVerifier.verify()).status).toBe('intact');
  });

  it('interleaves main-thread writes with a burst: all commit, in their turn, and the chain verifies', async () => {
    const t = await fileApp();
    const { auth } = await createSource(t.services);
    await events(t, auth, records(1)).expect(200); // the thread is up
    let burstDone = false;
    const burst = Promise.all(
      Array.from({ length: 12 }, (_, i) => events(t, auth, records(4000, i * 4000)).expect(200)),
    ).then(() => (burstDone = true));
    await untilWriteLocked(t.store.file!);
    const writes: { ms: number; beforeBurstEnd: boolean }[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      await t.store.db.transaction().execute((trx) =>
        t.services.audit.record(trx, {
          actor: { kind: 'system' },
          action: 'test.main_write',
          target: { type: 'n', id: i },
        }),
      );
      writes.push({ ms: performance.now() - started, beforeBurstEnd: !burstDone });
      await new Promise((r) => setTimeout(r, 5));
    }
    await burst;
    expect(await count(t)).toBe(48_001);
    const chain = await auditRows(t);
    expect(chain.filter((r) => r.action === 'test.main_write')).toHaveLength(20);
    expect(chain.filter((r) => r.action === 'ingest.batch')).toHaveLength(13);
    // Fair turns: the console's writes went in between the batches, not after the whole burst.
    expect(writes.filter((w) => w.beforeBurstEnd).length).toBeGreaterThanOrEqual(10);
    expect((await t.services.auditVerifier.verify()).status).toBe('intact');
  });

  it('assigns event ids in commit order: a reader of id > cursor, woken by each commit, never skips one', async () => {
    const t = await fileApp();
    const { auth } = await createSource(t.services);
    const repo = createAccessEventsRepo();
    const seen: number[] = [];
    const notified: number[] = [];
    let cursor = 0;
    let reading = Promise.resolve();
    t.services.eventLog.subscribe((lastId) => {
      notified.push(lastId);
      reading = reading.then(async () => {
        const batch = await repo.readAfter(t.store.db, cursor, 100_000);
        for (const r of batch) seen.push(r.id);
        if (batch.length) cursor = batch.at(-1)!.id;
        // The commit is visible on the main connection when it is announced.
        expect(cursor).toBeGreaterThanOrEqual(lastId);
      });
    });
    await Promise.all(
      Array.from({ length: 25 }, (_, i) => events(t, auth, records(1 + ((i * 37) % 300), i * 1000)).expect(200)),
    );
    await reading;
    const all = (await t.store.db.selectFrom('access_events').select('id').orderBy('id').execute()).map((r) => r.id);
    expect(seen).toEqual(all);
    expect(notified).toEqual([...notified].sort((a, b) => a - b));
  });

  it('keeps the event loop free while a large batch commits (in-process, the commit holds it)', async () => {
    const worstStall = async (thread: boolean) => {
      const t = await fileApp(thread);
      const { auth } = await createSource(t.services);
      await events(t, auth, records(1)).expect(200);
      const body = records(40_000, 1);
      let last = performance.now();
      let worst = 0;
      const timer = setInterval(() => {
        const now = performance.now();
        worst = Math.max(worst, now - last);
        last = now;
      }, 2);
      const res = await events(t, auth, body);
      clearInterval(timer);
      expect(res.status).toBe(200);
      expect(res.body.accepted).toBe(40_000);
      return worst;
    };
    const inline = await worstStall(false);
    const thread = await worstStall(true);
    // In-process the whole transaction runs on the loop (about a second); in the thread, only parsing slices and handover slices do.
    expect(thread).toBeLessThan(inline / 3);
  });
});
