import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import type { Config } from '../config.ts';

/** Strict CSP: scripts only from our origin, no framing, no base tag, no plugins. */
export function securityHeaders(config: Pick<Config, 'secureCookies'>) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Inline styles only (Svelte sets style attributes for positioning); never inline script.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(config.secureCookies ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: config.secureCookies ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  });
}

/**
 * Every /api answer — data, errors, 404s, ingest acknowledgements — is kept out of
 * browser and proxy caches: an alert or an access log with a patient id was found
 * in a browser's disk cache.
 */
export function noStore() {
  return (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
}

/** Sent with the logout answer: the browser drops what it kept of the session (cache, cookies, storage). */
export const CLEAR_SITE_DATA = '"cache", "cookies", "storage"';
