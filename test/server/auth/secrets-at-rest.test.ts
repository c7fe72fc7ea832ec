// After a full life of an account — enrolment, logins with TOTP and recovery
// codes, failures, a password change, renewed codes, an MFA reset — neither
// the logs nor any table holds a password, a clear TOTP secret, a code, a
// recovery code or a clear token.
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { cookieFrom, enrolThroughLink, GOOD_PASSWORD, login, nextStep, tokenOf } from '../../support/auth-flow.ts';
import { base32Decode } from '../../support/authenticator.ts';
import { describeEachDialect } from '../../support/db.ts';

async function dumpEveryTable(t: TestApp): Promise<string> {
  let tables = await t.store.db.introspection.getTables();
  if (t.store.dialect === 'postgres') {
    const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(t.store.db);
    tables = tables.filter((x) => x.schema === rows[0]!.s);
  }
  expect(tables.map((x) => x.name)).toEqual(
    expect.arrayContaining([
      'users',
      'sessions',
      'enrolment_tokens',
      'recovery_codes',
      'login_throttle',
      'audit_entries',
    ]),
  );
  const parts: string[] = [];
  for (const table of tables) {
    const { rows } = await sql`select * from ${sql.table(table.name)}`.execute(t.store.db);
    parts.push(`${table.name}: ${JSON.stringify(rows)}`);
  }
  return parts.join('\n');
}

describeEachDialect('no secret at rest or in the logs', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ dialect });
  });
  afterEach(() => t.close());

  it('searches the captured logs and every table for every secret that went through', async () => {
    const secrets = new Map<string, string>(); // value → what it is
    const tokens: string[] = [];
    const codes: string[] = [];
    const keep = (what: string, value: string) => secrets.set(value, what);

    const admin = await t.as('admin');
    tokens.push(admin.cookie.split('=')[1]!);
    const invited = await admin.http
      .post('/api/v1/users')
      .send({ email: 'victor.hugo@clinique.test', name: 'Victor Hugo', roles: ['analyst'] })
      .expect(201);
    const linkToken = tokenOf(invited.body.enrolmentUrl);
    tokens.push(linkToken);
    await t.http.get(`/enrol/${linkToken}`).set('Accept', 'text/html'); // the console page of the link, logged by path

    const wrong = 'Tentative-Erronee-Du-Matin';
    keep('wrong password', wrong);
    await t.http.post(`/api/v1/auth/enrol/${linkToken}/password`).send({ password: 'short' }).expect(400);
    const enrolled = await enrolThroughLink(t, linkToken, GOOD_PASSWORD);
    keep('password', GOOD_PASSWORD);
    keep('TOTP secret', enrolled.secret);
    keep('TOTP secret (lower case)', enrolled.secret.toLowerCase());
    keep('TOTP key (hex)', base32Decode(enrolled.secret).toString('hex'));
    keep('TOTP key (base64)', base32Decode(enrolled.secret).toString('base64'));
    codes.push(enrolled.app.codeAt(t.clock.now()));
    tokens.push(enrolled.cookie.split('=')[1]!);
    for (const c of enrolled.recoveryCodes) {
      keep('recovery code', c);
      keep('recovery code (no dashes)', c.replace(/-/g, ''));
    }

    nextStep(t);
    await t.http.post('/api/v1/auth/login').send({ email: 'victor.hugo@clinique.test', password: wrong }).expect(401);
    await t.http.post('/api/v1/auth/login').send({ email: GOOD_PASSWORD, password: GOOD_PASSWORD }).expect(401); // a password typed in the email field
    const byTotp = await login(t, 'victor.hugo@clinique.test', GOOD_PASSWORD, enrolled.app.codeAt(t.clock.now()));
    codes.push(enrolled.app.codeAt(t.clock.now()));
    tokens.push(byTotp.preauth.split('=')[1]!, byTotp.cookie!.split('=')[1]!);
    const wrongCode = await t.http
      .post('/api/v1/auth/login')
      .send({ email: 'victor.hugo@clinique.test', password: GOOD_PASSWORD });
    tokens.push(cookieFrom(wrongCode).split('=')[1]!);
    await t.http.post('/api/v1/auth/mfa').set('Cookie', cookieFrom(wrongCode)).send({ code: '402913' }).expect(401);
    codes.push('402913');
    const byRecovery = await login(t, 'victor.hugo@clinique.test', GOOD_PASSWORD, enrolled.recoveryCodes[0]!);
    tokens.push(byRecovery.preauth.split('=')[1]!, byRecovery.cookie!.split('=')[1]!);

    nextStep(t);
    const newPassword = 'Nuit-Etoilee-Sur-Guernesey-1855';
    keep('new password', newPassword);
    await t.http
      .post('/api/v1/auth/password')
      .set('Cookie', byRecovery.cookie!)
      .send({ currentPassword: GOOD_PASSWORD, newPassword, code: enrolled.app.codeAt(t.clock.now()) })
      .expect(204);
    codes.push(enrolled.app.codeAt(t.clock.now()));
    nextStep(t);
    const renewed = await t.http
      .post('/api/v1/auth/recovery-codes')
      .set('Cookie', byRecovery.cookie!)
      .send({ password: newPassword, code: enrolled.app.codeAt(t.clock.now()) })
      .expect(200);
    codes.push(enrolled.app.codeAt(t.clock.now()));
    for (const c of renewed.body.recoveryCodes as string[]) keep('renewed recovery code', c.replace(/-/g, ''));
    const beforeReset = await dumpEveryTable(t);
    const reset = await admin.http.post(`/api/v1/users/${invited.body.user.id}/reset-mfa`).expect(200);
    tokens.push(tokenOf(reset.body.enrolmentUrl));

    for (const token of tokens) {
      keep('token', token);
      keep('token (hex)', Buffer.from(token, 'base64url').toString('hex'));
    }
    const haystacks = {
      logs: t.logs.text(),
      database: await dumpEveryTable(t),
      'database before the MFA reset': beforeReset,
    };
    expect(haystacks.logs.length).toBeGreaterThan(1000); // the requests were logged
    expect(haystacks.logs).toContain('/enrol/:token');
    for (const [name, text] of Object.entries(haystacks)) {
      for (const [value, what] of secrets) expect(text.includes(value), `${what} found in the ${name}`).toBe(false);
      for (const code of codes)
        expect(new RegExp(`(?<![0-9])${code}(?![0-9])`).test(text), `code ${code} found in the ${name}`).toBe(false);
    }
    // And the things that must be there are there, in their protected form.
    expect(beforeReset).toMatch(/\$argon2id\$/);
    expect(beforeReset).toMatch(/"v1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+"/);
  });
});
