// What a user does to their own account: change the password (current
// password + code), list and revoke sessions, renew recovery codes.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { inviteAndEnrol, login, nextStep, type EnrolledUser } from '../../support/auth-flow.ts';
import { describeEachDialect } from '../../support/db.ts';

const NEW_PASSWORD = 'Brume-Matinale-Sur-Le-Port-9';

describeEachDialect('own account', (dialect) => {
  let t: TestApp;
  let user: EnrolledUser;
  beforeEach(async () => {
    t = await createTestApp({ dialect });
    user = await inviteAndEnrol(t, { roles: ['reporter'] });
    nextStep(t);
  });
  afterEach(() => t.close());

  const as = (cookie: string) => ({
    post: (url: string) => t.http.post(url).set('Cookie', cookie),
    get: (url: string) => t.http.get(url).set('Cookie', cookie),
  });

  it('changes the password with the current one and a code; other sessions end, this one stays', async () => {
    const other = await login(t, user.email, user.password, user.app.codeAt(t.clock.now()));
    nextStep(t);
    const me = as(user.cookie);
    await me
      .post('/api/v1/auth/password')
      .send({ currentPassword: user.password, newPassword: NEW_PASSWORD, code: user.app.codeAt(t.clock.now()) })
      .expect(204);
    await me.get('/api/v1/auth/me').expect(200);
    await as(other.cookie!).get('/api/v1/auth/me').expect(401);
    nextStep(t);
    await t.http.post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(401);
    expect((await login(t, user.email, NEW_PASSWORD, user.app.codeAt(t.clock.now()))).second.status).toBe(200);
    const entry = await t.store.db
      .selectFrom('audit_entries')
      .select(['details'])
      .where('action', '=', 'user.password_change')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(entry.details)).toEqual({ sessionsEnded: 1 });
  });

  it('refuses a wrong current password or code with one message, counts it, and checks the new password', async () => {
    const me = as(user.cookie);
    const wrongPassword = await me
      .post('/api/v1/auth/password')
      .send({ currentPassword: 'not-my-password', newPassword: NEW_PASSWORD, code: user.app.codeAt(t.clock.now()) })
      .expect(400);
    const wrongCode = await me
      .post('/api/v1/auth/password')
      .send({ currentPassword: user.password, newPassword: NEW_PASSWORD, code: '000000' })
      .expect(400);
    expect(wrongPassword.body.error.code).toBe('auth.reauth_failed');
    expect(wrongCode.body.error.message).toBe(wrongPassword.body.error.message);
    const weak = await me
      .post('/api/v1/auth/password')
      .send({ currentPassword: user.password, newPassword: 'password1234', code: user.app.codeAt(t.clock.now()) })
      .expect(400);
    expect(weak.body.error.code).toBe('password.common');
    for (let i = 0; i < 2; i++)
      await me
        .post('/api/v1/auth/password')
        .send({ currentPassword: 'nope-nope-nope', newPassword: NEW_PASSWORD, code: '000000' })
        .expect(400);
    const locked = await me
      .post('/api/v1/auth/password')
      .send({ currentPassword: 'nope-nope-nope', newPassword: NEW_PASSWORD, code: '000000' })
      .expect(429);
    expect(locked.body.error.code).toBe('auth.locked');
  });

  it('lists own sessions, marks the current one, and revokes another', async () => {
    const other = await login(t, user.email, user.password, user.app.codeAt(t.clock.now()));
    const list = await as(user.cookie).get('/api/v1/auth/sessions').expect(200);
    expect(list.body.items).toHaveLength(2);
    const mine = list.body.items.find((s: { current: boolean }) => s.current);
    const theirs = list.body.items.find((s: { current: boolean }) => !s.current);
    expect(mine).toBeTruthy();
    await t.http.delete(`/api/v1/auth/sessions/${theirs.id}`).set('Cookie', user.cookie).expect(204);
    await as(other.cookie!).get('/api/v1/auth/me').expect(401);
  });

  it('asks a fresh code for a sensitive action: each step once, audited, failures counted', async () => {
    const actor = { kind: 'user' as const, id: user.id, roles: ['reporter' as const], sessionId: 's' };
    const code = user.app.codeAt(t.clock.now());
    await t.services.account.stepUp(actor, code, 'notification.approve');
    await expect(t.services.account.stepUp(actor, code, 'notification.approve')).rejects.toMatchObject({
      code: 'auth.step_up_failed',
    });
    const entries = await t.store.db
      .selectFrom('audit_entries')
      .select(['action', 'details'])
      .where('action', 'in', ['user.step_up', 'user.reauth_failed'])
      .orderBy('seq')
      .execute();
    expect(entries.map((e) => e.action)).toEqual(['user.step_up', 'user.reauth_failed']);
    expect(JSON.parse(entries[0]!.details)).toEqual({ purpose: 'notification.approve' });
  });

  it('renews the recovery codes: ten new ones work, the old ones do not', async () => {
    const me = as(user.cookie);
    expect((await me.get('/api/v1/auth/recovery-codes').expect(200)).body).toEqual({ left: 10 });
    const res = await me
      .post('/api/v1/auth/recovery-codes')
      .send({ password: user.password, code: user.app.codeAt(t.clock.now()) })
      .expect(200);
    expect(res.body.recoveryCodes).toHaveLength(10);
    expect(res.body.recoveryCodes).not.toContain(user.recoveryCodes[0]);
    expect((await login(t, user.email, user.password, user.recoveryCodes[0]!)).second.status).toBe(401);
    expect((await login(t, user.email, user.password, res.body.recoveryCodes[0])).second.status).toBe(200);
  });
});
