// GET /api/v1/audit/export: the current filter as CSV or JSON, streamed in
// batches, scoped like the list, and itself recorded in the trail.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csvField, parisIso } from '../../../server/audit/export-formats.ts';
import type { TestApp } from '../../support/app.ts';
import { fillChain } from '../../support/audit-chain.ts';
import { seededAuditApp } from '../../support/audit-seed.ts';
import { describeEachDialect } from '../../support/db.ts';

describe('export encoding', () => {
  it('writes times in Europe/Paris with the offset, winter and summer', () => {
    expect(parisIso(Date.UTC(2026, 10, 28, 9, 3, 0, 5))).toBe('2026-11-28T10:03:00.005+01:00');
    expect(parisIso(Date.UTC(2026, 6, 14, 22, 0, 0))).toBe('2026-07-15T00:00:00.000+02:00');
  });
  it('quotes CSV fields that need it and defuses spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"\nbye')).toBe('"say ""hi""\nbye"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    for (const f of ['+1', '-1', '@SUM(A1)', '\tx']) expect(csvField(f).replace(/^"/, '')).toMatch(/^'/);
    expect(csvField(-5)).toBe('-5');
    expect(csvField(null)).toBe('');
  });
});

describeEachDialect('audit export', (dialect) => {
  let t: TestApp;
  let admin: Awaited<ReturnType<TestApp['as']>>;
  let analyst: Awaited<ReturnType<TestApp['as']>>;
  beforeEach(async () => {
    ({ t, admin, analyst } = await seededAuditApp(dialect));
  });
  afterEach(() => t.close());

  it('CSV: the filtered entries oldest first, as a streamed attachment', async () => {
    const res = await admin.http.get('/api/v1/audit/export').query({ format: 'csv', action: 'source.update' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="vigie-audit-20261128T094100.csv"');
    // Streamed: no length known in advance.
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.headers['transfer-encoding']).toBe('chunked');
    const lines = res.text.split('\r\n');
    expect(lines[0]).toBe(
      '\uFEFFseq,time,at,actor,actorName,requestId,address,action,targetType,targetId,details,prevHash,hash',
    );
    expect(lines.at(-1)).toBe('');
    const rows = lines.slice(1, -1);
    expect(rows).toHaveLength(10);
    expect(rows[0]).toMatch(
      new RegExp(
        `^3,2026-11-28T10:03:00\\.000\\+01:00,\\d+,user:${admin.userId},Utilisateur \\d+,r,10\\.0\\.0\\.9,source\\.update,source,'=1\\+1,"\\{""name"":""DPI \\\\""Orbis\\\\"", site A""\\}",[0-9a-f]{64},[0-9a-f]{64}$`,
      ),
    );
    expect(rows.map((r) => Number(r.split(',')[0]))).toEqual([3, 7, 11, 15, 19, 23, 27, 31, 35, 39]);
  });

  it('JSON: the same entries as the list, oldest first, with the Paris time', async () => {
    const res = await admin.http
      .get('/api/v1/audit/export')
      .query({ format: 'json', targetType: 'alert', from: '2026-11-28T10:10:00+01:00' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const exported = JSON.parse(res.text) as { seq: number; time: string }[];
    const listed = (
      await admin.http
        .get('/api/v1/audit')
        .query({ targetType: 'alert', from: '2026-11-28T10:10:00+01:00', limit: 200 })
    ).body.items as object[];
    expect(exported.map(({ time: _time, ...e }) => e)).toEqual([...listed].reverse());
    expect(exported[0]).toMatchObject({ seq: 13, time: '2026-11-28T10:13:00.000+01:00' });
  });

  it('an empty result is still a valid file', async () => {
    const json = await admin.http.get('/api/v1/audit/export').query({ format: 'json', actor: 'nobody' });
    expect(JSON.parse(json.text)).toEqual([]);
    const csv = await admin.http.get('/api/v1/audit/export').query({ format: 'csv', actor: 'nobody' });
    expect(csv.text.split('\r\n').filter(Boolean)).toHaveLength(1);
  });

  it('is recorded in the trail, with the format and the filter', async () => {
    await admin.http
      .get('/api/v1/audit/export')
      .query({ format: 'csv', action: 'user.', from: '2026-11-28T10:00:00+01:00' });
    const last = (await admin.http.get('/api/v1/audit').query({ limit: 1 })).body.items[0];
    expect(last).toMatchObject({
      action: 'audit.export',
      actor: { id: admin.userId },
      target: null,
      details: { format: 'csv', filters: { action: 'user.', from: Date.UTC(2026, 10, 28, 9) } },
    });
  });

  it('an analyst exports only what concerns incidents', async () => {
    const res = await analyst.http.get('/api/v1/audit/export').query({ format: 'json' });
    const types = new Set((JSON.parse(res.text) as { target: { type: string } | null }[]).map((e) => e.target?.type));
    expect(types).toEqual(new Set(['alert', 'incident']));
  });

  it('refuses a missing or unknown format, naming it', async () => {
    for (const query of [{}, { format: 'xlsx' }]) {
      const res = await admin.http.get('/api/v1/audit/export').query(query);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('format: csv or json');
    }
  });

  it('streams thousands of entries in batches, every one of them once', async () => {
    await fillChain(t.store, 2_500, { start: Date.UTC(2026, 10, 28, 9, 41), stepMs: 10 });
    const res = await admin.http.get('/api/v1/audit/export').query({ format: 'json' });
    const seqs = (JSON.parse(res.text) as { seq: number }[]).map((e) => e.seq);
    // 40 seeded + 2,500 + the export's own entry.
    expect(seqs).toEqual(Array.from({ length: 2_541 }, (_, i) => i + 1));
  });
});
