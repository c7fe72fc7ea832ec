import { createHash } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { describeEachDialect } from '../../support/db.ts';
import { BAD, createSource, eventRecord, jsonArray, mixedBatch, ndjson } from './helpers.ts';

const URL = '/api/v1/ingest/events';

describeEachDialect('POST /api/v1/ingest/events', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ dialect });
  });
  afterEach(() => t.close());

  const rowCount = async () =>
    Number(
      (
        await t.services.db
          .selectFrom('access_events')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  for (const format of ['ndjson', 'json'] as const) {
    it(`keeps the 993 good records of a ${format} batch of 1,000 and names the 7 bad ones with their reasons`, async () => {
      const { auth, source } = await createSource(t.services);
      const body = format === 'ndjson' ? ndjson(mixedBatch()) : jsonArray(mixedBatch());
      const res = await t.http.raw
        .post(URL)
        .set('Authorization', auth)
        .set('Content-Type', format === 'ndjson' ? 'application/x-ndjson' : 'application/json')
        .send(body)
        .expect(200);
      expect(res.body.accepted).toBe(993);
      expect(res.body.rejected.map((r: { index: number }) => r.index)).toEqual(Object.keys(BAD).map(Number));
      for (const r of res.body.rejected) {
        expect(r.reason).toMatch(BAD[r.index]!.reason);
        if (format === 'ndjson') expect(r.line).toBe(r.index + 1);
      }
      expect(await rowCount()).toBe(993);

      // The rows are the records as sent: the first one, field by field.
      const first = await t.services.db
        .selectFrom('access_events')
        .selectAll()
        .orderBy('id')
        .limit(1)
        .executeTakeFirstOrThrow();
      expect(first).toMatchObject({
        occurredAt: Date.UTC(2026, 10, 28, 13, 0, 16, 0),
        occurredAtText: '2026-11-28T14:00:16.000+01:00',
        receivedAt: t.clock.now(),
        sourceId: source.id,
        userId: 'u1000',
        action: 'update',
        outcome: 'success',
        patientId: 'P0100000',
        application: 'DxCare',
        context: '{"n":0}',
      });

      // One audit entry for the batch: source, count, first and last id, SHA-256 of the body.
      const audit = await t.services.db
        .selectFrom('audit_entries')
        .selectAll()
        .where('action', '=', 'ingest.batch')
        .execute();
      expect(audit).toHaveLength(1);
      const ids = await t.services.db.selectFrom('access_events').select(['id']).orderBy('id').execute();
      expect(JSON.parse(audit[0]!.details)).toMatchObject({
        source: source.name,
        count: 993,
        rejected: 7,
        firstEventId: ids[0]!.id,
        lastEventId: ids.at(-1)!.id,
        sha256: createHash('sha256').update(body).digest('hex'),
      });
      expect(audit[0]!.actor).toBe(`source:${source.id}`);

      // The source's counters and last error.
      const view = await t.services.sources.get(source.id);
      expect(view.today).toEqual({ accepted: 993, refused: 7, skipped: 0, dropped: 0 });
      expect(view.lastSeenAt).toBe(t.clock.now());
      expect(view.lastError).toMatch(/^7 records refused; first: #3: time:/);
    });
  }

  it('adds nothing when a batch is resent with the same Idempotency-Key, and refuses the key with another body', async () => {
    const { auth } = await createSource(t.services);
    const body = ndjson(mixedBatch(50));
    const send = (b: string, key: string) =>
      t.http.raw
        .post(URL)
        .set('Authorization', auth)
        .set('Content-Type', 'application/x-ndjson')
        .set('Idempotency-Key', key)
        .send(b);
    const first = await send(body, 'batch-0001').expect(200);
    expect(first.body.accepted).toBe(49);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await send(body, 'batch-0001').expect(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await rowCount()).toBe(49);
    const batches = await t.services.db
      .selectFrom('audit_entries')
      .select('seq')
      .where('action', '=', 'ingest.batch')
      .execute();
    expect(batches).toHaveLength(1);

    const other = await send(ndjson([eventRecord(1)]), 'batch-0001').expect(409);
    expect(other.body.error.code).toBe('ingest.idempotency_key_reused');
    expect(await rowCount()).toBe(49);
    // Keys are per source: another source may use the same one.
    const { auth: auth2 } = await createSource(t.services);
    await t.http.raw
      .post(URL)
      .set('Authorization', auth2)
      .set('Content-Type', 'application/x-ndjson')
      .set('Idempotency-Key', 'batch-0001')
      .send(body)
      .expect(200);
    expect(await rowCount()).toBe(98);
  });

  it('answers 401 without a token, with an unknown or a revoked one, and 403 for a disabled source or the wrong kind', async () => {
    const { auth, source } = await createSource(t.services);
    const post = (authorization?: string) => {
      const r = t.http.raw.post(URL).set('Content-Type', 'application/x-ndjson');
      if (authorization) r.set('Authorization', authorization);
      return r.send(ndjson([eventRecord(1)]));
    };
    const none = await post().expect(401);
    expect(none.body.error.code).toBe('ingest.token_missing');
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await post('Bearer vgi_not-a-real-token').expect(401)).body.error.code).toBe('ingest.token_invalid');

    await t.services.sources.update({ kind: 'cli' }, source.id, { enabled: false });
    expect((await post(auth).expect(403)).body.error.code).toBe('ingest.source_disabled');
    await t.services.sources.update({ kind: 'cli' }, source.id, { enabled: true });
    await post(auth).expect(200);

    await t.services.sources.revoke({ kind: 'cli' }, source.id);
    expect((await post(auth).expect(401)).body.error.code).toBe('ingest.token_revoked');
    const { token } = await t.services.sources.rotate({ kind: 'cli' }, source.id);
    await post(`Bearer ${token}`).expect(200);
    await post(auth).expect(401);

    const { auth: fhirAuth } = await createSource(t.services, 'fhir');
    expect((await post(fhirAuth).expect(403)).body.error.code).toBe('ingest.kind_mismatch');
    expect(await rowCount()).toBe(2);
  });

  it('refuses a wholly malformed or wholly invalid batch with 400 and the reason, and counts it', async () => {
    const { auth, source } = await createSource(t.services);
    const post = (type: string, body: string) =>
      t.http.raw.post(URL).set('Authorization', auth).set('Content-Type', type).send(body);
    const notArray = await post('application/json', '"hello"').expect(400);
    expect(notArray.body.error).toMatchObject({
      code: 'body.malformed',
      message: expect.stringMatching(/expected a JSON array/),
    });
    const cut = await post('application/json', '[{"time":"2026-11-28T14:00:00Z","action":"read"}, {"ti').expect(400);
    expect(cut.body.error.message).toMatch(/not closed/);
    const allBad = await post('application/x-ndjson', ndjson([{ a: 1 }, 'nope'])).expect(400);
    expect(allBad.body.error.code).toBe('ingest.all_rejected');
    expect(allBad.body.error.details.rejected).toHaveLength(2);
    const empty = await post('application/x-ndjson', '\n\n').expect(400);
    expect(empty.body.error.code).toBe('ingest.empty');
    const type = await post('text/plain', 'x').expect(415);
    expect(type.body.error.code).toBe('ingest.content_type');
    expect(await rowCount()).toBe(0);
    await t.services.ingestWriter.drain(); // the refusal counters are written by a queued job
    const view = await t.services.sources.get(source.id);
    expect(view.today.refused).toBeGreaterThanOrEqual(5);
    expect(view.lastError).toMatch(/refused/);
  });

  it('answers 413 beyond VIGIE_INGEST_MAX_BYTES and keeps nothing of that batch', async () => {
    await t.close();
    t = await createTestApp({ dialect, env: { VIGIE_INGEST_MAX_BYTES: '4096' } });
    const { auth } = await createSource(t.services);
    const res = await t.http.raw
      .post(URL)
      .set('Authorization', auth)
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson(mixedBatch(40)))
      .expect(413);
    expect(res.body.error.code).toBe('body.too_large');
    expect(await rowCount()).toBe(0);
  });

  it('wakes the detector after the commit with the last event id, and needs no cookie or Origin', async () => {
    const { auth } = await createSource(t.services);
    const seen: { id: number; committed: number }[] = [];
    t.services.eventLog.subscribe((id) => void rowCount().then((n) => seen.push({ id, committed: n })));
    // No Origin header: CSRF does not apply to bearer-token routes.
    const res = await t.http.raw
      .post(URL)
      .set('Authorization', auth)
      .set('Content-Type', 'application/json')
      .send(jsonArray([eventRecord(1), eventRecord(2)]))
      .expect(200);
    expect(res.body).toEqual({ accepted: 2, rejected: [] });
    await new Promise((r) => setTimeout(r, 50));
    const last = await t.services.db
      .selectFrom('access_events')
      .select('id')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(seen).toEqual([{ id: last.id, committed: 2 }]);
  });

  it('refuses a NUL character by index instead of failing the batch (PostgreSQL text cannot hold it)', async () => {
    const { auth } = await createSource(t.services);
    const res = await t.http.raw
      .post(URL)
      .set('Authorization', auth)
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson([eventRecord(1), eventRecord(2, { workstation: 'WS\u00001' })]))
      .expect(200);
    expect(res.body).toEqual({
      accepted: 1,
      rejected: [{ index: 1, line: 2, reason: 'workstation: must not contain a NUL character (U+0000)' }],
    });
  });

  it('never writes a patient identifier to the logs', async () => {
    const { auth } = await createSource(t.services);
    await t.http.raw
      .post(URL)
      .set('Authorization', auth)
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson(mixedBatch(20)))
      .expect(200);
    await t.http.raw
      .post(URL)
      .set('Authorization', auth)
      .set('Content-Type', 'application/x-ndjson')
      .send('{"patient":"P0100003","time":1}\n')
      .expect(400);
    expect(t.logs.text()).not.toMatch(/P01000\d\d/);
  });
});
