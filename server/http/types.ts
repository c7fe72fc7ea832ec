import type { SessionContext } from '../auth/sessions.service.ts';

declare global {
  namespace Express {
    interface Request {
      /** Request id: from a well-formed X-Request-Id, or generated. */
      id: string;
      /** The live session, when the cookie carries one (any stage). */
      auth?: SessionContext;
    }
  }
}

export {};
