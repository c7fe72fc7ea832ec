// Failed attempts of any factor (password, TOTP, recovery code, enrolment
// code or link): counted per address and, when an account is named, per
// account; audited, and so are the locks they cause.
//
// Checking the lock, verifying and counting the failure are one step per
// account (`serialised`): otherwise parallel guesses all pass the check before
// the first failure is counted, and the lock limits nothing.
import type { Actor } from '../actor.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { Clock } from '../clock.ts';
import { TooManyRequests } from '../errors.ts';
import { lockInTransaction, type Db, type Dialect, type Executor, type Trx } from '../store/db.ts';
import { inTransaction } from '../store/transaction.ts';
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
  return new TooManyRequests(
    'auth.locked',
    `Too many failed attempts: try again in ${Math.ceil(retryAfterSeconds / 60)} min`,
    retryAfterSeconds,
    { retryAfterSeconds },
  );
}

export function createAttempts(deps: {
  db: Db;
  dialect: Dialect;
  throttle: Throttle;
  audit: AuditService;
  clock: Clock;
}) {
  const { db, dialect, throttle, audit } = deps;
  const now = () => deps.clock.now();
  // Per key, the tail of the steps waiting in this process: a guess that will
  // be refused by the lock waits its turn instead of spending argon2 time.
  const queues = new Map<string, Promise<unknown>>();

  function queued<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const run = (queues.get(key) ?? Promise.resolve()).then(fn);
    const tail = run.catch(() => undefined);
    queues.set(key, tail);
    void tail.then(() => {
      if (queues.get(key) === tail) queues.delete(key);
    });
    return run;
  }

  return {
    /**
     * Runs one attempt on an account (or on another subject, e.g. an enrolment
     * link: `{ key }`) as the only one in progress: queued in this process and,
     * on PostgreSQL, in a transaction holding the subject's advisory lock, so
     * that other instances wait too. `step` gets that transaction (on SQLite,
     * the database: one process owns the file, the queue is enough, and a
     * transaction held during argon2 would stop every other writer). It must
     * run every query on the executor it is given, and return a failure rather
     * than throw it, so that the count is committed.
     */
    async serialised<T>(subject: { email: string } | { key: string }, step: (db: Executor) => Promise<T>): Promise<T> {
      const key = 'email' in subject ? throttle.accountSubject(subject.email) : subject.key;
      return queued(key, () =>
        dialect === 'postgres'
          ? inTransaction(db, async (trx) => {
              // The key recordFailure takes too: the same lock, taken again by the same transaction.
              await lockInTransaction(trx, dialect, `vigie:throttle:${key}`);
              return step(trx);
            })
          : step(db),
      );
    },

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
    async fail(
      trx: Trx,
      actor: Actor,
      attempt: FailedAttempt,
    ): Promise<{ accountLocked: boolean; retryAfterSeconds: number }> {
      const address = 'address' in actor ? actor.address : undefined;
      const target = attempt.userId ? { type: 'user', id: attempt.userId } : undefined;
      await audit.record(trx, {
        actor,
        action: attempt.action,
        target,
        details: {
          ...attempt.details,
          ...(attempt.email !== undefined ? { knownAccount: attempt.userId !== undefined } : {}),
        },
      });
      const byAddress = await throttle.recordFailure(trx, 'address', throttle.addressSubject(address));
      if (byAddress.locked) {
        await audit.record(trx, {
          actor,
          action: 'auth.address_locked',
          details: { until: byAddress.until, lockouts: byAddress.lockouts },
        });
      }
      if (!attempt.email) return { accountLocked: false, retryAfterSeconds: 0 };
      const byAccount = await throttle.recordFailure(trx, 'account', throttle.accountSubject(attempt.email));
      if (byAccount.locked) {
        await audit.record(trx, {
          actor,
          action: 'user.locked',
          target,
          details: { until: byAccount.until, lockouts: byAccount.lockouts, knownAccount: attempt.userId !== undefined },
        });
      }
      return {
        accountLocked: byAccount.locked,
        retryAfterSeconds: byAccount.locked ? Math.ceil((byAccount.until - now()) / 1000) : 0,
      };
    },

    /** Both factors passed: the account's failures and locks are forgotten (the address's are not). */
    async succeed(trx: Trx, email: string): Promise<void> {
      await throttle.recordSuccess(trx, throttle.accountSubject(email));
    },
  };
}

export type Attempts = ReturnType<typeof createAttempts>;
