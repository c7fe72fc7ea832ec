import * as cookie from 'cookie';
import type { Request, Response } from 'express';
import type { Config } from '../config.ts';

/** `__Host-` prefix behind HTTPS: Secure, Path=/, no Domain. */
export function sessionCookieName(config: Pick<Config, 'secureCookies'>): string {
  return config.secureCookies ? '__Host-vigie_session' : 'vigie_session';
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  return cookie.parse(header)[name] ?? undefined;
}

export function readSessionToken(req: Request, config: Pick<Config, 'secureCookies'>): string | undefined {
  return readCookie(req.headers.cookie, sessionCookieName(config));
}

export function setSessionCookie(
  res: Response,
  token: string,
  config: Pick<Config, 'secureCookies' | 'session'>,
): void {
  res.cookie(sessionCookieName(config), token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: config.secureCookies,
    path: '/',
    maxAge: config.session.absoluteMs,
  });
}

export function clearSessionCookie(res: Response, config: Pick<Config, 'secureCookies'>): void {
  res.clearCookie(sessionCookieName(config), {
    httpOnly: true,
    sameSite: 'strict',
    secure: config.secureCookies,
    path: '/',
  });
}
