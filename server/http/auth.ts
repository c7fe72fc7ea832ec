import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Actor } from '../actor.ts';
import { can, type Permission } from '../auth/permissions.ts';
import type { SessionService } from '../auth/sessions.service.ts';
import type { Config } from '../config.ts';
import { Forbidden, Unauthorized } from '../errors.ts';
import { readSessionToken } from './cookies.ts';
import './types.ts';

/** Reads the session cookie, when there is one; never refuses by itself. */
export function authenticate(sessions: SessionService, config: Pick<Config, 'secureCookies'>): RequestHandler {
  return async (req, _res, next) => {
    const context = await sessions.resolve(readSessionToken(req, config));
    if (context) req.auth = context;
    next();
  };
}

/** Deny by default: everything mounted after this needs a session that passed both factors. */
export function requireFullSession(): RequestHandler {
  return (req, _res, next) => {
    if (!req.auth || req.auth.session.stage !== 'full')
      return next(new Unauthorized('auth.required', 'Authentication required'));
    next();
  };
}

export function permit(permission: Permission): RequestHandler {
  return (req, _res, next) => {
    if (!req.auth || req.auth.session.stage !== 'full')
      return next(new Unauthorized('auth.required', 'Authentication required'));
    if (!can(req.auth.roles, permission))
      return next(new Forbidden('auth.forbidden', `Permission ${permission} required`));
    next();
  };
}

/** Whether the request's full session holds this permission (for answers that depend on it). */
export function allowed(req: Request, permission: Permission): boolean {
  return req.auth?.session.stage === 'full' && can(req.auth.roles, permission);
}

/** The acting user of a request that passed `permit`. */
export function actorOf(req: Request): Actor & { kind: 'user' } {
  if (!req.auth) throw new Unauthorized('auth.required', 'Authentication required');
  return {
    kind: 'user',
    id: req.auth.user.id,
    roles: req.auth.roles,
    sessionId: req.auth.session.id,
    requestId: req.id,
    address: req.ip,
  };
}

/** Request metadata for actions taken before login. */
export function anonymousActor(req: Request, subject?: string): Actor {
  return { kind: 'anonymous', subject, requestId: req.id, address: req.ip };
}

type Handler = (req: Request, res: Response, next: NextFunction) => unknown;

export interface DeclaredRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  permission: Permission;
}
const declared = new Map<string, DeclaredRoute>();

/** Every route declared through secureRouter, with its permission (tests check each one is enforced). */
export function declaredRoutes(): DeclaredRoute[] {
  return [...declared.values()];
}

/**
 * A router whose every route must name its permission: `r.get('/alerts', 'alerts:read', handler)`.
 * Express 5 forwards rejected promises to the error middleware.
 */
export function secureRouter() {
  const router = express.Router();
  const add =
    (method: 'get' | 'post' | 'put' | 'patch' | 'delete') =>
    (path: string, permission: Permission, ...handlers: Handler[]) => {
      declared.set(`${method} ${path}`, { method, path, permission });
      router[method](path, permit(permission), ...(handlers as RequestHandler[]));
    };
  return { router, get: add('get'), post: add('post'), put: add('put'), patch: add('patch'), delete: add('delete') };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF: a state-changing request must prove it comes from the console itself —
 * an Origin equal to the public origin, or Sec-Fetch-Site: same-origin.
 * Mounted after the token-authenticated ingest routes, which carry no cookie.
 */
export function csrfGuard(config: Pick<Config, 'publicOrigin'>): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = req.get('origin');
    if (origin !== undefined && origin !== 'null') {
      return origin === config.publicOrigin
        ? next()
        : next(new Forbidden('csrf.origin', 'Cross-origin request refused'));
    }
    if (req.get('sec-fetch-site') === 'same-origin') return next();
    next(new Forbidden('csrf.missing', 'Request refused: no Origin header'));
  };
}
