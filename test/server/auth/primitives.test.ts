// Pure pieces of the login: password hashing and policy, recovery codes, the secret box.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkNewPassword } from '../../../server/auth/password-policy.ts';
import { createPasswordHasher } from '../../../server/auth/password.ts';
import { newRecoveryCode, normaliseRecoveryCode, recoveryCodeHasher } from '../../../server/auth/recovery-codes.ts';
import { createSecretBox } from '../../../server/auth/secret-box.ts';
import { Invalid } from '../../../server/errors.ts';

function policyCode(password: string, context = {}): string | null {
  try {
    checkNewPassword(password, context);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(Invalid);
    return (error as Invalid).code;
  }
}

describe('passwords', () => {
  const hasher = createPasswordHasher();

  it('hashes with argon2id at 19 MiB, t=2, p=1 and verifies', async () => {
    const hash = await hasher.hash('Lanterne-Verger-Horizon-47');
    const params = /^\$argon2id\$v=19\$([^$]+)\$/.exec(hash)![1]!.split(',').sort();
    expect(params).toEqual(['m=19456', 'p=1', 't=2']);
    expect(await hasher.verify(hash, 'Lanterne-Verger-Horizon-47')).toBe(true);
    expect(await hasher.verify(hash, 'Lanterne-Verger-Horizon-48')).toBe(false);
    expect(hasher.needsRehash(hash)).toBe(false);
  });

  it('asks for a rehash when the parameters differ, and refuses without a hash after the same work', async () => {
    const old = await createPasswordHasher({ memoryCost: 8192, timeCost: 3, parallelism: 1 }).hash('x'.repeat(12));
    expect(hasher.needsRehash(old)).toBe(true);
    expect(hasher.needsRehash('$2b$10$notargon')).toBe(true);
    expect(await hasher.verify(null, 'anything at all')).toBe(false);
    expect(await hasher.verify('garbage', 'anything at all')).toBe(false);
  });

  it('refuses short, very long and common passwords with a code naming the reason', () => {
    expect(policyCode('Court-7')).toBe('password.too_short');
    expect(policyCode('a'.repeat(257))).toBe('password.too_long');
    for (const common of [
      '123456789012',
      'password1234',
      'qwertyuiop123',
      'azertyuiop123',
      'motdepasse123',
      'iloveyou1234',
      'bonjour123456',
    ]) {
      expect(policyCode(common), common).toBe('password.common');
    }
  });

  it('refuses a password made of the user’s own email or name', () => {
    expect(policyCode('marie.dupont@clinique.fr', { email: 'marie.dupont@clinique.fr' })).toBe('password.personal');
    expect(policyCode('DupontMarie2026', { name: 'Marie Dupont' })).toBe('password.personal');
    expect(
      policyCode('Lanterne-Verger-Horizon-47', { name: 'Marie Dupont', email: 'marie.dupont@clinique.fr' }),
    ).toBeNull();
  });

  it('accepts long passphrases and random passwords', () => {
    expect(policyCode('Lanterne-Verger-Horizon-47')).toBeNull();
    expect(policyCode('kT9#mW2qLp4z')).toBeNull();
    expect(policyCode('Soleil de printemps sur la Loire')).toBeNull();
  });
});

describe('recovery codes', () => {
  it('are 16 Crockford base32 characters in four groups, all different', () => {
    const codes = Array.from({ length: 200 }, newRecoveryCode);
    for (const c of codes) expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('are read back whatever the case, spaces or letters confused with digits', () => {
    expect(normaliseRecoveryCode('abcd-ef01-2345-6789')).toBe('ABCDEF0123456789');
    expect(normaliseRecoveryCode(' ABCD EFO1 2345 6789 ')).toBe('ABCDEF0123456789');
    expect(normaliseRecoveryCode('ABCD-EFGH-IJKL-MNOP')).toBe('ABCDEFGH1JK1MN0P');
    expect(normaliseRecoveryCode('123456')).toBeNull();
    expect(normaliseRecoveryCode('ABCD-EFGH-JKMN-PQRU')).toBeNull(); // U is not in the alphabet
  });

  it('hash under a key: the same code under another key gives another hash', () => {
    const a = recoveryCodeHasher(randomBytes(32));
    const b = recoveryCodeHasher(randomBytes(32));
    expect(a('ABCDEF0123456789')).toMatch(/^[0-9a-f]{64}$/);
    expect(a('ABCDEF0123456789')).toBe(a('ABCDEF0123456789'));
    expect(a('ABCDEF0123456789')).not.toBe(b('ABCDEF0123456789'));
  });
});

describe('secret box (AES-256-GCM)', () => {
  const box = createSecretBox(randomBytes(32));

  it('seals and opens; the sealed text does not contain the secret', () => {
    const sealed = box.seal('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 'totp:user:1');
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain('JBSWY3DP');
    expect(box.open(sealed, 'totp:user:1')).toBe('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    expect(box.seal('same', 'c')).not.toBe(box.seal('same', 'c')); // a fresh IV each time
  });

  it('refuses a ciphertext moved to another owner, altered, or opened with another key', () => {
    const sealed = box.seal('JBSWY3DPEHPK3PXP', 'totp:user:1');
    expect(() => box.open(sealed, 'totp:user:2')).toThrow();
    const altered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => box.open(altered, 'totp:user:1')).toThrow();
    expect(() => createSecretBox(randomBytes(32)).open(sealed, 'totp:user:1')).toThrow();
  });
});
