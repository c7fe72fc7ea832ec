// The login contract: POST /auth/login then POST /auth/mfa, with lockout,
// replay refusal, recovery codes and sessions whose token changes.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createPasswordHasher } from '../../../server/auth/password.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { cookieFrom, inviteAndEnrol, login, nextStep, type EnrolledUser } from '../../support/auth-flow.ts';
import { describeEachDialect } from '../../support/db.ts';

const GENERIC = { code: 'auth.invalid_credentials', message: 'Incorrect email or password' };

async function auditActions(t: TestApp) {
  return (
    await t.store.db.selectFrom('audit_entries').select(['action', 'targetId', 'details']).orderBy('seq').execute()
  ).map((e) => ({ ...e, details: JSON.parse(e.details) }));
}

describeEachDialect('login', (dialect) => {
  let t: TestApp;
  let user: EnrolledUser;
  beforeEach(async () => {
    t = await createTestApp({ dialect });
    user = await inviteAndEnrol(t, { roles: ['analyst'] });
    nextStep(t); // the enrolment used the current step
  });
  afterEach(() => t.close());

  it('logs in with password then TOTP code; each step gives a new session token', async () => {
    const first = await t.http
      .post('/api/v1/auth/login')
      .set('Cookie', user.cookie)
      .send({ email: user.email.toUpperCase(), password: user.password })
      .expect(200);
    expect(first.body).toEqual({ next: 'mfa' });
    const preauth = cookieFrom(first);
    expect(preauth).not.toBe(user.cookie);
    expect(first.headers['set-cookie']![0]).toMatch(/HttpOnly/i);
    expect(first.headers['set-cookie']![0]).toMatch(/SameSite=Strict/i);
    // The earlier session of this browser ended; the pre-authentication one is not a login.
    await t.http.get('/api/v1/auth/me').set('Cookie', user.cookie).expect(401);
    await t.http.get('/api/v1/auth/me').set('Cookie', preauth).expect(401);

    const second = await t.http
      .post('/api/v1/auth/mfa')
      .set('Cookie', preauth)
      .send({ code: user.app.codeAt(t.clock.now()) })
      .expect(200);
    expect(second.body.user).toMatchObject({ id: user.id, email: user.email });
    expect(second.body.roles).toEqual(['analyst']);
    const full = cookieFrom(second);
    expect(full).not.toBe(preauth);
    await t.http.get('/api/v1/auth/me').set('Cookie', full).expect(200);
    await t.http.get('/api/v1/auth/me').set('Cookie', preauth).expect(401);
    await t.http
      .post('/api/v1/auth/mfa')
      .set('Cookie', preauth)
      .send({ code: user.app.codeAt(t.clock.now()) })
      .expect(401);

    const actions = (await auditActions(t)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['user.login_password', 'user.login']));
    const logins = (await auditActions(t)).filter((a) => a.action === 'user.login');
    expect(logins.at(-1)).toMatchObject({ targetId: user.id, details: { method: 'totp' } });
  });

  it('answers the same generic 401 for a wrong password, an unknown email and an account not yet enrolled, after the same argon2 work', async () => {
    const verify = vi.spyOn(t.services.passwords, 'verify');
    const wrong = await t.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: 'not-the-password-at-all' })
      .expect(401);
    const unknown = await t.http
      .post('/api/v1/auth/login')
      .send({ email: 'nobody@clinique.test', password: user.password })
      .expect(401);
    const invited = await t.services.userAdmin.invite(
      { kind: 'cli' },
      { email: 'pending@clinique.test', name: 'P', roles: ['reporter'] },
    );
    const notEnrolled = await t.http
      .post('/api/v1/auth/login')
      .send({ email: 'pending@clinique.test', password: user.password })
      .expect(401);
    for (const res of [wrong, unknown, notEnrolled]) {
      expect(res.body.error).toMatchObject(GENERIC);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    // An unknown or unusable account is still checked against a (dummy) hash.
    expect(verify).toHaveBeenCalledTimes(3);
    expect(verify.mock.calls[1]![0]).toBeNull();
    expect(verify.mock.calls[2]![0]).toBeNull();
    expect(invited.id).toBeTruthy();

    // And takes comparable time (argon2 dominates both).
    const time = async (email: string) => {
      const start = performance.now();
      await t.http.post('/api/v1/auth/login').send({ email, password: 'x'.repeat(14) });
      return performance.now() - start;
    };
    const known = [await time(user.email), await time(user.email)];
    const absent = [await time('ghost1@clinique.test'), await time('ghost2@clinique.test')];
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(avg(absent)).toBeGreaterThan(avg(known) * 0.4);
  });

  it('refuses a replayed code, and codes two steps away; accepts the code of the step before', async () => {
    const code = user.app.codeAt(t.clock.now());
    expect((await login(t, user.email, user.password, code)).second.status).toBe(200);
    const replay = await login(t, user.email, user.password, code);
    expect(replay.second.status).toBe(401);
    expect(replay.second.body.error.code).toBe('auth.invalid_code');

    nextStep(t);
    nextStep(t);
    expect((await login(t, user.email, user.password, user.app.codeAt(t.clock.now(), -2))).second.status).toBe(401);
    expect((await login(t, user.email, user.password, user.app.codeAt(t.clock.now(), 2))).second.status).toBe(401);
    expect((await login(t, user.email, user.password, user.app.codeAt(t.clock.now(), -1))).second.status).toBe(200);
    // The step before the last accepted one is now refused too.
    expect((await login(t, user.email, user.password, user.app.codeAt(t.clock.now(), -2))).second.status).toBe(401);
  });

  it('locks the account after five wrong passwords, audits it, and lets it in again after the delay', async () => {
    for (let i = 1; i <= 4; i++)
      await t.http
        .post('/api/v1/auth/login')
        .send({ email: user.email, password: `wrong-password-${i}` })
        .expect(401);
    const fifth = await t.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: 'wrong-password-5' })
      .expect(429);
    expect(fifth.body.error.code).toBe('auth.locked');
    expect(Number(fifth.headers['retry-after'])).toBe(300);
    // Even the right password is refused while locked.
    await t.http.post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(429);
    t.clock.advance(299_000);
    await t.http.post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(429);
    t.clock.advance(2_000);
    const { second } = await login(t, user.email, user.password, user.app.codeAt(t.clock.now()));
    expect(second.status).toBe(200);

    const audit = await auditActions(t);
    expect(audit.filter((a) => a.action === 'user.login_failed' && a.details.reason === 'wrong_password')).toHaveLength(
      5,
    );
    expect(audit.find((a) => a.action === 'user.locked')).toMatchObject({
      targetId: user.id,
      details: { lockouts: 1 },
    });
  });

  it('makes each new lock longer, until a full login resets it', async () => {
    const fail5 = async () => {
      for (let i = 0; i < 5; i++)
        await t.http.post('/api/v1/auth/login').send({ email: user.email, password: `wrong-password-${i}` });
    };
    await fail5();
    t.clock.advance(5 * 60_000 + 1000);
    await fail5();
    const res = await t.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(9 * 60);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(10 * 60);
    t.clock.advance(10 * 60_000 + 1000);
    expect((await login(t, user.email, user.password, user.app.codeAt(t.clock.now()))).second.status).toBe(200);
    await fail5();
    const again = await t.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(429);
    expect(Number(again.headers['retry-after'])).toBe(300);
  });

  it('counts wrong codes with wrong passwords: five of either lock the account and end the half-open login', async () => {
    await t.http.post('/api/v1/auth/login').send({ email: user.email, password: 'wrong-password-1' }).expect(401);
    await t.http.post('/api/v1/auth/login').send({ email: user.email, password: 'wrong-password-2' }).expect(401);
    const first = await t.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);
    const preauth = cookieFrom(first);
    await t.http.post('/api/v1/auth/mfa').set('Cookie', preauth).send({ code: '000000' }).expect(401);
    await t.http.post('/api/v1/auth/mfa').set('Cookie', preauth).send({ code: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ' }).expect(401);
    const locked = await t.http.post('/api/v1/auth/mfa').set('Cookie', preauth).send({ code: '111111' }).expect(429);
    expect(locked.body.error.code).toBe('auth.locked');
    await t.http
      .post('/api/v1/auth/mfa')
      .set('Cookie', preauth)
      .send({ code: user.app.codeAt(t.clock.now()) })
      .expect(401);
  });

  it('unknown emails lock the same way, so a lock tells nothing about which emails exist', async () => {
    for (let i = 0; i < 4; i++)
      await t.http
        .post('/api/v1/auth/login')
        .send({ email: 'ghost@clinique.test', password: `wrong-password-${i}` })
        .expect(401);
    await t.http
      .post('/api/v1/auth/login')
      .send({ email: 'ghost@clinique.test', password: 'wrong-password-5' })
      .expect(429);
    const rows = await t.store.db.selectFrom('login_throttle').select('subject').execute();
    expect(rows.map((r) => r.subject).join()).not.toContain('ghost');
  });

  it('accepts a recovery code once, and says how many are left in the audit', async () => {
    const code = user.recoveryCodes[3]!;
    const first = await login(t, user.email, user.password, code.toLowerCase().replace(/-/g, ' '));
    expect(first.second.status).toBe(200);
    const again = await login(t, user.email, user.password, code);
    expect(again.second.status).toBe(401);
    const audit = await auditActions(t);
    expect(audit.filter((a) => a.action === 'user.login').at(-1)!.details).toMatchObject({
      method: 'recovery',
      recoveryCodesLeft: 9,
    });
  });

  it('refuses /auth/mfa without a pre-authentication session, and checks the body', async () => {
    const res = await t.http.post('/api/v1/auth/mfa').send({ code: '123456' }).expect(401);
    expect(res.body.error.code).toBe('auth.mfa_not_started');
    const bad = await t.http.post('/api/v1/auth/login').send({ email: user.email }).expect(400);
    expect(bad.body.error.message).toMatch(/password/);
  });

  it('refuses a login without CSRF proof (no Origin, or a foreign one)', async () => {
    await t.http.raw.post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(403);
    await t.http.raw
      .post('/api/v1/auth/login')
      .set('Origin', 'https://evil.example')
      .send({ email: user.email, password: user.password })
      .expect(403);
  });

  it('rehashes a password stored with other argon2 parameters at the next login', async () => {
    const old = await createPasswordHasher({ memoryCost: 8192, timeCost: 3, parallelism: 1 }).hash(user.password);
    await t.services.users.update(t.services.db, user.id, { passwordHash: old });
    expect((await login(t, user.email, user.password, user.app.codeAt(t.clock.now()))).second.status).toBe(200);
    const { passwordHash } = (await t.services.users.findById(t.services.db, user.id))!;
    expect(passwordHash).not.toBe(old);
    expect(t.services.passwords.needsRehash(passwordHash!)).toBe(false);
  });

  it('ends a pre-authentication session after five minutes', async () => {
    const first = await t.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);
    t.clock.advance(5 * 60_000 + 1);
    await t.http
      .post('/api/v1/auth/mfa')
      .set('Cookie', cookieFrom(first))
      .send({ code: user.app.codeAt(t.clock.now()) })
      .expect(401);
  });
});

describeEachDialect('login throttling per address', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ dialect, env: { VIGIE_LOGIN_ADDRESS_MAX_FAILURES: '6' } });
  });
  afterEach(() => t.close());

  it('locks an address that fails too often, whatever emails it tries, and audits it', async () => {
    for (let i = 0; i < 5; i++)
      await t.http
        .post('/api/v1/auth/login')
        .send({ email: `spray${i}@clinique.test`, password: 'Printemps2026!' })
        .expect(401);
    await t.http
      .post('/api/v1/auth/login')
      .send({ email: 'spray5@clinique.test', password: 'Printemps2026!' })
      .expect(401);
    const res = await t.http
      .post('/api/v1/auth/login')
      .send({ email: 'someone-else@clinique.test', password: 'x'.repeat(12) })
      .expect(429);
    expect(Number(res.headers['retry-after'])).toBe(15 * 60);
    const actions = (await t.store.db.selectFrom('audit_entries').select('action').execute()).map((r) => r.action);
    expect(actions).toContain('auth.address_locked');
    t.clock.advance(15 * 60_000 + 1000);
    await t.http
      .post('/api/v1/auth/login')
      .send({ email: 'someone-else@clinique.test', password: 'x'.repeat(12) })
      .expect(401);
  });
});
