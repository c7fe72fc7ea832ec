// Bearer-token authentication of ingest requests. Mounted before the cookie
// and CSRF middleware: sources carry no cookie, and a token is not ambient
// authority a browser could be tricked into sending.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Actor } from '../../actor.ts';
import { Forbidden } from '../../errors.ts';
import type { SourceKind } from '../ingest.tables.ts';
import type { SourceRow } from './sources.repo.ts';
import type { SourcesService } from './sources.service.ts';
import '../../http/types.ts';

declare global {
  namespace Express {
    interface Request {
      /** The source whose bearer token authenticated this ingest request. */
      source?: SourceRow;
    }
  }
}

export function bearerToken(req: Request): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  return m?.[1];
}

/** 401 (missing, unknown or revoked token, with WWW-Authenticate) or 403 (disabled source); sets req.source. */
export function sourceAuth(
  sources: SourcesService,
  onDisabled: (source: string, reason: string) => void,
): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      req.source = await sources.authenticate(bearerToken(req));
      next();
    } catch (error) {
      if (error instanceof Forbidden && typeof error.details?.sourceId === 'string')
        onDisabled(error.details.sourceId, 'refused: the source is disabled');
      if ((error as { status?: number }).status === 401)
        res.setHeader('WWW-Authenticate', 'Bearer realm="vigie-ingest"');
      next(error);
    }
  };
}

/** Each kind of source posts to its own endpoints only. */
export function requireKind(...kinds: SourceKind[]): RequestHandler {
  return (req, _res, next) => {
    const kind = req.source?.kind;
    if (!kind || !kinds.includes(kind)) {
      return next(
        new Forbidden(
          'ingest.kind_mismatch',
          `This endpoint takes sources of kind ${kinds.join(' or ')}; this source is of kind ${kind ?? '(none)'}`,
        ),
      );
    }
    next();
  };
}

export function sourceActor(req: Request): Actor {
  return { kind: 'source', id: req.source!.id, requestId: req.id, address: req.ip };
}
