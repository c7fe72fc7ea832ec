// Failed attempts of any factor (password, TOTP, recovery code, enrolment
// code or link): counted per address and, when an account is named, per
// account; audited, and so are the locks they cause.
import type { Actor } from '../actor.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { Clock } from '../clock.ts';
import { TooManyRequests } from '../errors.ts';
import type { Executor, Trx } from '../store/db.ts';
import type { Throttle } from './throttle.ts';

export interface FailedAttempt {
  /** The email the attempt named (known or not): counts against that account. */
  email?: string;
  /** The user concerned, when known (audit target). */
  userId?: string;
  action: 'user.login_failed' | 'user.enrol_failed' | 'user.reauth_failed';
  /** Never the value typed. */
  details: { factor: 'password' | 'totp' | 'recovery' | 'code' | 'link'; reason: string };
}

export function lockedError(retryAfterSeconds: number): TooManyRequests {
  return new TooManyRequests('auth.locked', `Too many failed attempts: try again in ${Math.ceil(retryAfterSeconds / 60)} min`, retryAfterSeconds, { retryAfterSeconds });
}

export function createAttempts(deps: { throttle: Throttle; audit: AuditService; clock: Clock }) {
  const { throttle, audit } = deps;
  const now = () => deps.clock.now();

  return {
    /** Throws 429 while the address, or the account of this email, is locked. */
    async assertAllowed(db: Executor, actor: Actor, email?: string): Promise<void> {
      const address = 'address' in actor ? actor.address : undefined;
      const subjects = [throttle.addressSubject(address), ...(email ? [throttle.accountSubject(email)] : [])];
      let wait = 0;
      for (const s of subjects) wait = Math.max(wait, await throttle.retryAfterSeconds(db, s));
      if (wait > 0) {
        throw lockedError(wait);
      }
    },

    /** Counts and audits a failure in the caller's transaction; says whether the account is now locked. */
    async fail(trx: Trx, actor: Actor, attempt: FailedAttempt): Promise<{ accountLocked: boolean; retryAfterSeconds: number }> {
      const address = 'address' in actor ? actor.address : undefined;
      const target = attempt.userId ? { type: 'user', id: attempt.userId } : undefined;
      await audit.record(trx, { actor, action: attempt.action, target, details: { ...attempt.details, ...(attempt.email !== undefined ? { knownAccount: attempt.userId !== undefined } : {}) } });
      const byAddress = await throttle.recordFailure(trx, 'address', throttle.addressSubject(address));
      if (byAddress.locked) {
        await audit.record(trx, { actor, action: 'auth.address_locked', details: { until: byAddress.until, lockouts: byAddress.lockouts } });
      }
      if (!attempt.email) return { accountLocked: false, retryAfterSeconds: 0 };
      const byAccount = await throttle.recordFailure(trx, 'account', throttle.accountSubject(attempt.email));
      if (byAccount.locked) {
        await audit.record(trx, { actor, action: 'user.locked', target, details: { until: byAccount.until, lockouts: byAccount.lockouts, knownAccount: attempt.userId !== undefined } });
      }
      return { accountLocked: byAccount.locked, retryAfterSeconds: byAccount.locked ? Math.ceil((byAccount.until - now()) / 1000) : 0 };
    },

    /** Both factors passed: the account's failures and locks are forgotten (the address's are not). */
    async succeed(trx: Trx, email: string): Promise<void> {
      await throttle.recordSuccess(trx, throttle.accountSubject(email));
    },
  };
}

export type Attempts = ReturnType<typeof createAttempts>;
