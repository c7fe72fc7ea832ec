// /api/v1/auth: logout, and what a signed-in user does to their own account.
import express from 'express';
import { z } from 'zod';
import { actorOf, secureRouter } from '../http/auth.ts';
import { clearSessionCookie } from '../http/cookies.ts';
import { CLEAR_SITE_DATA } from '../http/security.ts';
import { parse } from '../http/validate.ts';
import type { AccountService } from './account.service.ts';
import { presentMe } from './auth.present.ts';
import { ChangePasswordBody, RenewCodesBody } from './auth.schemas.ts';
import { loginRoutes, type LoginRoutesDeps } from './login.routes.ts';

/** Routes reachable before login: logout, and the login and enrolment flows. */
export function authPublicRoutes(deps: LoginRoutesDeps & { account: Pick<AccountService, 'logout'> }) {
  const { account, config } = deps;
  const router = express.Router();
  router.use(loginRoutes(deps));
  // Logout works for any stage of session, and answers 204 even without one.
  router.post('/auth/logout', async (req, res) => {
    if (req.auth) await account.logout(actorOf(req), req.auth.session.id);
    clearSessionCookie(res, config);
    res.setHeader('Clear-Site-Data', CLEAR_SITE_DATA);
    res.status(204).end();
  });
  return router;
}

const SessionIdParams = z.object({ id: z.uuid() });

export function authRoutes({ account }: { account: AccountService }) {
  const r = secureRouter();
  r.get('/auth/me', 'account:self', (req, res) => {
    res.json(presentMe(req.auth!));
  });
  r.get('/auth/sessions', 'account:self', async (req, res) => {
    res.json({ items: await account.sessionsOf(actorOf(req)) });
  });
  r.delete('/auth/sessions/:id', 'account:self', async (req, res) => {
    const { id } = parse(SessionIdParams, req.params, 'session id');
    await account.endSession(actorOf(req), id);
    res.status(204).end();
  });
  r.post('/auth/password', 'account:self', async (req, res) => {
    const input = parse(ChangePasswordBody, req.body, 'password change');
    await account.changePassword(actorOf(req), input);
    res.status(204).end();
  });
  r.get('/auth/recovery-codes', 'account:self', async (req, res) => {
    res.json({ left: await account.recoveryCodesLeft(actorOf(req)) });
  });
  r.post('/auth/recovery-codes', 'account:self', async (req, res) => {
    const input = parse(RenewCodesBody, req.body, 'recovery codes');
    res.json(await account.renewRecoveryCodes(actorOf(req), input));
  });
  return r.router;
}
