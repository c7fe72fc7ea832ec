// Walks the real enrolment and login API, as the console does, with an
// independent authenticator standing in for the user's phone.
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { expect } from 'vitest';
import { cliActor } from '../../server/actor.ts';
import type { Role } from '../../server/auth/permissions.ts';
import type { TestApp } from './app.ts';
import { authenticatorFromUri, type Authenticator } from './authenticator.ts';

export const GOOD_PASSWORD = 'Lanterne-Verger-Horizon-47';

export interface EnrolledUser {
  id: string;
  email: string;
  password: string;
  app: Authenticator;
  recoveryCodes: string[];
  /** The full session cookie enrolment ends with. */
  cookie: string;
}

/** `name=value` of the session cookie a response sets. */
export function cookieFrom(res: Response): string {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  const c = header?.find((h) => h.startsWith('vigie_session=') || h.startsWith('__Host-vigie_session='));
  if (!c) throw new Error(`no session cookie in the answer (${res.status} ${JSON.stringify(res.body)})`);
  return c.split(';')[0]!;
}

export const tokenOf = (url: string) => url.split('/enrol/')[1]!;

/** Enrols through a link: password, TOTP secret, confirmation with the authenticator's current code. */
export async function enrolThroughLink(
  t: TestApp,
  token: string,
  password = GOOD_PASSWORD,
  identity?: { email: string; name: string },
) {
  await t.http
    .post(`/api/v1/auth/enrol/${token}/password`)
    .send({ password, ...identity })
    .expect(204);
  const totp = await t.http.post(`/api/v1/auth/enrol/${token}/totp`).expect(200);
  const app = authenticatorFromUri(totp.body.otpauthUri);
  const confirm = await t.http
    .post(`/api/v1/auth/enrol/${token}/confirm`)
    .send({ code: app.codeAt(t.clock.now()) })
    .expect(200);
  return {
    app,
    secret: totp.body.secret as string,
    recoveryCodes: confirm.body.recoveryCodes as string[],
    cookie: cookieFrom(confirm),
  };
}

/** An administrator invites the user; the user enrols. */
export async function inviteAndEnrol(
  t: TestApp,
  options: { roles?: Role[]; email?: string; password?: string } = {},
): Promise<EnrolledUser> {
  const email = options.email ?? `agent-${randomUUID().slice(0, 8)}@clinique.test`;
  const invited = await t.services.userAdmin.invite(cliActor, {
    email,
    name: 'Agent Test',
    roles: options.roles ?? ['analyst'],
  });
  const password = options.password ?? GOOD_PASSWORD;
  const done = await enrolThroughLink(t, tokenOf(invited.link.url), password);
  return { id: invited.id, email, password, ...done };
}

/** Both login steps; returns the answers and the cookies. */
export async function login(t: TestApp, email: string, password: string, code: string) {
  const first = await t.http.post('/api/v1/auth/login').send({ email, password });
  expect(first.status, JSON.stringify(first.body)).toBe(200);
  const preauth = cookieFrom(first);
  const second = await t.http.post('/api/v1/auth/mfa').set('Cookie', preauth).send({ code });
  return { first, preauth, second, cookie: second.status === 200 ? cookieFrom(second) : undefined };
}

/** Moves the fake clock to the next TOTP step (a code of the current step may have been used). */
export function nextStep(t: TestApp): void {
  t.clock.advance(30_000);
}
