import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log.ts';
import './types.ts';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestId() {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.get('x-request-id');
    req.id = given && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    next();
  };
}

/** Percent-escapes decoded (an invalid one is left as is), a few times over for double encoding. */
function decodedPath(path: string): string {
  let text = path;
  for (let i = 0; i < 3; i++) {
    const next = text.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
    if (next === text) break;
    text = next;
  }
  return text;
}

/**
 * Path segments that are secrets themselves (one-time enrolment links) are
 * masked in the log. Routes match whatever the case ("/auth/Enrol/<token>"),
 * and a path the router refused may still carry a live token ("enrol%2F<token>"),
 * so the path is decoded first and matched without regard to case.
 */
export function loggablePath(path: string): string {
  let secretNext = false;
  return path
    .split('/')
    .map((raw) => {
      const segment = decodedPath(raw);
      if (secretNext && segment !== '') {
        secretNext = false;
        return ':token';
      }
      // An encoded slash hides "enrol/<token>" in one segment: everything after it is the secret.
      const masked = segment.replace(
        /(^|\/)(enrol)\/.*$/is,
        (_m, start: string, word: string) => `${start}${word}/:token`,
      );
      if (/(^|\/)enrol\/*$/i.test(segment)) secretNext = true;
      return masked;
    })
    .join('/');
}

/** One line per request: id, method, path (never the query string: it may hold identifiers), status, duration. */
export function requestLog(log: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const status = res.statusCode;
      log.log(status >= 500 ? 'error' : 'info', 'request', {
        requestId: req.id,
        method: req.method,
        path: loggablePath(req.baseUrl + req.path),
        status,
        ms: Math.round(ms * 10) / 10,
        user: req.auth?.user.id,
      });
    });
    next();
  };
}
