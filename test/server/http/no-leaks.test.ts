// What a browser or a log may keep of a session: no /api answer is cached,
// logout clears the browser's copy, and a one-time enrolment token never
// reaches the request log, whatever the case or encoding of its path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggablePath } from '../../../server/http/request-context.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';

describe('caching and logout', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('sends Cache-Control: no-store on every /api answer: data, errors, 404s, ingest', async () => {
    const { http } = await t.as('analyst');
    const answers: { headers: Record<string, string> }[] = [
      await http.get('/api/v1/auth/me').expect(200),
      await http.get('/api/v1/alerts').expect(200),
      await http.get('/api/v1/alerts/424242').expect(404),
      await http.get('/api/v1/alerts?limit=0').expect(400),
      await http.get('/api/v1/nothing-here').expect(404),
      await http.get('/api/v2/x').expect(404),
      await t.http.get('/api/v1/auth/me').expect(401),
      await t.http.raw.post('/api/v1/ingest/events').set('Content-Type', 'application/json').send('{}').expect(401),
      await t.http.raw.post('/api/v1/ingest/events').set('Authorization', 'Bearer vgi_wrong').send('{}').expect(401),
    ];
    expect(answers.map((res) => res.headers['cache-control'])).toEqual(answers.map(() => 'no-store'));
  });

  it('tells the browser to clear its cache, cookies and storage at logout', async () => {
    const { http } = await t.as('reporter');
    const res = await http.post('/api/v1/auth/logout').expect(204);
    expect(res.headers['clear-site-data']).toBe('"cache", "cookies", "storage"');
    // Even without a session (an expired tab logging out).
    expect((await t.http.post('/api/v1/auth/logout').expect(204)).headers['clear-site-data']).toBe(
      '"cache", "cookies", "storage"',
    );
  });

  it('never logs an enrolment token, whatever the case or encoding of the path', async () => {
    const token = 'Tok3nSecretValue_abcdefghijklmnop';
    for (const path of [
      `/api/v1/auth/Enrol/${token}`,
      `/api/v1/AUTH/ENROL/${token}/password`,
      `/api/v1/auth/%65nrol/${token}`,
      `/api/v1/auth/enrol%2F${token}`,
      `/api/V1/auth/eNrOl/${token}/`,
    ]) {
      await t.http.get(path);
    }
    const requests = t.logs.lines
      .map((l) => JSON.parse(l) as { message: string; path?: string })
      .filter((l) => l.message === 'request');
    expect(requests.length).toBeGreaterThanOrEqual(5);
    expect(t.logs.text()).not.toContain(token);
    expect(t.logs.text().toLowerCase()).not.toContain(token.toLowerCase());
  });
});

describe('loggablePath', () => {
  it('masks the segment after "enrol" in any case, decoded, double-encoded, behind empty segments or an encoded slash', () => {
    expect(loggablePath('/api/v1/auth/enrol/abc')).toBe('/api/v1/auth/enrol/:token');
    expect(loggablePath('/api/v1/auth/Enrol/abc')).toBe('/api/v1/auth/Enrol/:token');
    expect(loggablePath('/api/v1/AUTH/ENROL/abc/totp')).toBe('/api/v1/AUTH/ENROL/:token/totp');
    expect(loggablePath('/api/v1/auth/%65nrol/abc')).toBe('/api/v1/auth/enrol/:token');
    expect(loggablePath('/api/v1/auth/%2565nrol/abc')).toBe('/api/v1/auth/enrol/:token');
    expect(loggablePath('/api/v1/auth/enrol//abc')).toBe('/api/v1/auth/enrol//:token');
    expect(loggablePath('/api/v1/auth/enrol/ab%2Fc')).toBe('/api/v1/auth/enrol/:token');
    expect(loggablePath('/api/v1/auth/enrol%2Fabc/x')).toBe('/api/v1/auth/enrol/:token/x');
    expect(loggablePath('/enrol/abc')).toBe('/enrol/:token');
    expect(loggablePath('/api/v1/auth/enrol/%E0%A4%A')).toBe('/api/v1/auth/enrol/:token');
    expect(loggablePath('/api/v1/alerts/12')).toBe('/api/v1/alerts/12');
  });
});
