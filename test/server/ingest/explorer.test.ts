import { afterEach, beforeEach, expect, it } from 'vitest';
import { createAccessEventsRepo } from '../../../server/ingest/access-events.repo.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { describeEachDialect } from '../../support/db.ts';
import { createSource, eventRecord, ndjson } from './helpers.ts';

describeEachDialect('GET /api/v1/access-events (the explorer)', (dialect) => {
  let t: TestApp;
  let analyst: Awaited<ReturnType<TestApp['as']>>;
  beforeEach(async () => {
    t = await createTestApp({ dialect });
    const { auth } = await createSource(t.services, 'ehr', 'DxCare');
    // 120 events over two hours on 28 Nov 2026 (Paris, UTC+1): 12 users, 30 patients.
    const records = Array.from({ length: 120 }, (_, i) =>
      eventRecord(i, {
        time: `2026-11-28T${String(10 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00+01:00`,
        user: `u${i % 12}`,
        patient: `P${String(i % 30).padStart(7, '0')}`,
        action: i % 40 === 0 ? 'break_glass' : i % 10 === 0 ? 'print' : 'read',
        department: i % 2 ? 'cardiologie' : 'urgences',
        application: i % 3 ? 'DxCare' : 'Orbis',
        context: { note: `dossier P${String(i % 30).padStart(7, '0')} ouvert` },
      }),
    );
    await t.http.raw
      .post('/api/v1/ingest/events')
      .set('Authorization', auth)
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson(records))
      .expect(200);
    analyst = await t.as('analyst');
  });
  afterEach(() => t.close());

  const search = (query: Record<string, string | number>) => analyst.http.get('/api/v1/access-events').query(query);

  it('answers newest first with masked patients (context included), source names and an exact count', async () => {
    const res = await search({ limit: 5 }).expect(200);
    expect(res.body.count).toEqual({ value: 120, exact: true });
    expect(res.body.items).toHaveLength(5);
    const first = res.body.items[0];
    expect(first).toMatchObject({
      occurredAtText: '2026-11-28T11:59:00+01:00',
      occurredAt: Date.UTC(2026, 10, 28, 10, 59),
      user: 'u11',
      source: { name: 'DxCare' },
      patient: '••••••29',
    });
    expect(first.context).toEqual({ note: 'dossier ••••••29 ouvert' });
    expect(JSON.stringify(res.body)).not.toMatch(/P00000\d\d/);
  });

  it('pages by keyset without gaps or repeats', async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const res = await search({ limit: 25, department: 'urgences', ...(cursor ? { cursor } : {}) }).expect(200);
      if (cursor) expect(res.body.count).toBeUndefined();
      seen.push(...res.body.items.map((e: { id: number }) => e.id));
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
    const times = (
      await t.services.db
        .selectFrom('access_events')
        .select(['id', 'occurredAt'])
        .where('department', '=', 'urgences')
        .orderBy('occurredAt', 'desc')
        .orderBy('id', 'desc')
        .execute()
    ).map((r) => r.id);
    expect(seen).toEqual(times);
  });

  it('filters by user, full patient id, actions, application, department and period (ISO with offset)', async () => {
    expect((await search({ user: 'u3' }).expect(200)).body.count.value).toBe(10);
    const patient = await search({ patient: 'P0000007', reason: 'Enquête incident INC-2026-014' }).expect(200);
    expect(patient.body.count.value).toBe(4);
    expect(patient.body.items.every((e: { patient: string }) => e.patient === '••••••07')).toBe(true);
    expect((await search({ action: 'break_glass,print' }).expect(200)).body.count.value).toBe(12);
    expect((await search({ action: 'break_glass', department: 'urgences' }).expect(200)).body.count.value).toBe(3);
    expect((await search({ application: 'Orbis' }).expect(200)).body.count.value).toBe(40);
    // 10:30 to 11:00 Paris = 09:30 to 10:00 UTC: 30 events, whatever the offset the bounds are written in.
    expect(
      (await search({ from: '2026-11-28T10:30:00+01:00', to: '2026-11-28T11:00:00+01:00' }).expect(200)).body.count
        .value,
    ).toBe(30);
    expect(
      (await search({ from: '2026-11-28T09:30:00Z', to: '2026-11-28T10:00:00Z' }).expect(200)).body.count.value,
    ).toBe(30);
    expect((await search({ user: 'u3', from: '2026-11-28T11:00:00+01:00' }).expect(200)).body.count.value).toBe(5);
    // Exclusions, as "exclure" writes them.
    expect((await search({ 'not.user': 'u3' }).expect(200)).body.count.value).toBe(110);
    expect((await search({ department: 'urgences', 'not.action': 'read' }).expect(200)).body.count.value).toBe(12);
    expect(
      (await search({ 'not.application': 'Orbis', 'not.department': 'urgences' }).expect(200)).body.count.value,
    ).toBe(40);
  });

  it("pivots to a patient's timeline from a row without revealing the identifier (patientOf)", async () => {
    const one = (await search({ limit: 1 }).expect(200)).body.items[0];
    const timeline = await search({ patientOf: one.id }).expect(200);
    expect(timeline.body.count.value).toBe(4);
    expect(timeline.body.items.every((e: { patient: string }) => e.patient === one.patient)).toBe(true);
    expect((await search({ patientOf: 999999 }).expect(404)).body.error.code).toBe('access_event.not_found');
  });

  it('refuses bad filters naming them, and needs events:read', async () => {
    expect((await search({ from: '2026-11-28T10:30:00' }).expect(400)).body.error.message).toMatch(
      /^Invalid search: from: an ISO 8601 time with its offset/,
    );
    expect((await search({ action: 'peek' }).expect(400)).body.error.message).toMatch(/action/);
    expect((await search({ colour: 'red' }).expect(400)).body.error.message).toMatch(/Unrecognized key/);
    expect((await search({ cursor: 'garbage' }).expect(400)).body.error.code).toBe('cursor.invalid');
    expect(
      (await search({ from: '2026-11-28T12:00:00Z', to: '2026-11-28T10:00:00Z' }).expect(400)).body.error.message,
    ).toMatch(/from must be before to/);
    await t.http.get('/api/v1/access-events').expect(401);
    const admin = await t.as('admin');
    expect((await admin.http.get('/api/v1/access-events').expect(403)).body.error.code).toBe('auth.forbidden');
  });

  it('counts up to a bound and says "more than" beyond it', async () => {
    const repo = createAccessEventsRepo();
    expect(await repo.countUpTo(t.services.db, {}, 50)).toBe(51);
    expect(await repo.countUpTo(t.services.db, { user: 'u1' }, 50)).toBe(10);
  });

  it('reveals a patient id with a reason (patients:reveal), audited with the reason and never the clear id', async () => {
    const one = (await search({ limit: 1 }).expect(200)).body.items[0];
    const noReason = await analyst.http
      .post(`/api/v1/access-events/${one.id}/reveal`)
      .send({ reason: 'curious' })
      .expect(400);
    expect(noReason.body.error.message).toMatch(/reason: say why/);
    const approver = await t.as('approver');
    await approver.http
      .post(`/api/v1/access-events/${one.id}/reveal`)
      .send({ reason: 'Enquête incident INC-2026-014' })
      .expect(403);
    const res = await analyst.http
      .post(`/api/v1/access-events/${one.id}/reveal`)
      .send({ reason: 'Enquête incident INC-2026-014' })
      .expect(200);
    expect(res.body).toEqual({ id: one.id, patient: 'P0000029' });
    expect(res.headers['cache-control']).toBe('no-store');
    const entry = await t.services.db
      .selectFrom('audit_entries')
      .selectAll()
      .where('action', '=', 'access_event.revealed')
      .executeTakeFirstOrThrow();
    expect(entry).toMatchObject({
      actor: `user:${analyst.userId}`,
      targetType: 'access_event',
      targetId: String(one.id),
    });
    expect(JSON.parse(entry.details)).toMatchObject({ reason: 'Enquête incident INC-2026-014', patient: '••••••29' });
    expect(entry.details).not.toContain('P0000029');
    await analyst.http
      .post('/api/v1/access-events/424242/reveal')
      .send({ reason: 'Enquête incident INC-2026-014' })
      .expect(404);
  });

  it('exports the current search as CSV, masked, streamed, audited', async () => {
    const res = await analyst.http
      .get('/api/v1/access-events/export.csv')
      .query({ user: 'u3' })
      .buffer(true)
      .parse((r, cb) => {
        let text = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (text += c));
        r.on('end', () => cb(null, text));
      })
      .expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="vigie-access-log-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const lines = (res.body as string)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'id,occurredAt,occurredAtText,receivedAt,source,user,action,outcome,patient,application,workstation,address,department,context',
    );
    expect(lines).toHaveLength(11);
    expect(lines[1]).toMatch(
      /^\d+,2026-11-28T10:51:00\.000Z,2026-11-28T11:51:00\+01:00,.*,DxCare,u3,read,success,••••••21,/,
    );
    expect(res.body).not.toMatch(/P00000\d\d/);
    const audit = await t.services.db
      .selectFrom('audit_entries')
      .select(['details'])
      .where('action', '=', 'access_events.exported')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details)).toEqual({ filter: { user: 'u3' }, format: 'csv' });
  });
});
