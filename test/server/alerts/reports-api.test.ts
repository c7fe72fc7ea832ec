// Staff reports over HTTP and the socket: any role files one, it names the bad
// field, it enters the alert store for the analysts (live, audited, the patient
// text masked and never logged), and its author sees their own reports only.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AlertPush } from '../../../server/realtime/events.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { describeEachDialect } from '../../support/db.ts';

const PATIENTS = 'Mme Célestine Durandal, chambre 12';
const NOW = Date.UTC(2026, 10, 28, 9, 0, 0); // the FakeClock's start: 10:00 in Paris

const report = (extra: Record<string, unknown> = {}) => ({
  summary: 'Un collègue a ouvert le dossier de ma voisine',
  description: 'Ce matin, j’ai vu sur son écran le dossier d’une patiente qui n’est pas dans notre service.',
  ...extra,
});

describeEachDialect('staff reports API', (dialect) => {
  let t: TestApp;
  let analyst: Awaited<ReturnType<TestApp['as']>>;
  let marie: Awaited<ReturnType<TestApp['as']>>;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    await t.listen();
    analyst = await t.as('analyst');
    marie = await t.as('reporter');
    await t.services.users.update(t.services.db, marie.userId, { name: 'Marie Curie' });
  });
  afterAll(() => t.close());

  it('needs a session: 401 for anonymous requests', async () => {
    const r = await t.http.post('/api/v1/reports').send(report());
    expect(r.status).toBe(401);
    expect((await t.http.get('/api/v1/reports/mine')).status).toBe(401);
  });

  it('lets every role file a report (201) and answers the report as its author sees it', async () => {
    for (const role of ['reporter', 'analyst', 'approver', 'admin'] as const) {
      const { http } = await t.as(role);
      const r = await http.post('/api/v1/reports').send(report({ summary: `Signalé par un ${role}` }));
      expect(r.status, role).toBe(201);
      expect(r.body).toMatchObject({
        id: expect.any(Number),
        summary: `Signalé par un ${role}`,
        status: 'new',
        urgent: false,
        category: null,
        occurredAt: null,
        patientsConcerned: null,
        createdAt: NOW,
      });
    }
  });

  it('answers 400 naming the field', async () => {
    const bad = async (body: unknown, field: string) => {
      const r = await marie.http.post('/api/v1/reports').send(body as object);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('invalid_input');
      expect(r.body.error.message).toContain(field);
      return r.body.error;
    };
    await bad({ description: 'x' }, 'summary');
    await bad({ summary: '   ', description: 'x' }, 'summary');
    await bad(report({ description: '' }), 'description');
    await bad(report({ description: 'x'.repeat(5001) }), 'description');
    await bad(report({ summary: 'y'.repeat(201) }), 'summary');
    const noOffset = await bad(report({ occurredAt: '2026-11-28T08:00:00' }), 'occurredAt');
    expect(noOffset.message).toMatch(/with its offset/);
    await bad(report({ occurredAt: '2026-02-30T08:00:00+01:00' }), 'occurredAt');
    const future = await bad(report({ occurredAt: '2026-11-29T08:00:00+01:00' }), 'occurredAt');
    expect(future.message).toMatch(/not in the future/);
    await bad(report({ category: 'fire' }), 'category');
    await bad(report({ urgent: 'yes' }), 'urgent');
    await bad(report({ description: 'a\u0000b' }), 'description');
    await bad(report({ patientsConcerned: 'p'.repeat(501) }), 'patientsConcerned');
    await bad(report({ colour: 'red' }), 'colour');
    expect((await marie.http.get('/api/v1/reports/mine?limit=0')).status).toBe(400);
  });

  it('raises an alert for the analysts: origin report, plain explanation, the patient text masked everywhere', async () => {
    const socket = t.socket(analyst.cookie);
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    const reporterSocket = t.socket(marie.cookie);
    await new Promise<void>((resolve) => reporterSocket.on('connect', () => resolve()));
    const toReporter: unknown[] = [];
    reporterSocket.on('alert.raised', (a) => toReporter.push(a));
    const pushed = new Promise<AlertPush>((resolve) => socket.on('alert.raised', resolve));

    const filed = await marie.http
      .post('/api/v1/reports')
      .send(
        report({
          description:
            'Ce matin, j’ai vu sur son écran le dossier de Mme Célestine Durandal, qui n’est pas dans notre service.',
          category: 'illegitimate_access',
          occurredAt: '2026-11-28T08:30:00+01:00',
          patientsConcerned: PATIENTS,
          urgent: true,
        }),
      )
      .expect(201);
    expect(filed.body).toMatchObject({
      category: 'illegitimate_access',
      urgent: true,
      occurredAt: Date.parse('2026-11-28T08:30:00+01:00'),
      patientsConcerned: expect.stringMatching(/^•+12$/),
    });

    const live = await pushed;
    expect(live).toMatchObject({
      id: filed.body.id,
      origin: 'report',
      rule: 'staff-report',
      severity: 'high',
      status: 'new',
      count: 1,
    });
    expect(live.explanation.fr).toBe(
      'Signalement de Marie Curie : Un collègue a ouvert le dossier de ma voisine (signalé comme urgent)',
    );
    expect(live.explanation.en).toBe(
      'Report from Marie Curie: Un collègue a ouvert le dossier de ma voisine (marked urgent)',
    );
    expect(live.titles).toEqual({
      fr: 'Signalement : accès illégitime à un dossier',
      en: 'Staff report: illegitimate record access',
    });

    const list = await analyst.http.get('/api/v1/alerts?rule=staff-report&severity=high').expect(200);
    const item = list.body.items.find((a: AlertPush) => a.id === filed.body.id);
    expect(item).toMatchObject({
      origin: 'report',
      firstSeenAt: Date.parse('2026-11-28T08:30:00+01:00'),
      lastSeenAt: NOW,
      patientId: expect.stringMatching(/^•+12$/),
    });
    expect(JSON.stringify(list.body)).not.toContain('Durandal');

    const detail = await analyst.http.get(`/api/v1/alerts/${filed.body.id}`).expect(200);
    expect(detail.body.details.report).toMatchObject({
      summary: 'Un collègue a ouvert le dossier de ma voisine',
      category: 'illegitimate_access',
      urgent: true,
      reporter: { id: marie.userId, name: 'Marie Curie' },
    });
    // The name the reporter repeated in the description is masked too; the rest of their words stay.
    expect(detail.body.details.report.description).toMatch(
      /^Ce matin, j’ai vu sur son écran le dossier de •+al, qui n’est pas dans notre service\.$/,
    );
    expect(detail.body.evidence).toEqual([]);
    expect(JSON.stringify(detail.body)).not.toContain('Durandal');

    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(toReporter).toEqual([]);
  });

  it('writes one audit entry, alert.raised (the same name as the push), by the reporter, without the patient text', async () => {
    const filed = await marie.http
      .post('/api/v1/reports')
      .send(report({ patientsConcerned: PATIENTS }))
      .expect(201);
    const entries = await t.services.db
      .selectFrom('audit_entries')
      .select(['action', 'actor', 'details'])
      .where('targetType', '=', 'alert')
      .where('targetId', '=', String(filed.body.id))
      .execute();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'alert.raised', actor: `user:${marie.userId}` });
    expect(JSON.parse(entries[0]!.details)).toMatchObject({
      origin: 'report',
      rule: 'staff-report',
      severity: 'medium',
    });
    const all = await t.services.db.selectFrom('audit_entries').select('details').execute();
    expect(JSON.stringify(all)).not.toContain('Durandal');
  });

  it('never folds two reports into one, even word for word', async () => {
    const a = await marie.http.post('/api/v1/reports').send(report()).expect(201);
    const b = await marie.http.post('/api/v1/reports').send(report()).expect(201);
    expect(b.body.id).not.toBe(a.body.id);
    const rows = await t.services.db
      .selectFrom('alerts')
      .select(['count', 'fingerprint', 'reportedBy'])
      .where('id', 'in', [a.body.id, b.body.id])
      .execute();
    expect(rows.map((r) => r.count)).toEqual([1, 1]);
    expect(new Set(rows.map((r) => r.fingerprint)).size).toBe(2);
    expect(rows.every((r) => r.reportedBy === marie.userId)).toBe(true);
  });

  it('shows a reporter their own reports only, newest first, paged, and no other alert', async () => {
    const other = await t.as('reporter');
    await other.http
      .post('/api/v1/reports')
      .send(report({ summary: 'Le rapport de quelqu’un d’autre' }))
      .expect(201);
    const mine = await marie.http.get('/api/v1/reports/mine').expect(200);
    expect(mine.body.nextCursor).toBeNull();
    expect(mine.body.items.length).toBeGreaterThanOrEqual(4);
    expect(mine.body.items.map((r: { summary: string }) => r.summary)).not.toContain('Le rapport de quelqu’un d’autre');
    const ids = mine.body.items.map((r: { id: number }) => r.id);
    expect(ids).toEqual([...ids].sort((x, y) => y - x));
    expect(mine.body.items.every((r: { status: string }) => r.status === 'new')).toBe(true);
    expect(JSON.stringify(mine.body)).not.toContain('Durandal');
    const theirs = await other.http.get('/api/v1/reports/mine').expect(200);
    expect(theirs.body.items.map((r: { summary: string }) => r.summary)).toEqual(['Le rapport de quelqu’un d’autre']);

    const page1 = await marie.http.get('/api/v1/reports/mine?limit=2').expect(200);
    expect(page1.body.items).toHaveLength(2);
    const page2 = await marie.http.get(`/api/v1/reports/mine?limit=2&cursor=${page1.body.nextCursor}`).expect(200);
    expect(page2.body.items[0].id).toBeLessThan(page1.body.items[1].id);

    // The alert store itself stays closed to reporters.
    expect((await marie.http.get('/api/v1/alerts')).status).toBe(403);
    expect((await marie.http.get(`/api/v1/alerts/${ids[0]}`)).status).toBe(403);
  });

  it('reveals the patient text to an analyst who gives a reason, and audits it without the text', async () => {
    const filed = await marie.http
      .post('/api/v1/reports')
      .send(report({ patientsConcerned: PATIENTS }))
      .expect(201);
    expect((await analyst.http.post(`/api/v1/alerts/${filed.body.id}/reveal`).send({ reason: 'court' })).status).toBe(
      400,
    );
    const r = await analyst.http
      .post(`/api/v1/alerts/${filed.body.id}/reveal`)
      .send({ reason: 'enquête sur le signalement reçu' })
      .expect(200);
    expect(r.body).toEqual({ id: filed.body.id, patientId: PATIENTS });
    const entry = await t.services.db
      .selectFrom('audit_entries')
      .select(['action', 'details'])
      .where('action', '=', 'alert.revealed')
      .where('targetId', '=', String(filed.body.id))
      .executeTakeFirstOrThrow();
    expect(JSON.parse(entry.details)).toMatchObject({
      reason: 'enquête sur le signalement reçu',
      patient: expect.stringMatching(/^•+12$/),
    });
    const without = await marie.http.post('/api/v1/reports').send(report()).expect(201);
    expect(
      (
        await analyst.http
          .post(`/api/v1/alerts/${without.body.id}/reveal`)
          .send({ reason: 'enquête sur le signalement reçu' })
      ).status,
    ).toBe(400);
    expect(
      (
        await marie.http
          .post(`/api/v1/alerts/${filed.body.id}/reveal`)
          .send({ reason: 'enquête sur le signalement reçu' })
      ).status,
    ).toBe(403);
  });

  it('never writes the patient text to the logs', async () => {
    // Also on refused requests that carried it.
    await marie.http.post('/api/v1/reports').send({ patientsConcerned: PATIENTS }).expect(400);
    expect(t.logs.lines.length).toBeGreaterThan(0);
    expect(t.logs.text()).not.toContain('Durandal');
    expect(t.logs.text()).not.toContain('chambre 12');
  });
});
