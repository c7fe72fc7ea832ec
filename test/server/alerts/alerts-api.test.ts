// The alerts API contract: permissions, filters, paging, shapes, masking, the alert page.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { describeEachDialect } from '../../support/db.ts';
import { eventRow, insertEvents } from '../../support/events.ts';
import { importDirectory, smallMonth } from '../detection/world.ts';

describeEachDialect('alerts API', (dialect) => {
  let t: TestApp;
  let analyst: Awaited<ReturnType<TestApp['as']>>;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    analyst = await t.as('analyst');
    await importDirectory(t.services, smallMonth().files);
    const staff = (await t.services.directory.index()).staff;
    const someone = [...staff.values()].find(
      (s) => s.accountType === 'person' && s.status === 'active' && s.department === 'Cardiologie',
    )!;
    const base = Date.parse('2026-03-05T10:00:00+01:00');
    // A break-the-glass with a patient id in its reason, and a burst of failed logins.
    await insertEvents(t.store, [
      eventRow({
        time: base,
        user: someone.id,
        action: 'break_glass',
        patient: 'P7777777',
        workstation: 'SL-CARD-01',
        context: { reason: 'dossier P7777777 urgent' },
      }),
      ...[0, 1, 2, 3, 4].map((i) =>
        eventRow({
          time: base + 60_000 + i * 1000,
          user: someone.id,
          action: 'login_failed',
          outcome: 'failure',
          workstation: 'SL-CARD-01',
        }),
      ),
    ]);
    await t.services.detector.drain();
  });
  afterAll(() => t.close());

  it('needs a session (401) and alerts:read (403)', async () => {
    expect((await t.http.get('/api/v1/alerts')).status).toBe(401);
    const admin = await t.as('admin');
    const r = await admin.http.get('/api/v1/alerts');
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('auth.forbidden');
  });

  it('lists alerts newest first with id, rule, severity, status, explanation, count, and masked patient ids', async () => {
    const r = await analyst.http.get('/api/v1/alerts');
    expect(r.status).toBe(200);
    expect(r.body.nextCursor).toBeNull();
    expect(r.body.items.map((i: { rule: string }) => i.rule)).toEqual(['failed-logins-user', 'break-glass']);
    const [burst, glass] = r.body.items;
    expect(burst).toMatchObject({
      rule: 'failed-logins-user',
      severity: 'medium',
      status: 'new',
      count: 1,
      titles: { fr: 'Rafale d’échecs de connexion (compte)'.replace('’', "'"), en: 'Burst of failed logins (account)' },
    });
    expect(burst.explanation.fr).toMatch(/^5 échecs de connexion en 10 min pour le compte/);
    expect(glass).toMatchObject({ patientId: '••••••77', rule: 'break-glass', severity: 'medium' });
    expect(Object.keys(glass)).toEqual(
      expect.arrayContaining([
        'id',
        'rule',
        'severity',
        'status',
        'explanation',
        'count',
        'title',
        'firstSeenAt',
        'lastSeenAt',
        'userId',
        'patientId',
      ]),
    );
    expect(JSON.stringify(r.body)).not.toContain('P7777777');
  });

  it('filters by rule, severity, status and period, and pages with a cursor', async () => {
    const q = async (query: string) => (await analyst.http.get(`/api/v1/alerts?${query}`)).body;
    expect((await q('rule=break-glass')).items).toHaveLength(1);
    expect((await q('severity=high,critical')).items).toHaveLength(0);
    expect((await q('status=new&severity=medium')).items).toHaveLength(2);
    expect((await q('from=2026-03-05T10:00:30%2B01:00')).items.map((i: { rule: string }) => i.rule)).toEqual([
      'failed-logins-user',
    ]);
    expect(
      (await q(`to=${Date.parse('2026-03-05T10:00:30+01:00')}`)).items.map((i: { rule: string }) => i.rule),
    ).toEqual(['break-glass']);
    const page1 = await q('limit=1');
    expect(page1.items).toHaveLength(1);
    const page2 = await q(`limit=1&cursor=${page1.nextCursor}`);
    expect(page2.items[0].id).toBeLessThan(page1.items[0].id);
    expect(page2.nextCursor).toBeNull();
  });

  it('answers 400 naming the bad filter', async () => {
    const r = await analyst.http.get('/api/v1/alerts?severity=huge');
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/severity/);
    expect((await analyst.http.get('/api/v1/alerts?from=2026-03-05T10:00:00')).status).toBe(400);
    expect((await analyst.http.get('/api/v1/alerts?limit=1000')).status).toBe(400);
  });

  it('opens one alert with its evidence events, the directory facts and its history; 404 when unknown', async () => {
    const list = (await analyst.http.get('/api/v1/alerts?rule=break-glass')).body.items;
    const r = await analyst.http.get(`/api/v1/alerts/${list[0].id}`);
    expect(r.status).toBe(200);
    expect(r.body.evidence).toHaveLength(1);
    expect(r.body.evidence[0]).toMatchObject({
      action: 'break_glass',
      patientId: '••••••77',
      workstation: 'SL-CARD-01',
      context: { reason: 'dossier ••••••77 urgent' },
    });
    expect(r.body.details.user).toMatchObject({ department: 'Cardiologie' });
    expect(r.body.details.patient).toMatchObject({ id: '••••••77', known: false });
    expect(r.body.history).toMatchObject({ sameRuleSameUser: 0, sameUser: 0, department: 'Cardiologie' });
    expect(r.body.explanation.fr).toContain('motif : « dossier ••••••77 urgent »');
    expect(JSON.stringify(r.body)).not.toContain('P7777777');
    const burst = (await analyst.http.get('/api/v1/alerts?rule=failed-logins-user')).body.items[0];
    expect((await analyst.http.get(`/api/v1/alerts/${burst.id}`)).body.history).toMatchObject({
      sameUser: 1,
      sameRuleSameUser: 0,
    });
    expect((await analyst.http.get('/api/v1/alerts/999999')).status).toBe(404);
    expect((await analyst.http.get('/api/v1/alerts/abc')).status).toBe(400);
  });
});
