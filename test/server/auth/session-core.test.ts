import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { describeEachDialect } from '../../support/db.ts';
import { createSession, createUser } from '../../support/factories.ts';

describeEachDialect('sessions, permissions and CSRF', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ dialect });
  });
  afterEach(() => t.close());

  it('GET /auth/me answers the user, roles and permissions with a full session', async () => {
    const { http, userId } = await t.as('analyst', 'approver');
    const res = await http.get('/api/v1/auth/me').expect(200);
    expect(res.body.user.id).toBe(userId);
    expect(res.body.roles).toEqual(['analyst', 'approver']);
    expect(res.body.permissions).toContain('alerts:read');
    expect(res.body.permissions).toContain('notifications:approve');
    expect(res.body.permissions).not.toContain('users:manage');
  });

  it('a session that has only passed the password is not a login', async () => {
    const user = await createUser(t.services, { roles: ['admin'] });
    const { token } = await createSession(t.services, user.id, 'password');
    await t.http.get('/api/v1/auth/me').set('Cookie', `vigie_session=${token}`).expect(401);
  });

  it('stores only a hash of the session token', async () => {
    const { cookie } = await t.as('reporter');
    const token = cookie.split('=')[1]!;
    const rows = await t.store.db.selectFrom('sessions').select(['tokenHash']).execute();
    expect(rows.some((r) => r.tokenHash.includes(token))).toBe(false);
    expect(rows[0]!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ends a session after the idle timeout and after the absolute timeout', async () => {
    const { http } = await t.as('reporter');
    t.clock.advance(29 * 60_000);
    await http.get('/api/v1/auth/me').expect(200);
    t.clock.advance(29 * 60_000);
    await http.get('/api/v1/auth/me').expect(200); // activity keeps it alive
    t.clock.advance(31 * 60_000);
    await http.get('/api/v1/auth/me').expect(401);

    const other = await t.as('reporter');
    for (let i = 0; i < 25; i++) {
      t.clock.advance(29 * 60_000);
      const res = await other.http.get('/api/v1/auth/me');
      if (res.status === 401) {
        expect(i * 29).toBeGreaterThanOrEqual(12 * 60 - 29);
        return;
      }
    }
    expect.unreachable('the absolute timeout did not end the session');
  });

  it('refuses a state-changing request without an Origin (CSRF), with a foreign Origin, and accepts same-origin proof', async () => {
    const { cookie, sessionId } = await t.as('reporter');
    const other = await t.as('reporter');
    const noOrigin = await t.http.raw.delete(`/api/v1/auth/sessions/${sessionId}`).set('Cookie', cookie).expect(403);
    expect(noOrigin.body.error.code).toBe('csrf.missing');
    const foreign = await t.http.raw
      .delete(`/api/v1/auth/sessions/${sessionId}`)
      .set('Cookie', cookie)
      .set('Origin', 'https://evil.example')
      .expect(403);
    expect(foreign.body.error.code).toBe('csrf.origin');
    await t.http.raw
      .delete(`/api/v1/auth/sessions/${sessionId}`)
      .set('Cookie', cookie)
      .set('Sec-Fetch-Site', 'same-origin')
      .expect(204);
    await other.http.get('/api/v1/auth/me').expect(200);
  });

  it('a user revokes one of their sessions, which is audited; another user cannot', async () => {
    const a = await t.as('analyst');
    const intruder = await t.as('analyst');
    await intruder.http.delete(`/api/v1/auth/sessions/${a.sessionId}`).expect(404);
    await a.http.get('/api/v1/auth/sessions').expect(200);
    await a.http.delete(`/api/v1/auth/sessions/${a.sessionId}`).expect(204);
    await a.http.get('/api/v1/auth/me').expect(401);
    const entries = await t.store.db.selectFrom('audit_entries').select(['action', 'actor', 'targetId']).execute();
    expect(entries).toContainEqual({ action: 'session.revoke', actor: `user:${a.userId}`, targetId: a.sessionId });
  });

  it('logout ends the session and clears the cookie', async () => {
    const { http } = await t.as('reporter');
    const res = await http.post('/api/v1/auth/logout').expect(204);
    expect(res.headers['set-cookie']?.[0]).toMatch(/vigie_session=;.*Expires=Thu, 01 Jan 1970/);
    await http.get('/api/v1/auth/me').expect(401);
  });
});
