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

/** Path segments that are secrets themselves (one-time enrolment links) are masked in the log. */
export function loggablePath(path: string): string {
  return path.replace(/\/enrol\/[^/]+/, '/enrol/:token');
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
