// An alert names its patient in clear in one place only, the patient column,
// which only the audited reveal answers: the stored text (title, explanation,
// host, details, a tool's raw payload), the list, the detail and the live push
// to analysts and approvers hold it masked, whatever its case and origin.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemActor } from '../../../server/actor.ts';
import { maskAlertText } from '../../../server/alerts/alert-masking.ts';
import type { RaiseAlertInput } from '../../../server/alerts/alerts.service.ts';
import type { AlertOrigin } from '../../../server/alerts/alerts.tables.ts';
import { legacyExplanation } from '../../../server/alerts/explanations.ts';
import { maskIdentifiersIn } from '../../../server/privacy.ts';
import { inTransaction } from '../../../server/store/transaction.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { describeEachDialect } from '../../support/db.ts';
import { createSource } from '../ingest/helpers.ts';

const CLEAR = /p0004512/i;

/** A generic tool alert that names its patient five times, in three cases, keys and raw payload included. */
const leaky = {
  time: '2026-11-28T14:30:00+01:00',
  tool: 'DLP',
  rule: 'export-dossier',
  severity: 'high',
  title: 'Export du dossier P0004512',
  description: 'Le dossier du patient P0004512 a été copié sur une clé USB (p0004512.pdf).',
  host: 'WS-CARDIO-12',
  user: 'u1234',
  patient: 'P0004512',
  raw: {
    patient: 'P0004512',
    file: 'C:\\export\\P0004512.PDF',
    note: 'copie de p0004512',
    P0004512: { pages: 12 },
    list: ['x', 'P0004512'],
  },
};

describe('maskIdentifiersIn', () => {
  it('masks every case of the identifier in strings, keys, numbers and arrays, at any depth', () => {
    expect(
      maskIdentifiersIn({ a: 'P0004512 / p0004512 / P0004512x', P0004512: [{ b: 'p0004512' }], n: 4512, m: 77 }, [
        'P0004512',
        '4512',
      ]),
    ).toEqual({
      a: '••••••12 / ••••••12 / ••••••12x',
      '••••••12': [{ b: '••••••12' }],
      n: '••••',
      m: 77,
    });
    expect(maskIdentifiersIn('rien à voir', [null, undefined, ''])).toBe('rien à voir');
  });
});

describe('maskAlertText', () => {
  it('masks title, explanation, host and details, and leaves an alert without patient as it is', () => {
    const input: RaiseAlertInput = {
      origin: 'wazuh',
      rule: 'r',
      severity: 'low',
      title: { fr: 'Dossier p0004512', en: 'Record P0004512' },
      explanation: legacyExplanation({ fr: 'P0004512', en: 'p0004512' }),
      fingerprint: 'f',
      windowMs: 0,
      seenAt: 0,
      patientId: 'P0004512',
      host: 'poste-P0004512',
      details: { raw: { text: 'P0004512' } },
    };
    const masked = maskAlertText(input);
    expect(JSON.stringify({ ...masked, patientId: null })).not.toMatch(CLEAR);
    expect(masked.patientId).toBe('P0004512');
    const none = { ...input, patientId: null };
    expect(maskAlertText(none)).toBe(none);
  });
});

describeEachDialect('alert text is stored with its patient masked', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ dialect });
  });
  afterEach(() => t.close());

  const storedRows = () => t.services.db.selectFrom('alerts').selectAll().orderBy('id').execute();
  /** Every stored column but the patient one, which the audited reveal reads. */
  const withoutPatientColumn = (rows: Record<string, unknown>[]) =>
    JSON.stringify(rows.map(({ patientId: _p, ...rest }) => rest));

  it('a generic tool alert: stored row, list, detail and the pushes to analysts and approvers hold no clear identifier; the reveal does, audited', async () => {
    const analyst = await t.as('analyst');
    const approver = await t.as('approver');
    await t.listen();
    const pushes: unknown[] = [];
    const sockets = [t.socket(analyst.cookie), t.socket(approver.cookie)];
    await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.on('connect', () => resolve()))));
    const received = sockets.map(
      (s) => new Promise((resolve) => s.on('alert.raised', (a: unknown) => (pushes.push(a), resolve(a)))),
    );
    const { auth } = await createSource(t.services, 'alerts');
    const res = await t.http.raw
      .post('/api/v1/ingest/alerts/generic')
      .set('Authorization', auth)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(leaky))
      .expect(200);
    const id = res.body.alerts[0].id as number;
    await Promise.all(received);
    expect(pushes).toHaveLength(2);
    expect(JSON.stringify(pushes)).not.toMatch(CLEAR);
    expect(pushes[0]).toMatchObject({ id, patientId: '••••••12', title: 'Export du dossier ••••••12' });

    const rows = await storedRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.patientId).toBe('P0004512');
    expect(withoutPatientColumn(rows)).not.toMatch(CLEAR);
    expect(JSON.parse(rows[0]!.details)).toMatchObject({
      description: expect.stringContaining('••••••12.pdf'),
      raw: { patient: '••••••12', '••••••12': { pages: 12 }, list: ['x', '••••••12'] },
    });

    for (const who of [analyst, approver]) {
      const list = await who.http.get('/api/v1/alerts').expect(200);
      expect(list.body.items.map((a: { id: number }) => a.id)).toEqual([id]);
      expect(JSON.stringify(list.body)).not.toMatch(CLEAR);
      const detail = await who.http.get(`/api/v1/alerts/${id}`).expect(200);
      expect(detail.body.explanation.fr).toContain('Le dossier du patient ••••••12 a été copié');
      expect(JSON.stringify(detail.body)).not.toMatch(CLEAR);
    }

    await approver.http
      .post(`/api/v1/alerts/${id}/reveal`)
      .send({ reason: 'Enquête incident INC-2026-020' })
      .expect(403);
    const revealed = await analyst.http
      .post(`/api/v1/alerts/${id}/reveal`)
      .send({ reason: 'Enquête incident INC-2026-020' })
      .expect(200);
    expect(revealed.body).toEqual({ id, patientId: 'P0004512' });
    const audit = await t.services.db.selectFrom('audit_entries').select(['action', 'details']).execute();
    expect(audit.map((a) => a.action)).toContain('alert.revealed');
    expect(JSON.stringify(audit)).not.toMatch(CLEAR);
  });

  it('every origin: detection, Wazuh, Suricata, syslog, generic and staff reports are stored masked', async () => {
    const origins: AlertOrigin[] = ['detection', 'generic', 'wazuh', 'suricata', 'syslog', 'report'];
    await inTransaction(t.services.db, async (trx) => {
      for (const origin of origins) {
        await t.services.alerts.raise(trx, systemActor, {
          origin,
          rule: `${origin}:1`,
          severity: 'medium',
          title: `Alerte ${origin} pour p0004512`,
          explanation: legacyExplanation({ fr: `Le patient P0004512 (${origin})`, en: `Patient p0004512 (${origin})` }),
          fingerprint: `fp-${origin}`,
          windowMs: 0,
          seenAt: 1,
          patientId: 'P0004512',
          host: null,
          details: { raw: { text: `vu P0004512 et p0004512`, [`P0004512-${origin}`]: true } },
        });
      }
    });
    const rows = await storedRows();
    expect(rows.map((r) => r.origin)).toEqual(origins);
    expect(rows.every((r) => r.patientId === 'P0004512')).toBe(true);
    expect(withoutPatientColumn(rows)).not.toMatch(CLEAR);

    const reporter = await t.as('reporter');
    await reporter.http
      .post('/api/v1/reports')
      .send({
        summary: 'Dossier de P0004512 ouvert',
        description: 'Le dossier p0004512 a été consulté sans raison apparente.',
        patientsConcerned: 'P0004512',
      })
      .expect(201);
    const after = await storedRows();
    expect(after).toHaveLength(origins.length + 1);
    expect(withoutPatientColumn(after)).not.toMatch(CLEAR);
  });

  it('a repeat folds into the masked alert and its push stays masked', async () => {
    const { auth } = await createSource(t.services, 'alerts');
    const post = () =>
      t.http.raw
        .post('/api/v1/ingest/alerts/generic')
        .set('Authorization', auth)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(leaky))
        .expect(200);
    const pushed: unknown[] = [];
    const original = t.services.realtime.publish.bind(t.services.realtime);
    t.services.realtime.publish = ((event: string, payload: unknown, rooms: unknown) => {
      pushed.push({ event, payload, rooms });
      return (original as (...a: unknown[]) => unknown)(event, payload, rooms);
    }) as typeof t.services.realtime.publish;
    await post();
    const again = await post();
    expect(again.body.alerts[0].folded).toBe(true);
    expect(pushed.map((p) => (p as { event: string }).event)).toEqual(['alert.raised', 'alert.updated']);
    expect(JSON.stringify(pushed)).not.toMatch(CLEAR);
    expect(
      pushed.every((p) => JSON.stringify((p as { rooms: string[] }).rooms) === '["role:analyst","role:approver"]'),
    ).toBe(true);
  });
});
