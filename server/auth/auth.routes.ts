import express from 'express';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { NotFound } from '../errors.ts';
import { actorOf, secureRouter } from '../http/auth.ts';
import { clearSessionCookie } from '../http/cookies.ts';
import { CLEAR_SITE_DATA } from '../http/security.ts';
import { parse } from '../http/validate.ts';
import type { Services } from '../services.ts';
import type { Me } from '../wire/auth.ts';
import { permissionsOf } from './permissions.ts';
import { ChangePasswordBody, RenewCodesBody } from './auth.schemas.ts';
import { loginRoutes } from './login.routes.ts';
import type { SessionContext } from './session.service.ts';

export function presentMe(context: SessionContext): Me {
  return {
    user: { id: context.user.id, email: context.user.email, name: context.user.name, locale: context.user.locale },
    roles: context.roles,
    permissions: [...permissionsOf(context.roles)].sort(),
    session: { id: context.session.id, expiresAt: context.session.expiresAt },
  };
}

/** Routes reachable before login: logout, and the login and enrolment flows. */
export function authPublicRoutes(services: Services, config: Readonly<Config>) {
  const router = express.Router();
  router.use(loginRoutes(services, config));
  // Logout works for any stage of session, and answers 204 even without one.
  router.post('/auth/logout', async (req, res) => {
    if (req.auth) {
      const sessionId = req.auth.session.id;
      await services.db.transaction().execute(async (trx) => {
        await services.sessions.revoke(trx, sessionId);
        await services.audit.record(trx, { actor: actorOf(req), action: 'user.logout', target: { type: 'session', id: sessionId } });
      });
      services.sessions.disconnect([sessionId], 'logout');
    }
    clearSessionCookie(res, config);
    res.setHeader('Clear-Site-Data', CLEAR_SITE_DATA);
    res.status(204).end();
  });
  return router;
}

const SessionIdParams = z.object({ id: z.uuid() });

export function authRoutes(services: Services) {
  const r = secureRouter();
  r.get('/auth/me', 'account:self', (req, res) => {
    res.json(presentMe(req.auth!));
  });
  r.get('/auth/sessions', 'account:self', async (req, res) => {
    const current = req.auth!.session.id;
    const items = await services.sessions.listLive(req.auth!.user.id);
    res.json({ items: items.map((s) => ({ id: s.id, createdAt: s.createdAt, lastSeenAt: s.lastSeenAt, expiresAt: s.expiresAt, address: s.address, userAgent: s.userAgent, current: s.id === current })) });
  });
  r.delete('/auth/sessions/:id', 'account:self', async (req, res) => {
    const { id } = parse(SessionIdParams, req.params, 'session id');
    const actor = actorOf(req);
    const live = await services.sessions.listLive(actor.id);
    if (!live.some((s) => s.id === id)) throw new NotFound('session.not_found', 'No such live session');
    await services.db.transaction().execute(async (trx) => {
      await services.sessions.revoke(trx, id);
      await services.audit.record(trx, { actor, action: 'session.revoke', target: { type: 'session', id } });
    });
    services.sessions.disconnect([id], 'revoked');
    res.status(204).end();
  });
  r.post('/auth/password', 'account:self', async (req, res) => {
    const input = parse(ChangePasswordBody, req.body, 'password change');
    const { endedSessionIds } = await services.account.changePassword(actorOf(req), input);
    services.sessions.disconnect(endedSessionIds, 'password_changed');
    res.status(204).end();
  });
  r.get('/auth/recovery-codes', 'account:self', async (req, res) => {
    res.json({ left: await services.account.recoveryCodesLeft(actorOf(req)) });
  });
  r.post('/auth/recovery-codes', 'account:self', async (req, res) => {
    const input = parse(RenewCodesBody, req.body, 'recovery codes');
    res.json(await services.account.renewRecoveryCodes(actorOf(req), input));
  });
  return r.router;
}
