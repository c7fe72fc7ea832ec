import { afterEach, beforeEach, expect, it } from 'vitest';
import type { AlertPush } from '../../../server/realtime/events.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { describeEachDialect } from '../../support/db.ts';
import { eventRow, insertEvents } from '../../support/events.ts';
import { alertSet, appendLines, eventLines, importDirectory, smallMonth } from './world.ts';

describeEachDialect('the detector', (dialect) => {
  let t: TestApp;
  const pushes: { event: string; payload: AlertPush }[] = [];
  beforeEach(async () => {
    t = await createTestApp({ dialect });
    pushes.length = 0;
    t.services.realtime.subscribe(
      (m) => m.type === 'event' && pushes.push({ event: m.event, payload: m.payload as AlertPush }),
    );
    await importDirectory(t.services, smallMonth().files);
  });
  afterEach(() => t.close());

  it('reads the whole log once, raises alerts with evidence, commits its cursor, and raises nothing twice', async () => {
    const lines = eventLines(smallMonth().files);
    const ids = await appendLines(t.store, lines);
    expect(await t.services.detector.drain()).toBe(lines.length);
    expect(t.services.detector.cursor).toBe(ids[ids.length - 1]);
    const first = await alertSet(t.services);
    expect(first.length).toBeGreaterThan(10);
    const truth = JSON.parse(smallMonth().files['truth.json']!) as { incidents: { rule: string }[] };
    const rules = new Set(first.map((a) => a.split(' ')[0]));
    for (const rule of new Set(truth.incidents.map((i) => i.rule))) expect(rules).toContain(rule);

    expect(await t.services.detector.drain()).toBe(0);
    await t.services.detector.recover();
    expect(await t.services.detector.drain()).toBe(0);
    expect(await alertSet(t.services)).toEqual(first);
    // Every raise was pushed once per batch, patient ids masked.
    expect(pushes.filter((p) => p.event === 'alert.raised')).toHaveLength(first.length);
    for (const p of pushes) expect(p.payload.patientId ?? '•').toMatch(/^•+\w{0,2}$/);
  });

  it('folds a repeat inside the window into the open alert (count, last seen, evidence), and opens a new one after it', async () => {
    const base = Date.parse('2026-03-04T10:00:00+01:00');
    const user = 'svc-none';
    const fail = (t0: number) =>
      eventRow({ time: t0, user, action: 'login_failed', outcome: 'failure', workstation: 'SL-URG-01' });
    await insertEvents(
      t.store,
      [0, 1, 2, 3, 4].map((i) => fail(base + i * 1000)),
    );
    await t.services.detector.drain();
    const [a] = (await t.services.alerts.list({ kind: 'system' }, { rules: ['failed-logins-user'], limit: 10 })).items;
    expect(a).toMatchObject({ rule: 'failed-logins-user', count: 1, userId: user });
    await insertEvents(t.store, [fail(base + 60_000)]);
    await t.services.detector.drain();
    const folded = await t.services.alerts.get({ kind: 'system' }, a!.id);
    expect(folded.count).toBe(2);
    expect(folded.lastSeenAt).toBe(base + 60_000);
    expect(folded.evidence).toHaveLength(6);
    expect(pushes.at(-1)).toMatchObject({ event: 'alert.updated', payload: { id: a!.id, count: 2 } });
    await insertEvents(
      t.store,
      [0, 1, 2, 3, 4].map((i) => fail(base + 3_600_000 + i * 1000)),
    );
    await t.services.detector.drain();
    expect(
      (await t.services.alerts.list({ kind: 'system' }, { rules: ['failed-logins-user'], limit: 10 })).items,
    ).toHaveLength(2);
  });

  it('audits each raise and each fold', async () => {
    const base = Date.parse('2026-03-04T10:00:00+01:00');
    await insertEvents(
      t.store,
      [0, 1, 2, 3, 4, 5].map((i) =>
        eventRow({ time: base + i * 1000, user: 'x', action: 'login_failed', outcome: 'failure', workstation: 'W' }),
      ),
    );
    await t.services.detector.drain();
    const actions = (
      await t.services.db.selectFrom('audit_entries').select('action').where('action', 'like', 'alert.%').execute()
    ).map((r) => r.action);
    expect(actions).toEqual(['alert.raised']);
  });
});
