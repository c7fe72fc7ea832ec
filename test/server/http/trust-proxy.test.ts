// Issue 11, item 14: whose X-Forwarded-For is believed. The address a failed
// login is counted and audited under is the one the trusted proxy saw, not
// one the client wrote into the header.
import { afterEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** The address the audit records for a failed login sent with this X-Forwarded-For (supertest connects from 127.0.0.1). */
async function auditedAddress(trustProxy: string, forwardedFor: string): Promise<string | null> {
  t = await createTestApp({ env: { VIGIE_TRUST_PROXY: trustProxy } });
  await t.http
    .post('/api/v1/auth/login')
    .set('X-Forwarded-For', forwardedFor)
    .send({ email: 'nobody@clinique.test', password: 'not-the-password' })
    .expect(401);
  const row = await t.store.db
    .selectFrom('audit_entries')
    .select('address')
    .where('action', '=', 'user.login_failed')
    .executeTakeFirstOrThrow();
  await t.close();
  t = undefined;
  return row.address;
}

// The client forged "198.51.100.66"; the proxy in front appended the address it saw, 203.0.113.7.
const THROUGH_PROXY = '198.51.100.66, 203.0.113.7';

it('with a hop count, believes only what the proxy appended', async () => {
  expect(await auditedAddress('1', THROUGH_PROXY)).toBe('203.0.113.7');
});

it("with the proxy's address, believes only that proxy", async () => {
  expect(await auditedAddress('127.0.0.1', THROUGH_PROXY)).toBe('203.0.113.7');
  expect(await auditedAddress('10.9.9.9', THROUGH_PROXY)).toMatch(/127\.0\.0\.1$/);
});

it('with false, ignores the header; with true, believes the forged address (hence the start warning)', async () => {
  expect(await auditedAddress('false', THROUGH_PROXY)).toMatch(/127\.0\.0\.1$/);
  expect(await auditedAddress('true', THROUGH_PROXY)).toBe('198.51.100.66');
});
