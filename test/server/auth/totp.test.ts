// Vigie's own TOTP verification path (server/auth/totp.ts, used by login,
// enrolment and re-authentication) against RFC 6238 and the replay rule.
import { describe, expect, it } from 'vitest';
import { totpStepAt, verifyTotp } from '../../../server/auth/totp.ts';
import { authenticatorFromSecret, base32Encode } from '../../support/authenticator.ts';

// RFC 6238, Appendix B: the seeds are ASCII digits, 20/32/64 bytes long.
const SEEDS = {
  sha1: base32Encode(Buffer.from('12345678901234567890')),
  sha256: base32Encode(Buffer.from('12345678901234567890123456789012')),
  sha512: base32Encode(Buffer.from('1234567890123456789012345678901234567890123456789012345678901234')),
};
const VECTORS: [seconds: number, code: string, algorithm: keyof typeof SEEDS][] = [
  [59, '94287082', 'sha1'],
  [59, '46119246', 'sha256'],
  [59, '90693936', 'sha512'],
  [1111111109, '07081804', 'sha1'],
  [1111111109, '68084774', 'sha256'],
  [1111111109, '25091201', 'sha512'],
  [1111111111, '14050471', 'sha1'],
  [1111111111, '67062674', 'sha256'],
  [1111111111, '99943326', 'sha512'],
  [1234567890, '89005924', 'sha1'],
  [1234567890, '91819424', 'sha256'],
  [1234567890, '93441116', 'sha512'],
  [2000000000, '69279037', 'sha1'],
  [2000000000, '90698825', 'sha256'],
  [2000000000, '38618901', 'sha512'],
  [20000000000, '65353130', 'sha1'],
  [20000000000, '77737706', 'sha256'],
  [20000000000, '47863826', 'sha512'],
];

describe('TOTP verification', () => {
  it.each(VECTORS)(
    'accepts the RFC 6238 Appendix B vector at T=%i (%s, %s) and returns its step',
    async (seconds, code, algorithm) => {
      const step = await verifyTotp({ secret: SEEDS[algorithm], code, atMs: seconds * 1000, digits: 8, algorithm });
      expect(step).toBe(Math.floor(seconds / 30));
      // The same code is refused once its step has been used.
      expect(
        await verifyTotp({
          secret: SEEDS[algorithm],
          code,
          atMs: seconds * 1000,
          digits: 8,
          algorithm,
          afterStep: step,
        }),
      ).toBeNull();
    },
  );

  it('refuses an RFC vector with one digit changed, or checked with the wrong algorithm', async () => {
    expect(await verifyTotp({ secret: SEEDS.sha1, code: '94287083', atMs: 59_000, digits: 8 })).toBeNull();
    expect(
      await verifyTotp({ secret: SEEDS.sha1, code: '94287082', atMs: 59_000, digits: 8, algorithm: 'sha256' }),
    ).toBeNull();
  });

  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
  const app = authenticatorFromSecret(secret);
  const now = Date.UTC(2026, 10, 28, 9, 0, 10);

  it('accepts the current code and the codes one step before and after, not two steps away', async () => {
    const step = totpStepAt(now);
    expect(await verifyTotp({ secret, code: app.codeAt(now), atMs: now })).toBe(step);
    expect(await verifyTotp({ secret, code: app.codeAt(now, -1), atMs: now })).toBe(step - 1);
    expect(await verifyTotp({ secret, code: app.codeAt(now, 1), atMs: now })).toBe(step + 1);
    expect(await verifyTotp({ secret, code: app.codeAt(now, -2), atMs: now })).toBeNull();
    expect(await verifyTotp({ secret, code: app.codeAt(now, 2), atMs: now })).toBeNull();
  });

  it('refuses a code of the last accepted step or of an earlier one, accepts a later one', async () => {
    const step = totpStepAt(now);
    expect(await verifyTotp({ secret, code: app.codeAt(now), atMs: now, afterStep: step })).toBeNull();
    expect(await verifyTotp({ secret, code: app.codeAt(now, -1), atMs: now, afterStep: step - 1 })).toBeNull();
    expect(await verifyTotp({ secret, code: app.codeAt(now, 1), atMs: now, afterStep: step })).toBe(step + 1);
  });

  it('refuses malformed codes without throwing', async () => {
    for (const code of ['', '12345', '1234567', 'abcdef', '12 34 5x']) {
      expect(await verifyTotp({ secret, code, atMs: now })).toBeNull();
    }
    expect(await verifyTotp({ secret: 'not base32!', code: '123456', atMs: now })).toBeNull();
  });

  it('accepts a code typed with a space in the middle, as apps show it', async () => {
    const code = app.codeAt(now);
    expect(await verifyTotp({ secret, code: `${code.slice(0, 3)} ${code.slice(3)}`, atMs: now })).toBe(totpStepAt(now));
  });
});
