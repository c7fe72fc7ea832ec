// A search by clear patient identifier ties it to masked rows: it is a reveal.
// Without a reason it is refused (and a guess learns nothing); with one it is
// audited like a reveal (masked value, reason); past the per-user limit it is
// answered 429 with Retry-After — parallel requests included.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { describeEachDialect } from '../../support/db.ts';
import { createSource, eventRecord, ndjson } from './helpers.ts';

/** The audit action (server/ingest/explorer/patient-search.ts), spelt out so the test also runs against code without it. */
const PATIENT_SEARCH_ACTION = 'access_events.patient_searched';
const REASON = 'Plainte du patient, dossier DPO-2026-031';

describeEachDialect('GET /api/v1/access-events?patient= is a reveal', (dialect) => {
  let t: TestApp;
  let analyst: Awaited<ReturnType<TestApp['as']>>;
  beforeEach(async () => {
    t = await createTestApp({ dialect, env: { VIGIE_PATIENT_SEARCH_LIMIT: '3' } });
    const { auth } = await createSource(t.services, 'ehr', 'DxCare');
    const records = Array.from({ length: 12 }, (_, i) => {
      const patient = i % 2 ? 'P0004512' : 'P0009999';
      return eventRecord(i, { patient, context: { note: `ouvert pour ${patient.toLowerCase()} / ${patient}`, i } });
    });
    await t.http.raw
      .post('/api/v1/ingest/events')
      .set('Authorization', auth)
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson(records))
      .expect(200);
    analyst = await t.as('analyst');
  });
  afterEach(() => t.close());

  const search = (who: typeof analyst, query: Record<string, string | number>) =>
    who.http.get('/api/v1/access-events').query(query);
  const searchEntries = () =>
    t.services.db
      .selectFrom('audit_entries')
      .selectAll()
      .where('action', '=', PATIENT_SEARCH_ACTION)
      .orderBy('seq')
      .execute();

  it('refuses a search by patient without a reason (400, stable code), the same for a right and a wrong guess, and records nothing', async () => {
    const some = (await search(analyst, { limit: 1 }).expect(200)).body.items[0];
    for (const query of [
      { patient: 'P0004512' } as Record<string, string | number>,
      { patientOf: some.id, patient: 'P0004512' },
      { patientOf: some.id, patient: 'P0009999' },
      { patientOf: some.id, patient: 'P1234567' },
    ]) {
      const res = await search(analyst, query).expect(400);
      expect(res.body.error).toMatchObject({
        code: 'access_events.reason_required',
        details: { issues: [{ path: 'reason' }] },
      });
    }
    expect((await search(analyst, { patient: 'P0004512', reason: 'court' }).expect(400)).body.error.message).toMatch(
      /reason: say why/,
    );
    expect(await searchEntries()).toEqual([]);
    // The pivot from a masked row names no clear identifier: no reason needed, nothing counted.
    const timeline = await search(analyst, { patientOf: some.id }).expect(200);
    expect(timeline.body.count.value).toBe(6);
    expect(await searchEntries()).toEqual([]);
  });

  it('audits a search by patient like a reveal: the actor, the masked value and the reason, never the clear value', async () => {
    const res = await search(analyst, { patient: 'P0004512', reason: REASON }).expect(200);
    expect(res.body.count.value).toBe(6);
    expect(JSON.stringify(res.body)).not.toMatch(/p0004512/i);
    const some = res.body.items[0];
    await search(analyst, { patientOf: some.id, patient: 'P0004512', reason: REASON }).expect(200);
    const entries = await searchEntries();
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ actor: `user:${analyst.userId}`, targetType: null });
    expect(entries[1]).toMatchObject({
      actor: `user:${analyst.userId}`,
      targetType: 'access_event',
      targetId: String(some.id),
    });
    for (const e of entries) expect(JSON.parse(e.details)).toEqual({ patient: '••••••12', reason: REASON });
    const all = await t.services.db.selectFrom('audit_entries').select(['details']).execute();
    expect(JSON.stringify(all)).not.toMatch(/p0004512/i);
  });

  it('masks the patient in the free context whatever its case', async () => {
    const res = await search(analyst, { limit: 3 }).expect(200);
    expect(res.body.items.find((e: { patient: string }) => e.patient === '••••••12').context.note).toBe(
      'ouvert pour ••••••12 / ••••••12',
    );
    expect(res.body.items.find((e: { patient: string }) => e.patient === '••••••99').context.note).toBe(
      'ouvert pour ••••••99 / ••••••99',
    );
    expect(JSON.stringify(res.body)).not.toMatch(/p0004512/i);
    const one = await analyst.http.get(`/api/v1/access-events/${res.body.items[0].id}`).expect(200);
    expect(JSON.stringify(one.body)).not.toMatch(/p0004512/i);
  });

  it('limits searches by patient per user: 429 with Retry-After and a stable code, parallel guesses included; others are not affected', async () => {
    // Six guesses fired together against a limit of 3: exactly three are answered.
    const guesses = ['P0004512', 'P0004513', 'P0004514', 'P0004515', 'P0004516', 'P0004517'];
    const answers = await Promise.all(guesses.map((patient) => search(analyst, { patient, reason: REASON })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 429, 429, 429]);
    expect(await searchEntries()).toHaveLength(3);
    const refused = answers.find((r) => r.status === 429)!;
    expect(refused.body.error).toMatchObject({
      code: 'access_events.patient_search_limited',
      details: { retryAfterSeconds: 3600, limit: 3 },
    });
    expect(refused.headers['retry-after']).toBe('3600');
    // The export is a search too, and is refused the same way.
    expect(
      (
        await analyst.http
          .get('/api/v1/access-events/export.csv')
          .query({ patient: 'P0004512', reason: REASON })
          .expect(429)
      ).body.error.code,
    ).toBe('access_events.patient_search_limited');
    // Searches without a clear identifier are not limited.
    await search(analyst, { user: 'u1001' }).expect(200);
    // Another user has their own limit.
    const other = await t.as('analyst');
    await search(other, { patient: 'P0004512', reason: REASON }).expect(200);
    // The window slides: once the first searches are an hour old, the user may search again
    // (steps shorter than the session's idle timeout).
    for (const [step, retry] of [
      [20, '2400'],
      [20, '1200'],
    ] as const) {
      t.clock.advance(step * 60_000);
      expect((await search(analyst, { patient: 'P0004512', reason: REASON }).expect(429)).headers['retry-after']).toBe(
        retry,
      );
    }
    t.clock.advance(20 * 60_000);
    await search(analyst, { patient: 'P0004512', reason: REASON }).expect(200);
  });

  it('asks a reason for a CSV export by patient, and audits it', async () => {
    expect(
      (await analyst.http.get('/api/v1/access-events/export.csv').query({ patient: 'P0004512' }).expect(400)).body.error
        .code,
    ).toBe('access_events.reason_required');
    await analyst.http
      .get('/api/v1/access-events/export.csv')
      .query({ patient: 'P0004512', reason: REASON })
      .expect(200);
    const entries = await searchEntries();
    expect(entries).toHaveLength(1);
    expect(JSON.parse(entries[0]!.details)).toEqual({ patient: '••••••12', reason: REASON, format: 'csv' });
    const exported = await t.services.db
      .selectFrom('audit_entries')
      .select(['details'])
      .where('action', '=', 'access_events.exported')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(exported.details)).toEqual({ filter: { patient: '••••••12' }, format: 'csv' });
  });
});
