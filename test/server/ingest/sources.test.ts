import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { tempDir } from '../../support/config.ts';
import { describeEachDialect } from '../../support/db.ts';
import { eventRecord, ndjson } from './helpers.ts';

describeEachDialect('sources administration (/api/v1/sources)', (dialect) => {
  let t: TestApp;
  let admin: Awaited<ReturnType<TestApp['as']>>;
  beforeEach(async () => {
    t = await createTestApp({ dialect });
    admin = await t.as('admin');
  });
  afterEach(() => t.close());

  it('creates a source whose token is shown once and stored only as its hash', async () => {
    const res = await admin.http.post('/api/v1/sources').send({ name: 'DxCare production', kind: 'ehr' }).expect(201);
    const { source, token } = res.body;
    expect(token).toMatch(/^vgi_[A-Za-z0-9_-]{43}$/);
    expect(source).toMatchObject({
      name: 'DxCare production',
      kind: 'ehr',
      enabled: true,
      revoked: false,
      tokenPrefix: token.slice(0, 10),
      today: { accepted: 0, refused: 0 },
      lastSeenAt: null,
    });
    expect(res.headers['cache-control']).toBe('no-store');
    const list = await admin.http.get('/api/v1/sources').expect(200);
    expect(JSON.stringify(list.body)).not.toContain(token);
    expect(JSON.stringify(list.body)).not.toMatch(/tokenHash/);
    const row = await t.services.db.selectFrom('sources').selectAll().executeTakeFirstOrThrow();
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(token);
    const audit = await t.services.db
      .selectFrom('audit_entries')
      .select(['action', 'details', 'actor'])
      .where('action', '=', 'source.created')
      .executeTakeFirstOrThrow();
    expect(audit.actor).toBe(`user:${admin.userId}`);
    expect(audit.details).not.toContain(token);
    expect(
      (await admin.http.post('/api/v1/sources').send({ name: 'DxCare production', kind: 'fhir' }).expect(409)).body
        .error.code,
    ).toBe('source.name_taken');
  });

  it('rotates, revokes, disables and sets allowed addresses, each audited; shows last seen, counts today and the last error', async () => {
    const { source, token } = (await admin.http.post('/api/v1/sources').send({ name: 'EHR', kind: 'ehr' }).expect(201))
      .body;
    const post = (tk: string, body: string) =>
      t.http.raw
        .post('/api/v1/ingest/events')
        .set('Authorization', `Bearer ${tk}`)
        .set('Content-Type', 'application/x-ndjson')
        .send(body);
    await post(token, ndjson([eventRecord(1), eventRecord(2), { bad: true }])).expect(200);
    const seen = (await admin.http.get(`/api/v1/sources/${source.id}`).expect(200)).body;
    expect(seen).toMatchObject({
      lastSeenAt: t.clock.now(),
      today: { accepted: 2, refused: 1 },
      lastError: expect.stringMatching(/^1 record refused; first: #2: time:/),
    });

    const rotated = (await admin.http.post(`/api/v1/sources/${source.id}/rotate`).expect(200)).body;
    expect(rotated.token).not.toBe(token);
    await post(token, ndjson([eventRecord(3)])).expect(401);
    await post(rotated.token, ndjson([eventRecord(3)])).expect(200);

    const disabled = (await admin.http.patch(`/api/v1/sources/${source.id}`).send({ enabled: false }).expect(200)).body;
    expect(disabled.enabled).toBe(false);
    await post(rotated.token, ndjson([eventRecord(4)])).expect(403);
    await admin.http.patch(`/api/v1/sources/${source.id}`).send({ enabled: true }).expect(200);

    const bad = await admin.http
      .patch(`/api/v1/sources/${source.id}`)
      .send({ allowedAddresses: ['10.0.0.0/24', '10.0.0.300'] })
      .expect(400);
    expect(bad.body.error.message).toMatch(/"10\.0\.0\.300" is not an IP address or a CIDR range/);
    const allowed = (
      await admin.http
        .patch(`/api/v1/sources/${source.id}`)
        .send({ allowedAddresses: ['10.0.0.0/24', ' 2001:db8::/32 '] })
        .expect(200)
    ).body;
    expect(allowed.allowedAddresses).toEqual(['10.0.0.0/24', '2001:db8::/32']);

    const revoked = (await admin.http.post(`/api/v1/sources/${source.id}/revoke`).expect(200)).body;
    expect(revoked.revoked).toBe(true);
    await post(rotated.token, ndjson([eventRecord(5)])).expect(401);

    const actions = (
      await t.services.db
        .selectFrom('audit_entries')
        .select('action')
        .where('targetType', '=', 'source')
        .orderBy('seq')
        .execute()
    ).map((a) => a.action);
    expect(actions.filter((a) => a.startsWith('source.'))).toEqual([
      'source.created',
      'source.token_rotated',
      'source.updated',
      'source.updated',
      'source.updated',
      'source.token_revoked',
    ]);
  });

  it('is for admins only (sources:manage)', async () => {
    const analyst = await t.as('analyst');
    await analyst.http.get('/api/v1/sources').expect(403);
    await analyst.http.post('/api/v1/sources').send({ name: 'x', kind: 'ehr' }).expect(403);
    await t.http.get('/api/v1/sources').expect(401);
    expect(
      (await admin.http.post('/api/v1/sources').send({ name: 'x', kind: 'mainframe' }).expect(400)).body.error.message,
    ).toMatch(/kind/);
  });
});

describe('CLI: vigie source create / list', () => {
  it('creates a source, prints its token alone on stdout, and lists it', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      VIGIE_DATA_DIR: tempDir(),
      VIGIE_SECRET_KEY: '0f'.repeat(32),
      VIGIE_LOG_LEVEL: 'warn',
    };
    delete env.VIGIE_DATABASE_URL;
    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { env });
    const created = await cli('source', 'create', '--name', 'DxCare', '--kind', 'ehr');
    expect(created.stdout.trim()).toMatch(/^vgi_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toMatch(/source "DxCare" \(ehr\) created/);
    const list = await cli('source', 'list');
    expect(list.stdout).toMatch(new RegExp(`DxCare  \\[ehr, enabled\\].*token ${created.stdout.trim().slice(0, 10)}…`));
    await expect(cli('source', 'create', '--name', 'X', '--kind', 'mainframe')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--kind must be one of/),
    });
    await expect(cli('source', 'create', '--name', 'DxCare', '--kind', 'ehr')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/already exists/),
    });
    const purge = await cli('events', 'purge');
    expect(purge.stdout).toMatch(/^purged 0 access event\(s\) older than .* \(365 days\)/);
  }, 120_000);
});
