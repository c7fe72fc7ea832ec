// The routes reachable without a full session: login, second factor and
// enrolment. Every failure is counted per address (and per account).
import express, { type Request } from 'express';
import type { Config } from '../config.ts';
import { Unauthorized } from '../errors.ts';
import { anonymousActor } from '../http/auth.ts';
import { setSessionCookie } from '../http/cookies.ts';
import { parse } from '../http/validate.ts';
import { presentMe } from './auth.present.ts';
import { CodeBody, EnrolPasswordBody, LoginBody, TokenParams } from './auth.schemas.ts';
import type { EnrolmentService } from './enrolment.service.ts';
import type { LoginService } from './login.service.ts';
import type { SessionService } from './sessions.service.ts';

const meta = (req: Request) => ({ address: req.ip ?? null, userAgent: req.get('user-agent') ?? null });

export interface LoginRoutesDeps {
  login: LoginService;
  enrolment: EnrolmentService;
  sessions: Pick<SessionService, 'resolve'>;
  config: Readonly<Config>;
}

export function loginRoutes({ login, enrolment, sessions, config }: LoginRoutesDeps) {
  const router = express.Router();

  router.post('/auth/login', async (req, res) => {
    const input = parse(LoginBody, req.body, 'login');
    const { token } = await login.password(anonymousActor(req), input, {
      ...meta(req),
      previousSessionId: req.auth?.session.id,
    });
    setSessionCookie(res, token, config);
    res.json({ next: 'mfa' });
  });

  router.post('/auth/mfa', async (req, res) => {
    if (!req.auth || req.auth.session.stage !== 'password')
      throw new Unauthorized('auth.mfa_not_started', 'Log in with your email and password first');
    const { code } = parse(CodeBody, req.body, 'code');
    const { token } = await login.secondFactor(anonymousActor(req, req.auth.user.id), req.auth, code, meta(req));
    setSessionCookie(res, token, config);
    const context = await sessions.resolve(token);
    res.json(presentMe(context!));
  });

  router.get('/auth/enrol/:token', async (req, res) => {
    const { token } = parse(TokenParams, req.params, 'enrolment link');
    res.json(await enrolment.describe(anonymousActor(req), token));
  });

  router.post('/auth/enrol/:token/password', async (req, res) => {
    const { token } = parse(TokenParams, req.params, 'enrolment link');
    const input = parse(EnrolPasswordBody, req.body, 'password');
    await enrolment.setPassword(anonymousActor(req), token, input);
    res.status(204).end();
  });

  router.post('/auth/enrol/:token/totp', async (req, res) => {
    const { token } = parse(TokenParams, req.params, 'enrolment link');
    res.json(await enrolment.startTotp(anonymousActor(req), token));
  });

  router.post('/auth/enrol/:token/confirm', async (req, res) => {
    const { token } = parse(TokenParams, req.params, 'enrolment link');
    const { code } = parse(CodeBody, req.body, 'code');
    const done = await enrolment.confirm(anonymousActor(req), token, code, {
      ...meta(req),
      previousSessionId: req.auth?.session.id,
    });
    setSessionCookie(res, done.token, config);
    res.json({ recoveryCodes: done.recoveryCodes });
  });

  return router;
}
