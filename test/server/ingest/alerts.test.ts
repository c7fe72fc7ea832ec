import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderExplanation } from '../../../server/alerts/explanations.ts';
import { mapGenericAlert } from '../../../server/ingest/tools/generic.ts';
import { mapSuricataAlert } from '../../../server/ingest/tools/suricata.ts';
import { Skip } from '../../../server/ingest/tools/tool-alert.ts';
import { mapWazuhAlert, wazuhSeverity } from '../../../server/ingest/tools/wazuh.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { tempDir } from '../../support/config.ts';
import { describeEachDialect } from '../../support/db.ts';
import { createSource, ndjson } from './helpers.ts';
import { genericAlert, suricataAlert, suricataFlow, wazuhAlert, wazuhShuffle } from './tool-examples.ts';

describe('tool alert mappers', () => {
  it('Wazuh: verbatim or wrapped by Shuffle, +hhmm offset normalised, level → severity', () => {
    const a = mapWazuhAlert(wazuhAlert);
    expect(a).toMatchObject({
      origin: 'wazuh',
      rule: 'wazuh:5712',
      severity: 'high',
      title: wazuhAlert.rule.description,
      seenAt: Date.UTC(2026, 10, 28, 13, 26, 16, 123),
      userId: 'admin',
      host: 'srv-dxcare-01 (10.1.0.12)',
      windowMs: 3_600_000,
    });
    expect(typeof a === 'object' && 'explanation' in a && renderExplanation(a.explanation).fr).toMatch(
      /^Wazuh \(règle 5712, niveau 10\) : sshd: brute force.*depuis 203\.0\.113\.7/,
    );
    expect(mapWazuhAlert(wazuhShuffle)).toEqual(a);
    expect([0, 4, 5, 9, 10, 12, 13, 15].map(wazuhSeverity)).toEqual([
      'low',
      'low',
      'medium',
      'medium',
      'high',
      'high',
      'critical',
      'critical',
    ]);
    expect(mapWazuhAlert({ ...wazuhAlert, rule: { ...wazuhAlert.rule, level: 'high' } })).toBe(
      'rule.level: Invalid input: expected number, received string',
    );
    expect(mapWazuhAlert({ ...wazuhAlert, timestamp: '2026-11-28 14:26:16' })).toMatch(/^timestamp: an ISO 8601 time/);
  });

  it('Suricata: alert records only; severity 1 = high; the flow in words', () => {
    const a = mapSuricataAlert(suricataAlert);
    expect(a).toMatchObject({
      origin: 'suricata',
      rule: 'suricata:1:2027865',
      severity: 'high',
      host: '10.1.4.23 → 198.51.100.9',
      seenAt: Date.UTC(2026, 10, 28, 13, 26, 16, 123),
    });
    expect(typeof a === 'object' && 'explanation' in a && renderExplanation(a.explanation).en).toBe(
      'Suricata: ET MALWARE Observed Cobalt Strike User-Agent [A Network Trojan was detected], from 10.1.4.23:49732 to 198.51.100.9:443 (TCP/tls), traffic allowed.',
    );
    expect(mapSuricataAlert(suricataFlow)).toEqual(new Skip('event_type "flow" is not an alert'));
    expect(mapSuricataAlert({ ...suricataAlert, alert: { ...suricataAlert.alert, severity: 3 } })).toMatchObject({
      severity: 'low',
    });
  });

  it('generic: strict, every field named', () => {
    expect(mapGenericAlert(genericAlert)).toMatchObject({
      origin: 'generic',
      rule: 'ClamAV:Win.Trojan.Agent-1234',
      severity: 'high',
      host: 'WS-CARDIO-12',
      userId: 'u1234',
    });
    expect(mapGenericAlert({ ...genericAlert, severity: 'urgent' })).toMatch(/^severity: Invalid option/);
    expect(mapGenericAlert({ ...genericAlert, colour: 'red' })).toBe('Unrecognized key: "colour"');
  });
});

describeEachDialect('POST /api/v1/ingest/alerts/:format', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ dialect });
  });
  afterEach(() => t.close());
  const post = (auth: string, format: string, body: string, type = 'application/json') =>
    t.http.raw.post(`/api/v1/ingest/alerts/${format}`).set('Authorization', auth).set('Content-Type', type).send(body);
  const alerts = () =>
    t.services.db
      .selectFrom('alerts')
      .select(['id', 'origin', 'rule', 'severity', 'count', 'sourceId', 'status'])
      .orderBy('id')
      .execute();

  it('raises a Wazuh alert, folds a repeat into it, and pushes both to the analysts', async () => {
    const { auth, source } = await createSource(t.services, 'alerts');
    const pushed: string[] = [];
    const original = t.services.realtime.publish.bind(t.services.realtime);
    t.services.realtime.publish = ((event: string, payload: unknown, rooms: unknown) => {
      pushed.push(event);
      return (original as (...a: unknown[]) => unknown)(event, payload, rooms);
    }) as typeof t.services.realtime.publish;
    const first = await post(auth, 'wazuh', JSON.stringify(wazuhAlert)).expect(200);
    expect(first.body).toEqual({
      accepted: 1,
      rejected: [],
      skipped: 0,
      alerts: [{ id: expect.any(Number), folded: false }],
    });
    const again = await post(auth, 'wazuh', JSON.stringify(wazuhShuffle)).expect(200);
    expect(again.body.alerts).toEqual([{ id: first.body.alerts[0].id, folded: true }]);
    expect(await alerts()).toEqual([
      {
        id: first.body.alerts[0].id,
        origin: 'wazuh',
        rule: 'wazuh:5712',
        severity: 'high',
        count: 2,
        sourceId: source.id,
        status: 'new',
      },
    ]);
    expect(pushed).toEqual(['alert.raised', 'alert.updated']);
    const actions = await t.services.db.selectFrom('audit_entries').select('action').orderBy('seq').execute();
    expect(actions.map((a) => a.action).filter((a) => a !== 'source.created')).toEqual([
      'alert.raised',
      'ingest.batch',
      'alert.updated',
      'ingest.batch',
    ]);
  });

  it('pushes each alert of a large batch once, in input order, before the answer (the pushes go out in slices)', async () => {
    const { auth } = await createSource(t.services, 'alerts');
    const pushed: { event: string; id: number; count: number }[] = [];
    const original = t.services.realtime.publish.bind(t.services.realtime);
    t.services.realtime.publish = ((event: string, payload: { id: number; count: number }, rooms: unknown) => {
      pushed.push({ event, id: payload.id, count: payload.count });
      return (original as (...a: unknown[]) => unknown)(event, payload, rooms);
    }) as typeof t.services.realtime.publish;
    // 250 inputs; the 201st repeats the first (same fingerprint): it folds into it across a slice's edge.
    const lines = Array.from({ length: 250 }, (_, i) =>
      JSON.stringify({ ...genericAlert, rule: `r-${i === 200 ? 0 : i}` }),
    );
    const res = await post(auth, 'generic', lines.join('\n'), 'application/x-ndjson').expect(200);
    const ids: number[] = res.body.alerts.map((a: { id: number }) => a.id);
    expect(ids[200]).toBe(ids[0]);
    const unique = [...new Set(ids)];
    expect(pushed).toEqual(unique.map((id, i) => ({ event: 'alert.raised', id, count: i === 0 ? 2 : 1 })));
  });

  it('takes Suricata EVE NDJSON, skipping the records that are not alerts: counted as skipped, not refused, no error on the source', async () => {
    const { auth, source } = await createSource(t.services, 'alerts');
    const dns = { ...suricataFlow, event_type: 'dns' };
    const res = await post(
      auth,
      'suricata',
      ndjson([suricataAlert, suricataFlow, { ...suricataAlert, src_ip: '10.1.4.99' }, dns]),
      'application/x-ndjson',
    ).expect(200);
    expect(res.body).toMatchObject({ accepted: 2, rejected: [], skipped: 2 });
    expect((await alerts()).map((a) => a.rule)).toEqual(['suricata:1:2027865', 'suricata:1:2027865']);
    // A stretch of eve.json without any alert is a batch too, not "every record refused".
    expect(
      (await post(auth, 'suricata', ndjson([suricataFlow, dns]), 'application/x-ndjson').expect(200)).body,
    ).toMatchObject({ accepted: 0, rejected: [], skipped: 2 });
    const view = await t.services.sources.get(source.id);
    expect(view.today).toEqual({ accepted: 2, refused: 0, skipped: 4, dropped: 0 });
    expect(view.lastError).toBeNull();
  });

  it('Suricata: firstSeenAt is the earliest time of the folded records, not the first line (eve.json is not in time order)', async () => {
    const { auth } = await createSource(t.services, 'alerts');
    const at = (time: string) => ({ ...suricataAlert, timestamp: time });
    await post(
      auth,
      'suricata',
      ndjson([
        at('2026-11-28T14:26:16.000000+0100'),
        at('2026-11-28T14:20:00.000000+0100'),
        at('2026-11-28T14:30:00.000000+0100'),
      ]),
      'application/x-ndjson',
    ).expect(200);
    const rows = await t.services.db.selectFrom('alerts').select(['firstSeenAt', 'lastSeenAt', 'count']).execute();
    expect(rows).toEqual([
      { firstSeenAt: Date.UTC(2026, 10, 28, 13, 20), lastSeenAt: Date.UTC(2026, 10, 28, 13, 30), count: 3 },
    ]);
  });

  it('takes the generic format as an array, refuses an unknown format (404) and another kind of source (403)', async () => {
    const { auth } = await createSource(t.services, 'alerts');
    await post(auth, 'generic', JSON.stringify([genericAlert, { ...genericAlert, rule: 'other' }])).expect(200);
    expect(await alerts()).toHaveLength(2);
    expect((await post(auth, 'splunk', '{}').expect(404)).body.error.code).toBe('ingest.alert_format_unknown');
    const { auth: ehr } = await createSource(t.services, 'ehr');
    expect((await post(ehr, 'generic', JSON.stringify(genericAlert)).expect(403)).body.error.code).toBe(
      'ingest.kind_mismatch',
    );
    const bad = await post(auth, 'generic', JSON.stringify({ ...genericAlert, severity: 'urgent' })).expect(400);
    expect(bad.body.error).toMatchObject({
      code: 'ingest.all_rejected',
      details: { rejected: [{ index: 0, reason: expect.stringMatching(/^severity/) }] },
    });
  });

  it('docs/custom-vigie posts a Wazuh alert verbatim, and a retry of the same alert adds nothing (Idempotency-Key = alert id)', async () => {
    const { token } = await createSource(t.services, 'alerts');
    const url = `${await t.listen()}/api/v1/ingest/alerts/wazuh`;
    const file = path.join(tempDir(), 'alert.json');
    fs.writeFileSync(file, JSON.stringify(wazuhAlert));
    const run = () => promisify(execFile)('docs/custom-vigie/custom-vigie', [file, token, url]);
    expect((await run()).stdout).toMatch(/^custom-vigie: 200 /);
    await run();
    expect(await alerts()).toEqual([expect.objectContaining({ rule: 'wazuh:5712', count: 1 })]);
    await expect(promisify(execFile)('docs/custom-vigie/custom-vigie', [file, 'vgi_wrong', url])).rejects.toMatchObject(
      { stderr: expect.stringMatching(/refused 401/) },
    );
  });
});
