import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.ts';

describe('app foundation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers /healthz and /readyz with JSON', async () => {
    const health = await t.http.get('/healthz').expect(200);
    expect(health.body.status).toBe('ok');
    const ready = await t.http.get('/readyz').expect(200);
    expect(ready.body).toEqual({ status: 'ready', database: 'sqlite' });
  });

  it('sends a strict Content-Security-Policy and security headers', async () => {
    const res = await t.http.get('/healthz');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-request-id']).toMatch(/[0-9a-f-]{36}/);
  });

  it('answers unknown /api routes with a 404 JSON error carrying the request id', async () => {
    const { http } = await t.as('analyst');
    const res = await http.get('/api/v1/nothing-here').set('X-Request-Id', 'req-test-0001').expect(404);
    expect(res.body).toEqual({
      error: { code: 'route.not_found', message: 'No route GET /api/v1/nothing-here', requestId: 'req-test-0001' },
    });
    const outside = await http.get('/api/v2/x').expect(404);
    expect(outside.body.error.code).toBe('route.not_found');
  });

  it('refuses anonymous requests to /api with 401, before revealing whether a route exists', async () => {
    const res = await t.http.get('/api/v1/auth/me').expect(401);
    expect(res.body.error.code).toBe('auth.required');
    await t.http.get('/api/v1/nothing-here').expect(401);
  });

  it('answers a malformed JSON body with 400 and a clear code', async () => {
    const { http } = await t.as('analyst');
    const res = await http
      .post('/api/v1/auth/logout')
      .set('Content-Type', 'application/json')
      .send('{"a":')
      .expect(400);
    expect(res.body.error.code).toBe('body.malformed');
  });

  it('tells the browser the console is not built instead of a blank page', async () => {
    const res = await t.http.get('/alerts').set('Accept', 'text/html').expect(503);
    expect(res.text).toMatch(/npm run build/);
  });
});

describe('unknown errors', () => {
  it('are logged with the request id and answered with a generic 500', async () => {
    const t = await createTestApp();
    const { http } = await t.as('analyst');
    // Break the database underneath the app: resolving the session fails.
    await t.store.close();
    const res = await http.get('/api/v1/auth/me').set('X-Request-Id', 'req-broken-0001').expect(500);
    expect(res.body).toEqual({ error: { code: 'internal', message: 'Internal error', requestId: 'req-broken-0001' } });
    expect(t.logs.text()).toMatch(/"requestId":"req-broken-0001"/);
    const ready = await t.http.get('/readyz').expect(503);
    expect(ready.body.status).toBe('unavailable');
    await t.vigie.close();
  });
});
