// Admins adjust rules (on/off, severity, threshold, window, params) over the API; the YAML stays the source.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { describeEachDialect } from '../../support/db.ts';
import { eventRow, insertEvents } from '../../support/events.ts';

describeEachDialect('rules API', (dialect) => {
  let t: TestApp;
  let admin: Awaited<ReturnType<TestApp['as']>>;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    admin = await t.as('admin');
  });
  afterAll(() => t.close());

  it('lists every rule with its effective settings and YAML defaults; analysts may read, not change', async () => {
    const r = await admin.http.get('/api/v1/rules');
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(15);
    expect(r.body.items.find((i: { id: string }) => i.id === 'bulk-access')).toMatchObject({
      kind: 'count',
      enabled: true,
      severity: 'high',
      window: '1h',
      threshold: 40,
      params: { userFactor: 3 },
      overridden: null,
    });
    const analyst = await t.as('analyst');
    expect((await analyst.http.get('/api/v1/rules')).status).toBe(200);
    expect((await analyst.http.patch('/api/v1/rules/bulk-access').send({ enabled: false })).status).toBe(403);
  });

  it('changes and resets settings, audited, and the detector uses them', async () => {
    const r = await admin.http
      .patch('/api/v1/rules/failed-logins-user')
      .send({ threshold: 3, severity: 'high', window: '5m' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      threshold: 3,
      severity: 'high',
      window: '5m',
      defaults: { threshold: 5, severity: 'medium', window: '10m' },
    });
    // Who changed it: the stored label, and the name the screen shows.
    const me = (
      await t.services.db.selectFrom('users').select('name').where('id', '=', admin.userId).executeTakeFirstOrThrow()
    ).name;
    expect(r.body.overridden).toMatchObject({ by: `user:${admin.userId}`, byName: me });
    const listed = (await admin.http.get('/api/v1/rules')).body.items.find(
      (i: { id: string }) => i.id === 'failed-logins-user',
    );
    expect(listed.overridden).toMatchObject({ by: `user:${admin.userId}`, byName: me });
    const base = Date.parse('2026-03-05T10:00:00+01:00');
    await insertEvents(
      t.store,
      [0, 1, 2].map((i) =>
        eventRow({ time: base + i * 1000, user: 'u1', action: 'login_failed', outcome: 'failure', workstation: 'W1' }),
      ),
    );
    await t.services.detector.drain();
    const alerts = (await t.services.alerts.list({ kind: 'system' }, { limit: 10 })).items;
    expect(alerts).toMatchObject([{ rule: 'failed-logins-user', severity: 'high' }]);

    const reset = await admin.http
      .patch('/api/v1/rules/failed-logins-user')
      .send({ threshold: null, severity: null, window: null });
    expect(reset.body).toMatchObject({ threshold: 5, severity: 'medium', overridden: null });
    const audit = await t.services.db
      .selectFrom('audit_entries')
      .select(['action', 'targetId'])
      .where('action', '=', 'rule.updated')
      .execute();
    expect(audit).toEqual([
      { action: 'rule.updated', targetId: 'failed-logins-user' },
      { action: 'rule.updated', targetId: 'failed-logins-user' },
    ]);
  });

  it('refuses what would break a rule, naming it', async () => {
    const bad = async (id: string, body: unknown) =>
      (await admin.http.patch(`/api/v1/rules/${id}`).send(body as object)).body.error;
    expect(await bad('self-access', { threshold: 3 })).toMatchObject({ code: 'rule.threshold' });
    expect(await bad('off-hours', { params: { tolerance: 'soon' } })).toMatchObject({
      code: 'rule.param',
      message: expect.stringContaining('tolerance'),
    });
    expect(await bad('off-hours', { params: { shoeSize: 3 } })).toMatchObject({ code: 'rule.param' });
    expect(await bad('bulk-access', { severity: 'apocalyptic' })).toMatchObject({ code: 'invalid_input' });
    expect((await admin.http.patch('/api/v1/rules/nope').send({ enabled: false })).status).toBe(404);
  });
});
