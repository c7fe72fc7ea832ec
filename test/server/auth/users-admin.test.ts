// Administration of accounts over HTTP, and what it does to live sessions and sockets.
import type { Socket } from 'socket.io-client';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { cliActor } from '../../../server/actor.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { enrolThroughLink, GOOD_PASSWORD, login, nextStep, tokenOf } from '../../support/auth-flow.ts';
import { describeEachDialect } from '../../support/db.ts';

function connected(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.on('connect', () => resolve('connected'));
    socket.on('connect_error', (err) => resolve(err.message));
  });
}
function ended(socket: Socket): Promise<{ reason: string; disconnect: string }> {
  return new Promise((resolve) => {
    let reason = '';
    socket.on('session.ended', (info) => (reason = info.reason));
    socket.on('disconnect', (why) => resolve({ reason, disconnect: why }));
  });
}

describeEachDialect('user administration', (dialect) => {
  let t: TestApp;
  let admin: Awaited<ReturnType<TestApp['as']>>;
  beforeEach(async () => {
    t = await createTestApp({ dialect });
    admin = await t.as('admin');
  });
  afterEach(() => t.close());

  async function invite(roles = ['analyst'], email = `u${Math.random().toString(36).slice(2, 8)}@clinique.test`) {
    const res = await admin.http.post('/api/v1/users').send({ email, name: 'Nadia Benali', roles }).expect(201);
    return { id: res.body.user.id as string, email, url: res.body.enrolmentUrl as string, body: res.body };
  }

  it('invites a user: 201 with the user and an enrolment link; audited; the list shows them invited', async () => {
    const { id, url, body } = await invite(['analyst', 'approver']);
    expect(url).toMatch(/^http:\/\/localhost:3000\/enrol\/[A-Za-z0-9_-]{43}$/);
    expect(body.user).toMatchObject({
      status: 'invited',
      roles: ['analyst', 'approver'],
      mfaEnrolled: false,
      lastLoginAt: null,
    });
    expect(body.expiresAt).toBe(t.clock.now() + 72 * 3_600_000);
    const list = await admin.http.get('/api/v1/users').expect(200);
    expect(list.body.items.find((u: { id: string }) => u.id === id)).toMatchObject({
      status: 'invited',
      linkExpiresAt: body.expiresAt,
    });
    const entry = await t.store.db
      .selectFrom('audit_entries')
      .select(['action', 'actor', 'details'])
      .where('action', '=', 'user.invite')
      .executeTakeFirstOrThrow();
    expect(entry.actor).toBe(`user:${admin.userId}`);
    expect(JSON.parse(entry.details).roles).toEqual(['analyst', 'approver']);
  });

  it('refuses a second account with the same email, and bad input, naming the field', async () => {
    const { email } = await invite();
    expect(
      (
        await admin.http
          .post('/api/v1/users')
          .send({ email: email.toUpperCase(), name: 'X', roles: ['reporter'] })
          .expect(409)
      ).body.error.code,
    ).toBe('user.exists');
    const bad = await admin.http
      .post('/api/v1/users')
      .send({ email: 'not-an-email', name: 'X', roles: ['boss'] })
      .expect(400);
    expect(bad.body.error.message).toMatch(/email/);
    const noRole = await admin.http
      .post('/api/v1/users')
      .send({ email: 'ok@clinique.test', name: 'X', roles: [] })
      .expect(400);
    expect(noRole.body.error.message).toMatch(/roles/);
    await admin.http.post('/api/v1/users/not-a-uuid/disable').expect(400);
    await admin.http.post('/api/v1/users/4b0c4f3e-2f7a-4a57-9d5e-8a1d2f3c4b5a/disable').expect(404);
  });

  it('changes roles at once (audited with before and after); the user’s sockets are told to reconnect for their new rooms', async () => {
    const analyst = await t.as('analyst');
    await t.listen();
    const socket = t.socket(analyst.cookie);
    expect(await connected(socket)).toBe('connected');
    const gone = ended(socket);
    const res = await admin.http
      .put(`/api/v1/users/${analyst.userId}/roles`)
      .send({ roles: ['reporter'] })
      .expect(200);
    expect(res.body.roles).toEqual(['reporter']);
    expect(await gone).toEqual({ reason: 'roles_changed', disconnect: 'io server disconnect' });
    const me = await analyst.http.get('/api/v1/auth/me').expect(200);
    expect(me.body.roles).toEqual(['reporter']);
    await analyst.http.get('/api/v1/users').expect(403);
    const entry = await t.store.db
      .selectFrom('audit_entries')
      .select(['details', 'targetId'])
      .where('action', '=', 'user.roles_change')
      .executeTakeFirstOrThrow();
    expect(entry.targetId).toBe(analyst.userId);
    expect(JSON.parse(entry.details)).toEqual({ before: ['analyst'], after: ['reporter'] });
  });

  it('disabling a user ends their sessions and sockets at once; enabling lets them log in again', async () => {
    const { id, email, url } = await invite(['analyst']);
    const enrolled = await enrolThroughLink(t, tokenOf(url));
    await t.listen();
    const socket = t.socket(enrolled.cookie);
    expect(await connected(socket)).toBe('connected');
    const gone = ended(socket);
    const res = await admin.http.post(`/api/v1/users/${id}/disable`).expect(200);
    expect(res.body.status).toBe('disabled');
    expect(await gone).toEqual({ reason: 'disabled', disconnect: 'io server disconnect' });
    await t.http.get('/api/v1/auth/me').set('Cookie', enrolled.cookie).expect(401);
    nextStep(t);
    await t.http.post('/api/v1/auth/login').send({ email, password: GOOD_PASSWORD }).expect(401);
    expect((await admin.http.post(`/api/v1/users/${id}/enable`).expect(200)).body.status).toBe('active');
    expect((await login(t, email, GOOD_PASSWORD, enrolled.app.codeAt(t.clock.now()))).second.status).toBe(200);
  });

  it('resets MFA: sessions and sockets end, a new link is given, the list shows MFA missing', async () => {
    const { id, url } = await invite(['reporter']);
    const enrolled = await enrolThroughLink(t, tokenOf(url));
    await t.listen();
    const socket = t.socket(enrolled.cookie);
    expect(await connected(socket)).toBe('connected');
    const gone = ended(socket);
    const res = await admin.http.post(`/api/v1/users/${id}/reset-mfa`).expect(200);
    expect(res.body.enrolmentUrl).toMatch(/\/enrol\/[A-Za-z0-9_-]{43}$/);
    expect(res.body.user.mfaEnrolled).toBe(false);
    expect(await gone).toEqual({ reason: 'mfa_reset', disconnect: 'io server disconnect' });
    await t.http.get('/api/v1/auth/me').set('Cookie', enrolled.cookie).expect(401);
  });

  it('revokes all of a user’s sessions, and their sockets', async () => {
    const target = await t.as('analyst');
    const second = await t.services.sessions.issue(t.services.db, { userId: target.userId, stage: 'full' });
    await t.listen();
    const socket = t.socket(target.cookie);
    expect(await connected(socket)).toBe('connected');
    const gone = ended(socket);
    const res = await admin.http.post(`/api/v1/users/${target.userId}/revoke-sessions`).expect(200);
    expect(res.body).toEqual({ revoked: 2 });
    expect(await gone).toEqual({ reason: 'revoked', disconnect: 'io server disconnect' });
    await target.http.get('/api/v1/auth/me').expect(401);
    await t.http.get('/api/v1/auth/me').set('Cookie', `vigie_session=${second.token}`).expect(401);
    const entry = await t.store.db
      .selectFrom('audit_entries')
      .select(['details'])
      .where('action', '=', 'user.sessions_revoke')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(entry.details)).toEqual({ sessionsEnded: 2 });
  });

  it('never leaves Vigie without an active administrator, and an admin cannot disable themselves', async () => {
    expect((await admin.http.post(`/api/v1/users/${admin.userId}/disable`).expect(409)).body.error.code).toBe(
      'user.self',
    );
    await expect(t.services.userAdmin.setRoles(cliActor, admin.userId, ['analyst'])).rejects.toMatchObject({
      code: 'user.last_admin',
    });
    const other = await t.as('admin');
    await admin.http
      .put(`/api/v1/users/${other.userId}/roles`)
      .send({ roles: ['analyst'] })
      .expect(200);
  });

  it('refuses that an administrator change their own roles (granting themselves analyst would reveal patients), audits nothing', async () => {
    for (const roles of [['admin', 'analyst'], ['analyst'], ['admin']]) {
      const res = await admin.http.put(`/api/v1/users/${admin.userId}/roles`).send({ roles }).expect(403);
      expect(res.body.error.code).toBe('user.own_roles');
    }
    expect((await admin.http.get('/api/v1/auth/me').expect(200)).body.roles).toEqual(['admin']);
    expect(
      await t.store.db.selectFrom('audit_entries').select('seq').where('action', '=', 'user.roles_change').execute(),
    ).toEqual([]);
    // Another administrator may.
    const other = await t.as('admin');
    await other.http
      .put(`/api/v1/users/${admin.userId}/roles`)
      .send({ roles: ['admin', 'analyst'] })
      .expect(200);
  });

  it('shows a locked account and unlocks it', async () => {
    const { id, email, url } = await invite(['reporter']);
    const enrolled = await enrolThroughLink(t, tokenOf(url));
    for (let i = 0; i < 5; i++)
      await t.http.post('/api/v1/auth/login').send({ email, password: `wrong-password-${i}` });
    const list = await admin.http.get(`/api/v1/users/${id}`).expect(200);
    expect(list.body.lockedUntil).toBe(t.clock.now() + 5 * 60_000);
    expect((await admin.http.post(`/api/v1/users/${id}/unlock`).expect(200)).body.lockedUntil).toBeNull();
    nextStep(t);
    expect((await login(t, email, GOOD_PASSWORD, enrolled.app.codeAt(t.clock.now()))).second.status).toBe(200);
  });

  it('is for admins only: 401 anonymous, 403 for the other roles', async () => {
    await t.http.get('/api/v1/users').expect(401);
    await t.http.post('/api/v1/users').send({}).expect(401);
    for (const role of ['reporter', 'analyst', 'approver'] as const) {
      const other = await t.as(role);
      await other.http.get('/api/v1/users').expect(403);
      await other.http.post(`/api/v1/users/${admin.userId}/disable`).expect(403);
    }
  });
});
