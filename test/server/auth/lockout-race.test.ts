// Issue 11, item 11: the lockout holds against guesses fired in parallel.
// Checking the lock, verifying and counting are one step per account, in this
// process (a queue) and across instances (PostgreSQL advisory lock).
import request from 'supertest';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createApp, type VigieApp } from '../../../server/app.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { cookieFrom, inviteAndEnrol, nextStep, type EnrolledUser } from '../../support/auth-flow.ts';
import { describeEachDialect } from '../../support/db.ts';
import { captureLogger } from '../../support/log.ts';

const POLICY = 5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await sleep(10);
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

async function auditCount(t: TestApp, action: string): Promise<number> {
  return (await t.store.db.selectFrom('audit_entries').select('action').where('action', '=', action).execute()).length;
}

describeEachDialect('lockout under parallel guesses', (dialect) => {
  let t: TestApp;
  let base: string;
  let user: EnrolledUser;
  /** Passwords actually checked against a hash, in order. */
  let checked: string[];

  beforeEach(async () => {
    t = await createTestApp({ dialect });
    base = await t.listen();
    user = await inviteAndEnrol(t, { roles: ['analyst'] });
    nextStep(t);
    checked = [];
    const real = t.services.passwords.verify;
    // Each check takes a little longer than argon2 alone, so that guesses overlap for sure.
    vi.spyOn(t.services.passwords, 'verify').mockImplementation(async (hash, password) => {
      checked.push(password);
      await sleep(30);
      return real(hash, password);
    });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await t.close();
  });

  const post = (url: string, body: object, cookie?: string) => {
    const r = request(base).post(url).set('Origin', t.config.publicOrigin);
    if (cookie) r.set('Cookie', cookie);
    return r.send(body);
  };

  it('checks at most five of 40 wrong passwords fired together, and refuses the right one once locked', async () => {
    const wrong = Array.from({ length: 40 }, (_, i) =>
      post('/api/v1/auth/login', { email: user.email, password: `wrong-password-${i}` }).then((r) => r),
    );
    // The right password arrives while the fifth wrong one is being checked:
    // today it passes the lock check before any failure is counted.
    await until(() => checked.length >= POLICY, 'the fifth check');
    const right = await post('/api/v1/auth/login', { email: user.email, password: user.password });
    const answers = await Promise.all(wrong);

    expect(checked.filter((p) => p !== user.password)).toHaveLength(POLICY);
    expect(checked).not.toContain(user.password);
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe('auth.locked');
    expect(answers.filter((r) => r.status === 401)).toHaveLength(POLICY - 1);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(40 - (POLICY - 1));
    expect(await auditCount(t, 'user.login_failed')).toBe(POLICY);
    expect(await auditCount(t, 'user.locked')).toBe(1);

    // After the delay the account opens again.
    t.clock.advance(5 * 60_000 + 1000);
    await post('/api/v1/auth/login', { email: user.email, password: user.password }).expect(200);
  });

  it('checks at most five of 200 TOTP guesses fired together on one half-open login', async () => {
    const first = await post('/api/v1/auth/login', { email: user.email, password: user.password }).expect(200);
    const preauth = cookieFrom(first);
    const now = t.clock.now();
    const valid = new Set([-1, 0, 1].map((d) => user.app.codeAt(now, d)));
    const guesses: string[] = [];
    for (let n = 100_000; guesses.length < 200; n += 7919) if (!valid.has(String(n))) guesses.push(String(n));

    const answers = await Promise.all(
      guesses.map((code) => post('/api/v1/auth/mfa', { code }, preauth).then((r) => r)),
    );

    expect(await auditCount(t, 'user.login_failed')).toBe(POLICY);
    expect(answers.filter((r) => r.status === 200)).toHaveLength(0);
    expect(answers.filter((r) => r.status === 401 && r.body.error.code === 'auth.invalid_code')).toHaveLength(
      POLICY - 1,
    );
    // The rest were refused without a check: the lock, or the half-open login it ended.
    for (const r of answers.filter((a) => a.status !== 401 || a.body.error.code !== 'auth.invalid_code')) {
      expect(['auth.locked', 'auth.mfa_not_started']).toContain(r.body.error.code);
    }
    // The right code after the lock is refused too.
    const late = await post('/api/v1/auth/mfa', { code: user.app.codeAt(t.clock.now()) }, preauth);
    expect(late.status).not.toBe(200);
  });

  it('serialises the re-authentication of a password change the same way', async () => {
    const full = await post('/api/v1/auth/login', { email: user.email, password: user.password }).expect(200);
    const mfa = await post('/api/v1/auth/mfa', { code: user.app.codeAt(t.clock.now()) }, cookieFrom(full)).expect(200);
    const cookie = cookieFrom(mfa);
    checked.length = 0;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post(
          '/api/v1/auth/password',
          { currentPassword: `wrong-password-${i}`, newPassword: 'Ruisseau-Clocher-Ardoise-93', code: '000000' },
          cookie,
        ).then((r) => r),
      ),
    );
    expect(checked).toHaveLength(POLICY);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(20 - (POLICY - 1));
    expect(await auditCount(t, 'user.reauth_failed')).toBe(POLICY);
  });

  it('counts at most five wrong enrolment codes of one link fired together', async () => {
    const invited = await t.services.userAdmin.invite(
      { kind: 'cli' },
      { email: 'nouveau@clinique.test', name: 'Nouveau', roles: ['reporter'] },
    );
    const token = invited.link.url.split('/enrol/')[1]!;
    await post(`/api/v1/auth/enrol/${token}/password`, { password: 'Ruisseau-Clocher-Ardoise-93' }).expect(204);
    await post(`/api/v1/auth/enrol/${token}/totp`, {}).expect(200);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        post(`/api/v1/auth/enrol/${token}/confirm`, { code: String(100_000 + i * 7919) }).then((r) => r),
      ),
    );
    expect(await auditCount(t, 'user.enrol_failed')).toBeLessThanOrEqual(POLICY);
    expect(answers.filter((r) => r.status === 400)).toHaveLength(POLICY);
    expect(answers.filter((r) => r.status === 409).every((r) => r.body.error.code === 'enrolment.totp_first')).toBe(
      true,
    );
  });
});

describeEachDialect('lockout across two instances', (dialect) => {
  // Two Vigies on one database, each with its own in-process queue: only the
  // database lock serialises them. SQLite is served by one process.
  if (dialect === 'sqlite') return void it.skip('SQLite has one instance per database file', () => {});
  let t: TestApp;
  let other: VigieApp;
  beforeEach(async () => {
    t = await createTestApp({ dialect });
    other = createApp({
      config: t.config,
      store: t.store,
      log: captureLogger().log,
      clock: t.clock,
      clientDir: '/nonexistent',
    });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await other.close();
    await t.close();
  });

  it('checks at most five of 40 wrong passwords spread over both', async () => {
    const user = await inviteAndEnrol(t, { roles: ['analyst'] });
    let checks = 0;
    for (const services of [t.services, other.services]) {
      const real = services.passwords.verify;
      vi.spyOn(services.passwords, 'verify').mockImplementation(async (hash, password) => {
        checks++;
        await sleep(30);
        return real(hash, password);
      });
    }
    const apps = [t.vigie.app, other.app];
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        request(apps[i % 2]!)
          .post('/api/v1/auth/login')
          .set('Origin', t.config.publicOrigin)
          .send({ email: user.email, password: `wrong-password-${i}` })
          .then((r) => r),
      ),
    );
    expect(checks).toBe(POLICY);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(40 - (POLICY - 1));
    expect(await auditCount(t, 'user.login_failed')).toBe(POLICY);
  });
});
