// Enrolment through one-time links: first-run setup, invitation, MFA reset.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { cliActor, systemActor } from '../../../server/actor.ts';
import { announceFirstRun } from '../../../server/auth/setup.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { enrolThroughLink, GOOD_PASSWORD, login, nextStep, tokenOf } from '../../support/auth-flow.ts';
import { authenticatorFromSecret, authenticatorFromUri } from '../../support/authenticator.ts';
import { describeEachDialect } from '../../support/db.ts';

describeEachDialect('enrolment', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ dialect });
  });
  afterEach(() => t.close());

  it('first run: prints a setup link while there is no user; the link creates the first administrator', async () => {
    const printed: string[] = [];
    const url = await announceFirstRun(t.services, (s) => printed.push(s));
    expect(url).toMatch(/^http:\/\/localhost:3000\/enrol\/[A-Za-z0-9_-]{43}$/);
    expect(printed.join('')).toContain(url);
    const token = tokenOf(url!);

    const info = await t.http.get(`/api/v1/auth/enrol/${token}`).expect(200);
    expect(info.body).toMatchObject({ kind: 'setup', email: null, passwordSet: false });
    expect(info.body.expiresAt).toBe(t.clock.now() + 3_600_000);
    // Setup needs to know who the administrator is.
    const noIdentity = await t.http
      .post(`/api/v1/auth/enrol/${token}/password`)
      .send({ password: GOOD_PASSWORD })
      .expect(400);
    expect(noIdentity.body.error.code).toBe('enrolment.identity_required');

    const done = await enrolThroughLink(t, token, GOOD_PASSWORD, {
      email: 'Admin@Clinique.test',
      name: 'Claire Martin',
    });
    expect(done.recoveryCodes).toHaveLength(10);
    expect(new Set(done.recoveryCodes).size).toBe(10);
    const me = await t.http.get('/api/v1/auth/me').set('Cookie', done.cookie).expect(200);
    expect(me.body.user).toMatchObject({ email: 'admin@clinique.test', name: 'Claire Martin' });
    expect(me.body.roles).toEqual(['admin']);

    // Once there is a user: no more setup links, and the used link is dead.
    expect(await announceFirstRun(t.services, (s) => printed.push(s))).toBeNull();
    await t.http.get(`/api/v1/auth/enrol/${token}`).expect(404);
    const audit = (await t.store.db.selectFrom('audit_entries').select('action').orderBy('seq').execute()).map(
      (r) => r.action,
    );
    expect(audit).toEqual([
      'auth.setup_link',
      'enrolment.password_set',
      'enrolment.totp_started',
      'user.enrol',
      'user.login',
      'user.enrol_failed',
    ]);
  });

  it('a setup link expires after an hour', async () => {
    const url = await announceFirstRun(t.services, () => {});
    t.clock.advance(3_600_000);
    const res = await t.http.get(`/api/v1/auth/enrol/${tokenOf(url!)}`).expect(404);
    expect(res.body.error.code).toBe('enrolment.invalid');
  });

  it('an invited user enrols with a standard authenticator from the otpauth URI, or from the secret typed by hand', async () => {
    const a = await t.services.userAdmin.invite(cliActor, {
      email: 'a@clinique.test',
      name: 'Alice Aubert',
      roles: ['analyst'],
    });
    await t.http
      .post(`/api/v1/auth/enrol/${tokenOf(a.link.url)}/password`)
      .send({ password: GOOD_PASSWORD })
      .expect(204);
    const totp = await t.http.post(`/api/v1/auth/enrol/${tokenOf(a.link.url)}/totp`).expect(200);
    expect(totp.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    const app = authenticatorFromUri(totp.body.otpauthUri);
    expect(app.issuer).toBe('Vigie');
    expect(app.label).toBe('Vigie:a@clinique.test');
    expect(app.secret).toBe(totp.body.secret);
    await t.http
      .post(`/api/v1/auth/enrol/${tokenOf(a.link.url)}/confirm`)
      .send({ code: app.codeAt(t.clock.now()) })
      .expect(200);

    const b = await t.services.userAdmin.invite(cliActor, {
      email: 'b@clinique.test',
      name: 'Bruno Bernard',
      roles: ['reporter'],
    });
    await t.http
      .post(`/api/v1/auth/enrol/${tokenOf(b.link.url)}/password`)
      .send({ password: GOOD_PASSWORD })
      .expect(204);
    const typed = await t.http.post(`/api/v1/auth/enrol/${tokenOf(b.link.url)}/totp`).expect(200);
    const grouped = (typed.body.secret as string).toLowerCase().match(/.{4}/g)!.join(' ');
    const handApp = authenticatorFromSecret(grouped);
    await t.http
      .post(`/api/v1/auth/enrol/${tokenOf(b.link.url)}/confirm`)
      .send({ code: handApp.codeAt(t.clock.now()) })
      .expect(200);

    nextStep(t);
    expect((await login(t, 'a@clinique.test', GOOD_PASSWORD, app.codeAt(t.clock.now()))).second.status).toBe(200);
    expect((await login(t, 'b@clinique.test', GOOD_PASSWORD, handApp.codeAt(t.clock.now()))).second.status).toBe(200);
  });

  it('refuses short, common and personal passwords with a code the screen can explain', async () => {
    const { link } = await t.services.userAdmin.invite(cliActor, {
      email: 'marie.dupont@clinique.test',
      name: 'Marie Dupont',
      roles: ['reporter'],
    });
    const token = tokenOf(link.url);
    const code = async (password: string) =>
      (await t.http.post(`/api/v1/auth/enrol/${token}/password`).send({ password }).expect(400)).body.error.code;
    expect(await code('court')).toBe('password.too_short');
    expect(await code('azertyuiop123')).toBe('password.common');
    expect(await code('Marie.Dupont.2026')).toBe('password.personal');
  });

  it('asks for the steps in order, and a wrong code leaves the link usable; five drop the secret', async () => {
    const { link } = await t.services.userAdmin.invite(cliActor, {
      email: 'c@clinique.test',
      name: 'C',
      roles: ['reporter'],
    });
    const token = tokenOf(link.url);
    expect((await t.http.post(`/api/v1/auth/enrol/${token}/totp`).expect(409)).body.error.code).toBe(
      'enrolment.password_first',
    );
    await t.http.post(`/api/v1/auth/enrol/${token}/password`).send({ password: GOOD_PASSWORD }).expect(204);
    expect(
      (await t.http.post(`/api/v1/auth/enrol/${token}/confirm`).send({ code: '123456' }).expect(409)).body.error.code,
    ).toBe('enrolment.totp_first');
    const totp = await t.http.post(`/api/v1/auth/enrol/${token}/totp`).expect(200);
    const app = authenticatorFromUri(totp.body.otpauthUri);
    const wrong = await t.http
      .post(`/api/v1/auth/enrol/${token}/confirm`)
      .send({ code: app.codeAt(t.clock.now(), 5) })
      .expect(400);
    expect(wrong.body.error).toMatchObject({
      code: 'enrolment.invalid_code',
      details: { attemptsLeft: 4, restart: false },
    });
    for (let i = 0; i < 3; i++)
      await t.http.post(`/api/v1/auth/enrol/${token}/confirm`).send({ code: '000000' }).expect(400);
    const fifth = await t.http.post(`/api/v1/auth/enrol/${token}/confirm`).send({ code: '000000' }).expect(400);
    expect(fifth.body.error.details.restart).toBe(true);
    // The old secret is gone: even its right code cannot confirm it.
    await t.http
      .post(`/api/v1/auth/enrol/${token}/confirm`)
      .send({ code: app.codeAt(t.clock.now()) })
      .expect(409);
    const again = await t.http.post(`/api/v1/auth/enrol/${token}/totp`).expect(200);
    expect(again.body.secret).not.toBe(totp.body.secret);
    const app2 = authenticatorFromUri(again.body.otpauthUri);
    await t.http
      .post(`/api/v1/auth/enrol/${token}/confirm`)
      .send({ code: app2.codeAt(t.clock.now()) })
      .expect(200);
    await t.http
      .post(`/api/v1/auth/enrol/${token}/confirm`)
      .send({ code: app2.codeAt(t.clock.now()) })
      .expect(404);
  });

  it('refuses unknown, malformed, used and replaced links alike', async () => {
    for (const token of ['x', 'A'.repeat(43), 'not a token at all']) {
      const res = await t.http.get(`/api/v1/auth/enrol/${encodeURIComponent(token)}`).expect(404);
      expect(res.body.error.code).toBe('enrolment.invalid');
    }
    const { id, link } = await t.services.userAdmin.invite(cliActor, {
      email: 'd@clinique.test',
      name: 'D',
      roles: ['reporter'],
    });
    const renewed = await t.services.userAdmin.renewInvite(cliActor, id);
    await t.http.get(`/api/v1/auth/enrol/${tokenOf(link.url)}`).expect(404);
    await t.http.get(`/api/v1/auth/enrol/${tokenOf(renewed.url)}`).expect(200);
  });

  it('an MFA reset ends the sessions and gives a link to enrol again; the old authenticator and recovery codes stop working', async () => {
    const { id, link } = await t.services.userAdmin.invite(cliActor, {
      email: 'e@clinique.test',
      name: 'E',
      roles: ['reporter'],
    });
    const before = await enrolThroughLink(t, tokenOf(link.url));
    const reset = await t.services.userAdmin.resetMfa(systemActor, id);
    await t.http.get('/api/v1/auth/me').set('Cookie', before.cookie).expect(401);
    nextStep(t);
    // Without a second factor the account cannot log in at all (the same generic answer as a wrong password).
    await t.http.post('/api/v1/auth/login').send({ email: 'e@clinique.test', password: GOOD_PASSWORD }).expect(401);
    const recoveryRows = await t.store.db.selectFrom('recovery_codes').select('id').where('userId', '=', id).execute();
    expect(recoveryRows).toEqual([]);
    const info = await t.http.get(`/api/v1/auth/enrol/${tokenOf(reset.link.url)}`).expect(200);
    expect(info.body).toMatchObject({ kind: 'mfa_reset', email: 'e@clinique.test' });
    const after = await enrolThroughLink(t, tokenOf(reset.link.url), 'Nouvelle-Phrase-Secrete-2026');
    nextStep(t);
    expect(
      (await login(t, 'e@clinique.test', 'Nouvelle-Phrase-Secrete-2026', after.app.codeAt(t.clock.now()))).second
        .status,
    ).toBe(200);
    nextStep(t);
    expect(
      (await login(t, 'e@clinique.test', 'Nouvelle-Phrase-Secrete-2026', before.app.codeAt(t.clock.now()))).second
        .status,
    ).toBe(401);
  });

  it('stores links hashed: the table never holds the token of the URL', async () => {
    const { link } = await t.services.userAdmin.invite(cliActor, {
      email: 'f@clinique.test',
      name: 'F',
      roles: ['reporter'],
    });
    const rows = await t.store.db.selectFrom('enrolment_tokens').select(['tokenHash']).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(tokenOf(link.url));
  });
});
