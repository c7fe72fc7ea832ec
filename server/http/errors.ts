import type { NextFunction, Request, Response } from 'express';
import { AppError, NotFound, TooManyRequests, Unavailable } from '../errors.ts';
import type { Logger } from '../log.ts';
import { classifyStoreError } from '../store/store-errors.ts';
import type { StoreHealth } from '../store/store-health.ts';
import { loggablePath } from './request-context.ts';

export interface ErrorBody {
  error: { code: string; message: string; requestId: string; details?: Record<string, unknown> };
}

export function apiNotFound() {
  return (req: Request, _res: Response, next: NextFunction) =>
    next(new NotFound('route.not_found', `No route ${req.method} ${req.baseUrl}${req.path}`));
}

/**
 * Maps the project's errors to JSON, and a store failure (database unreachable,
 * disk full: noted in `health`) to its project error; anything else is logged
 * and answered with a generic 500.
 */
export function errorHandler(log: Logger, health?: StoreHealth) {
  return (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const requestId = req.id ?? 'unknown';
    let status = 500;
    let body: ErrorBody['error'] = { code: 'internal', message: 'Internal error', requestId };
    const storeError = err instanceof AppError ? undefined : health ? health.failed(err) : classifyStoreError(err);
    const known = err instanceof AppError ? err : storeError;
    if (known) {
      status = known.status;
      body = {
        code: known.code,
        message: known.message,
        requestId,
        ...(known.details ? { details: known.details } : {}),
      };
      if ((known instanceof TooManyRequests || known instanceof Unavailable) && known.retryAfterSeconds !== undefined) {
        res.setHeader('Retry-After', String(Math.max(1, Math.ceil(known.retryAfterSeconds))));
      }
    } else if (isBodyParserError(err)) {
      status = err.status;
      body =
        err.type === 'entity.too.large'
          ? { code: 'body.too_large', message: 'Request body too large', requestId }
          : err.type === 'entity.parse.failed'
            ? { code: 'body.malformed', message: `Malformed JSON body: ${err.message}`, requestId }
            : { code: 'body.invalid', message: 'Unreadable request body', requestId };
    }
    const where = { requestId, method: req.method, path: loggablePath(req.baseUrl + req.path) };
    // The store's own error, not only the answer's code: what the operator has to act on.
    if (storeError)
      log[status === 503 ? 'warn' : 'error'](storeError.message, {
        ...where,
        answer: storeError.code,
        error: err,
        errorCode: (err as { code?: unknown }).code,
      });
    else if (status >= 500) log.error('unhandled error', { ...where, error: err });
    res.status(status).json({ error: body });
  };
}

function isBodyParserError(err: unknown): err is { status: number; type: string; message: string } {
  return (
    typeof err === 'object' &&
    err !== null &&
    'type' in err &&
    'status' in err &&
    typeof (err as { status: unknown }).status === 'number' &&
    (err as { status: number }).status < 500
  );
}
