// Passwords: argon2id with the OWASP parameters (19 MiB, t=2, p=1). A hash made
// with other parameters is rehashed at the next successful login.
import argon2 from 'argon2';

export const ARGON2_PARAMS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Verifies against the hash, or against a dummy hash when there is none, so both take the same time. */
  verify(hash: string | null | undefined, password: string): Promise<boolean>;
  needsRehash(hash: string): boolean;
}

export function createPasswordHasher(
  params: { memoryCost: number; timeCost: number; parallelism: number } = ARGON2_PARAMS,
): PasswordHasher {
  const options = { ...params, type: argon2.argon2id } as const;
  let dummy: Promise<string> | undefined;
  return {
    hash: (password) => argon2.hash(password, options),
    async verify(hash, password) {
      if (!hash) {
        dummy ??= argon2.hash('vigie-dummy-password-for-timing', options);
        await argon2.verify(await dummy, password).catch(() => false);
        return false;
      }
      try {
        return await argon2.verify(hash, password);
      } catch {
        return false;
      }
    },
    needsRehash(hash) {
      try {
        return !hash.startsWith('$argon2id$') || argon2.needsRehash(hash, params);
      } catch {
        return true;
      }
    },
  };
}
