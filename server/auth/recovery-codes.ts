// Recovery codes: ten single-use codes of 80 random bits, written in Crockford
// base32 as XXXX-XXXX-XXXX-XXXX. Stored as an HMAC-SHA-256 under a key derived
// from the master key: with 80 bits of entropy a slow hash adds nothing against
// guessing, and the key means a copy of the database alone cannot even be
// checked offline. A fast hash also lets a login look a code up directly
// instead of running argon2 ten times.
import { createHmac, randomBytes } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 15; i >= 0; i--) out += ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  return out.match(/.{4}/g)!.join('-');
}

/** Upper case, no separators, and the letters people confuse with digits mapped back. Null when it cannot be a code. */
export function normaliseRecoveryCode(input: string): string | null {
  const s = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return /^[0-9A-HJKMNP-TV-Z]{16}$/.test(s) ? s : null;
}

export function recoveryCodeHasher(key: Buffer) {
  return (normalised: string): string => createHmac('sha256', key).update(normalised).digest('hex');
}
