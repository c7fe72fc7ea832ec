// The second factor: TOTP codes (each step accepted once per account) and
// single-use recovery codes. Secrets are opened here and nowhere else.
import type { Clock } from '../clock.ts';
import type { Executor, Trx } from '../store/db.ts';
import type { RecoveryRepo } from './enrolment.repo.ts';
import { newRecoveryCode, normaliseRecoveryCode, RECOVERY_CODE_COUNT } from './recovery-codes.ts';
import type { SecretBox } from './secret-box.ts';
import { verifyTotp } from './totp.ts';
import type { UserRepo, UserRow } from './users.repo.ts';

/** The AES-GCM associated data of a user's TOTP secret. */
export const userSecretContext = (userId: string) => `totp:user:${userId}`;

export type SecondFactor = 'totp' | 'recovery';

/** Which kind of code the user typed, from its shape alone. */
export function codeKind(code: string): SecondFactor | null {
  if (/^\d{6}$/.test(code.replace(/\s+/g, ''))) return 'totp';
  return normaliseRecoveryCode(code) ? 'recovery' : null;
}

export function createFactors(deps: {
  users: UserRepo;
  recovery: RecoveryRepo;
  box: SecretBox;
  hashRecovery: (normalised: string) => string;
  clock: Clock;
}) {
  const { users, recovery, box, hashRecovery, clock } = deps;

  const factors = {
    /** Checks a TOTP code for the user and records its step; false for a wrong, replayed or too distant code. */
    async totp(trx: Trx, user: Pick<UserRow, 'id' | 'totpSecret' | 'totpLastStep'>, code: string): Promise<boolean> {
      if (!user.totpSecret) return false;
      const secret = box.open(user.totpSecret, userSecretContext(user.id));
      const step = await verifyTotp({ secret, code, atMs: clock.now(), afterStep: user.totpLastStep });
      if (step === null) return false;
      // Conditional update: of two requests racing with the same code, one wins.
      return users.advanceTotpStep(trx, user.id, step, clock.now());
    },

    async recovery(trx: Trx, userId: string, code: string): Promise<boolean> {
      const normalised = normaliseRecoveryCode(code);
      if (!normalised) return false;
      return recovery.use(trx, userId, hashRecovery(normalised), clock.now());
    },

    /** TOTP or recovery code, told apart by shape. */
    async either(
      trx: Trx,
      user: Pick<UserRow, 'id' | 'totpSecret' | 'totpLastStep'>,
      code: string,
    ): Promise<SecondFactor | null> {
      const kind = codeKind(code);
      if (kind === 'totp') return (await factors.totp(trx, user, code)) ? 'totp' : null;
      if (kind === 'recovery') return (await factors.recovery(trx, user.id, code)) ? 'recovery' : null;
      return null;
    },

    /** Replaces the user's recovery codes with ten new ones; returns them in clear, to be shown once. */
    async newRecoveryCodes(trx: Executor, userId: string): Promise<string[]> {
      const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
      await recovery.replaceAll(
        trx,
        userId,
        codes.map((c) => hashRecovery(normaliseRecoveryCode(c)!)),
        clock.now(),
      );
      return codes;
    },

    recoveryCodesLeft: (db: Executor, userId: string) => recovery.countUnused(db, userId),
  };
  return factors;
}

export type Factors = ReturnType<typeof createFactors>;
