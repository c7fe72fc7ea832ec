// TOTP (RFC 6238) on otplib 13: 30-second steps, ±1 step of tolerance, and a
// step once accepted is never accepted again (`afterStep`). The RFC test
// vectors go through this same function (digits and algorithm are parameters).
import { generateSecret, generateURI, verify } from 'otplib';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_ISSUER = 'Vigie';

export interface TotpCheck {
  /** Base32 secret. */
  secret: string;
  code: string;
  /** The time of the check, in epoch milliseconds (the injected clock). */
  atMs: number;
  /** The last step accepted for this secret: this step and earlier ones are refused. */
  afterStep?: number | null;
  digits?: 6 | 8;
  algorithm?: 'sha1' | 'sha256' | 'sha512';
}

/** The accepted time step, or null. */
export async function verifyTotp(check: TotpCheck): Promise<number | null> {
  const digits = check.digits ?? 6;
  const code = check.code.replace(/\s+/g, '');
  if (!new RegExp(`^\\d{${digits}}$`).test(code)) return null;
  try {
    const result = await verify({
      secret: check.secret,
      token: code,
      digits,
      algorithm: check.algorithm ?? 'sha1',
      period: TOTP_PERIOD_SECONDS,
      epoch: Math.floor(check.atMs / 1000),
      // One period either side: the step before, the current one and the next.
      epochTolerance: TOTP_PERIOD_SECONDS,
      ...(check.afterStep !== null && check.afterStep !== undefined ? { afterTimeStep: check.afterStep } : {}),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  } catch {
    return null;
  }
}

/** A new 160-bit secret, base32. */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The otpauth:// URI that authenticator apps read from the QR code. */
export function otpauthUri(secret: string, account: string): string {
  return generateURI({
    issuer: TOTP_ISSUER,
    label: account,
    secret,
    algorithm: 'sha1',
    digits: 6,
    period: TOTP_PERIOD_SECONDS,
  });
}

export function totpStepAt(atMs: number): number {
  return Math.floor(atMs / 1000 / TOTP_PERIOD_SECONDS);
}
